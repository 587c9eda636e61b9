package contract

import (
	"errors"
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	ok := Config{BaseURL: "https://acme.coupahost.com/", APIKey: "k"}
	s, err := ok.check()
	if err != nil {
		t.Fatal(err)
	}
	if s.tokenURL.String() != "https://acme.coupahost.com/oauth2/token" || s.Rate != DefaultRate || len(s.Formats) != 2 {
		t.Errorf("defaults: %s %v %v", s.tokenURL, s.Rate, s.Formats)
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{APIKey: "k"}, "no base URL"},
		{Config{BaseURL: "acme.coupahost.com", APIKey: "k"}, "want http(s)"},
		{Config{BaseURL: "https://x", ClientID: "id"}, "go together"},
		{Config{BaseURL: "https://x", APIKey: "k", Token: "t"}, "one kind"},
		{Config{BaseURL: "https://x", APIKey: "k", Formats: []Format{"yaml"}}, "unknown format"},
	} {
		if _, err := tc.cfg.check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
	if _, err := (Config{BaseURL: "https://x"}).check(); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("no credentials: %v", err)
	}
	s, _ = Config{BaseURL: "https://x", ClientID: "a", ClientSecret: "b", ReadOnly: true}.check()
	if strings.Join(s.Scopes, " ") != scopeRead {
		t.Errorf("read-only scopes %v", s.Scopes)
	}
	if f, err := ParseFormats("both"); err != nil || len(f) != 2 {
		t.Errorf("both: %v %v", f, err)
	}
	if _, err := ParseFormats("yaml"); err == nil {
		t.Error("yaml accepted")
	}
}

func TestSameValue(t *testing.T) {
	for _, tc := range []struct {
		a, b any
		want bool
	}{
		{map[string]any{"manager": nil, "x": 1.0}, map[string]any{"x": int64(1)}, true},
		{"2024-01-01T10:00:00+02:00", "2024-01-01T08:00:00Z", true},
		{"100.00", "100.0", true},
		{"100", "100.0", false},
		{[]any{1.0}, []any{1.0, 2.0}, false},
		{"a", "A", false},
	} {
		if got := sameValue(tc.a, tc.b); got != tc.want {
			t.Errorf("sameValue(%v, %v) = %v", tc.a, tc.b, got)
		}
	}
}
