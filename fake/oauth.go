package fake

import (
	"context"
	"strconv"
	"time"

	"github.com/coupa-kit/coupa-users/fake/auth"
)

// DefaultOwnerID is the user an authorization-code grant acts for when its request names none with login_hint:
// the fake approves at once, as if that user had clicked Allow on Coupa's consent screen.
const DefaultOwnerID = 1

// resourceOwner is the user of an authorization-code grant: the one login_hint names, else DefaultOwnerID.
func (f *Fake) resourceOwner(loginHint string) (auth.Owner, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var (
		u   User
		ok  bool
		err error
	)
	if loginHint == "" {
		u, ok, err = f.User(ctx, DefaultOwnerID)
	} else {
		u, ok, err = f.UserByLogin(ctx, loginHint)
	}
	if err != nil || !ok || u.Inactive {
		return auth.Owner{}, false
	}
	return auth.Owner{Subject: strconv.FormatInt(u.ID, 10), Login: u.Login, Email: u.Email, Name: u.FullName()}, true
}
