package fake_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

func TestTLSTestServer(t *testing.T) {
	s := fake.NewTLSTestServer(t, fake.Options{Users: 5})
	if !strings.HasPrefix(s.URL, "https://") || s.Certificate() == nil {
		t.Fatalf("URL %s, certificate %v", s.URL, s.Certificate())
	}
	resp, err := s.Client().Get(s.URL + "/api/users/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
		t.Errorf("over HTTPS: %d, %s", resp.StatusCode, resp.Proto)
	}
	if resp, err := http.Get(s.URL + "/api/users/1"); err == nil {
		resp.Body.Close()
		t.Error("a client without the certificate trusted the server")
	}
	// The request faults drop an HTTP/2 stream as they drop an HTTP/1 connection.
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/users/1", nil)
	req.Header.Set(fake.FaultHeader, "drop")
	if resp, err := s.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("drop over HTTPS: an answer, %d", resp.StatusCode)
	}
	if reqs := s.Requests(fake.RequestFilter{NewestFirst: true, Limit: 1}); len(reqs) != 1 || !reqs[0].Dropped {
		t.Errorf("the journal: %+v", reqs)
	}
}
