package kinds_test

import (
	"math/big"
	"testing"
	"time"

	"github.com/coupa-kit/coupa-users/internal/kinds"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/spec"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEveryScalarKindHasABehaviour(t *testing.T) {
	for _, k := range []spec.Kind{spec.KindString, spec.KindInteger, spec.KindBoolean, spec.KindDateTime, spec.KindDecimal} {
		if _, ok := kinds.Of(k); !ok {
			t.Errorf("%v: no behaviour", k)
		}
	}
	for _, k := range []spec.Kind{spec.KindObject, 0, 99} {
		if _, ok := kinds.Of(k); ok {
			t.Errorf("%v: a behaviour, though it is no scalar kind", k)
		}
	}
}

func TestDateTimeLiterals(t *testing.T) {
	dt := kinds.DateTime{}
	for _, s := range []string{"2024-01-02", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05+02:00",
		"2024-01-02T03:04:05.123456789-05:30", "2024-01-02T03:04:05+0200", "2024-01-02T03:04:05", "2024-01-02T03:04"} {
		if _, ok := dt.Literal(s); !ok {
			t.Errorf("%s: not parsed", s)
		}
	}
	for _, s := range []string{"", "yesterday", "2024-1-2", "02/01/2024", "2024-01-02 03:04:05", "2024-01-02T25:00:00Z", "1700000000"} {
		if _, ok := dt.Literal(s); ok {
			t.Errorf("%s: parsed", s)
		}
	}
	if tm, _ := kinds.ParseTime("2024-01-02"); !tm.Equal(ts("2024-01-02T00:00:00Z")) || tm.Location().String() != "UTC" {
		t.Errorf("a date alone: %v", tm)
	}
	if tm, _ := kinds.ParseTime("2024-01-02T05:04:05.1234567+02:00"); !tm.Equal(ts("2024-01-02T03:04:05.123456Z")) {
		t.Errorf("offset and truncation: %v", tm)
	}
}

func TestDecimalLiterals(t *testing.T) {
	for s, ok := range map[string]bool{"1": true, "1.50": true, "-2.5": true, "+3": true, ".5": true, "5.": true,
		"": false, ".": false, "-": false, "1e3": false, "1/2": false, "1.2.3": false, " 1": false, "0x10": false} {
		if _, got := kinds.ParseDecimal(s); got != ok {
			t.Errorf("decimal %q: %v", s, got)
		}
	}
	a, _ := kinds.Decimal{}.Literal("1000.0")
	l, _ := kinds.Decimal{}.Loose(1000.0)
	b, _ := kinds.ParseDecimal(l.Str)
	if a.(*big.Rat).Cmp(b) != 0 {
		t.Errorf("1000.0 and 1000.00 differ: %v %v", a, b)
	}
}

func TestBooleanLiterals(t *testing.T) {
	// Query strings take what forms send; "yes" and "t" are input casts only (TestBooleanCast).
	for s, want := range map[string]int{"true": 1, "TRUE": 1, "1": 1, "false": 0, "False": 0, "0": 0, "yes": -1, "": -1, "t": -1} {
		v, ok := kinds.Boolean{}.Literal(s)
		got := -1
		if ok && v.(bool) {
			got = 1
		} else if ok {
			got = 0
		}
		if got != want {
			t.Errorf("bool %q: %d", s, got)
		}
	}
}

// cast is one input and what Rails' casting makes of it: a value, null, or a refusal.
type cast struct {
	in   any
	want any // the value (Str, Int or Bool by kind), nil for null
	code problem.Code
}

func TestBooleanCast(t *testing.T) {
	plain := &spec.Element{Name: "active", Kind: spec.KindBoolean}
	yesNo := &spec.Element{Name: "aic-user", Kind: spec.KindBoolean, YesNo: true}
	for _, c := range []cast{
		{in: true, want: true}, {in: false, want: false},
		{in: "true", want: true}, {in: "FALSE", want: false}, {in: "1", want: true}, {in: "0", want: false},
		{in: "t", want: true}, {in: "f", want: false}, {in: " on ", want: true}, {in: "off", want: false},
		{in: 1.0, want: true}, {in: 0.0, want: false},
		{in: "", want: nil}, {in: "  ", want: nil},
		{in: "yes", code: problem.NotABoolean}, {in: "no", code: problem.NotABoolean},
		{in: 2.0, code: problem.NotABoolean}, {in: "maybe", code: problem.NotABoolean},
		{in: []any{}, code: problem.NotABoolean}, {in: map[string]any{}, code: problem.NotABoolean},
	} {
		checkCast(t, kinds.Boolean{}, plain, c)
	}
	for _, c := range []cast{{in: "yes", want: true}, {in: "No", want: false}, {in: "true", want: true}, {in: "nope", code: problem.NotABoolean}} {
		checkCast(t, kinds.Boolean{}, yesNo, c)
	}
}

