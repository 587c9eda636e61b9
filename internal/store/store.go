// Package store keeps the fake's users: a record layout derived from the spec, the Store interface the fake talks
// to, and an in-memory implementation. Another backend (a database, say) slots in by implementing Store.
package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
)

// Store keeps users. Implementations are safe for concurrent use. Records handed out are never changed afterwards;
// records handed in belong to the store.
type Store interface {
	// Get returns the user with that id; ok is false when there is none.
	Get(ctx context.Context, id int64) (r *Record, ok bool, err error)
	// Lookup finds a user by a unique element's value (case-insensitively), without scanning.
	Lookup(ctx context.Context, element, value string) (r *Record, ok bool, err error)
	// Scan calls fn on each user in ascending id, starting at the first id ≥ from, until fn returns false.
	// fn must not call the store.
	Scan(ctx context.Context, from int64, fn func(*Record) bool) error
	// Search calls fn, in ascending id from the first id ≥ from, on every user that may meet all the terms, and
	// perhaps on others: the caller tests each user it is offered again. ok is false, and fn is not called, when
	// the store cannot narrow the search by any of the terms: the caller scans. fn must not call the store.
	Search(ctx context.Context, terms []Term, from int64, fn func(*Record) bool) (ok bool, err error)
	// Len returns the number of users.
	Len(ctx context.Context) (int, error)
	// Create stores a new user, assigning the next id when r.ID is 0. A unique value already taken fails with a
	// *ConflictError and stores nothing.
	Create(ctx context.Context, r *Record) (*Record, error)
	// Update applies change to a clone of the user and stores it if change succeeds and no unique value clashes;
	// otherwise the stored user is untouched. ErrNotFound when there is no such user.
	Update(ctx context.Context, id int64, change func(*Record) error) (*Record, error)
	// Replace swaps the whole content for records (ids set, ascending or not) at once, as reset and load need.
	Replace(ctx context.Context, records []*Record) error
	// Snapshot returns every user in ascending id, consistent at one instant.
	Snapshot(ctx context.Context) ([]*Record, error)
	// Version counts the changes made so far, so that a saver can tell whether there is anything new to save.
	Version() uint64
	// Split returns the first ids of n parts of about equal size of the users from id from on (fewer parts when
	// there are fewer users), so that a full scan can run on several cores.
	Split(ctx context.Context, from int64, n int) ([]int64, error)
	// Rewrite replaces every user by rewrite(user) — the same content, in new memory — provided the store is still
	// at version want; ok is false, and nothing changes, when it was written meanwhile. It returns the new records
	// in ascending id. Compaction after a bulk load uses it.
	Rewrite(ctx context.Context, want uint64, rewrite func(*Record) *Record) (recs []*Record, ok bool, err error)
}

// MaxID is the largest id a record may have (references are stored in four bytes). Catalog objects must stay
// below it too.
const MaxID = math.MaxUint32

// ErrNotFound is returned for an id no user has.
var ErrNotFound = errors.New("no such user")

// ConflictError says which unique elements hold values another user already has.
type ConflictError struct {
	Elements []string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("already taken: %s", strings.Join(e.Elements, ", "))
}
