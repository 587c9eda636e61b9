package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"

	gql "github.com/graphql-go/graphql"

	"github.com/coupa-kit/coupa-users/spec"
)

// Source finds the users the queries answer. A user is the REST API's full JSON rendering of it, keys hyphenated
// as the elements are named, decoded with json.Number (UseNumber), so that both APIs show the same values.
type Source interface {
	// Users runs an index query in Coupa's REST syntax (`id[gt]=5&login[contains]=x&limit=10`) through the query
	// engine of GET /api/users. A bad query is an error whose message is the one the REST API answers.
	Users(ctx context.Context, query url.Values) ([]map[string]any, error)
	// User returns the user with that id; ok is false when there is none.
	User(ctx context.Context, id int64) (user map[string]any, ok bool, err error)
}

// UserType is the GraphQL name of the user.
const UserType = "User"

// NewSchema builds the GraphQL schema from the spec: a User type with every output element, each associated object
// of spec.Objects as an object type of the same name (a manager is a UserRef, as in the REST API), the tenant's
// custom fields as a JSON scalar, and the queries users and user over src.
func NewSchema(s *spec.Spec, src Source) (gql.Schema, error) {
	b := &builder{spec: s, objects: map[string]*gql.Object{}}
	user, err := b.object(UserType, "A Coupa user, as GET /api/users/{id} returns it.", userFields(s))
	if err != nil {
		return gql.Schema{}, err
	}
	r := resolvers{src: src}
	query := gql.NewObject(gql.ObjectConfig{Name: "Query", Fields: gql.Fields{
		"users": &gql.Field{
			Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(user))),
			Description: "Users matching a query in the syntax of GET /api/users (`id[gt]=5&status=active`), " +
				"at most 50 at a time, in the order of id unless order_by says otherwise.",
			Args: gql.FieldConfigArgument{
				"query":  {Type: gql.String, Description: "Filters, order_by, dir, limit and offset as GET /api/users takes them."},
				"limit":  {Type: gql.Int, Description: "The page size (default and maximum 50); replaces a limit in query."},
				"offset": {Type: gql.Int, Description: "Users to skip; replaces an offset in query."},
			},
			Resolve: r.users,
		},
		"user": &gql.Field{
			Type:        user,
			Description: "The user with that id, or null.",
			Args:        gql.FieldConfigArgument{"id": {Type: gql.NewNonNull(gql.ID)}},
			Resolve:     r.user,
		},
	}})
	schema, err := gql.NewSchema(gql.SchemaConfig{Query: query})
	// The object types' fields are thunks (objects refer to one another), run as the schema walks them: an error
	// of theirs is the cause of the library's, which only says the fields were bad.
	if b.err != nil {
		return gql.Schema{}, b.err
	}
	if err != nil {
		return gql.Schema{}, fmt.Errorf("graphql: schema: %w", err)
	}
	return schema, nil
}

// member is one field of a GraphQL object type as the spec describes it, an element of the user or a field of an
// associated object.
type member struct {
	name        string // hyphenated, the key of the REST rendering
	description string
	kind        spec.Kind
	object      string // the associated object's schema name, for KindObject
	list        bool
	nullable    bool
}

func userFields(s *spec.Spec) []member {
	var ms []member
	for _, e := range s.Elements {
		if e.Out {
			ms = append(ms, member{e.Name, e.Description, e.Kind, e.Object, e.List, e.Nullable})
		}
	}
	return ms
}

func objectFields(o *spec.Object) []member {
	ms := make([]member, 0, len(o.Fields))
	for _, f := range o.Fields {
		ms = append(ms, member{name: f.Name, kind: f.Kind, object: f.Object, nullable: f.Nullable})
	}
	return ms
}

// builder makes each object type once. err keeps the first error of a fields thunk, which the library calls
// without a way to return one.
type builder struct {
	spec    *spec.Spec
	objects map[string]*gql.Object
	err     error
}

