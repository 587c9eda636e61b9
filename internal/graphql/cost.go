package graphql

import (
	"errors"
	"strings"

	"github.com/graphql-go/graphql/language/ast"

	"github.com/coupa-kit/coupa-users/internal/bounds"
	"github.com/coupa-kit/coupa-users/internal/problem"
)

// The limits of one GraphQL request, far beyond what a client sends (baton-coupa's queries are a few fields one
// level deep; GraphiQL's introspection query nests thirteen levels and selects about 200 fields; every field of a
// user, objects included, is about 730 and 7 KB), so that a hostile query costs in proportion to its size. They
// are checked before the document is validated or run.
const (
	// MaxQueryBytes is the longest query text. Parsing costs up to about 130 bytes of memory per byte of text (a
	// field of two letters is a few hundred bytes of syntax tree).
	MaxQueryBytes = 32 << 10
	// MaxDepth is the deepest nesting of fields. A user's data nests four levels (users, roles, createdBy,
	// customFields); introspection's type references nest further.
	MaxDepth = 15
	// MaxSelections is the most fields, fragment spreads and inline fragments of a request, counted as the
	// executor would meet them (every spread of a fragment counts its selections again), so that fragments
	// spreading fragments cannot multiply the work. It is kept low because validation compares the fields of a
	// selection set pairwise: a thousand same-named fields take about 0.1 s to validate.
	MaxSelections = 1000
	// MaxFetches is the most users or user fields of a request (aliases let one request ask for many): each
	// renders up to 50 whole users, whatever the selection.
	MaxFetches = 10
)

// checkText refuses a query text too long, or nested deeper than bounds.MaxDepth in brackets of any kind, before
// it is parsed: the parser descends once per bracket, so a text of nothing but "{" would cost a deep stack. Strings,
// block strings and comments are skipped as GraphQL's lexer skips them, so that no bracket escapes the count.
func checkText(q string) error {
	if len(q) > MaxQueryBytes {
		return errors.New(problem.QueryTooLong(MaxQueryBytes))
	}
	depth := 0
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == '#': // a comment, to the end of the line
			for i < len(q) && q[i] != '\n' && q[i] != '\r' {
				i++
			}
		case strings.HasPrefix(q[i:], `"""`): // a block string: no escapes but \"""
			i += 3
			for i < len(q) && !strings.HasPrefix(q[i:], `"""`) {
				if strings.HasPrefix(q[i:], `\"""`) {
					i += 3
				}
				i++
			}
			i += 2
		case c == '"': // a string, to the next unescaped quote or the end of the line
			for i++; i < len(q) && q[i] != '"' && q[i] != '\n'; i++ {
				if q[i] == '\\' {
					i++
				}
			}
		case c == '{' || c == '(' || c == '[':
			depth++
			if depth > bounds.MaxDepth {
				return errors.New(problem.TooDeep("The query", bounds.MaxDepth))
			}
		case c == '}' || c == ')' || c == ']':
			depth--
		}
	}
	return nil
}

// checkCost walks every operation of a parsed document, fragments expanded, and refuses one past MaxDepth,
// MaxSelections or MaxFetches. It stops at the first limit passed, so its own work is bounded by the limits.
func checkCost(doc *ast.Document) error {
	c := &costWalk{fragments: map[string]*ast.FragmentDefinition{}, expanding: map[string]bool{}}
	var ops []*ast.OperationDefinition
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.FragmentDefinition:
			if d.Name != nil {
				c.fragments[d.Name.Value] = d
			}
		case *ast.OperationDefinition:
			ops = append(ops, d)
		}
	}
	for _, op := range ops {
		if err := c.selections(op.SelectionSet, 1); err != nil {
			return err
		}
	}
	return nil
}

// costWalk counts as it walks; expanding holds the fragments being expanded, so that a cycle (which validation
// refuses afterwards) ends the walk instead of looping.
type costWalk struct {
	fragments map[string]*ast.FragmentDefinition
	expanding map[string]bool
	count     int // selections met
	fetches   int // users and user fields met
}

func (c *costWalk) selections(set *ast.SelectionSet, depth int) error {
	if set == nil {
		return nil
	}
	for _, sel := range set.Selections {
		c.count++
		if c.count > MaxSelections {
			return errors.New(problem.TooManySelections(MaxSelections))
		}
		switch sel := sel.(type) {
		case *ast.Field:
			if depth > MaxDepth {
				return errors.New(problem.TooDeep("The query", MaxDepth))
			}
			// Fragments on Query put fetches at depth 1 too: depth counts fields, not fragments.
			if depth == 1 && sel.Name != nil && (sel.Name.Value == "users" || sel.Name.Value == "user") {
				c.fetches++
				if c.fetches > MaxFetches {
					return errors.New(problem.TooManyFetches(MaxFetches))
				}
			}
			if err := c.selections(sel.SelectionSet, depth+1); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := c.selections(sel.SelectionSet, depth); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if sel.Name == nil {
				continue
			}
			name := sel.Name.Value
			f := c.fragments[name]
			if f == nil || c.expanding[name] {
				continue // unknown or cyclic: validation refuses it
			}
			c.expanding[name] = true
			err := c.selections(f.SelectionSet, depth)
			c.expanding[name] = false
			if err != nil {
				return err
			}
		}
	}
	return nil
}
