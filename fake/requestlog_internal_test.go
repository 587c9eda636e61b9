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