// object builds (once) the object type name with these fields.
func (b *builder) object(name, description string, ms []member) (*gql.Object, error) {
	if o, ok := b.objects[name]; ok {
		return o, nil
	}
	if err := checkName(name, "object "+name); err != nil {
		return nil, err
	}
	o := gql.NewObject(gql.ObjectConfig{Name: name, Description: description, Fields: gql.FieldsThunk(func() gql.Fields {
		fields, err := b.fields(name, ms)
		if err != nil && b.err == nil {
			b.err = err
		}
		return fields
	})})
	b.objects[name] = o
	return o, o.Error()
}

func (b *builder) fields(of string, ms []member) (gql.Fields, error) {
	fields := gql.Fields{}
	from := map[string]string{} // GraphQL name → the member named so
	for _, m := range ms {
		name := FieldName(m.name)
		if err := checkName(name, of+"."+m.name); err != nil {
			return nil, err
		}
		if other, dup := from[name]; dup {
			return nil, fmt.Errorf("graphql: %s.%s: its GraphQL name %q is %s's too", of, m.name, name, other)
		}
		from[name] = m.name
		t, err := b.typeOf(of, m)
		if err != nil {
			return nil, err
		}
		fields[name] = &gql.Field{Type: t, Description: m.description, Resolve: resolveKey(m.name, m.kind)}
	}
	return fields, nil
}

// typeOf is the GraphQL type of a member: non-null where the spec says a value is never null, a list of non-null
// objects for a list (never null itself: an empty list is []).
func (b *builder) typeOf(of string, m member) (gql.Output, error) {
	var t gql.Output
	switch {
	case m.name == "id":
		t = gql.ID
	case m.kind == spec.KindObject:
		ob := b.spec.Objects[m.object]
		if ob == nil {
			return nil, fmt.Errorf("graphql: %s.%s: no object %q in the spec", of, m.name, m.object)
		}
		if ob.Namespace { // the tenant's custom fields: their names and types differ from tenant to tenant
			t = JSON
			break
		}
		o, err := b.object(ob.Name, "", objectFields(ob))
		if err != nil {
			return nil, err
		}
		t = o
	default:
		var ok bool
		if t, ok = scalars[m.kind]; !ok {
			return nil, fmt.Errorf("graphql: %s.%s: no GraphQL type for kind %v", of, m.name, m.kind)
		}
	}
	if m.list {
		return gql.NewNonNull(gql.NewList(gql.NewNonNull(t))), nil
	}
	if !m.nullable {
		return gql.NewNonNull(t), nil
	}
	return t, nil
}

// resolveKey reads a member from its parent's REST rendering, a map keyed by hyphenated names.
func resolveKey(key string, kind spec.Kind) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		m, _ := p.Source.(map[string]any)
		v := m[key]
		if n, ok := v.(json.Number); ok && kind == spec.KindInteger {
			// Ids render as strings (ID), other integers as Int; an integer beyond Int's 32 bits is an error, not a
			// silent null.
			i, err := n.Int64()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			if key == "id" {
				return strconv.FormatInt(i, 10), nil
			}
			if i < math.MinInt32 || i > math.MaxInt32 {
				return nil, fmt.Errorf("%s: %d does not fit GraphQL's Int (32 bits)", key, i)
			}
			return int(i), nil
		}
		return v, nil
	}
}

// resolvers answer the queries from a Source.
type resolvers struct{ src Source }

func (r resolvers) users(p gql.ResolveParams) (any, error) {
	raw, _ := p.Args["query"].(string)
	// As net/http reads a URL's query (Request.URL.Query): a malformed pair is dropped, so that the string means
	// what it would mean after /api/users?.
	values, _ := url.ParseQuery(raw)
	for _, name := range []string{"limit", "offset"} {
		if n, ok := p.Args[name].(int); ok {
			values.Set(name, strconv.Itoa(n))
		}
	}
	users, err := r.src.Users(p.Context, values)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(users))
	for i, u := range users {
		out[i] = u
	}
	return out, nil
}

func (r resolvers) user(p gql.ResolveParams) (any, error) {
	raw, _ := p.Args["id"].(string)
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return nil, nil // no such user, as an unknown id
	}
	u, ok, err := r.src.User(p.Context, id)
	if err != nil || !ok {
		return nil, err
	}
	return u, nil
}
