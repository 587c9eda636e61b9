package snapshot

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/coupa-kit/coupa-users/fixtures"
	"github.com/coupa-kit/coupa-users/internal/readonly"
	"github.com/coupa-kit/coupa-users/spec"
)

// pageSize is Coupa's maximum limit.
const pageSize = 50

// Options configure a snapshot.
type Options struct {
	// BaseURL is the tenant's address (https://acme.coupahost.com); the token URL is BaseURL/oauth2/token.
	BaseURL     string
	Credentials readonly.Credentials
	// Out is the fixture file to write; Out.part and Out.checkpoint hold a run's progress until it ends.
	Out string
	// Rate is requests per second; 0 or less means no limit.
	Rate float64
	// Keep names personal elements to write as they are (login, email...).
	Keep []string
	// Key is the pseudonymisation key (HMAC-SHA256). Required.
	Key []byte
	// Resume goes on from Out.checkpoint; without it an existing checkpoint is an error, so that a run never
	// silently mixes two snapshots.
	Resume bool
	// HTTPClient sends the requests; nil means a default client.
	HTTPClient *http.Client
	// Timeout bounds each request; 0 means 60 s.
	Timeout time.Duration
	// Progress receives the progress bar (stderr); nil draws none.
	Progress io.Writer
}

// Result says what a snapshot wrote.
type Result struct {
	Users    int            // users in the file
	Requests int            // API requests sent (not counting the token request)
	Remapped map[string]int // references replaced by one of the fake's records, by element
	Took     time.Duration
}

// Run reads every user of the tenant, in id order with id[gt] paging (stable while users are added), and writes
// them pseudonymised to opts.Out in the fixtures format.
func Run(ctx context.Context, opts Options) (*Result, error) {
	start := time.Now()
	if len(opts.Key) == 0 {
		return nil, errors.New("snapshot: a pseudonymisation key is required")
	}
	base, err := url.Parse(opts.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("snapshot: base URL %q: want http(s)://host", opts.BaseURL)
	}
	s := spec.MustLoad()
	p := &pseudonymiser{key: opts.Key}
	sc, err := newScrubber(s, opts.Key, opts.Keep)
	if err != nil {
		return nil, err
	}
	cat, err := newCatalogue(s, p)
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	rd := readonly.New(base, opts.Credentials, opts.HTTPClient, opts.Rate, opts.Timeout)

	cp, part, err := openPart(opts, base.String())
	if err != nil {
		return nil, err
	}
	defer part.Close()

	res := &Result{Remapped: cat.remapped}
	prog := &progress{w: opts.Progress, start: time.Now(), firstID: cp.LastID}
	if maxID, err := highestID(ctx, rd); err == nil {
		prog.maxID = maxID
	}
	res.Requests++
	// Pages are fetched one ahead of the one being written: the next page's query needs only the last id of this
	// one, so the tenant renders page n+1 while page n is pseudonymised.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan fetched, 1)
	go fetchPages(ctx, rd, cp.LastID, pages)
	var line bytes.Buffer
	finished := false
	for pg := range pages {
		res.Requests++
		if pg.err != nil {
			return nil, fmt.Errorf("snapshot: %w (the checkpoint keeps %d users: --resume goes on)", pg.err, cp.Users)
		}
		if len(pg.users) == 0 {
			finished = true
			break
		}
		line.Reset()
		for i := range pg.users {
			if err := convert(&pg.users[i], cat, sc, &line); err != nil {
				return nil, fmt.Errorf("snapshot: user %d: %w", pg.ids[i], err)
			}
		}
		if _, err := part.Write(line.Bytes()); err != nil {
			return nil, fmt.Errorf("snapshot: writing %s: %w", part.Name(), err)
		}
		if err := part.Sync(); err != nil {
			return nil, fmt.Errorf("snapshot: syncing %s: %w", part.Name(), err)
		}
		cp.LastID, cp.Users, cp.Bytes = pg.ids[len(pg.ids)-1], cp.Users+len(pg.users), cp.Bytes+int64(line.Len())
		if err := cp.save(opts.Out); err != nil {
			return nil, fmt.Errorf("snapshot: %w", err)
		}
		prog.update(cp.Users, cp.LastID, false)
	}
	if !finished { // the fetcher stopped for the context
		return nil, fmt.Errorf("snapshot: %w (the checkpoint keeps %d users: --resume goes on)", context.Cause(ctx), cp.Users)
	}
	prog.update(cp.Users, cp.LastID, true)
	if err := finish(opts.Out, part, cp, res.Remapped); err != nil {
		return nil, err
	}
	res.Users, res.Took = cp.Users, time.Since(start)
	return res, nil
}

// openPart opens the part file for appending: fresh, or cut back to the checkpoint when resuming.
func openPart(opts Options, baseURL string) (*checkpoint, *os.File, error) {
	cp, err := readCheckpoint(opts.Out)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot: %w", err)
	}
	keyID := KeyID(opts.Key)
	switch {
	case cp != nil && !opts.Resume:
		return nil, nil, fmt.Errorf("snapshot: %s exists: an interrupted run; --resume goes on with it, or remove it to start again", checkpointPath(opts.Out))
	case cp != nil && cp.KeyID != keyID:
		return nil, nil, fmt.Errorf("snapshot: --resume needs the key of the interrupted run (key id %s, given %s): pass it with --key", cp.KeyID, keyID)
	case cp != nil && cp.BaseURL != baseURL:
		return nil, nil, fmt.Errorf("snapshot: the interrupted run read %s, not %s", cp.BaseURL, baseURL)
	case cp == nil:
		cp = &checkpoint{KeyID: keyID, BaseURL: baseURL}
		f, err := os.OpenFile(partPath(opts.Out), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("snapshot: %w", err)
		}
		return cp, f, nil
	}
	f, err := os.OpenFile(partPath(opts.Out), os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot: resuming: %w", err)
	}
	// Lines after the checkpoint's length were written by a page whose checkpoint never was: they come again.
	if err := f.Truncate(cp.Bytes); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("snapshot: resuming: %w", err)
	}
	if _, err := f.Seek(cp.Bytes, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("snapshot: resuming: %w", err)
	}
	return cp, f, nil
}

