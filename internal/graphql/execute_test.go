package graphql

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
)

// recorder is a Source that records the query it is given and answers one user, or err.
type recorder struct {
	got url.Values
	err error
}

func (r *recorder) Users(_ context.Context, q url.Values) ([]map[string]any, error) {
	r.got = q
	if r.err != nil {
		return nil, r.err
	}
	return []map[string]any{{"id": json.Number("7"), "employee-number": "E7", "active": true, "roles": []any{}}}, nil
}

func (r *recorder) User(_ context.Context, id int64) (map[string]any, bool, error) {
	return map[string]any{"id": json.Number("7")}, id == 7, nil
}

func run(t *testing.T, src Source, query string) map[string]any {
	t.Helper()
	ex, err := New(spec.MustLoad(), src)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ex.Do(context.Background(), Request{Query: query}))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestUsersPassesTheQueryString(t *testing.T) {
	for query, want := range map[string]string{
		// baton-coupa's first page: nothing before the "&".
		`{ users(query: "&type[blank]=true") { id } }`:                     "type[blank]=true",
		`{ users(query: "id[gt]=5&limit=9", limit: 2, offset: 3) { id } }`: "id[gt]=5&limit=2&offset=3",
		`{ users { id } }`: "",
		`{ users(query: "login[contains]=a%26b&status=active") { id } }`: "login[contains]=a%26b&status=active",
	} {
		var r recorder
		m := run(t, &r, query)
		if m["errors"] != nil {
			t.Errorf("%s: %v", query, m["errors"])
		}
		w, _ := url.ParseQuery(want)
		if r.got.Encode() != w.Encode() {
			t.Errorf("%s: the source got %q, want %q", query, r.got.Encode(), w.Encode())
		}
	}
}

func TestValuesFollowTheRESTRendering(t *testing.T) {
	m := run(t, &recorder{}, `{ users { id employeeNumber active roles { id } } one: user(id: "7") { id } none: user(id: "x") { id } }`)
	got, _ := json.Marshal(m)
	want := `{"data":{"none":null,"one":{"id":"7"},"users":[{"active":true,"employeeNumber":"E7","id":"7","roles":[]}]}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestSourceErrorsAreGraphQLErrors(t *testing.T) {
	m := run(t, &recorder{err: errors.New("Unknown attribute 'x' in filter 'x'")}, `{ users(query: "x=1") { id } }`)
	errs, _ := m["errors"].([]any)
	if len(errs) != 1 || m["data"] != nil {
		t.Fatalf("%v", m)
	}
	e := errs[0].(map[string]any)
	if e["message"] != "Unknown attribute 'x' in filter 'x'" || len(e["path"].([]any)) != 1 || e["locations"] == nil {
		t.Errorf("%v", e)
	}
}

func TestIntrospectionRuns(t *testing.T) {
	m := run(t, &recorder{}, introspection)
	if m["errors"] != nil {
		t.Fatal(m["errors"])
	}
	b, _ := json.Marshal(m)
	for _, name := range []string{`"User"`, `"UserRef"`, `"employeeNumber"`, `"DateTime"`, `"JSON"`} {
		if !strings.Contains(string(b), name) {
			t.Errorf("introspection lacks %s", name)
		}
	}
}

func TestDecodeRequest(t *testing.T) {
	req, err := DecodeRequest([]byte(`{"query":"{ users { id } }","variables":{"n":1},"operationName":null}`))
	if err != nil || req.Query != "{ users { id } }" || req.Variables["n"] != 1.0 {
		t.Errorf("%+v %v", req, err)
	}
	for _, body := range []string{``, `query { users { id } }`, `[]`, `{"query":1}`, `{"variables":{}}`,
		`{"query":"{ users { id } }"} {}`, `{"query":"x","variables":[1]}`, strings.Repeat("[", 100)} {
		if _, err := DecodeRequest([]byte(body)); !errors.Is(err, ErrNotARequest) {
			t.Errorf("%.40q: %v, want ErrNotARequest", body, err)
		}
	}
}

// A variable declared without a type, which graphql-go's parser accepts and its validator dereferenced (FuzzDo
// found it), is a GraphQL error.
func TestUntypedVariableIsAnError(t *testing.T) {
	for _, q := range []string{`query($A0: ){A}`, `query($a: , $b: Int){ users { id } }`, `query($A:!){A}`, `query($a: [!]){A}`} {
		m := run(t, &recorder{}, q)
		errs, _ := m["errors"].([]any)
		if len(errs) != 1 || !strings.Contains(errs[0].(map[string]any)["message"].(string), "has no type") {
			t.Errorf("%s: %v", q, m)
		}
	}
}
