package policy

import (
	"reflect"
	"strings"
	"sync"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"

	"github.com/ketacover/ketacover"
)

var (
	mapType     = reflect.TypeFor[map[string]any]()
	stringsType = reflect.TypeFor[[]string]()
	dateType    = reflect.TypeFor[ketacover.Date]()
)

// variables are the top-level names a criterion's CEL expression may use.
var variables = []string{"patient", "plan", "therapy", "history", "prescriber"}

// Facts is a case as the criteria see it: nested maps named as in the case
// file, plus values derived for the date of service (age, days since each
// score), and the paths of every fact that is not recorded. Build it once
// per case and date; evaluate it against any number of policies.
type Facts struct {
	Case   *ketacover.Case
	AsOf   ketacover.Date
	vars   map[string]any
	absent []string // paths of facts not recorded
	act    interpreter.Activation
}

// NewFacts builds the facts of c on the date of service asOf.
func NewFacts(c *ketacover.Case, asOf ketacover.Date) (*Facts, error) {
	f := &Facts{Case: c, AsOf: asOf, vars: make(map[string]any, len(variables)), absent: make([]string, 0, 32)}
	cv := reflect.ValueOf(c).Elem()
	for _, fi := range fieldsOf(cv.Type()) {
		if fi.name == "id" {
			continue
		}
		f.vars[fi.name] = f.value(cv.Field(fi.index), fi.name)
	}
	f.derive()
	act, err := interpreter.NewActivation(f.vars)
	if err != nil {
		return nil, err
	}
	f.act = act
	return f, nil
}

// fieldInfo is a struct field's index and case-file name.
type fieldInfo struct {
	index int
	name  string
}

var fieldCache sync.Map // reflect.Type -> []fieldInfo

// pathKey is a struct type at a place in the case.
type pathKey struct {
	t      reflect.Type
	parent string
}

var pathCache sync.Map // pathKey -> []string

// pathsOf returns the paths of t's named fields (fieldsOf's order) when t
// is at path parent, cached: the case's shape is fixed, and joining the
// names afresh was a fifth of the allocations of NewFacts.
func pathsOf(t reflect.Type, parent string) []string {
	k := pathKey{t, parent}
	if v, ok := pathCache.Load(k); ok {
		return v.([]string)
	}
	fields := fieldsOf(t)
	out := make([]string, len(fields))
	for i, fi := range fields {
		out[i] = parent + "." + fi.name
	}
	pathCache.Store(k, out)
	return out
}

// asDate returns v as a date when it is one. It reads an addressable
// value through its address, which, unlike v.Interface(), copies nothing.
func asDate(v reflect.Value) (ketacover.Date, bool) {
	if v.Type() != dateType {
		return ketacover.Date{}, false
	}
	if v.CanAddr() {
		return *v.Addr().Interface().(*ketacover.Date), true
	}
	return v.Interface().(ketacover.Date), true
}

// fieldsOf returns the named fields of a struct type, cached: reading
// struct tags on every evaluation was a third of the time it took.
func fieldsOf(t reflect.Type) []fieldInfo {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]fieldInfo)
	}
	var out []fieldInfo
	for i := range t.NumField() {
		if name := yamlName(t.Field(i)); name != "" {
			out = append(out, fieldInfo{i, name})
		}
	}
	fieldCache.Store(t, out)
	return out
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// value converts a field of the case to a CEL-ready value. Nil pointers,
// empty strings and nil slices are facts not recorded: their paths are
// recorded, and in their place is a CEL unknown that names the path. CEL
// carries an unknown through every operator (false && unknown is false,
// unknown || true is true, anything else stays unknown), so a criterion
// that reads a missing fact comes out unknown and names it. Partial
// evaluation with one attribute pattern per missing fact gave the same,
// but matched every attribute a criterion read against every pattern.
// An empty but non-nil list ("trials: []") is a recorded "none".
func (f *Facts) value(v reflect.Value, path string) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return f.notRecorded(path)
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if d, ok := asDate(v); ok {
			if d.IsZero() {
				return f.notRecorded(path)
			}
			return d.String()
		}
		fields := fieldsOf(v.Type())
		paths := pathsOf(v.Type(), path)
		var buf [32]keyValue
		kv := buf[:0]
		for i, fi := range fields {
			if x := f.value(v.Field(fi.index), paths[i]); x != nil {
				kv = append(kv, keyValue{fi.name, x})
			}
		}
		return mapOf(kv)
	case reflect.Slice:
		if v.IsNil() {
			return f.notRecorded(path)
		}
		l := make([]any, v.Len())
		for i := range v.Len() {
			// Elements are read by the domain functions, which judge
			// missing fields themselves, so no paths are recorded below.
			l[i] = elem(v.Index(i))
		}
		return l
	case reflect.String:
		if v.String() == "" {
			return f.notRecorded(path)
		}
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int64:
		return v.Int()
	case reflect.Float64:
		return v.Float()
	}
	return nil
}

