package snapshot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/coupa-kit/coupa-users/spec"
)

// scrubber pseudonymises the personal elements of a user in request form (a JSON object as fixtures.User writes
// it). Which elements are personal is the element table's `personal` column; how each is replaced is decided by
// its name here, and newScrubber refuses a personal element it has no rule for, so that a new row marked personal
// in the table cannot slip through unscrubbed.
type scrubber struct {
	p        *pseudonymiser
	personal map[string]bool // element → pseudonymise it (personal and not kept)
	userRefs []string        // elements that refer to users by login or email (manager)
}

// rules are the replacements by element; nil drops the element (values the fake derives or never returns).
var rules = map[string]func(p *pseudonymiser, v any) any{
	"login":            str((*pseudonymiser).login),
	"email":            str((*pseudonymiser).email),
	"firstname":        str((*pseudonymiser).firstName),
	"lastname":         str((*pseudonymiser).lastName),
	"middlename":       str((*pseudonymiser).firstName),
	"mention-name":     str((*pseudonymiser).mentionName),
	"employee-number":  str((*pseudonymiser).identifier),
	"sso-identifier":   str((*pseudonymiser).identifier),
	"salesforce-id":    str((*pseudonymiser).identifier),
	"phone-work":       phone,
	"phone-mobile":     phone,
	"custom-fields":    customFields,
	"fullname":         nil, // derived from the names
	"avatar-thumb-url": nil, // the fake sets its own
	"password":         nil, // never returned
}

func str(fn func(*pseudonymiser, string) string) func(*pseudonymiser, any) any {
	return func(p *pseudonymiser, v any) any {
		s, ok := v.(string)
		if !ok || s == "" {
			return v
		}
		return fn(p, s)
	}
}

// phone keeps the country code (a country, not a person) and replaces the digits of the rest.
func phone(p *pseudonymiser, v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for _, k := range []string{"area-code", "number", "extension"} {
		if s, ok := m[k].(string); ok && s != "" {
			m[k] = p.digits(s)
		}
	}
	return m
}

// customFields replaces every string value (free text, or a code that may name a person); numbers, booleans and
// dates say nothing of anyone and are kept.
func customFields(p *pseudonymiser, v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for k, x := range m {
		if s, ok := x.(string); ok && s != "" {
			m[k] = p.text(s)
		}
	}
	return m
}

// newScrubber builds the scrubber for a spec; keep names personal elements to leave as they are.
func newScrubber(s *spec.Spec, key []byte, keep []string) (*scrubber, error) {
	sc := &scrubber{p: &pseudonymiser{key: key}, personal: map[string]bool{}}
	personal := map[string]bool{}
	for _, e := range s.Elements {
		if e.Personal {
			if _, ok := rules[e.Name]; !ok {
				return nil, fmt.Errorf("snapshot: element %s is personal but has no pseudonymisation rule", e.Name)
			}
			personal[e.Name] = true
			sc.personal[e.Name] = !slices.Contains(keep, e.Name)
		}
		if e.Object == "UserRef" && e.In {
			sc.userRefs = append(sc.userRefs, e.Name)
		}
	}
	for _, k := range keep {
		if !personal[k] {
			return nil, fmt.Errorf("snapshot: --keep %s: not a personal element (personal: %s)", k, strings.Join(sortedKeys(personal), ", "))
		}
	}
	return sc, nil
}

// scrub pseudonymises a user in place. References to other users follow their login and email, so that a
// manager is still the user it was.
func (sc *scrubber) scrub(u map[string]any) {
	for name, on := range sc.personal {
		v, ok := u[name]
		if !ok || !on {
			continue
		}
		if rule := rules[name]; rule != nil {
			u[name] = rule(sc.p, v)
		} else {
			delete(u, name)
		}
	}
	for _, name := range sc.userRefs {
		ref, ok := u[name].(map[string]any)
		if !ok {
			continue
		}
		for _, k := range []string{"login", "email"} {
			if s, ok := ref[k].(string); ok && sc.personal[k] {
				ref[k] = rules[k](sc.p, s)
			}
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
