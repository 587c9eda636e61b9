package fake_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/internal/problem"
)

func TestRequestFaultStatus(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	for _, c := range []struct {
		header string
		status int
	}{
		{"status=503", 503},
		{"status=429; delay=5ms", 429},
		{" Status = 500 ,delay=0s", 500},
	} {
		r := call(t, s, http.MethodGet, "/api/users/1", "", header{"Accept", "application/json"}, header{fake.FaultHeader, c.header})
		wantStatus(t, r, c.status)
		if msgs := r.errors(t); len(msgs) != 1 || msgs[0] != problem.RequestFault {
			t.Errorf("%q: messages %q", c.header, msgs)
		}
	}
	// XML, Coupa's default format, gets Coupa's XML error body.
	r := call(t, s, http.MethodPut, "/api/users/1", `{"lastname":"Never"}`, header{"Content-Type", "application/json"},
		header{fake.FaultHeader, "status=502"})
	wantStatus(t, r, 502)
	if !strings.Contains(string(r.body), "<error><![CDATA["+problem.RequestFault+"]]></error>") {
		t.Errorf("XML body: %s", r.body)
	}
	// The faulted write changed nothing, and the next request, without the header, is served.
	if got := getJSON(t, s, "/api/users/1").object(t)["lastname"]; got == "Never" {
		t.Error("a request answered with a fault was applied")
	}
}

func TestRequestFaultDrop(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/users/1", nil)
	req.Header.Set(fake.FaultHeader, "drop")
	resp, err := s.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("drop: an answer, %d", resp.StatusCode)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || !reqs[0].Dropped || reqs[0].Status != 0 {
		t.Errorf("the journal: %+v", reqs)
	}
}

// A delay ends when the client goes away: the handler returns, and the journal holds the request.
func TestRequestFaultDelayEndsWithTheClient(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/users/1", nil)
	req.Header.Set(fake.FaultHeader, "delay=1m")
	if resp, err := s.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		if err == nil {
			resp.Body.Close()
		}
		t.Fatalf("a one-minute delay: %v", err)
	}
	// Without the journal entry in 10 s, the handler still sleeps: the delay ignored the client's leaving.
	for deadline := time.Now().Add(10 * time.Second); len(s.Requests()) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the delayed request is still being served after its client left")
		}
	}
}

func TestRequestFaultBadHeader(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	for _, v := range []string{"status=200", "status=abc", "status=", "delay=2m", "delay=-1s", "delay=soon", "explode",
		"drop=yes", "status=503; boom=1"} {
		r := call(t, s, http.MethodGet, "/api/users/1", "", header{"Accept", "application/json"}, header{fake.FaultHeader, v})
		wantStatus(t, r, 400)
		if msgs := r.errors(t); len(msgs) != 1 || !strings.HasPrefix(msgs[0], "Invalid X-Coupa-Fake-Fault header: ") {
			t.Errorf("%q: %q", v, msgs)
		}
	}
}

func TestRequestFaultsOff(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, NoRequestFaults: true})
	for _, v := range []string{"status=503", "drop", "nonsense"} {
		wantStatus(t, call(t, s, http.MethodGet, "/api/users/1", "", header{fake.FaultHeader, v}), 200)
	}
}
