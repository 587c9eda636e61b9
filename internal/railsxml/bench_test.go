package railsxml

import "testing"

// The benchmarks use coupaUser, a 44-field user with nested associations
// (about 3 KB), read and written with the User schema as the checker and the
// fake server do.

func BenchmarkUnmarshal(b *testing.B) {
	s := schema(b, "User")
	data := []byte(coupaUser)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Unmarshal(data, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshal(b *testing.B) {
	s := schema(b, "User")
	v := coupaUserValue()
	out, err := Marshal("user", v, s)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal("user", v, s); err != nil {
			b.Fatal(err)
		}
	}
}
