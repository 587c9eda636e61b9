package fake_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

func pngBytes(t *testing.T, size int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, size, size))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// multipartFile is a multipart/form-data body with data as its file field, and its Content-Type.
func multipartFile(t *testing.T, field string, data []byte) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	part, err := mw.CreateFormFile(field, "avatar.png")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

func TestAvatarRoundTrip(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, Seed: 1})
	img := pngBytes(t, 3)
	body, ct := multipartFile(t, "file", img)
	r := call(t, s, http.MethodPut, "/api/users/3/avatar", body, header{"Content-Type", ct}, header{"Accept", "application/json"})
	wantStatus(t, r, http.StatusOK)
	url, _ := r.object(t)["avatar-thumb-url"].(string)
	if !strings.HasSuffix(url, "/api/users/3/avatar") {
		t.Errorf("avatar-thumb-url %q", url)
	}
	for _, path := range []string{"/api/users/3/avatar", "/api/users/3/retrieve_avatar"} {
		got := call(t, s, http.MethodGet, path, "")
		wantStatus(t, got, http.StatusOK)
		if !bytes.Equal(got.body, img) || got.header.Get("Content-Type") != "image/png" {
			t.Errorf("%s: %s, %d bytes", path, got.header.Get("Content-Type"), len(got.body))
		}
	}
	// POST answers 201; the image itself as the body works too; the answer follows Accept.
	r = call(t, s, http.MethodPost, "/api/users/3/avatar", string(pngBytes(t, 4)), header{"Content-Type", "image/png"},
		header{"Accept", "application/xml"})
	wantStatus(t, r, http.StatusCreated)
	if !strings.Contains(string(r.body), "<avatar-thumb-url>") {
		t.Errorf("XML answer: %.300s", r.body)
	}
	r = call(t, s, http.MethodDelete, "/api/users/3/avatar", "", header{"Accept", "application/json"})
	wantStatus(t, r, http.StatusOK)
	if v, present := r.object(t)["avatar-thumb-url"]; !present || v != nil {
		t.Errorf("after the delete, avatar-thumb-url %v", v)
	}
	wantStatus(t, call(t, s, http.MethodGet, "/api/users/3/avatar", ""), http.StatusNotFound)
}

func TestAvatarRefusals(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, Seed: 1})
	good, goodCT := multipartFile(t, "file", pngBytes(t, 2))
	text, textCT := multipartFile(t, "file", []byte("not an image at all"))
	other, otherCT := multipartFile(t, "picture", pngBytes(t, 2))
	big := append(pngBytes(t, 2), bytes.Repeat([]byte{0}, fake.MaxAvatarBytes)...)
	for name, c := range map[string]struct {
		method, path, body, ct string
		status                 int
		message                string
	}{
		"not an image":    {http.MethodPut, "/api/users/3/avatar", text, textCT, http.StatusBadRequest, "Avatar content type is invalid"},
		"no file field":   {http.MethodPut, "/api/users/3/avatar", other, otherCT, http.StatusBadRequest, "Avatar can't be blank"},
		"an empty image":  {http.MethodPut, "/api/users/3/avatar", "", "image/png", http.StatusBadRequest, "Avatar can't be blank"},
		"too large":       {http.MethodPut, "/api/users/3/avatar", string(big), "image/png", http.StatusRequestEntityTooLarge, "at most"},
		"JSON":            {http.MethodPut, "/api/users/3/avatar", `{"file":"x"}`, "application/json", http.StatusUnsupportedMediaType, "multipart/form-data"},
		"an unknown user": {http.MethodPut, "/api/users/999/avatar", good, goodCT, http.StatusNotFound, "Couldn't find User"},
		"no avatar yet":   {http.MethodGet, "/api/users/3/avatar", "", "", http.StatusNotFound, "no avatar"},
	} {
		t.Run(name, func(t *testing.T) {
			r := call(t, s, c.method, c.path, c.body, header{"Content-Type", c.ct}, header{"Accept", "application/json"})
			wantStatus(t, r, c.status)
			if msgs := r.errors(t); !containsMessage(msgs, c.message) {
				t.Errorf("messages %v, want one with %q", msgs, c.message)
			}
		})
	}
	// Nothing refused left an avatar behind.
	wantStatus(t, call(t, s, http.MethodGet, "/api/users/3/avatar", ""), http.StatusNotFound)
	if u := getJSON(t, s, "/api/users/3").object(t); u["avatar-thumb-url"] != nil {
		t.Errorf("avatar-thumb-url %v after refusals", u["avatar-thumb-url"])
	}
}
