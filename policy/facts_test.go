package policy

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
)

// exampleCases reads the example case files, returning their names and
// cases in the same order.
func exampleCases(t *testing.T) ([]string, []*ketacover.Case) {
	t.Helper()
	files, err := filepath.Glob("../examples/cases/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatal("want the example cases in ../examples/cases")
	}
	var cases []*ketacover.Case
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		c, err := casefile.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	return files, cases
}

// reflectFacts builds the facts of c the way NewFacts once did for the
// whole case: by walking every field with reflection (Facts.value), then
// deriving the values for the date of service on the maps. It is the
// reference NewFacts's field-by-field code is held to.
func reflectFacts(c *ketacover.Case, asOf ketacover.Date) map[string]any {
	f := &Facts{Case: c, AsOf: asOf}
	vars := map[string]any{}
	cv := reflect.ValueOf(c).Elem()
	for _, fi := range fieldsOf(cv.Type()) {
		if fi.name == "id" {
			continue
		}
		vars[fi.name] = f.value(cv.Field(fi.index), fi.name)
	}
	patient := vars["patient"].(map[string]any)
	switch {
	case c.Patient.BirthDate != nil:
		patient["age"] = int64(ageOn(*c.Patient.BirthDate, asOf))
	case c.Patient.Age != nil:
		patient["age"] = int64(*c.Patient.Age)
	}
	if _, ok := patient["birth_date"].(*types.Unknown); ok {
		delete(patient, "birth_date")
	}
	plan := vars["plan"].(map[string]any)
	if lob := c.Plan.Type.LineOfBusiness(); lob != "" {
		plan["line_of_business"] = lob
	} else {
		plan["line_of_business"] = f.notRecorded("plan.line_of_business")
	}
	history := vars["history"].(map[string]any)
	if trials, ok := history["trials"].([]any); ok {
		for i, t := range trials {
			m := t.(map[string]any)
			tr := c.History.Trials[i]
			end := tr.End
			if end == nil {
				end = tr.Start
			}
			if end != nil {
				m["ended_days_ago"] = int64(end.DaysUntil(asOf))
			}
		}
	}
	if scores, ok := history["scores"].([]any); ok {
		for i, s := range scores {
			s.(map[string]any)["days_ago"] = int64(c.History.Scores[i].Date.DaysUntil(asOf))
		}
	}
	return vars
}

// factsOf returns NewFacts's facts as plain maps, for comparison.
func factsOf(t *testing.T, c *ketacover.Case, asOf ketacover.Date) (*Facts, map[string]any) {
	t.Helper()
	f, err := NewFacts(c, asOf)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{}
	for _, name := range variables {
		v, ok := f.act.ResolveName(name)
		if !ok {
			t.Fatalf("variable %s not resolved", name)
		}
		vars[name] = v.(*record).plain()
	}
	return f, vars
}

// sameUnknown compares CEL unknowns by identity: both builders take them
// from unknownOf, one per fact path.
var sameUnknown = cmp.Comparer(func(a, b *types.Unknown) bool { return a == b })

func checkFacts(t *testing.T, c *ketacover.Case, asOf ketacover.Date) {
	t.Helper()
	wantVars := reflectFacts(c, asOf)
	f, gotVars := factsOf(t, c, asOf)
	if diff := cmp.Diff(wantVars, gotVars, sameUnknown); diff != "" {
		t.Errorf("facts (-reflection +NewFacts):\n%s", diff)
	}
	// Absent as it was: the facts not recorded were a list of paths (the
	// unknowns' paths, less those a derived value filled), and a path was
	// absent when it or a path it lies under was on the list.
	var absent []string
	var paths []string
	var walk func(at string, v any)
	walk = func(at string, v any) {
		paths = append(paths, at, at+".x", at+".")
		switch v := v.(type) {
		case *types.Unknown:
			absent = append(absent, at)
		case map[string]any:
			for k, e := range v {
				walk(at+"."+k, e)
			}
		}
	}
	for k, v := range wantVars {
		walk(k, v)
	}
	paths = append(paths, "", "nobody", "patient.birth_date", "patient.age", "plan.line_of_business")
	for _, p := range paths {
		want := false
		for _, a := range absent {
			if p == a || strings.HasPrefix(p, a+".") {
				want = true
			}
		}
		if got := f.Absent(p); got != want {
			t.Errorf("Absent(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestFactsMatchReflection holds NewFacts's field-by-field code to the
// reflective walk: on the example cases, on an empty case, and on cases
// with every field of every struct of the case filled or left out at
// random, so that a field added to the case and not to NewFacts fails.
func TestFactsMatchReflection(t *testing.T) {
	asOf := ketacover.MustDate("2026-11-27")
	files, cases := exampleCases(t)
	for i, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) { checkFacts(t, cases[i], asOf) })
	}
	t.Run("empty", func(t *testing.T) { checkFacts(t, &ketacover.Case{}, asOf) })
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 7))
		var c ketacover.Case
		// The first case fills every field, the rest about two in three.
		fillRandom(r, reflect.ValueOf(&c).Elem(), seed == 0)
		checkFacts(t, &c, asOf)
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
}

