package contract

import (
	"slices"
	"strings"
)

// selected filters checks by the Only and Skip patterns.
func selected(all []*check, only, skip []string) []*check {
	var out []*check
	for _, c := range all {
		if len(only) > 0 && !slices.ContainsFunc(only, func(p string) bool { return matchName(p, c.name) }) {
			continue
		}
		if slices.ContainsFunc(skip, func(p string) bool { return matchName(p, c.name) }) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// matchName reports whether a check name matches a pattern: the name itself, a prefix of whole segments
// ("reading", "writing/max-length"), or a glob where * matches any run of characters, slashes included, and ?
// any one character.
func matchName(pattern, name string) bool {
	pattern = strings.TrimSuffix(pattern, "/")
	if pattern == name || strings.HasPrefix(name, pattern+"/") {
		return true
	}
	return glob(pattern, name)
}

func glob(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if glob(p, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			s, p = s[1:], p[1:]
		default:
			if s == "" || s[0] != p[0] {
				return false
			}
			s, p = s[1:], p[1:]
		}
	}
	return s == ""
}
