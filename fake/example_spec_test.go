package fake_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/coupa-kit/coupa-users/fake"
	"github.com/coupa-kit/coupa-users/internal/railsxml"
	"github.com/coupa-kit/coupa-users/spec"
)

// createExample is the OpenAPI document's example request body of POST /api/users.
func createExample(t *testing.T) (map[string]any, *spec.Spec) {
	t.Helper()
	sp := spec.MustLoad()
	item := sp.Doc.Paths.Find("/api/users")
	if item == nil || item.Post == nil || item.Post.RequestBody == nil || item.Post.RequestBody.Value == nil {
		t.Fatal("the spec has no POST /api/users with a request body")
	}
	mt := item.Post.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		t.Fatal("POST /api/users has no JSON request schema")
	}
	ex, ok := mt.Schema.Value.Example.(map[string]any)
	if !ok || len(ex) == 0 {
		t.Fatalf("POST /api/users has no example body: %v", mt.Schema.Value.Example)
	}
	return ex, sp
}

// The spec's own create example succeeds against a fake started with its defaults (the Options' zero seed, and
// serve's --seed 1), in JSON and in XML, and the user it creates has what it asked for: every reference in it names
// something the default fake holds.
func TestSpecCreateExampleSucceeds(t *testing.T) {
	example, sp := createExample(t)
	body, err := json.Marshal(example)
	if err != nil {
		t.Fatal(err)
	}
	xmlBody, err := railsxml.Marshal("user", example, sp.Schema("UserCreate"))
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []int64{0, 1} {
		for _, asXML := range []bool{false, true} {
			s := newServer(t, fake.Options{Users: 100, Seed: seed})
			var u map[string]any
			if asXML {
				r := call(t, s, http.MethodPost, "/api/users", string(xmlBody),
					header{"Content-Type", "application/xml"}, header{"Accept", "application/xml"})
				wantStatus(t, r, http.StatusCreated)
				_, v := r.xml(t, "User")
				u = v.(map[string]any)
			} else {
				r := call(t, s, http.MethodPost, "/api/users", string(body), jsonHeaders()...)
				wantStatus(t, r, http.StatusCreated)
				u = r.object(t)
			}
			if u["login"] != example["login"] {
				t.Errorf("seed %d, xml %v: login %v, want %v", seed, asXML, u["login"], example["login"])
			}
			want := example["manager"].(map[string]any)
			if m, _ := u["manager"].(map[string]any); m == nil || !sameRef(m, want) {
				t.Errorf("seed %d, xml %v: manager %v, want the one the example names (%v)", seed, asXML, u["manager"], want)
			}
			if d, _ := u["department"].(map[string]any); d == nil || d["name"] != "Sales" {
				t.Errorf("seed %d, xml %v: department %v", seed, asXML, u["department"])
			}
		}
	}
}

// sameRef reports whether a returned reference is the one a request named: every key the request gave matches.
func sameRef(got, named map[string]any) bool {
	for k, v := range named {
		if got[k] != v {
			return false
		}
	}
	return true
}
