package seed

import (
	"reflect"
	"testing"

	"github.com/coupa-kit/coupa-users/internal/fuzzcount"
	"github.com/coupa-kit/coupa-users/internal/testexit"
)

// TestMain records how many inputs the fuzz targets really ran (see internal/fuzzcount).
func TestMain(m *testing.M) { testexit.Exit(fuzzcount.Main(m)) }

func TestRowsPlacesCellsByPipes(t *testing.T) {
	text := `Actions
Verb |
Path |
---|---|
Element |
Description |
Required Field? |
Unique? |
Allowable Value |
Api_In Field? |
Api_Out Field? |
Data Type |
---|---|---|---|---|---|---|---|
active |
A flag |
yes |
yes |
boolean |
|||
category_planner_user |
Licence? |
yes | yes | boolean | |||
|
|
yes |
string(255) |
||||
last |
cut short |
`
	got, err := Rows(text)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"active", "A flag", "yes", "yes", "boolean"},
		{"category_planner_user", "Licence?", "yes", "yes", "boolean"},
		{"yes", "string(255)"},
		{"last", "cut short"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Rows:\n got %q\nwant %q", got, want)
	}
}

func TestRowsWithoutTable(t *testing.T) {
	if _, err := Rows("Users API\nno table here |\n"); err == nil {
		t.Fatal("want an error for a text without an element table")
	}
}

func FuzzRows(f *testing.F) {
	f.Add("Element |\n---|---|---|---|---|---|---|---|\na |\nb |\n||||||\n")
	f.Add("Element |\n---|---|---|---|---|---|---|---|\n|||||||||||||||||")
	f.Fuzz(func(t *testing.T, text string) {
		fuzzcount.Inc()
		rows, err := Rows(text)
		if err != nil {
			return
		}
		for _, r := range rows {
			if len(r) > Columns {
				t.Fatalf("row with %d cells: %q", len(r), r)
			}
		}
	})
}