func TestIntegerCast(t *testing.T) {
	el := &spec.Element{Name: "account-security-type", Kind: spec.KindInteger}
	enum := &spec.Element{Name: "business-group-security-type", Kind: spec.KindInteger, Enum: []string{"0", "1"}}
	for _, c := range []cast{
		{in: 5.0, want: int64(5)}, {in: "5", want: int64(5)}, {in: " -7 ", want: int64(-7)}, {in: "", want: nil},
		{in: 1.5, code: problem.NotANumber}, {in: "1.5", code: problem.NotANumber}, {in: "5abc", code: problem.NotANumber},
		{in: true, code: problem.NotANumber}, {in: 1e300, code: problem.NotANumber},
	} {
		checkCast(t, kinds.Integer{}, el, c)
	}
	for _, c := range []cast{{in: "1", want: int64(1)}, {in: 0.0, want: int64(0)}, {in: 2.0, code: problem.NotInList}, {in: "x", code: problem.NotInList}} {
		checkCast(t, kinds.Integer{}, enum, c)
	}
}

func TestStringCast(t *testing.T) {
	el := &spec.Element{Name: "employee-number", Kind: spec.KindString, MaxLength: 5}
	enum := &spec.Element{Name: "default-locale", Kind: spec.KindString, Enum: []string{"en", "fr"}}
	for _, c := range []cast{
		{in: "E1", want: "E1"}, {in: "", want: ""}, {in: 12345.0, want: "12345"}, {in: 1.5, want: "1.5"},
		{in: "ééééé", want: "ééééé"}, {in: "éééééé", code: problem.TooLong}, {in: 123456.0, code: problem.TooLong},
		{in: true, code: problem.Invalid}, {in: []any{"a"}, code: problem.Invalid},
	} {
		checkCast(t, kinds.String{}, el, c)
	}
	for _, c := range []cast{{in: "fr", want: "fr"}, {in: "FR", code: problem.NotInList}} {
		checkCast(t, kinds.String{}, enum, c)
	}
}

func TestDecimalCast(t *testing.T) {
	el := &spec.Element{Name: "amount", Kind: spec.KindDecimal}
	for _, c := range []cast{
		{in: "1000.00", want: "1000.00"}, {in: 12.5, want: "12.5"}, {in: 3.0, want: "3"}, {in: "", want: nil},
		{in: "1e3", code: problem.Invalid}, {in: "ten", code: problem.Invalid}, {in: false, code: problem.Invalid},
	} {
		checkCast(t, kinds.Decimal{}, el, c)
	}
}

func checkCast(t *testing.T, k kinds.Kind, el *spec.Element, c cast) {
	t.Helper()
	v, code := k.Cast(el, c.in)
	if code != c.code {
		t.Errorf("%s %#v: code %v, want %v", el.Name, c.in, code, c.code)
		return
	}
	if code != 0 {
		return
	}
	var got any
	switch {
	case v.Null:
	case el.Kind == spec.KindBoolean:
		got = v.Bool
	case el.Kind == spec.KindInteger:
		got = v.Int
	default:
		got = v.Str
	}
	if got != c.want {
		t.Errorf("%s %#v: cast to %#v, want %#v", el.Name, c.in, got, c.want)
	}
}

func TestDateTimesAreStoredInWholeSecondsAndWrittenAsCoupaDoes(t *testing.T) {
	dt := kinds.DateTime{}
	v, code := dt.Cast(&spec.Element{Name: "created-at", Kind: spec.KindDateTime}, "2016-06-30T07:51:11.6+02:00")
	if code != 0 {
		t.Fatal(code)
	}
	if got := dt.Text(v, time.UTC); got != "2016-06-30T05:51:11Z" {
		t.Errorf("UTC: %s", got)
	}
	berlin := time.FixedZone("CEST", 2*3600)
	if got := dt.Text(v, berlin); got != "2016-06-30T07:51:11+02:00" {
		t.Errorf("another zone: %s", got)
	}
}
