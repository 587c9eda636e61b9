package query

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
)

func TestParseDefaults(t *testing.T) {
	q := mustParse(t, "")
	if q.Limit != 50 || q.Offset != 0 || q.OrderBy.Name != "id" || q.Desc || len(q.Conditions) != 0 ||
		q.Fields != nil || q.Return != ReturnFull {
		t.Fatalf("defaults: %+v", q)
	}
	q = mustParse(t, "limit=10&offset=20&order_by=updated_at&dir=desc&limit=10")
	if q.Limit != 10 || q.Offset != 20 || q.OrderBy.Name != "updated-at" || !q.Desc {
		t.Fatalf("explicit: %+v", q)
	}
	for raw, want := range map[string]int{"limit=50": 50, "limit=51": 50, "limit=500": 50,
		"limit=99999999999999999999": 50, "limit=1": 1} {
		if q := mustParse(t, raw); q.Limit != want {
			t.Errorf("%s: limit %d, want %d", raw, q.Limit, want)
		}
	}
}

// TestSpellings: dashes and underscores name the same attribute, and the condition keeps the client's spelling.
func TestSpellings(t *testing.T) {
	pairs := [][2]string{
		{"updated_at[gt]=2024-01-01", "updated-at[gt]=2024-01-01"},
		{"default_currency[code]=EUR", "default-currency[code]=EUR"},
		{"phone_work[country_code]=1", "phone-work[country-code]=1"},
		{"manager[employee_number][starts_with]=E", "manager[employee-number][starts_with]=E"},
	}
	for _, p := range pairs {
		a, b := mustParse(t, p[0]).Conditions[0], mustParse(t, p[1]).Conditions[0]
		if a.Element != b.Element || a.Field != b.Field || a.Op != b.Op {
			t.Errorf("%s and %s differ: %+v %+v", p[0], p[1], a, b)
		}
		if a.Param == b.Param || !strings.HasPrefix(p[0], a.Param) {
			t.Errorf("%s: param %q", p[0], a.Param)
		}
	}
	c := mustParse(t, "manager[login][starts_with]=j").Conditions[0]
	if c.Element.Name != "manager" || c.Field.Name != "login" || c.Op != spec.StartsWith || c.Values[0] != "j" ||
		c.Kind() != spec.KindString {
		t.Errorf("association condition: %+v", c)
	}
	c = mustParse(t, "manager[blank]=true").Conditions[0]
	if c.Field != nil || c.Op != spec.Blank || c.Values[0] != true || c.Kind() != spec.KindObject {
		t.Errorf("association blank: %+v", c)
	}
	c = mustParse(t, "status=inactive").Conditions[0]
	if c.Element.Name != "active" || c.Op != spec.Eq || c.Values[0] != false {
		t.Errorf("status: %+v", c)
	}
}