// fillRandom sets v (and everything under it) to random values; with all,
// every field is set and no string is empty.
func fillRandom(r *rand.Rand, v reflect.Value, all bool) {
	if !all && r.IntN(3) == 0 {
		return // left out
	}
	if v.Type() == reflect.TypeFor[ketacover.Date]() {
		v.Set(reflect.ValueOf(ketacover.NewDate(2000+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(28))))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillRandom(r, p.Elem(), true)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillRandom(r, v.Field(i), all)
			}
		}
	case reflect.Slice:
		n := r.IntN(4)
		if all {
			n = 2
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fillRandom(r, s.Index(i), all)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fillRandom(r, k, true)
		e := reflect.New(v.Type().Elem()).Elem()
		fillRandom(r, e, all)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString([]string{"x", "esketamine", "trd", "commercial", "current"}[r.IntN(5)])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(r.IntN(400)))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(r.IntN(400)))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(r.IntN(100)) / 4)
	}
}

// TestFactsLookup checks Lookup and Absent on records, lists, derived
// values and paths that lead nowhere.
func TestFactsLookup(t *testing.T) {
	yes := true
	c := &ketacover.Case{
		Patient: ketacover.Patient{BirthDate: &ketacover.Date{Year: 1980, Month: 12, Day: 1}, Sex: "female"},
		Plan:    ketacover.Plan{Payer: "Aetna", Type: ketacover.PlanERISASelfFunded},
		Therapy: ketacover.TherapyRequest{Site: ketacover.Site{REMSCertified: &yes}},
		History: ketacover.History{Trials: []ketacover.Trial{{Drug: "sertraline"}}},
	}
	f, err := NewFacts(c, ketacover.MustDate("2026-11-27"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path   string
		want   any
		ok     bool
		absent bool
	}{
		{"patient.age", int64(45), true, false},
		{"patient.birth_date", "1980-12-01", true, false},
		{"patient.sex", "female", true, false},
		{"patient.name", nil, false, true},
		{"patient.household.size", nil, false, true},
		{"plan.line_of_business", "commercial", true, false},
		{"therapy.site", map[string]any{"rems_certified": true, "name": unknownOf("therapy.site.name"), "npi": unknownOf("therapy.site.npi"), "tin": unknownOf("therapy.site.tin"), "address": unknownOf("therapy.site.address"), "phone": unknownOf("therapy.site.phone"), "fax": unknownOf("therapy.site.fax"), "rems_patient_enrolled": unknownOf("therapy.site.rems_patient_enrolled"), "monitoring_2h": unknownOf("therapy.site.monitoring_2h")}, true, false},
		{"therapy.site.rems_certified", true, true, false},
		{"history.trials", []any{map[string]any{"drug": "sertraline"}}, true, false},
		{"history.trials.drug", nil, false, false},
		{"history.contraindications.substance_use", nil, false, true},
		{"patient.", nil, false, false},
		{"patient", nil, true, false},
		{"nobody", nil, false, false},
		{"", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := f.Lookup(tt.path)
			if ok != tt.ok {
				t.Errorf("Lookup ok = %v, want %v", ok, tt.ok)
			}
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, got, sameUnknown); diff != "" {
					t.Errorf("Lookup (-want +got):\n%s", diff)
				}
			}
			if a := f.Absent(tt.path); a != tt.absent {
				t.Errorf("Absent = %v, want %v", a, tt.absent)
			}
		})
	}
}

// FuzzFacts holds NewFacts to the reflective walk on any case the case
// file reader accepts.
func FuzzFacts(f *testing.F) {
	files, _ := filepath.Glob("../examples/cases/*.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := casefile.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		checkFacts(t, c, ketacover.MustDate("2026-11-27"))
	})
}
