package fake_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/internal/bounds"
	"github.com/coupa-kit/coupa-users/spec"
)

// costCase is a request built to be expensive, and the refusal it must get.
type costCase struct {
	name    string
	method  string
	target  string
	ctype   string
	body    string
	message string // part of the one message of the 400's error body
}

// size is what the request's cost is measured against: its body, or its query for a GET.
func (c costCase) size() int { return len(c.body) + len(c.target) }

// worstRequests are the most expensive requests of each shape that fit the fake's limits on size: a body of up to
// MaxBodyBytes, a query of up to the server's 1 MiB of headers.
func worstRequests() []costCase {
	const mib = 1 << 20
	deepJSON := `{"login":"x","roles":` + strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + `}` // 20 KB
	deepObjects := `{"login":"x","roles":` + strings.Repeat(`{"a":`, 9990) + "1" + strings.Repeat("}", 9990) + `}`
	wideArray := `{"login":"x","roles":[` + strings.Repeat("1,", mib/2-20) + `1]}`
	wideRoles := `{"login":"x","roles":[` + strings.Repeat(`{"name":"Buyer"},`, mib/17-4) + `{"name":"Buyer"}]}`
	var keys strings.Builder
	for i := 0; keys.Len() < mib-32; i++ {
		fmt.Fprintf(&keys, `,"k%d":1`, i)
	}
	manyKeys := `{"login":"x"` + keys.String() + `}`
	longString := `{"login":"` + strings.Repeat("a", mib-20) + `"}`
	longRole := `{"login":"x","roles":[{"name":"` + strings.Repeat("é", mib/2-40) + `"}]}`
	deepXML := "<user>" + strings.Repeat("<a>", 9990) + strings.Repeat("</a>", 9990) + "</user>"
	wideXML := "<user><roles>" + strings.Repeat("<role><name>B</name></role>", mib/27-2) + "</roles></user>"
	manyXML := "<user>" + strings.Repeat("<a/>", mib/4-4) + "</user>"
	longName := "<user>" + strings.Repeat("<"+strings.Repeat("n", 8000)+">", 60) + "</user>"

	q := url.QueryEscape
	deepFields := strings.Repeat(`[{"roles":`, 400) + `["id"]` + strings.Repeat("}]", 400)
	wideFields := "[" + strings.Repeat(`"login",`, mib/8-4) + `"id"]`
	return []costCase{
		{"deep JSON arrays", "POST", "/api/users", "application/json", deepJSON, "nests deeper than"},
		{"deep JSON objects", "POST", "/api/users", "application/json", deepObjects, "nests deeper than"},
		{"wide JSON array", "POST", "/api/users", "application/json", wideArray, "holds more than"},
		{"many roles", "POST", "/api/users", "application/json", wideRoles, "holds more than"},
		{"many keys", "POST", "/api/users", "application/json", manyKeys, "holds more than"},
		{"long string", "POST", "/api/users", "application/json", longString, "Login is too long"},
		{"long role name", "POST", "/api/users", "application/json", longRole, "Unable to find valid Role"},
		{"deep XML", "POST", "/api/users", "application/xml", deepXML, "nests deeper than"},
		{"wide XML", "POST", "/api/users", "application/xml", wideXML, "holds more than"},
		{"many XML elements", "POST", "/api/users", "application/xml", manyXML, "holds more than"},
		{"long XML names", "POST", "/api/users", "application/xml", longName, "nests deeper than"},
		{"deep update", "PUT", "/api/users/4", "application/json", deepJSON, "nests deeper than"},
		{"deep fields", "GET", "/api/users?fields=" + q(deepFields), "", "", "longer than"},
		{"deep fields within length", "GET", "/api/users?fields=" + q(deepFields[:spec.MaxFieldsLength/2]), "", "", "nests deeper than"},
		{"wide fields", "GET", "/api/users?fields=" + q(wideFields), "", "", "longer than"},
		{"long in list", "GET", "/api/users?login[in]=" + strings.Repeat("a,", mib/2-20), "", "", "longer than"},
		{"long contains", "GET", "/api/users?login[contains]=" + strings.Repeat("a", mib-40), "", "", "longer than"},
		{"long order_by", "GET", "/api/users?order_by=" + strings.Repeat("a", mib-40), "", "", "longer than"},
		// Under 10,000 parameters: beyond, net/url refuses the whole query, and the fake sees none of it.
		{"many conditions", "GET", "/api/users?" + strings.Repeat("id[gt]=1&", 5000), "", "", "more than"},
	}
}

