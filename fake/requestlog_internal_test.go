package fake

import (
	"net/http"
	"net/http/httptest"
	"strings"
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

// A body written with writeShared is journaled as it is, and also once a later write follows it (the journal then
// copies it), and the answer is complete with its last declared byte either way.
func TestSharedAnswerBodies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes func(rec *answerRecorder)
		want   string
	}{
		{"shared alone", func(rec *answerRecorder) { rec.writeShared([]byte("0123456789")) }, "0123456789"},
		{"shared then written", func(rec *answerRecorder) {
			rec.writeShared([]byte("01234"))
			rec.Write([]byte("56789"))
		}, "0123456789"},
		{"written then shared", func(rec *answerRecorder) {
			rec.Write([]byte("01234"))
			rec.writeShared([]byte("56789"))
		}, "0123456789"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			rec := &answerRecorder{ResponseWriter: w}
			calls := 0
			rec.complete = func() { calls++ }
			rec.Header().Set("Content-Length", "10")
			rec.WriteHeader(http.StatusOK)
			tc.writes(rec)
			if calls != 1 {
				t.Errorf("completed %d times by the last byte, want once", calls)
			}
			if got := string(rec.body()); got != tc.want || w.Body.String() != tc.want {
				t.Errorf("journaled %q, sent %q, want %q", got, w.Body.String(), tc.want)
			}
		})
	}
}

// A shown user is journaled with the very bytes the client got, JSON and XML, from the rendering cache or not, and
// the journal's copy survives the cache being dropped by a write.
func TestJournalHoldsShownUsers(t *testing.T) {
	f, tok := internalFake(t, Options{Users: 5, Seed: 2})
	var sent []string
	for _, accept := range []string{"application/json", "application/xml", "application/json", "application/xml"} {
		w := serve(f, tok, http.MethodGet, "/api/users/3", accept, "")
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", accept, w.Code, w.Body)
		}
		sent = append(sent, w.Body.String())
	}
	serve(f, tok, http.MethodPut, "/api/users/3", "application/json", `{"firstname":"Other"}`)
	got := f.Requests(RequestFilter{Method: http.MethodGet})
	if len(got) != len(sent) {
		t.Fatalf("journaled %d shows, want %d", len(got), len(sent))
	}
	for i, e := range got {
		if e.ResponseBody != sent[i] || strings.Contains(e.ResponseBody, "Other") {
			t.Errorf("show %d journaled as\n%.300s\nsent\n%.300s", i+1, e.ResponseBody, sent[i])
		}
	}
}