// TestParseErrors walks every error path: each bad input gives an *Error naming the parameter, with a message a
// person can act on.
func TestParseErrors(t *testing.T) {
	cases := []struct {
		raw, param, msg string // msg: the whole message, or its start when it ends with "…"
	}{
		{"limit=10&limit=20", "limit", "Parameter 'limit' is given 2 times with different values; give it once"},
		{"limit=0", "limit", "limit must be an integer between 1 and 50"},
		{"limit=-1", "limit", "limit must be an integer between 1 and 50"},
		{"limit=-99999999999999999999", "limit", "limit must be an integer between 1 and 50"},
		{"limit=abc", "limit", "limit must be an integer between 1 and 50"},
		{"limit=", "limit", "limit must be an integer between 1 and 50"},
		{"limit=1.5", "limit", "limit must be an integer between 1 and 50"},
		{"offset=-1", "offset", "offset must be an integer of at least 0"},
		{"offset=x", "offset", "offset must be an integer of at least 0"},
		{"offset=99999999999999999999", "offset", "offset must be an integer of at least 0"},
		{"order_by=foo", "order_by", "Unknown attribute 'foo' in 'order_by'"},
		{"order_by=password", "order_by", "Cannot order by 'password': it is never returned"},
		{"order_by=manager", "order_by", "Cannot order by 'manager': it is an association; order by one of the user's own attributes"},
		{"dir=up", "dir", "dir must be asc or desc, not 'up'"},
		{"status=all", "status", "status must be active or inactive, not 'all'"},
		{"status=Active", "status", "status must be active or inactive, not 'Active'"},
		{"login[=x", "login[", "Malformed parameter 'login['; filters are written attribute=value, attribute[operator]=value or association[field][operator]=value"},
		{"login]=x", "login]", "Malformed parameter 'login]'…"},
		{"login[]=x", "login[]", "Malformed parameter 'login[]'…"},
		{"login[a]b=x", "login[a]b", "Malformed parameter 'login[a]b'…"},
		{"a[b[c]]=x", "a[b[c]]", "Malformed parameter 'a[b[c]]'…"},
		{"[login]=x", "[login]", "Malformed parameter '[login]'…"},
		{"=x", "", "Malformed parameter ''…"},
		{"foo=1", "foo", "Unknown attribute 'foo' in filter 'foo'"},
		{"foo[contains]=x", "foo[contains]", "Unknown attribute 'foo' in filter 'foo[contains]'"},
		{"access_token=abc", "access_token", "Unknown attribute 'access_token' in filter 'access_token'"},
		{"Login=x", "Login", "Unknown attribute 'Login' in filter 'Login'"},
		{"password=x", "password", "Attribute 'password' cannot be used in a filter"},
		{"login[contains][x]=1", "login[contains][x]", "'login' is not an association: write login=value or login[operator]=value"},
		{"login[containz]=x", "login[containz]", "Unknown operator 'containz' for 'login'; use one of contains, starts_with, ends_with, not_eq, gt, lt, gt_or_eq, lt_or_eq, in, not_in, blank"},
		{"login[starts-with]=x", "login[starts-with]", "Unknown operator 'starts-with' for 'login'; use one of contains, starts_with…"},
		{"id[contains]=1", "id[contains]", "Operator 'contains' does not apply to 'id' (integer); use one of not_eq, gt, lt, gt_or_eq, lt_or_eq, in, not_in, blank"},
		{"created-at[in]=2024-01-01", "created-at[in]", "Operator 'in' does not apply to 'created-at' (datetime); use one of not_eq, gt, lt, gt_or_eq, lt_or_eq, blank"},
		{"updated_at[starts_with]=2024", "updated_at[starts_with]", "Operator 'starts_with' does not apply to 'updated-at' (datetime)…"},
		{"active[gt]=true", "active[gt]", "Operator 'gt' does not apply to 'active' (boolean); use one of not_eq, blank"},
		{"manager=1", "manager", "A filter on the association 'manager' names one of its fields, as in manager[login]=value or manager[login][operator]=value (fields: login, email, id, …"},
		{"manager[login][contains][x]=1", "manager[login][contains][x]", "A filter on the association 'manager' names one of its fields…"},
		{"approval-limit[amount]=1", "approval-limit[amount]", "Attribute 'approval-limit' cannot be used in a filter"},
		{"manager[contains]=x", "manager[contains]", "Operator 'contains' needs a field of 'manager', as in manager[login][contains]=value"},
		{"manager[foo]=x", "manager[foo]", "Unknown field 'foo' of 'manager' in filter 'manager[foo]'; use one of login, email, id, employee-number…"},
		{"manager[blank][x]=true", "manager[blank][x]", "Operator 'blank' needs a field of 'manager', as in manager[login][blank]=value"},
		{"default-address[country]=x", "default-address[country]", "Field 'country' of 'default-address' cannot be used in a filter; use one of location-code, id, …"},
		{"manager[login][containz]=j", "manager[login][containz]", "Unknown operator 'containz' for 'manager[login]'; use one of contains…"},
		{"manager[id][contains]=1", "manager[id][contains]", "Operator 'contains' does not apply to 'manager[id]' (integer)…"},
		{"roles[omnipotent][gt]=1", "roles[omnipotent][gt]", "Operator 'gt' does not apply to 'roles[omnipotent]' (boolean); use one of not_eq, blank"},
		{"login[blank]=maybe", "login[blank]", "Invalid boolean 'maybe' for 'login[blank]'; use true or false"},
		{"manager[blank]=", "manager[blank]", "Invalid boolean '' for 'manager[blank]'; use true or false"},
		{"id[gt]=abc", "id[gt]", "Invalid integer 'abc' for 'id[gt]'"},
		{"id=", "id", "Invalid integer '' for 'id'"},
		{"id[in]=1,x", "id[in]", "Invalid integer 'x' for 'id[in]'"},
		{"id=99999999999999999999", "id", "Invalid integer '99999999999999999999' for 'id'"},
		{"active=yes", "active", "Invalid boolean 'yes' for 'active'; use true or false"},
		{"updated-at[gt]=yesterday", "updated-at[gt]", "Invalid date 'yesterday' for 'updated-at[gt]'; use ISO 8601 such as 2024-01-02 or 2024-01-02T03:04:05Z"},
		{"updated_at[gt]=2024-13-01", "updated_at[gt]", "Invalid date '2024-13-01' for 'updated_at[gt]'; use ISO 8601…"},
		{"updated_at[gt]=2024-01-02T03:04:05+02:00", "updated_at[gt]", "Invalid date '2024-01-02T03:04:05 02:00' for 'updated_at[gt]'; use ISO 8601 such as 2024-01-02 or 2024-01-02T03:04:05Z (a '+' in a query string must be sent as %2B)"},
		{"roles[created-at][lt]=soon", "roles[created-at][lt]", "Invalid date 'soon' for 'roles[created-at][lt]'; use ISO 8601…"},
		{"expense-approval-limit[amount]=1e5", "expense-approval-limit[amount]", "Invalid decimal '1e5' for 'expense-approval-limit[amount]'; use a number such as 1000.00"},
		{"expense-approval-limit[amount][in]=1,.", "expense-approval-limit[amount][in]", "Invalid decimal '.' for 'expense-approval-limit[amount][in]'…"},
		{"login[contains]=" + strings.Repeat("x", 300) + "&login[nope]=" + strings.Repeat("é", 300), "login[nope]", "Unknown operator 'nope' for 'login'…"},
		{"return_object=none", "return_object", "return_object=none applies only to create and update; use limited or shallow"},
		{"return_object=full", "return_object", "return_object must be limited or shallow, not 'full'"},
		{"return_object=limited&return_object=shallow", "return_object", "Parameter 'return_object' is given 2 times with different values; give it once"},
		{`fields=["id"]&return_object=limited`, "fields", "Use either 'fields' or 'return_object', not both"},
		{`fields=["id"]&fields=["login"]`, "fields", "Parameter 'fields' is given 2 times with different values; give it once"},
		{`fields=[`, "fields", "Invalid JSON in 'fields': unexpected end of JSON input"},
		{"filter=ids-and-logins", "filter", "Unknown response filter 'ids-and-logins' in 'filter'"},
		{"filter=x&return_object=shallow", "filter", "Use either 'filter' or 'return_object', not both"},
	}
	for _, c := range cases {
		v, err := url.ParseQuery(c.raw)
		if err != nil {
			t.Fatalf("%s: %v", c.raw, err)
		}
		_, err = Parse(v, testSpec)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("%s: %v, want an *Error", c.raw, err)
			continue
		}
		if qe.Param != c.param {
			t.Errorf("%s: param %q, want %q", c.raw, qe.Param, c.param)
		}
		if prefix, ok := strings.CutSuffix(c.msg, "…"); ok {
			if !strings.HasPrefix(qe.Message, prefix) {
				t.Errorf("%s:\n got  %s\n want %s", c.raw, qe.Message, c.msg)
			}
		} else if qe.Message != c.msg {
			t.Errorf("%s:\n got  %s\n want %s", c.raw, qe.Message, c.msg)
		}
		if qe.Error() != qe.Message {
			t.Errorf("%s: Error() %q", c.raw, qe.Error())
		}
		if len(qe.Message) > 400 {
			t.Errorf("%s: a %d-byte message", c.raw, len(qe.Message))
		}
	}
}

