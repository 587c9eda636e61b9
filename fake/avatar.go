package fake

import (
	"cmp"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/coupa-kit/coupa-users/fake/auth"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/internal/store"
)

// The avatar's limits. Coupa publishes none; these are the fake's, so that no upload can hold much memory.
const (
	// MaxAvatarBytes is the largest avatar an upload may carry.
	MaxAvatarBytes = 2 << 20
	// MaxAvatarStorage bounds the bytes of every avatar held together.
	MaxAvatarStorage = 64 << 20
)

// avatarTypes are the images an avatar may be, read from its bytes (http.DetectContentType), not from what the
// upload claims.
var avatarTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// avatar is one user's image.
type avatar struct {
	data        []byte
	contentType string
}

// avatars holds users' images in memory; they are not part of the state file (--state), so after a restart a
// user's avatar-thumb-url names an image the fake no longer has (GET answers 404).
type avatars struct {
	mu    sync.Mutex
	m     map[int64]avatar
	bytes int
}

func newAvatars() *avatars { return &avatars{m: map[int64]avatar{}} }

func (a *avatars) get(id int64) (avatar, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v, ok := a.m[id]
	return v, ok
}

// put stores a user's image, replacing the one it had; false when the storage bound would be passed.
func (a *avatars) put(id int64, v avatar) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.bytes-len(a.m[id].data)+len(v.data) > MaxAvatarStorage {
		return false
	}
	a.bytes += len(v.data) - len(a.m[id].data)
	a.m[id] = v
	return true
}

func (a *avatars) remove(id int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.bytes -= len(a.m[id].data)
	delete(a.m, id)
}

func (a *avatars) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	clear(a.m)
	a.bytes = 0
}

// avatarRoutes are the avatar's operations of Coupa's R39 Swagger: download (also at retrieve_avatar), upload
// (multipart/form-data, field file; PUT answers 200, POST 201) and delete, each answering with the user.
func (f *Fake) avatarRoutes(handle func(path string, scope string, h http.HandlerFunc, methods ...string)) {
	handle("/api/users/{id:[^/.]+}/avatar", auth.ScopeRead, f.getAvatar, http.MethodGet, http.MethodHead)
	handle("/api/users/{id:[^/.]+}/retrieve_avatar", auth.ScopeRead, f.getAvatar, http.MethodGet, http.MethodHead)
	handle("/api/users/{id:[^/.]+}/avatar", auth.ScopeWrite, f.putAvatar(http.StatusOK), http.MethodPut)
	handle("/api/users/{id:[^/.]+}/avatar", auth.ScopeWrite, f.putAvatar(http.StatusCreated), http.MethodPost)
	handle("/api/users/{id:[^/.]+}/avatar", auth.ScopeWrite, f.deleteAvatar, http.MethodDelete)
}

func (f *Fake) getAvatar(w http.ResponseWriter, r *http.Request) {
	u, e := f.userID(r.Context(), r)
	if e != nil {
		f.fail(w, r, e)
		return
	}
	a, ok := f.avatars.get(u.ID)
	if !ok {
		f.fail(w, r, newError(http.StatusNotFound, problem.NoAvatar))
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(a.data)
	}
}

func (f *Fake) putAvatar(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u, e := f.userID(ctx, r)
		if e != nil {
			f.fail(w, r, e)
			return
		}
		data, e := readAvatar(w, r)
		if e != nil {
			e.status = cmp.Or(e.status, f.opts.ValidationStatus)
			f.fail(w, r, e)
			return
		}
		ct := http.DetectContentType(data)
		if !slices.Contains(avatarTypes, ct) {
			f.fail(w, r, &apiError{status: f.opts.ValidationStatus, resource: "user", messages: []string{problem.AvatarType(ct)}})
			return
		}
		if !f.avatars.put(u.ID, avatar{data: data, contentType: ct}) {
			f.fail(w, r, newError(http.StatusRequestEntityTooLarge, problem.AvatarStorageFull(MaxAvatarStorage)))
			return
		}
		url := auth.Issuer(r) + "/api/users/" + strconv.FormatInt(u.ID, 10) + "/avatar"
		updated, err := f.users.SetAvatar(ctx, u.ID, url, f.actorFor(principal(r)))
		if err != nil {
			f.avatars.remove(u.ID) // nothing half-written: the image goes if the user's record could not say so
			f.fail(w, r, f.userWriteFailure(err, u.ID))
			return
		}
		f.sendUser(w, r, status, updated, view{})
	}
}

func (f *Fake) deleteAvatar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, e := f.userID(ctx, r)
	if e != nil {
		f.fail(w, r, e)
		return
	}
	updated, err := f.users.SetAvatar(ctx, u.ID, "", f.actorFor(principal(r)))
	if err != nil {
		f.fail(w, r, f.userWriteFailure(err, u.ID))
		return
	}
	f.avatars.remove(u.ID)
	f.sendUser(w, r, http.StatusOK, updated, view{})
}

// userWriteFailure answers a write to a user's sub-resource that failed: the user gone, or what writeFailure says.
func (f *Fake) userWriteFailure(err error, id int64) *apiError {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(strconv.FormatInt(id, 10))
	}
	return f.writeFailure(err)
}

// readAvatar reads the image of an upload: the file field of a multipart/form-data body, as Coupa's Swagger
// describes it, or a body sent as the image itself (Content-Type: image/png). Its status 0 means "the validation
// status".
func readAvatar(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	// The multipart envelope around the image may add a little.
	r.Body = http.MaxBytesReader(w, r.Body, MaxAvatarBytes+64<<10)
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	tooBig := func(err error) bool {
		var mbe *http.MaxBytesError
		return errors.As(err, &mbe)
	}
	var data []byte
	switch {
	case err == nil && strings.HasPrefix(mt, "image/"):
		data, err = io.ReadAll(r.Body)
	case err == nil && mt == "multipart/form-data":
		var file io.ReadCloser
		if err = r.ParseMultipartForm(MaxAvatarBytes); err == nil {
			file, _, err = r.FormFile("file")
		}
		if errors.Is(err, http.ErrMissingFile) {
			return nil, &apiError{resource: "user", messages: []string{problem.NoAvatarFile}}
		}
		if err == nil {
			defer file.Close()
			data, err = io.ReadAll(io.LimitReader(file, MaxAvatarBytes+1))
		}
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
	default:
		return nil, newError(http.StatusUnsupportedMediaType, problem.UnsupportedAvatarType(r.Header.Get("Content-Type")))
	}
	switch {
	case tooBig(err) || len(data) > MaxAvatarBytes:
		return nil, newError(http.StatusRequestEntityTooLarge, problem.AvatarTooLarge(MaxAvatarBytes))
	case err != nil:
		return nil, newError(http.StatusBadRequest, problem.UnreadableBody(err))
	case len(data) == 0:
		return nil, &apiError{resource: "user", messages: []string{problem.NoAvatarFile}}
	}
	return data, nil
}
