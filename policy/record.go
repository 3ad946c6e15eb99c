package policy

import (
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"
)

// A record is one struct of the case as the criteria see it: a CEL map
// from each field's case-file name to its value. It stands for the
// map[string]any the facts were once built of, with the same keys and
// values, but its names are shared by every record of its kind and its
// values sit in one array per Facts: building a Go map per struct was
// most of the cost of NewFacts (a map of more than eight keys is four
// allocations and a hash of every key).
//
// Selecting a field (patient.age) goes through FindStringKey, which the
// CEL interpreter asks for before anything else. Everything else a CEL
// expression might do with a whole record (compare it, take its size,
// iterate it, convert it) is done on the equivalent map, made for the
// occasion, so it behaves exactly as the map did.
type record struct {
	shape *shape
	vals  []any // by field, in the shape's order; nil: not in the map
}

// shape is the field names of one kind of record, and what stands for
// each field when it is not recorded. Each kind of record has one place
// in the case, so the paths and their unknowns are made once.
type shape struct {
	names    []string
	index    map[string]int
	paths    []string
	unknowns []*types.Unknown
}

// newItemShape is the shape of a list element, which records no paths.
func newItemShape(names []string) *shape {
	s := &shape{names: names, index: make(map[string]int, len(names))}
	for i, n := range names {
		s.index[n] = i
	}
	return s
}

func newShape(at string, names []string) *shape {
	s := &shape{names: names, index: make(map[string]int, len(names)), paths: make([]string, len(names)), unknowns: make([]*types.Unknown, len(names))}
	for i, n := range names {
		s.index[n] = i
		s.paths[i] = at + "." + n
		s.unknowns[i] = unknownOf(s.paths[i])
	}
	return s
}

var (
	_ traits.Mapper = (*record)(nil)
	_ interface {
		FindStringKey(string) (any, bool)
	} = (*record)(nil)
)

// FindStringKey returns the value of the field named key. The CEL
// interpreter calls it to select a field of a value that is not a Go map.
func (r *record) FindStringKey(key string) (any, bool) {
	i, ok := r.shape.index[key]
	if !ok || r.vals[i] == nil {
		return nil, false
	}
	return r.vals[i], true
}

// plain returns the record as the map[string]any it stands for, nested
// records included.
func (r *record) plain() map[string]any {
	n := 0
	for _, v := range r.vals {
		if v != nil {
			n++
		}
	}
	m := make(map[string]any, n)
	for i, v := range r.vals {
		if v != nil {
			m[r.shape.names[i]] = plain(native(v))
		}
	}
	return m
}

// plain returns v with every record in it, in lists too, as a map.
func plain(v any) any {
	switch v := v.(type) {
	case *record:
		return v.plain()
	case []any:
		for i, e := range v {
			if _, ok := e.(*record); ok {
				l := make([]any, len(v))
				copy(l, v[:i])
				for j := i; j < len(v); j++ {
					l[j] = plain(v[j])
				}
				return l
			}
		}
	}
	return v
}

// A record is an item of a list for the domain functions.

func (r *record) str(key string) string {
	v, _ := r.FindStringKey(key)
	switch v := v.(type) {
	case *string:
		return *v
	case string:
		return v
	}
	return ""
}

func (r *record) num(key string) (float64, bool) {
	v, _ := r.FindStringKey(key)
	switch v := v.(type) {
	case *float64:
		return *v, true
	case *int64:
		return float64(*v), true
	}
	return number(v)
}

func (r *record) val(key string) any {
	v, _ := r.FindStringKey(key)
	return native(v)
}

func (r *record) flag(key string) (bool, bool) {
	v, _ := r.FindStringKey(key)
	b, ok := v.(bool)
	return b, ok
}

// mapper is the CEL map of the equivalent Go map, for every operation but
// selecting a field.
func (r *record) mapper() traits.Mapper {
	return types.NewStringInterfaceMap(env.CELTypeAdapter(), r.plain())
}

func (r *record) ConvertToNative(t reflect.Type) (any, error) { return r.mapper().ConvertToNative(t) }
func (r *record) ConvertToType(t ref.Type) ref.Val            { return r.mapper().ConvertToType(t) }
func (r *record) Equal(other ref.Val) ref.Val                 { return r.mapper().Equal(other) }
func (r *record) Type() ref.Type                              { return types.MapType }
func (r *record) Value() any                                  { return r.plain() }
func (r *record) Contains(key ref.Val) ref.Val                { return r.mapper().Contains(key) }
func (r *record) Get(key ref.Val) ref.Val                     { return r.mapper().Get(key) }
func (r *record) Iterator() traits.Iterator                   { return r.mapper().Iterator() }
func (r *record) Size() ref.Val                               { return r.mapper().Size() }

// Find returns the value of a field for a string key, as a CEL value. The
// interpreter asks for a key FindStringKey did not find here (a field left
// out, or no such field), so that case makes no map either.
func (r *record) Find(key ref.Val) (ref.Val, bool) {
	if s, ok := key.(types.String); ok {
		v, found := r.FindStringKey(string(s))
		if !found {
			return nil, false
		}
		return env.CELTypeAdapter().NativeToValue(v), true
	}
	return r.mapper().Find(key)
}

// activation resolves the criteria's five variables without a map.
type activation struct {
	patient, plan, therapy, history, prescriber any
}

var (
	_ interpreter.Activation = (*activation)(nil)
	_ item                   = (*record)(nil)
)

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "patient":
		return a.patient, true
	case "plan":
		return a.plan, true
	case "therapy":
		return a.therapy, true
	case "history":
		return a.history, true
	case "prescriber":
		return a.prescriber, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }
