package diff

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coupa-kit/coupa-users/internal/readonly"
)

// Target is one side of a diff.
type Target struct {
	BaseURL     string
	Credentials readonly.Credentials
	// HTTPClient sends its requests; nil means a default client.
	HTTPClient *http.Client
}

// Options configure a diff.
type Options struct {
	Tenant, Fake Target
	// Rate is requests per second to each side; 0 or less: no limit.
	Rate float64
	// Timeout bounds each request; 0 means 60 s.
	Timeout time.Duration
}

// Run sends every probe to both sides and compares the answers.
func Run(ctx context.Context, opts Options) (*Report, error) {
	tenant, err := client(opts.Tenant, opts)
	if err != nil {
		return nil, fmt.Errorf("diff: tenant: %w", err)
	}
	fake, err := client(opts.Fake, opts)
	if err != nil {
		return nil, fmt.Errorf("diff: fake: %w", err)
	}
	tIDs, err := firstPage(ctx, tenant)
	if err != nil {
		return nil, fmt.Errorf("diff: tenant: %w", err)
	}
	fIDs, err := firstPage(ctx, fake)
	if err != nil {
		return nil, fmt.Errorf("diff: fake: %w", err)
	}
	rep := newReport()
	for _, p := range probes() {
		ta, err := tenant.Get(ctx, p.path(tIDs), p.query, p.accept)
		if err != nil {
			return nil, fmt.Errorf("diff: tenant: %s: %w", p.name, err)
		}
		fa, err := fake.Get(ctx, p.path(fIDs), p.query, p.accept)
		if err != nil {
			return nil, fmt.Errorf("diff: fake: %s: %w", p.name, err)
		}
		rep.add(p, compareAnswers(p, ta, fa))
	}
	rep.finish()
	return rep, nil
}

func client(t Target, opts Options) (*readonly.Client, error) {
	u, err := url.Parse(strings.TrimRight(t.BaseURL, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want http(s)://host", t.BaseURL)
	}
	return readonly.New(u, t.Credentials, t.HTTPClient, opts.Rate, opts.Timeout), nil
}

// firstPage reads the ids of the first page, in id order, for the shows.
func firstPage(ctx context.Context, c *readonly.Client) ([]int64, error) {
	a, err := c.Get(ctx, "/api/users", q("order_by", "id", "limit", "50", "fields", `["id"]`), acceptJSON)
	if err != nil {
		return nil, err
	}
	if a.Status != http.StatusOK {
		return nil, fmt.Errorf("GET /api/users: status %d: %.200s", a.Status, a.Body)
	}
	return jsonIDs(a.Body)
}

// compareAnswers compares one probe's two answers.
func compareAnswers(p probe, tenant, fake *readonly.Answer) comparison {
	var c comparison
	d := Difference{Area: p.area, Probe: p.name}
	c.checks++
	if tenant.Status != fake.Status {
		c.add(with(d, KindStatus, "", fmt.Sprint(tenant.Status), fmt.Sprint(fake.Status)))
	}
	compareHeaders(&c, d, tenant.Header.Get("Content-Type"), fake.Header.Get("Content-Type"))
	ts, terr := bodyShape(tenant)
	fs, ferr := bodyShape(fake)
	switch {
	case terr != nil || ferr != nil:
		c.checks++
		if (terr == nil) != (ferr == nil) {
			c.add(with(d, KindBody, "", errText(terr), errText(ferr)))
		}
	default:
		compareShapes(&c, d, ts, fs)
	}
	return c
}

// bodyShape reads a body as XML when it starts with '<', else as JSON; an empty body has an empty shape.
func bodyShape(a *readonly.Answer) (*shape, error) {
	body := strings.TrimSpace(string(a.Body))
	switch {
	case body == "":
		return newShape(), nil
	case body[0] == '<':
		return xmlShape([]byte(body))
	}
	return jsonShape([]byte(body))
}

func errText(err error) string {
	if err == nil {
		return "readable"
	}
	return err.Error()
}
