package query

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
	"github.com/coupa-kit/coupa-users/internal/testexit"
	"github.com/coupa-kit/coupa-users/spec"
)

// TestMain records how many inputs the fuzz targets really ran (see internal/fuzzcount).
func TestMain(m *testing.M) { testexit.Exit(fuzzcount.Main(m)) }

// FuzzParse feeds arbitrary query strings: Parse must never panic and must answer an *Error or a Query that runs
// without error against a small store and catalog, and whose page respects limit and order.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"", "login=jdoe", "login[contains]=D&active=true", "manager[login][starts_with]=j", "roles[name]=Buyer",
		"default-currency[code][in]=USD,EUR", "updated_at[gt]=2024-01-02T03:04:05Z", "id[not_in]=1,2&limit=2&offset=1",
		"order_by=lastname&dir=desc", `fields=["id",{"roles":["name"]}]`, "return_object=shallow", "status=inactive",
		"manager[blank]=true", "phone-work[number][contains]=555", "expense-approval-limit[amount][gt]=10.5",
		"login[=x", "foo[bar][baz]=1", "limit=0", "id[gt]=9223372036854775807", "lastname=%E2%84%AAelvin",
		"roles[id]=3&roles[name][not_eq]=Buyer", "created-at[lt_or_eq]=2024-01-01T00:00&_=1",
		"filter=", "filter=ids&limit=1", "filter[x]=1",
	} {
		f.Add(seed)
	}
	st, l := testStore(f)
	f.Fuzz(func(t *testing.T, raw string) {
		fuzzcount.Inc()
		values, _ := url.ParseQuery(raw) // a malformed pair is dropped, as net/http does
		q, err := Parse(values, testSpec)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) || qe.Message == "" {
				t.Fatalf("%q: %v is not an *Error with a message", raw, err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > MaxLimit || q.Offset < 0 || q.OrderBy == nil {
			t.Fatalf("%q: bad paging %+v", raw, q)
		}
		for _, c := range q.Conditions {
			if c.Element == nil || len(c.Values) == 0 {
				t.Fatalf("%q: incomplete condition %+v", raw, c)
			}
		}
		recs, err := Execute(context.Background(), st, l, q, testCatalog)
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if len(recs) > q.Limit {
			t.Fatalf("%q: %d users on a page of %d", raw, len(recs), q.Limit)
		}
		if q.OrderBy.Name == "id" {
			for i := 1; i < len(recs); i++ {
				if (recs[i-1].ID < recs[i].ID) == q.Desc {
					t.Fatalf("%q: out of order: %v", raw, ids(recs))
				}
			}
		}
	})
}

// FuzzFields feeds arbitrary `fields` JSON: ParseFields must never panic, and must answer an *Error or a projection
// whose every name is one the spec returns at that level.
func FuzzFields(f *testing.F) {
	for _, seed := range []string{
		`["id","login",{"roles":["id","name"]}]`, `[{"manager":["login"]}]`, `["roles"]`, `[]`, `[{}]`, `[[["id"]]]`,
		`[{"default-address":["id",{"country":["code"]}]}]`, `["id"`, `{"id":1}`, `["id"] x`, `[1,null,true]`,
		`[{"roles":["id"]},{"roles":["name"]},"roles"]`, `["updated_at","phone_work"]`, "[\"\\u0069d\"]",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		fuzzcount.Inc()
		lenient, lerr := ParseFields(raw, testSpec)
		p, err := Options{StrictFields: true}.ParseFields(raw, testSpec)
		for _, e := range []error{err, lerr} {
			var qe *Error
			if e != nil && (!errors.As(e, &qe) || qe.Param != "fields" || qe.Message == "") {
				t.Fatalf("%q: %v is not an *Error on fields", raw, e)
			}
		}
		if err != nil {
			return
		}
		// What the strict parse accepts, the lenient one reads the same.
		if lerr != nil || projectionNames(lenient) != projectionNames(p) {
			t.Fatalf("%q: lenient %v (%v), strict %v", raw, lenient, lerr, p)
		}
		checkProjection(t, raw, p, nil)
	})
}

// checkProjection walks a projection: at the top (ob nil) names are returned elements, below they are the fields
// of the object.
func checkProjection(t *testing.T, raw string, p *Projection, ob *spec.Object) {
	if p == nil || len(p.Items) == 0 {
		t.Fatalf("%q: an empty projection", raw)
	}
	seen := map[string]bool{}
	for _, it := range p.Items {
		if seen[it.Name] {
			t.Fatalf("%q: %s twice", raw, it.Name)
		}
		seen[it.Name] = true
		var object string
		if ob == nil {
			e := testSpec.Element(it.Name)
			if e == nil || !e.Out || e.Name != it.Name {
				t.Fatalf("%q: %s is not a returned element", raw, it.Name)
			}
			object = e.Object
		} else {
			fl := ob.Field(it.Name)
			if fl == nil || fl.Name != it.Name {
				t.Fatalf("%q: %s is not a field of %s", raw, it.Name, ob.Name)
			}
			object = fl.Object
		}
		if it.Fields != nil {
			sub := testSpec.Objects[object]
			if sub == nil {
				t.Fatalf("%q: %s has nested fields but is no association", raw, it.Name)
			}
			checkProjection(t, raw, it.Fields, sub)
		}
	}
}