func TestRejectOverLimit(t *testing.T) {
	o := Options{RejectOverLimit: true}
	for raw, ok := range map[string]bool{"limit=50": true, "limit=51": false, "limit=99999999999999999999": false, "": true} {
		v, _ := url.ParseQuery(raw)
		q, err := o.Parse(v, testSpec)
		if ok != (err == nil) {
			t.Errorf("%s: %v", raw, err)
		}
		if err != nil && err.Error() != "limit must be an integer between 1 and 50" {
			t.Errorf("%s: %v", raw, err)
		}
		if ok && q.Limit != 50 {
			t.Errorf("%s: limit %d", raw, q.Limit)
		}
	}
}

// TestParseIsDeterministic: with several bad parameters, the one reported does not depend on the URL's order.
func TestParseIsDeterministic(t *testing.T) {
	for range 20 {
		_, err := Parse(url.Values{"zzz": {"1"}, "limit": {"0"}, "aaa": {"1"}, "order_by": {"x"}}, testSpec)
		if err == nil || err.(*Error).Param != "aaa" {
			t.Fatalf("got %v", err)
		}
	}
	q := mustParse(t, "login=b&email=a&active=true")
	if q.Conditions[0].Param != "active" || q.Conditions[1].Param != "email" || q.Conditions[2].Param != "login" {
		t.Errorf("conditions out of order: %v", q.Conditions)
	}
}

func TestSplitKey(t *testing.T) {
	good := map[string][]string{"a": nil, "a[b]": {"b"}, "a[b][c]": {"b", "c"}, "a[b][c][d]": {"b", "c", "d"}}
	for k, want := range good {
		name, segs, ok := splitKey(k)
		if !ok || name != "a" || strings.Join(segs, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %q %q %v", k, name, segs, ok)
		}
	}
	for _, k := range []string{"", "a[", "a]", "a[]", "a[b", "a[b]c", "a[b]]", "[a]", "a[[b]]", "a][b["} {
		if _, _, ok := splitKey(k); ok {
			t.Errorf("%s: accepted", k)
		}
	}
}
