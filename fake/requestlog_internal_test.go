package fake

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// lastByteWriter notes whether the answer was journaled when its last byte was handed to the connection.
type lastByteWriter struct {
	*httptest.ResponseRecorder
	rec             *answerRecorder
	length, written int
	journaledAtLast bool
}

func (w *lastByteWriter) Write(p []byte) (int, error) {
	w.written += len(p)
	if w.written == w.length {
		w.journaledAtLast = w.rec.done
	}
	return w.ResponseRecorder.Write(p)
}

// The server may send an answer with a Content-Length before its handler returns; the journal must hold the
// request before the client can have the whole answer, so before its last byte is written.
func TestAnswerIsJournaledBeforeItsLastByte(t *testing.T) {
	w := &lastByteWriter{ResponseRecorder: httptest.NewRecorder(), length: 10}
	rec := &answerRecorder{ResponseWriter: w}
	w.rec = rec
	calls := 0
	rec.complete = func() { calls++ }
	rec.Header().Set("Content-Length", "10")
	rec.WriteHeader(http.StatusOK)
	rec.Write([]byte("01234"))
	if calls != 0 {
		t.Fatal("journaled before the answer was written")
	}
	rec.Write([]byte("56789"))
	if !w.journaledAtLast {
		t.Error("the last byte went out before the request was journaled")
	}
	rec.finish()
	if calls != 1 {
		t.Errorf("journaled %d times, want once", calls)
	}
}

func TestRedaction(t *testing.T) {
	form := "grant_type=authorization_code&code=abc&code_verifier=xyz&redirect_uri=http%3A%2F%2Fapp&client_secret=s&refresh_token=r"
	want := "grant_type=authorization_code&code=%5BREDACTED%5D&code_verifier=%5BREDACTED%5D&redirect_uri=http%3A%2F%2Fapp" +
		"&client_secret=%5BREDACTED%5D&refresh_token=%5BREDACTED%5D"
	if got := redactForm(form); got != want {
		t.Errorf("a form:\n got %s\nwant %s", got, want)
	}
	answer := `{"access_token":"a1","token_type":"bearer","refresh_token" : "r1","id_token":"i1","scope":"x"}`
	if got := redactTokens(answer); got != `{"access_token":"[REDACTED]","token_type":"bearer","refresh_token":"[REDACTED]","id_token":"[REDACTED]","scope":"x"}` {
		t.Errorf("a token answer: %s", got)
	}
	h := redactHeader(http.Header{"Location": {"http://app/cb?code=abc&state=s1"}, "Authorization": {"Basic Zm9vOmJhcg=="},
		"Set-Cookie": {"sid=1"}})
	if h.Get("Location") != "http://app/cb?code=%5BREDACTED%5D&state=s1" || h.Get("Authorization") != "Basic [REDACTED]" ||
		h.Get("Set-Cookie") != Redacted {
		t.Errorf("headers: %v", h)
	}
}
