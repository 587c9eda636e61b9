package graphql

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"

	"github.com/coupa-kit/coupa-users/internal/bounds"
	"github.com/coupa-kit/coupa-users/internal/problem"
	"github.com/coupa-kit/coupa-users/spec"
)

// Request is a GraphQL request as the body of POST /api/graphql carries it.
type Request struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

// Result is GraphQL's answer, {"data":...,"errors":[{"message","locations","path"}]}, ready for encoding/json.
type Result = gql.Result

// ErrNotARequest is a body that is not a GraphQL request (not JSON, not an object, no query string...); errors of
// DecodeRequest wrap it.
var ErrNotARequest = errors.New("not a GraphQL request")

// DecodeRequest reads a request body: a JSON object with a query string and optionally variables (an object) and
// operationName (a string), either of them null.
func DecodeRequest(body []byte) (Request, error) {
	// The bounds first, as for a REST body: decoding variables built to be expensive costs more than their size.
	if err := bounds.CheckJSON(body); err != nil {
		msg, _ := problem.Exceeded("The request body", err)
		return Request{}, fmt.Errorf("%w: %s", ErrNotARequest, msg)
	}
	var req Request
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return Request{}, fmt.Errorf("%w: %v", ErrNotARequest, err)
	}
	if dec.More() {
		return Request{}, fmt.Errorf("%w: more than one JSON value", ErrNotARequest)
	}
	if req.Query == "" {
		return Request{}, fmt.Errorf("%w: no query", ErrNotARequest)
	}
	return req, nil
}

// Executor runs GraphQL requests against the schema of a spec. It is safe for concurrent use.
type Executor struct {
	schema gql.Schema
}

// New builds the schema of s (see NewSchema) over src.
func New(s *spec.Spec, src Source) (*Executor, error) {
	schema, err := NewSchema(s, src)
	if err != nil {
		return nil, err
	}
	return &Executor{schema: schema}, nil
}

// Do runs one request: its text is bounded, parsed, bounded again (depth, selections, fetches), validated, then
// executed. Every failure is a GraphQL error in the result, never a Go error: GraphQL answers them with data null.
func (e *Executor) Do(ctx context.Context, req Request) *Result {
	if err := checkText(req.Query); err != nil {
		return failed(err)
	}
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{
		Body: []byte(req.Query), Name: "GraphQL request"})})
	if err != nil {
		return &Result{Errors: gqlerrors.FormatErrors(err)}
	}
	if err := checkCost(doc); err != nil {
		return failed(err)
	}
	if err := checkVariables(doc); err != nil {
		return failed(err)
	}
	return e.run(ctx, doc, req)
}

// run validates and executes a parsed document. graphql-go has panicked on documents its own parser accepts (a
// variable without a type, found by FuzzDo); a panic is answered as a GraphQL error, not a 500.
func (e *Executor) run(ctx context.Context, doc *ast.Document, req Request) (res *Result) {
	defer func() {
		if v := recover(); v != nil {
			res = failed(fmt.Errorf("the query could not be run: %v", v))
		}
	}()
	if v := gql.ValidateDocument(&e.schema, doc, nil); !v.IsValid {
		return &Result{Errors: v.Errors}
	}
	return gql.Execute(gql.ExecuteParams{Schema: e.schema, AST: doc, OperationName: req.OperationName,
		Args: req.Variables, Context: ctx})
}

// checkVariables refuses a variable declared without a type ("query($a: ){...}", "query($a: !){...}"), which
// graphql-go's parser accepts and its validator then dereferences.
func checkVariables(doc *ast.Document) error {
	for _, d := range doc.Definitions {
		op, ok := d.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		for _, v := range op.VariableDefinitions {
			if v == nil || !typed(v.Type) || v.Variable == nil || v.Variable.Name == nil {
				name := "?"
				if v != nil && v.Variable != nil && v.Variable.Name != nil {
					name = v.Variable.Name.Value
				}
				return fmt.Errorf("variable $%s has no type", name)
			}
		}
	}
	return nil
}

func failed(err error) *Result { return ErrorResult(err.Error()) }

// ErrorResult is a result with one error and data null, for a request refused before GraphQL runs it.
func ErrorResult(msg string) *Result {
	return &Result{Errors: []gqlerrors.FormattedError{gqlerrors.NewFormattedError(msg)}}
}

// typed reports a type that names one all the way down: a list or non-null of nothing is no type.
func typed(t ast.Type) bool {
	switch t := t.(type) {
	case *ast.Named:
		return t != nil && t.Name != nil
	case *ast.NonNull:
		return t != nil && typed(t.Type)
	case *ast.List:
		return t != nil && typed(t.Type)
	}
	return false
}