// notRecorded records path as a missing fact and returns the unknown that
// stands for it.
func (f *Facts) notRecorded(path string) *types.Unknown {
	f.absent = append(f.absent, path)
	return unknownOf(path)
}

// keyValue is a recorded field of a struct on its way into a map.
type keyValue struct {
	key   string
	value any
}

// mapOf makes the map of a struct's recorded fields, sized for those
// rather than for every field (most of a case's fields are usually not
// recorded, and a map sized for all of them is several times larger).
func mapOf(kv []keyValue) map[string]any {
	m := make(map[string]any, len(kv))
	for _, e := range kv {
		m[e.key] = e.value
	}
	return m
}

// elem converts a list element, leaving out what is not recorded.
func elem(v reflect.Value) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if d, ok := asDate(v); ok {
			if d.IsZero() {
				return nil
			}
			return d.String()
		}
		var buf [32]keyValue
		kv := buf[:0]
		for _, fi := range fieldsOf(v.Type()) {
			if x := elem(v.Field(fi.index)); x != nil {
				kv = append(kv, keyValue{fi.name, x})
			}
		}
		return mapOf(kv)
	case reflect.String:
		if v.String() == "" {
			return nil
		}
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int64:
		return v.Int()
	case reflect.Float64:
		return v.Float()
	}
	return nil
}

// derive adds the values computed for the date of service.
func (f *Facts) derive() {
	c := f.Case
	patient := f.vars["patient"].(map[string]any)
	switch {
	case c.Patient.BirthDate != nil:
		patient["age"] = int64(ageOn(*c.Patient.BirthDate, f.AsOf))
		f.present("patient.age")
	case c.Patient.Age != nil:
		patient["age"] = int64(*c.Patient.Age)
	}
	// The age stands for the birth date, which is never asked for.
	f.present("patient.birth_date")
	if _, ok := patient["birth_date"].(*types.Unknown); ok {
		delete(patient, "birth_date")
	}
	plan := f.vars["plan"].(map[string]any)
	if lob := c.Plan.Type.LineOfBusiness(); lob != "" {
		plan["line_of_business"] = lob
	} else {
		plan["line_of_business"] = f.notRecorded("plan.line_of_business")
	}
	history := f.vars["history"].(map[string]any)
	if trials, ok := history["trials"].([]any); ok {
		for i, t := range trials {
			m := t.(map[string]any)
			tr := c.History.Trials[i]
			end := tr.End
			if end == nil {
				end = tr.Start
			}
			if end != nil {
				m["ended_days_ago"] = int64(end.DaysUntil(f.AsOf))
			}
		}
	}
	if scores, ok := history["scores"].([]any); ok {
		for i, s := range scores {
			s.(map[string]any)["days_ago"] = int64(c.History.Scores[i].Date.DaysUntil(f.AsOf))
		}
	}
}

// present removes path from the absent list (a derived value filled it).
func (f *Facts) present(path string) {
	out := f.absent[:0]
	for _, p := range f.absent {
		if p != path {
			out = append(out, p)
		}
	}
	f.absent = out
}

// Absent reports whether the fact at path is not recorded.
func (f *Facts) Absent(path string) bool {
	for _, p := range f.absent {
		if p == path || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

// Lookup returns the recorded value at a dotted path.
func (f *Facts) Lookup(path string) (any, bool) {
	v, ok := f.lookup(path)
	if _, unknown := v.(*types.Unknown); unknown {
		return nil, false
	}
	return v, ok
}

func (f *Facts) lookup(path string) (any, bool) {
	var cur any = f.vars
	for p := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

var unknownCache sync.Map // path -> *types.Unknown

// unknownOf returns the CEL unknown for a fact path. Unknowns are only
// read (merging makes new ones), so one per path serves every evaluation.
func unknownOf(path string) *types.Unknown {
	if u, ok := unknownCache.Load(path); ok {
		return u.(*types.Unknown)
	}
	u := unknown([]string{path}).(*types.Unknown)
	unknownCache.Store(path, u)
	return u
}

func ageOn(birth, on ketacover.Date) int {
	age := on.Year - birth.Year
	if on.Month < birth.Month || (on.Month == birth.Month && on.Day < birth.Day) {
		age--
	}
	return age
}
