package jsonstr

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
	"github.com/coupa-kit/coupa-users/internal/testexit"
)

// TestMain records how many inputs the fuzz targets really ran (see internal/fuzzcount).
func TestMain(m *testing.M) { testexit.Exit(fuzzcount.Main(m)) }

func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x1f", "<&>",
		"héllo wörld", "line\u2028sep\u2029", "emoji 🎉"} {
		got := string(Append(nil, s))
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil || back != s {
			t.Errorf("%q → %s → %q (%v)", s, got, back, err)
		}
		if strings.Contains(s, "<") && !strings.Contains(got, "<") {
			t.Errorf("%q: HTML was escaped: %s", s, got)
		}
	}
	if got := string(Append(nil, "bad\xffbyte")); got != `"bad\ufffdbyte"` {
		t.Errorf("invalid UTF-8: %s", got)
	}
}

func FuzzAppend(f *testing.F) {
	f.Add("a\"b\\c\n\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzcount.Inc()
		out := Append(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%q gave invalid JSON %s: %v", s, out, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("%q round-tripped to %q", s, back)
		}
	})
}
