package diff

import (
	"fmt"
	"maps"
	"mime"
	"slices"
	"strings"
)

// Kinds of difference.
const (
	KindStatus      = "status"       // the statuses differ
	KindHeader      = "header"       // a header differs (Content-Type)
	KindMissing     = "missing"      // the tenant has the key or element, the fake never
	KindExtra       = "extra"        // the fake has it, the tenant never
	KindType        = "type"         // both have it, with types that never agree
	KindNullOmitted = "null-omitted" // one side always sends it (null at times), the other leaves it out at times
	KindOrder       = "order"        // the keys or child elements both have come in another order
	KindBody        = "body"         // a body could not be read (not JSON, not XML)
)

// Difference is one structural difference of one probe.
type Difference struct {
	Area   string `json:"area"`
	Probe  string `json:"probe"`
	Kind   string `json:"kind"`
	Path   string `json:"path,omitempty"`
	Tenant string `json:"tenant"`
	Fake   string `json:"fake"`
}

// comparison is the differences of one probe and how many things were compared (the score's denominator).
type comparison struct {
	diffs  []Difference
	checks int
}

func (c *comparison) add(d Difference) { c.diffs = append(c.diffs, d) }

// compareShapes compares two bodies' shapes: every path either side has is one check, and so is the order of
// every container both have.
func compareShapes(c *comparison, d Difference, tenant, fake *shape) {
	paths := slices.Sorted(maps.Keys(union(tenant.types, fake.types)))
	for _, p := range paths {
		c.checks++
		tt, ft := tenant.types[p], fake.types[p]
		parent := parentPath(p)
		switch {
		case ft == nil:
			// Reported where it starts, and only if the fake had somewhere to put it (an empty list is data).
			if fake.filled[parent] > 0 && fake.types[parent] != nil {
				c.add(with(d, KindMissing, p, typeList(tt), "absent"))
			}
		case tt == nil:
			if tenant.filled[parent] > 0 && tenant.types[parent] != nil {
				c.add(with(d, KindExtra, p, "absent", typeList(ft)))
			}
		default:
			tn, fn := nonNull(tt), nonNull(ft)
			if len(tn) > 0 && len(fn) > 0 && disjoint(tn, fn) {
				c.add(with(d, KindType, p, typeList(tt), typeList(ft)))
				continue
			}
			// Null versus omitted: a key one side sends in every object that could hold it, the other not.
			if !strings.HasSuffix(p, "[]") && tenant.objects[parent] > 0 && fake.objects[parent] > 0 {
				tAlways, fAlways := tenant.present[p] == tenant.objects[parent], fake.present[p] == fake.objects[parent]
				if tAlways != fAlways && (tt["null"] || ft["null"] || tt["nil"] || ft["nil"]) {
					c.add(with(d, KindNullOmitted, p, presence(tAlways, tt), presence(fAlways, ft)))
				}
			}
		}
	}
	for _, p := range slices.Sorted(maps.Keys(tenant.order)) {
		fo, ok := fake.order[p]
		if !ok {
			continue
		}
		c.checks++
		to := common(tenant.order[p], fo)
		fc := common(fo, tenant.order[p])
		if !slices.Equal(to, fc) {
			c.add(with(d, KindOrder, p, strings.Join(to, ","), strings.Join(fc, ",")))
		}
	}
}

// compareHeaders compares the media types of Content-Type (parameters such as charset included).
func compareHeaders(c *comparison, d Difference, tenant, fake string) {
	c.checks++
	tm, tp, _ := mime.ParseMediaType(tenant)
	fm, fp, _ := mime.ParseMediaType(fake)
	if tm != fm || !maps.Equal(tp, fp) {
		c.add(with(d, KindHeader, "Content-Type", tenant, fake))
	}
}

func with(d Difference, kind, path, tenant, fake string) Difference {
	d.Kind, d.Path, d.Tenant, d.Fake = kind, path, tenant, fake
	return d
}

func parentPath(p string) string {
	if strings.HasSuffix(p, "[]") {
		return strings.TrimSuffix(p, "[]")
	}
	if i := strings.LastIndexAny(p, "./"); i >= 0 {
		return p[:i]
	}
	return ""
}

func union[V any](a, b map[string]V) map[string]bool {
	u := map[string]bool{}
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

func nonNull(types map[string]bool) map[string]bool {
	out := map[string]bool{}
	for t := range types {
		if t != "null" && t != "nil" {
			out[t] = true
		}
	}
	return out
}

func disjoint(a, b map[string]bool) bool {
	for k := range a {
		if b[k] {
			return false
		}
	}
	return true
}

func typeList(types map[string]bool) string {
	list := slices.Sorted(maps.Keys(types))
	for i, t := range list {
		if t == "" {
			list[i] = "untyped"
		}
	}
	return strings.Join(list, "|")
}

func presence(always bool, types map[string]bool) string {
	if always {
		return fmt.Sprintf("always present (%s)", typeList(types))
	}
	return fmt.Sprintf("omitted at times (%s)", typeList(types))
}

// common keeps the names of a that b has too, in a's order.
func common(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
