package fake

import "testing"

// The avatars held together stay under MaxAvatarStorage: an upload past it is refused, a replacement counts only
// what it adds, and a deletion frees its bytes.
func TestAvatarStorageIsBounded(t *testing.T) {
	a := newAvatars()
	img := make([]byte, MaxAvatarBytes)
	n := 0
	for id := int64(1); a.put(id, avatar{data: img}); id++ {
		n++
	}
	if n != MaxAvatarStorage/MaxAvatarBytes {
		t.Fatalf("%d avatars of %d bytes fit; want %d", n, MaxAvatarBytes, MaxAvatarStorage/MaxAvatarBytes)
	}
	if !a.put(1, avatar{data: img}) {
		t.Error("replacing an avatar with one of the same size was refused")
	}
	a.remove(1)
	if !a.put(int64(n+1), avatar{data: img}) {
		t.Error("a deletion freed nothing")
	}
	if a.bytes != MaxAvatarStorage {
		t.Errorf("%d bytes counted, want %d", a.bytes, MaxAvatarStorage)
	}
}