// TestRequestCostIsBounded sends the most expensive requests of each shape and measures the bytes the fake
// allocates to answer each: every one must be refused with 400 and Coupa's error body for at most
// 64 bytes allocated per byte of request and a constant (before the bounds, a deep `fields` cost over 1,200 times
// its size, a body of many XML elements 138 times).
func TestRequestCostIsBounded(t *testing.T) {
	f, err := fake.New(fake.Options{Users: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := f.Token()
	if err != nil {
		t.Fatal(err)
	}
	const perByte, constant = 64, 1 << 20
	for _, c := range worstRequests() {
		t.Run(c.name, func(t *testing.T) {
			serve := func() *httptest.ResponseRecorder {
				r := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
				r.Header.Set("Authorization", "Bearer "+tok)
				r.Header.Set("Accept", "application/json")
				if c.ctype != "" {
					r.Header.Set("Content-Type", c.ctype)
				}
				w := httptest.NewRecorder()
				f.ServeHTTP(w, r)
				return w
			}
			w := serve()
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), c.message) {
				t.Fatalf("status %d, want 400 with %q; body %.300s", w.Code, c.message, w.Body.String())
			}
			if w.Body.Len() > 4<<10 {
				t.Errorf("the error body is %d bytes: messages must quote a short prefix of bad values", w.Body.Len())
			}
			// The least of three runs: the counter is the process's, and the runtime allocates on its own too.
			alloc := uint64(1 << 63)
			for range 3 {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				serve()
				runtime.ReadMemStats(&after)
				alloc = min(alloc, after.TotalAlloc-before.TotalAlloc)
			}
			budget := uint64(perByte*c.size() + constant)
			t.Logf("%d bytes of request: %d bytes allocated (%.1f per byte)", c.size(), alloc, float64(alloc)/float64(c.size()))
			if alloc > budget {
				t.Errorf("%d bytes allocated for %d bytes of request, over the budget of %d", alloc, c.size(), budget)
			}
		})
	}
}

// TestBoundsLeaveRealRequestsAlone: what real clients send stays far inside the bounds.
func TestBoundsLeaveRealRequestsAlone(t *testing.T) {
	s := newServer(t, fake.Options{})
	roles := make([]map[string]any, 0, 50)
	for range 50 {
		roles = append(roles, map[string]any{"name": "Buyer"})
	}
	r := sendJSON(t, s, http.MethodPost, "/api/users", map[string]any{
		"login": "jdoe", "email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe", "roles": roles,
		"manager": map[string]any{"login": "coupa-fake-client"}, "default-address": map[string]any{"name": "x"},
	})
	if r.status != http.StatusCreated && !strings.Contains(string(r.body), "Unable to find") {
		wantStatus(t, r, http.StatusCreated)
	}
	xml := `<user><login>jroe</login><email>jroe@example.com</email><firstname>J</firstname><lastname>Roe</lastname>` +
		`<roles type="array">` + strings.Repeat(`<role><name>Buyer</name></role>`, 50) + `</roles></user>`
	wantStatus(t, call(t, s, http.MethodPost, "/api/users", xml, header{"Content-Type", "application/xml"}), http.StatusCreated)
	fields := `["id","login",{"roles":["id","name"]},{"manager":["id","login"]}]`
	wantStatus(t, getJSON(t, s, "/api/users?fields="+url.QueryEscape(fields)), http.StatusOK)
	ids := strings.TrimSuffix(strings.Repeat("12345,", 500), ",")
	wantStatus(t, getJSON(t, s, "/api/users?id[in]="+ids), http.StatusOK)
	many := strings.Repeat("id[not_eq]=1&", bounds.MaxConditions)
	wantStatus(t, getJSON(t, s, "/api/users?"+many), http.StatusOK)
}
