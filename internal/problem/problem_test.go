package problem

import "testing"

func TestMessages(t *testing.T) {
	cases := []struct {
		p    Problem
		want string
	}{
		{Problem{Code: Blank, Element: "firstname"}, "First Name can't be blank"},
		{Problem{Code: Blank, Element: "phone-work", Field: "number"}, "Phone Work number can't be blank"},
		{Problem{Code: TooLong, Element: "login", Max: 255}, "Login is too long (maximum is 255 characters)"},
		{Problem{Code: NotInList, Element: "default-locale"}, "Default Locale is not included in the list"},
		{Problem{Code: NotANumber, Element: "manager", Field: "id"}, "Manager id is not a number"},
		{Problem{Code: NotABoolean, Element: "active"}, "Active is not a valid boolean"},
		{Problem{Code: Invalid, Element: "email"}, "Email is invalid"},
		{Problem{Code: Taken, Element: "mention-name"}, "Mention Name has already been taken"},
		{Problem{Code: NoKey, Element: "roles"}, "Roles must name a record by id or by one of its keys"},
		{Problem{Code: OwnManager, Element: "manager"}, "Manager can't be the user themselves"},
		{Problem{Code: NotFound, Element: "roles", Object: "Role", Keys: map[string]any{"name": "Nope", "id": nil},
			Valid: []string{"id", "name"}},
			`Unable to find valid Role record for roles with keys {"id"=>null, "name"=>"Nope"}. Possible keys are ["id", "name"]`},
	}
	for _, c := range cases {
		if got := c.p.Message(); got != c.want {
			t.Errorf("%+v:\n got %s\nwant %s", c.p, got, c.want)
		}
	}
}

func TestLabel(t *testing.T) {
	for in, want := range map[string]string{
		"lastname": "Last Name", "middlename": "Middle Name", "default-currency": "Default Currency",
		"aic-user": "Aic User", "": "", "x--y": "X  Y",
	} {
		if got := Label(in); got != want {
			t.Errorf("Label(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorJoinsMessages(t *testing.T) {
	e := &Error{Problems: []Problem{{Code: NotFound, Object: "User"}, {Code: Blank, Element: "login"}}}
	if got := e.Error(); got != `Unable to find valid User record for  with keys {}. Possible keys are []; Login can't be blank` {
		t.Errorf("Error() = %q", got)
	}
}
