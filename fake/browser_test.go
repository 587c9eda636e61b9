package fake_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
)

// browserCall sends what a web page can make a browser send: no Authorization, the headers given, and Host
// overridden when host is not "".
func browserCall(t *testing.T, s *fake.Server, method, path, host, body string, headers ...header) response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	return send(t, req, headers...)
}

// TestAdminRefusesWebPages plays the requests a page of another site can make a browser on the fake's machine send:
// each is refused with 403 and a JSON error, and changes nothing.
func TestAdminRefusesWebPages(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	const evil = "https://evil.example"
	for _, c := range []struct {
		name, method, path, host, body string
		headers                        []header
	}{
		{"text/plain replace", "POST", "/users?mode=replace", "", "[]", []header{{"Content-Type", "text/plain"}}},
		{"form post", "POST", "/users?mode=replace", "", "[]", []header{{"Content-Type", "application/x-www-form-urlencoded"}}},
		{"bodiless reset", "POST", "/reset", "", "", nil},
		{"multipart clock", "POST", "/clock/advance", "", `{"by":"1000h"}`, []header{{"Content-Type", "multipart/form-data; boundary=x"}}},
		{"cross-site Origin", "PUT", "/clock", "", `{"now":"2030-01-01T00:00:00Z"}`,
			[]header{{"Content-Type", "application/json"}, {"Origin", evil}}},
		{"another port of localhost", "POST", "/reset", "", "", []header{{fake.AdminHeader, "1"}, {"Origin", "http://localhost:3000"}}},
		{"null Origin", "POST", "/reset", "", "", []header{{fake.AdminHeader, "1"}, {"Origin", "null"}}},
		{"Sec-Fetch-Site cross-site", "GET", "/state", "", "", []header{{"Sec-Fetch-Site", "cross-site"}}},
		{"Sec-Fetch-Site same-site", "GET", "/state", "", "", []header{{"Sec-Fetch-Site", "same-site"}}},
		{"rebound state dump", "GET", "/state", "evil.example:8080", "", nil},
		{"rebound token mint", "POST", "/tokens", "evil.example:8080", `{}`, []header{{"Content-Type", "application/json"}}},
		{"rebound same-origin mint", "POST", "/tokens", "evil.example:8080", `{}`,
			[]header{{"Content-Type", "application/json"}, {"Origin", "http://evil.example:8080"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := browserCall(t, s, c.method, fake.AdminPrefix+c.path, c.host, c.body, c.headers...)
			wantStatus(t, r, http.StatusForbidden)
			if msg, _ := r.object(t)["error"].(string); msg == "" {
				t.Errorf("no error message: %s", r.body)
			}
			if strings.Contains(string(r.body), "access_token") {
				t.Errorf("a token came back: %s", r.body)
			}
		})
	}
	if n, _ := s.Len(t.Context()); n != 5+3 {
		t.Errorf("%d users after the refused requests, want 8", n)
	}
	if got := s.Clock().Now().Year(); got > 2027 {
		t.Errorf("the clock moved to %d", got)
	}
}

// TestAdminAnswersLocalTools: curl, scripts and same-origin pages keep working.
func TestAdminAnswersLocalTools(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5, AllowedHosts: []string{"fake.test", "other.test:9"}})
	port := s.URL[strings.LastIndexByte(s.URL, ':'):]
	for _, c := range []struct {
		name, method, path, host, body string
		headers                        []header
	}{
		{"bodiless reset with the header", "POST", "/reset", "", "", []header{{fake.AdminHeader, "1"}}},
		{"JSON token mint", "POST", "/tokens", "", `{}`, []header{{"Content-Type", "application/json"}}},
		{"JSON with a charset", "POST", "/clock/advance", "", `{"by":"1s"}`, []header{{"Content-Type", "application/json; charset=utf-8"}}},
		{"same Origin", "POST", "/reset", "", "", []header{{fake.AdminHeader, "1"}, {"Origin", s.URL}}},
		{"Sec-Fetch-Site same-origin", "GET", "/state", "", "", []header{{"Sec-Fetch-Site", "same-origin"}}},
		{"Sec-Fetch-Site none", "GET", "/faults", "", "", []header{{"Sec-Fetch-Site", "none"}}},
		{"localhost", "GET", "/faults", "localhost" + port, "", nil},
		{"a name under localhost", "GET", "/faults", "app.localhost" + port, "", nil},
		{"IPv6 loopback", "GET", "/faults", "[::1]" + port, "", nil},
		{"an allowed name", "GET", "/faults", "fake.test" + port, "", nil},
		{"an allowed name and port", "GET", "/faults", "other.test:9", "", nil},
		{"a GET without headers", "GET", "/clock", "", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantStatus(t, browserCall(t, s, c.method, fake.AdminPrefix+c.path, c.host, c.body, c.headers...), http.StatusOK)
		})
	}
	wantStatus(t, browserCall(t, s, "GET", fake.AdminPrefix+"/faults", "other.test:10", ""), http.StatusForbidden)
}

// TestTokenEndpointRefusesOtherSites: a page cannot mint a token with the (public) default credentials through a
// browser, while server-side clients, which send no Origin and may reach the fake by any name, are served.
func TestTokenEndpointRefusesOtherSites(t *testing.T) {
	s := newServer(t, fake.Options{Users: 5})
	form := "grant_type=client_credentials&client_id=coupa-fake-client&client_secret=coupa-fake-secret"
	ct := header{"Content-Type", "application/x-www-form-urlencoded"}
	for _, path := range []string{fake.TokenPath, fake.AccessTokensPath} {
		wantStatus(t, browserCall(t, s, "POST", path, "", form, ct, header{"Origin", "https://evil.example"}), http.StatusForbidden)
		wantStatus(t, browserCall(t, s, "POST", path, "", form, ct, header{"Sec-Fetch-Site", "cross-site"}), http.StatusForbidden)
		wantStatus(t, browserCall(t, s, "POST", path, "", form, ct), http.StatusOK)
		wantStatus(t, browserCall(t, s, "POST", path, "coupa-fake:8080", form, ct), http.StatusOK)
		wantStatus(t, browserCall(t, s, "POST", path, "", form, ct, header{"Origin", s.URL}), http.StatusOK)
	}
}
