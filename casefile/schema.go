package casefile

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/ketacover/ketacover"
)

// Schema returns the JSON Schema (draft 2020-12) of the case file format,
// generated from the Go types so that it cannot drift from what Load
// accepts. Descriptions come from the types' desc tags.
func Schema() ([]byte, error) {
	s := schemaOf(reflect.TypeFor[ketacover.Case](), "")
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["$id"] = "https://github.com/ketacover/ketacover/schema/case.json"
	s["title"] = "ketacover case"
	s["description"] = "One patient's request for coverage of IV ketamine or esketamine (Spravato): patient, plan, therapy requested, clinical history and prescriber. A fact left out is unknown, never false."
	return json.MarshalIndent(s, "", "  ")
}

var (
	dateType        = reflect.TypeFor[ketacover.Date]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func schemaOf(t reflect.Type, desc string) map[string]any {
	s := map[string]any{}
	if desc != "" {
		s["description"] = desc
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == dateType:
		s["type"] = "string"
		s["format"] = "date"
		return s
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		// Money ("1250.00"), rates ("20%") and plan-year starts ("07-01")
		// are written as text.
		s["type"] = "string"
		return s
	case t == reflect.TypeFor[ketacover.PlanType]():
		s["type"] = "string"
		var enum []string
		for _, p := range ketacover.PlanTypes {
			enum = append(enum, string(p))
		}
		s["enum"] = enum
		return s
	case t == reflect.TypeFor[ketacover.Therapy]():
		s["type"] = "string"
		s["enum"] = []string{string(ketacover.TherapyKetamineIV), string(ketacover.TherapyEsketamine)}
		return s
	case t == reflect.TypeFor[ketacover.Indication]():
		s["type"] = "string"
		s["enum"] = []string{string(ketacover.IndicationTRD), string(ketacover.IndicationMDSI)}
		return s
	}
	switch t.Kind() {
	case reflect.Struct:
		s["type"] = "object"
		s["additionalProperties"] = false
		props := map[string]any{}
		var required []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			p := schemaOf(f.Type, f.Tag.Get("desc"))
			if enum := f.Tag.Get("enum"); enum != "" {
				p["enum"] = strings.Split(enum, ",")
			}
			props[name] = p
			if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Struct {
				required = append(required, name)
			}
		}
		s["properties"] = props
		if len(required) > 0 {
			s["required"] = required
		}
	case reflect.Slice:
		s["type"] = "array"
		s["items"] = schemaOf(t.Elem(), "")
	case reflect.String:
		s["type"] = "string"
	case reflect.Bool:
		s["type"] = "boolean"
	case reflect.Int, reflect.Int64:
		s["type"] = "integer"
	case reflect.Float64:
		s["type"] = "number"
	}
	return s
}
