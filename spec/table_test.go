// These tests are outside package spec because the generator they run imports spec, for its operator table.
package spec_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coupa-kit/coupa-users/spec"
	"github.com/coupa-kit/coupa-users/spec/internal/gen"
	"github.com/coupa-kit/coupa-users/spec/internal/seed"
	"github.com/coupa-kit/coupa-users/spec/internal/table"
)

// sharedSeed is where the project's shared folder keeps the seed, relative to this package.
const sharedSeed = "../../shared/seed/000_741b432f2cb79b9c.txt"

func loadTable(t *testing.T) *table.Table {
	t.Helper()
	data, err := os.ReadFile("elements.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tb, err := table.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// seedRows reads the element table's rows out of the committed copy of the seed.
func seedRows(t *testing.T) [][]string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("testdata", "seed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := seed.Rows(string(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("the seed's element table has no rows")
	}
	return rows
}

// rowKey identifies a seed row by its cells.
func rowKey(r []string) string { return strings.Join(r, "\x1f") }

// seedElements returns the keys of the elements the seed defines, once each, in the seed's order: the name a row
// starts with, hyphenated, except in a row whose name the flattening lost, which the table places (with a note). A
// row the table does not hold, or places under another element than the one it names, is an error.
func seedElements(t *testing.T, tb *table.Table) []string {
	t.Helper()
	owner := map[string]*table.Element{}
	named := map[string]string{} // a seed name → the key of the element that carries it
	for i := range tb.Elements {
		e := &tb.Elements[i]
		for _, r := range e.SeedRows {
			owner[rowKey(r)] = e
		}
		if e.Seed != "" {
			named[e.Seed] = e.Key
		}
	}
	var keys []string
	for _, r := range seedRows(t) {
		e := owner[rowKey(r)]
		var key string
		switch {
		case e == nil:
			t.Errorf("seed row %q is in no element of the table", r)
			key = strings.ReplaceAll(r[0], "_", "-")
		case e.Seed != "":
			key = strings.ReplaceAll(r[0], "_", "-")
		case named[r[0]] != "":
			t.Errorf("seed row %q starts with the seed name of %s but the table places it in %s", r, named[r[0]], e.Key)
			continue
		default:
			key = e.Key
		}
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	return keys
}

// TestSeedCopyIsCurrent keeps testdata/seed.txt equal to the shared seed, so that the table test below, which
// reads the copy, also proves the table against the shared one wherever the shared folder is present.
func TestSeedCopyIsCurrent(t *testing.T) {
	shared, err := os.ReadFile(sharedSeed)
	if errors.Is(err, fs.ErrNotExist) {
		t.Logf("%s absent (a clone without the shared folder): testing against the committed copy only", sharedSeed)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	copied, err := os.ReadFile(filepath.Join("testdata", "seed.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(shared, copied) {
		t.Fatalf("the shared seed changed: copy it to spec/testdata/seed.txt and re-curate elements.yaml")
	}
}

// TestTableHoldsEverySeedRow proves that every row of the seed is in the table, verbatim, and nothing else is.
func TestTableHoldsEverySeedRow(t *testing.T) {
	rows := seedRows(t)
	inSeed := map[string]int{}
	for _, r := range rows {
		inSeed[rowKey(r)]++
	}
	tb := loadTable(t)
	inTable := map[string]int{}
	for _, e := range tb.Elements {
		for _, r := range e.SeedRows {
			inTable[rowKey(r)]++
			// The first cell is the element's name as the seed spells it, unless the flattening lost it.
			if e.Seed != "" && r[0] != e.Seed {
				t.Errorf("%s: seed row starts with %q, want the seed name %q", e.Key, r[0], e.Seed)
			}
		}
		if e.Seed != "" && strings.ReplaceAll(e.Seed, "_", "-") != e.Key {
			t.Errorf("%s: key does not follow the seed's spelling %q", e.Key, e.Seed)
		}
		if e.Seed == "" && len(e.Notes) == 0 {
			t.Errorf("%s: a name lost in the seed needs a note saying why it is placed here", e.Key)
		}
	}
	for k, n := range inSeed {
		if inTable[k] != n {
			t.Errorf("seed row %q appears %d times in the seed, %d in the table", strings.Split(k, "\x1f"), n, inTable[k])
		}
	}
	for k, n := range inTable {
		if inSeed[k] == 0 {
			t.Errorf("table row %q (x%d) is not in the seed", strings.Split(k, "\x1f"), n)
		}
	}
	// One table element per element of the seed, and none beyond them.
	want := seedElements(t, tb)
	var got []string
	for _, e := range tb.Elements {
		got = append(got, e.Key)
		if !slices.Contains(want, e.Key) {
			t.Errorf("%s is in the table but not in the seed", e.Key)
		}
	}
	for _, k := range want {
		if !slices.Contains(got, k) {
			t.Errorf("%s is in the seed but not in the table", k)
		}
	}
}

// TestJudgmentCallsAreNoted makes every row whose cells had to be placed (fewer than eight survived) carry a note.
func TestJudgmentCallsAreNoted(t *testing.T) {
	for _, e := range loadTable(t).Elements {
		placed := false
		for _, r := range e.SeedRows {
			placed = placed || len(r) < seed.Columns
		}
		if placed && len(e.Notes) == 0 {
			t.Errorf("%s: cells were placed by judgment but no note says why", e.Key)
		}
	}
}

// TestGeneratedDocumentIsCommitted fails when openapi.yaml differs from what the table produces now.
func TestGeneratedDocumentIsCommitted(t *testing.T) {
	want, err := gen.Generate(loadTable(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("spec/openapi.yaml is stale: run `go generate ./...` and commit the result")
	}
	if !bytes.HasPrefix(got, []byte("# Code generated")) || !bytes.Contains(got[:200], []byte("DO NOT EDIT")) {
		t.Fatal("the generated document lacks its generated-file header")
	}
	if !bytes.Equal(spec.YAML(), got) {
		t.Fatal("the embedded document differs from the file")
	}
}

func TestTableRejectsBadEdits(t *testing.T) {
	good, err := os.ReadFile("elements.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string][2]string{
		"unknown field":   {"    unique: true\n", "    uniqe: true\n"},
		"unknown type":    {"    type: boolean\n", "    type: bool\n"},
		"unknown object":  {"    object: Role\n", "    object: Rol\n"},
		"underscored key": {"  - key: msp-user\n", "  - key: msp_user\n"},
		"repeated key":    {"  - key: msp-user\n", "  - key: login\n"},
	} {
		bad := strings.Replace(string(good), edit[0], edit[1], 1)
		if bad == string(good) {
			t.Fatalf("%s: the edit %q does not apply", name, edit[0])
		}
		if _, err := table.Parse([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestNotesListsMatchTheTable(t *testing.T) {
	tb := loadTable(t)
	var required, unique, outOnly, inOnly []string
	for _, e := range tb.Elements {
		if e.Required {
			required = append(required, e.Key)
		}
		if e.Unique {
			unique = append(unique, e.Key)
		}
		if e.Out && !e.In {
			outOnly = append(outOnly, e.Key)
		}
		if e.In && !e.Out {
			inOnly = append(inOnly, e.Key)
		}
	}
	check := func(what string, got []string, want ...string) {
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", what, got, want)
		}
	}
	// The lists in shared/coupa-api-notes.md.
	check("required", required, "login", "email", "firstname", "lastname")
	check("unique", unique, "login", "email", "employee-number", "mention-name")
	// The notes' output-only list, less invoicing-user and business-function: the notes' later section says that
	// Coupa's R39 Swagger marks both writable, and Coupa wins over the table.
	check("output only", outOnly, "id", "created-at", "updated-at", "created-by", "updated-by", "fullname",
		"api-user", "can-expense-for", "expenses-delegated-to", "msp-user",
		"work-confirmation-approval-limit", "avatar-thumb-url")
	// The notes' input-only list, less invoice-self-approval-limit, which Coupa's 2024 user and R39 Swagger return.
	check("input only", inOnly, "password", "generate-password-and-notify", "approval-limit",
		"self-approval-limit", "salesforce-enabled")
}

// The element view holds exactly the seed's elements and the sourced ones beyond it: none lost, none invented.
func TestElementViewCoversTheSeed(t *testing.T) {
	s := spec.MustLoad()
	tb := loadTable(t)
	want := seedElements(t, tb)
	for _, e := range tb.BeyondSeed {
		if slices.Contains(want, e.Key) {
			t.Errorf("%s is beyond the seed and in it", e.Key)
		}
		want = append(want, e.Key)
	}
	if len(s.Elements) != len(want) {
		t.Fatalf("%d elements, the seed and beyond_seed define %d", len(s.Elements), len(want))
	}
	for _, k := range want {
		if s.Element(k) == nil {
			t.Errorf("the seed's element %s is not in the spec", k)
		}
	}
}

// TestModelOrder: keys come in Coupa's model order (the 2024 user of the Delegates API page begins id,
// created-at, updated-at, login, email, purchasing-user and ends with the associations, the authors and the custom
// fields).
func TestModelOrder(t *testing.T) {
	s := spec.MustLoad()
	var names []string
	for _, e := range s.Elements {
		if e.Out {
			names = append(names, e.Name)
		}
	}
	if got := names[:6]; !slices.Equal(got, []string{"id", "created-at", "updated-at", "login", "email", "purchasing-user"}) {
		t.Errorf("the first keys: %v", got)
	}
	if got := names[len(names)-3:]; !slices.Equal(got, []string{"created-by", "updated-by", "custom-fields"}) {
		t.Errorf("the last keys: %v", got)
	}
	if !slices.Equal(names, loadTable(t).Order) {
		t.Errorf("output elements out of the table's order:\n got %v\nwant %v", names, loadTable(t).Order)
	}
	for i, e := range s.Elements {
		if !e.Out && i < len(names) {
			t.Errorf("input-only %s at %d, before output elements", e.Name, i)
		}
	}
	role := s.Objects["Role"]
	var fields []string
	for _, f := range role.Fields {
		fields = append(fields, f.Name)
	}
	// The 2024 user's "Split Accounting" role: its authors follow system-role.
	if !slices.Equal(fields, []string{"id", "created-at", "updated-at", "name", "description", "omnipotent", "system-role",
		"created-by", "updated-by"}) {
		t.Errorf("role fields: %v", fields)
	}
}