// highestID asks for the last user by id, for the progress estimate.
func highestID(ctx context.Context, rd *readonly.Client) (int64, error) {
	a, err := rd.Get(ctx, "/api/users", url.Values{"order_by": {"id"}, "dir": {"desc"}, "limit": {"1"}, "fields": {`["id"]`}}, "")
	if err != nil {
		return 0, err
	}
	ids, _, err := decodePage(a)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// fetched is a page of users, or the error that ended the paging. An empty page is the last.
type fetched struct {
	ids   []int64
	users []fixtures.User
	err   error
}

// fetchPages pages through the users in id order after lastID, sending each page, until an empty page or an
// error (sent too), or until ctx ends. It closes the channel when done.
func fetchPages(ctx context.Context, rd *readonly.Client, lastID int64, out chan<- fetched) {
	defer close(out)
	for {
		q := url.Values{"order_by": {"id"}, "dir": {"asc"}, "limit": {strconv.Itoa(pageSize)}}
		if lastID > 0 {
			q.Set("id[gt]", strconv.FormatInt(lastID, 10))
		}
		var pg fetched
		a, err := rd.Get(ctx, "/api/users", q, "")
		if err == nil {
			pg.ids, pg.users, err = decodePage(a)
			if err != nil {
				err = fmt.Errorf("page after id %d: %w", lastID, err)
			}
		}
		pg.err = err
		select {
		case out <- pg:
		case <-ctx.Done():
			return
		}
		if err != nil || len(pg.ids) == 0 {
			return
		}
		lastID = pg.ids[len(pg.ids)-1]
	}
}

// decodePage reads a page of users: their ids, and the users as fixtures read them (the response form). An empty
// page is the end; so is 404, Coupa's XML answer to no match, should a tenant answer JSON the same way.
func decodePage(a *readonly.Answer) ([]int64, []fixtures.User, error) {
	if a.Status == http.StatusNotFound {
		return nil, nil, nil
	}
	if a.Status != http.StatusOK {
		return nil, nil, fmt.Errorf("status %d: %.300s", a.Status, a.Body)
	}
	users, err := fixtures.ReadUsers(bytes.NewReader(a.Body))
	if err != nil {
		return nil, nil, err
	}
	ids, err := pageIDs(a.Body)
	if err != nil {
		return nil, nil, err
	}
	if len(ids) != len(users) {
		return nil, nil, fmt.Errorf("%d users but %d ids", len(users), len(ids))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] { // id[gt] paging needs them in order
			return nil, nil, fmt.Errorf("ids out of order: %d after %d", ids[i], ids[i-1])
		}
	}
	return ids, users, nil
}

// convert turns a user as the API returns it into a scrubbed line of the part file. The user goes through
// fixtures.User first: its request form keeps only what a fixture can hold (references by natural key, no ids,
// no copies of other users' records), so nothing the scrubber does not know of reaches the file.
func convert(u *fixtures.User, cat *catalogue, sc *scrubber, out *bytes.Buffer) error {
	form, err := u.MarshalJSON()
	if err != nil {
		return err
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(form))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return err
	}
	cat.remap(m)
	sc.scrub(m)
	enc := json.NewEncoder(out) // Encode ends the line
	enc.SetEscapeHTML(false)
	return enc.Encode(m)
}

// meta is the "snapshot" member of the file: ReadUsers ignores it, readers learn what the file is.
type meta struct {
	Users    int            `json:"users"`
	KeyID    string         `json:"key_id"`
	Remapped map[string]int `json:"remapped_references,omitempty"`
	Note     string         `json:"note"`
}

// finish writes the fixture file from the part file, atomically, and removes the run's files.
func finish(out string, part *os.File, cp *checkpoint, remapped map[string]int) error {
	in, err := os.Open(part.Name())
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer in.Close()
	head, err := json.Marshal(meta{Users: cp.Users, KeyID: cp.KeyID, Remapped: remapped,
		Note: "coupa-users snapshot: personal elements pseudonymised; references the fake lacks replaced by its own records"})
	if err != nil {
		return err
	}
	err = writeAtomic(out, func(f *os.File) error {
		w := bufio.NewWriterSize(f, 1<<20)
		fmt.Fprintf(w, "{\"snapshot\": %s,\n\"users\": [", head)
		sc := bufio.NewScanner(io.LimitReader(in, cp.Bytes))
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		for n := 0; sc.Scan(); n++ {
			if n > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n")
			w.Write(sc.Bytes())
		}
		if err := sc.Err(); err != nil {
			return err
		}
		w.WriteString("\n]}\n")
		return w.Flush()
	})
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	part.Close()
	os.Remove(part.Name())
	os.Remove(checkpointPath(out))
	return nil
}
