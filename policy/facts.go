package policy

import (
	"reflect"
	"strings"
	"sync"

	"cel.dev/cel-go/common/types"

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
// score), with a CEL unknown naming its path in place of every fact that
// is not recorded. Build it once per case and date; evaluate it against
// any number of policies.
type Facts struct {
	Case *ketacover.Case
	AsOf ketacover.Date
	// NoReasons leaves each criterion's Reason (the line saying which
	// facts it read and what they were) out of what Check returns, for
	// callers that show none: the CDS Hooks answer uses the results,
	// questions and evidence only, and the reasons were a fiftieth of a
	// call.
	NoReasons bool
	act       activation

	// The records and their values, allocated with the Facts.
	recs [nRecords]record
	nrec int
	vals [nFields]any
	nval int

	// The recorded strings and numbers, by pointer: CEL reads a *string
	// as the string (and *float64, *int64 as the number), and a pointer
	// into the Facts goes into an interface without an allocation of its
	// own, which a string or a float64 does not. Go code reads them
	// through native.
	strs [64]string
	nstr int
	nums [16]float64
	nnum int
	ints [16]int64
	nint int
}

// str returns s as a value of the facts.
func (f *Facts) str(s string) any { return keep(f.strs[:], &f.nstr, s) }

// num returns x as a value of the facts.
func (f *Facts) num(x float64) any { return keep(f.nums[:], &f.nnum, x) }

// integer returns n as a value of the facts.
func (f *Facts) integer(n int64) any { return keep(f.ints[:], &f.nint, n) }

// keep stores x in the next free place of buf and returns a pointer to it,
// or x itself once buf is full.
func keep[T any](buf []T, n *int, x T) any {
	if *n == len(buf) {
		return x
	}
	p := &buf[*n]
	*p = x
	*n++
	return p
}

// native returns a value of the facts as the Go value it stands for: a
// string, float64 or int64 rather than a pointer to one.
func native(v any) any {
	switch t := v.(type) {
	case *string:
		return *t
	case *float64:
		return *t
	case *int64:
		return *t
	}
	return v
}

// NewFacts builds the facts of c on the date of service asOf.
//
// The clinical parts of the case are converted field by field by the code
// below rather than by walking the case with reflection, which took about
// as long as judging the case against its policies. The parts only cost
// estimates read (household, benefits, accumulators, course, prices) are
// still walked by reflection, and only when they are recorded.
// TestFactsMatchReflection checks that both give the same facts for every
// field of the case, so a field added to the case and not here fails it.
func NewFacts(c *ketacover.Case, asOf ketacover.Date) (*Facts, error) {
	f := factsPool.Get().(*Facts)
	f.Case, f.AsOf = c, asOf
	f.act = activation{
		patient:    f.patient(&c.Patient),
		plan:       f.plan(&c.Plan),
		therapy:    f.therapy(&c.Therapy),
		history:    f.history(&c.History),
		prescriber: f.prescriber(&c.Prescriber),
	}
	f.derive()
	return f, nil
}

// factsPool holds Facts given back by Release. A Facts is about 4 KB of
// pointers, built for every evaluation: two per CDS Hooks call, an eighth of
// the bytes such a call allocated.
var factsPool = sync.Pool{New: func() any { return new(Facts) }}

// Release gives f back, to be reused by a later NewFacts. Call it when
// nothing will read f again: not f, not a value Lookup returned, not the
// activation of an evaluation still running. What Check, Judge and the
// explanations return holds no part of f (strings and fresh values only),
// so a caller may release f as soon as they return. Not calling Release is
// always safe.
func (f *Facts) Release() {
	*f = Facts{}
	factsPool.Put(f)
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

// notRecorded returns the unknown that stands for the fact at path.
func (f *Facts) notRecorded(path string) *types.Unknown {
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

// Fields derive fills or changes.
var (
	patientBirthDate   = patientShape.index["birth_date"]
	patientAge         = patientShape.index["age"]
	planLineOfBusiness = planShape.index["line_of_business"]
)

// derive adds the values computed for the date of service. (The days
// since each trial and score are added as their lists are made.)
func (f *Facts) derive() {
	c := f.Case
	patient := f.act.patient.(*record)
	switch {
	case c.Patient.BirthDate != nil:
		patient.vals[patientAge] = f.integer(int64(ageOn(*c.Patient.BirthDate, f.AsOf)))
	case c.Patient.Age != nil:
		patient.vals[patientAge] = f.integer(int64(*c.Patient.Age))
	}
	// The age stands for the birth date, which is never asked for.
	if _, ok := patient.vals[patientBirthDate].(*types.Unknown); ok {
		patient.vals[patientBirthDate] = nil
	}
	plan := f.act.plan.(*record)
	if lob := c.Plan.Type.LineOfBusiness(); lob != "" {
		plan.vals[planLineOfBusiness] = f.str(lob)
	} else {
		plan.vals[planLineOfBusiness] = planShape.unknowns[planLineOfBusiness]
	}
}

// Absent reports whether the fact at path is not recorded: the value at
// path, or at a path it lies under, is a CEL unknown. (A derived value
// fills its place: with a birth date the age is recorded, and the birth
// date itself is left out, never absent.)
func (f *Facts) Absent(path string) bool {
	name, rest, more := strings.Cut(path, ".")
	cur, ok := f.act.ResolveName(name)
	if !ok {
		return false
	}
	for {
		if _, unknown := cur.(*types.Unknown); unknown {
			return true
		}
		if !more {
			return false
		}
		var p string
		p, rest, more = strings.Cut(rest, ".")
		switch m := cur.(type) {
		case *record:
			cur, ok = m.FindStringKey(p)
		case map[string]any:
			cur, ok = m[p]
		default:
			return false
		}
		if !ok {
			return false
		}
	}
}

// Lookup returns the recorded value at a dotted path.
func (f *Facts) Lookup(path string) (any, bool) {
	v, ok := f.lookup(path)
	switch t := v.(type) {
	case *types.Unknown:
		return nil, false
	case *record, []any:
		return plain(t), ok
	}
	return v, ok
}

// lookup returns the value at a dotted path as the criteria see it: a
// struct of the case is a *record, a fact not recorded a CEL unknown.
func (f *Facts) lookup(path string) (any, bool) {
	name, rest, more := strings.Cut(path, ".")
	cur, ok := f.act.ResolveName(name)
	if !ok {
		return nil, false
	}
	for more {
		var p string
		p, rest, more = strings.Cut(rest, ".")
		switch m := cur.(type) {
		case *record:
			if cur, ok = m.FindStringKey(p); !ok {
				return nil, false
			}
		case map[string]any:
			if cur, ok = m[p]; !ok {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return native(cur), true
}

// unknowns holds the CEL unknown of each fact path met. Unknowns are only
// read (merging makes new ones), so one per path serves every evaluation.
var unknowns = memo[string, *types.Unknown]{max: 1 << 14}

// unknownOf returns the CEL unknown for a fact path.
func unknownOf(path string) *types.Unknown {
	return unknowns.get(path, func(p string) *types.Unknown { return types.NewUnknown(0, trailOf(p)) })
}

func ageOn(birth, on ketacover.Date) int {
	age := on.Year - birth.Year
	if on.Month < birth.Month || (on.Month == birth.Month && on.Day < birth.Day) {
		age--
	}
	return age
}
