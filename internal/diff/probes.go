package diff

import (
	"net/url"
	"strconv"
)

// Areas, in the order reports list them.
var Areas = []string{"index", "filters", "fields", "paging", "show", "errors"}

// probe is one read-only request sent to both sides. ids are the users to show: the same positions of each side's
// first page, since the two number their users differently.
type probe struct {
	area, name string
	path       func(ids []int64) string
	query      url.Values
	accept     string
}

const (
	acceptJSON = "application/json"
	acceptXML  = "application/xml"
)

func fixed(p string) func([]int64) string { return func([]int64) string { return p } }

// showAt is the show of the user at a position of the first page (the last one if the page is shorter).
func showAt(i int) func([]int64) string {
	return func(ids []int64) string {
		if len(ids) == 0 {
			return "/api/users/1"
		}
		return "/api/users/" + strconv.FormatInt(ids[min(i, len(ids)-1)], 10)
	}
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// probes are the requests of a diff: indexes with filters, projections and paging, a sample of shows, errors, in
// JSON and XML.
func probes() []probe {
	var ps []probe
	for _, f := range []struct{ name, accept string }{{"json", acceptJSON}, {"xml", acceptXML}} {
		ps = append(ps,
			probe{"index", "index/" + f.name, fixed("/api/users"), q("limit", "10"), f.accept},
			probe{"filters", "filters/active/" + f.name, fixed("/api/users"), q("active", "true", "limit", "10"), f.accept},
			probe{"filters", "filters/login-contains/" + f.name, fixed("/api/users"), q("login[contains]", "a", "limit", "10"), f.accept},
			probe{"filters", "filters/updated-at-gt/" + f.name, fixed("/api/users"), q("updated-at[gt]", "2000-01-01T00:00:00Z", "limit", "10"), f.accept},
			probe{"fields", "fields/id-login-roles/" + f.name, fixed("/api/users"), q("fields", `["id","login",{"roles":["name"]}]`, "limit", "10"), f.accept},
			probe{"paging", "paging/offset/" + f.name, fixed("/api/users"), q("limit", "5", "offset", "5"), f.accept},
			probe{"paging", "paging/order-desc/" + f.name, fixed("/api/users"), q("order_by", "id", "dir", "desc", "limit", "5"), f.accept},
			probe{"show", "show/first/" + f.name, showAt(0), nil, f.accept},
			probe{"show", "show/middle/" + f.name, showAt(25), nil, f.accept},
			probe{"show", "show/last/" + f.name, showAt(49), nil, f.accept},
			probe{"errors", "errors/unknown-id/" + f.name, fixed("/api/users/999999999"), nil, f.accept},
			probe{"errors", "errors/bad-operator/" + f.name, fixed("/api/users"), q("login[begins]", "a"), f.accept},
			probe{"errors", "errors/unknown-attribute/" + f.name, fixed("/api/users"), q("no-such-attribute", "1"), f.accept},
		)
	}
	return ps
}
