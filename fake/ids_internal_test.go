package fake

import "testing"

// railsID casts as Ruby's String#to_i does, which is how ActiveRecord casts an id: leading digits, the rest ignored.
func TestRailsID(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"5", 5, true},
		{"05", 5, true},
		{"5abc", 5, true},
		{`5?fields=["id"]`, 5, true},
		{"5/x", 5, true},
		{"5.json", 5, true},
		{" 5", 5, true},
		{"+5", 5, true},
		{"1_000", 1000, true},
		{"1__0", 1, true},
		{"5_", 5, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"abc", 0, false},
		{"", 0, false},
		{"0", 0, false},
		{"00abc", 0, false},
		{"-5", 0, false},
		{"_5", 0, false},
		{"?5", 0, false},
		{"9223372036854775808", 0, false},
		{"99999999999999999999", 0, false},
	} {
		got, ok := railsID(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("railsID(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
