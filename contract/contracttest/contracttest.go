// Package contracttest runs the contract suite inside a team's own `go test`, against a base URL or an
// http.Handler, with one subtest per check:
//
//	func TestUsersAPIContract(t *testing.T) {
//		contracttest.Run(t, contract.Config{
//			Handler:  myserver.New(),                  // or BaseURL: "http://127.0.0.1:8080"
//			ClientID: "my-client", ClientSecret: "...", // or APIKey, or Token
//		})
//	}
//
// It sits on top of package contract (which it drives) and is kept apart from it so that the coupa-users binary
// does not link package testing.
package contracttest

import (
	"context"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/contract"
)

// Run runs the suite and reports each check as a subtest named after it: failed checks fail with their evidence,
// skipped ones skip with their reason. With cfg.Handler set the handler is served on a loopback httptest server for
// the run. A run that cannot start fails the test at once. The context is the test's (cancelled when it ends), and
// the rate is unlimited unless cfg says otherwise. It returns the report for further assertions.
func Run(t testing.TB, cfg contract.Config) *contract.Report {
	t.Helper()
	if cfg.Rate == 0 {
		cfg.Rate = -1
	}
	ctx := context.Background()
	if c, ok := t.(interface{ Context() context.Context }); ok {
		ctx = c.Context()
	}
	rep, err := contract.Run(ctx, cfg)
	if rep == nil {
		t.Fatalf("the contract suite could not run: %v", err)
	}
	if err != nil {
		t.Errorf("the contract suite was interrupted: %v", err)
	}
	tt, ok := t.(*testing.T)
	for _, c := range rep.Checks {
		if !ok {
			if c.Verdict == contract.Fail {
				t.Errorf("%s failed:\n%s", c.Name, Evidence(c))
			}
			continue
		}
		tt.Run(c.Name, func(t *testing.T) {
			switch c.Verdict {
			case contract.Fail:
				t.Errorf("%s\n%s", c.Description, Evidence(c))
			case contract.Skip:
				reason := ""
				if len(c.Runs) > 0 {
					reason = c.Runs[0].SkipReason
				}
				t.Skip(reason)
			}
		})
	}
	for _, u := range rep.Created {
		if !u.Deactivated {
			t.Errorf("user %d (%s), created by the suite, could not be deactivated: %s", u.ID, u.Login, u.Error)
		}
	}
	return rep
}

// Evidence renders the failures of a check as the text report does.
func Evidence(c contract.CheckResult) string {
	var b strings.Builder
	one := &contract.Report{Checks: []contract.CheckResult{c}}
	one.WriteFailures(&b)
	return b.String()
}
