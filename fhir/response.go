package fhir

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
)

// QRItem is a QuestionnaireResponse item as read.
type QRItem struct {
	LinkID string     `json:"linkId"`
	Answer []QRAnswer `json:"answer,omitempty"`
	Item   []QRItem   `json:"item,omitempty"`
}

// QRAnswer is one answer.
type QRAnswer struct {
	ValueBoolean *bool    `json:"valueBoolean,omitempty"`
	ValueDecimal *float64 `json:"valueDecimal,omitempty"`
	ValueInteger *int     `json:"valueInteger,omitempty"`
	ValueString  *string  `json:"valueString,omitempty"`
	ValueDate    *string  `json:"valueDate,omitempty"`
	ValueCoding  *Coding  `json:"valueCoding,omitempty"`
	Item         []QRItem `json:"item,omitempty"`
}

// ApplyResponse fills the case's facts from the answers of a
// QuestionnaireResponse generated from a Form: each item whose linkId is a
// fact path sets that fact; a repeating group adds list entries. Read-only
// context items are skipped. It returns the facts set; a wrong answer is an
// EINVALID error naming the linkId, and nothing of c is changed then.
func ApplyResponse(c *ketacover.Case, raw []byte) ([]string, error) {
	if _, err := Parse(raw); err != nil {
		return nil, err
	}
	var qr struct {
		ResourceType string   `json:"resourceType"`
		Item         []QRItem `json:"item"`
	}
	if err := json.Unmarshal(raw, &qr); err != nil || qr.ResourceType != "QuestionnaireResponse" {
		return nil, ketacover.Errorf(ketacover.EINVALID, "want a QuestionnaireResponse, got %s", firstNonEmpty(qr.ResourceType, "something else"))
	}
	work := cloneCase(c)
	var set []string
	var walk func(items []QRItem) error
	walk = func(items []QRItem) error {
		for _, it := range items {
			switch {
			case strings.Contains(it.LinkID, "/") || it.LinkID == "":
				// A group of questions or a context item.
				if err := walk(it.Item); err != nil {
					return err
				}
				for _, a := range it.Answer {
					if err := walk(a.Item); err != nil {
						return err
					}
				}
			case len(it.Item) > 0:
				// A group answered once per list entry, or a record.
				if err := applyGroup(work, it); err != nil {
					return err
				}
				set = append(set, it.LinkID)
			case len(it.Answer) > 0:
				if err := setFact(work, it.LinkID, it.Answer); err != nil {
					return err
				}
				set = append(set, it.LinkID)
			}
		}
		return nil
	}
	if err := walk(qr.Item); err != nil {
		return nil, err
	}
	work.Normalize()
	*c = *work
	sort.Strings(set)
	return set, nil
}

// cloneCase deep-copies a case through JSON, so a failed apply leaves the
// original untouched.
func cloneCase(c *ketacover.Case) *ketacover.Case {
	b, _ := json.Marshal(c)
	var out ketacover.Case
	_ = json.Unmarshal(b, &out)
	return &out
}

// applyGroup applies one instance of a group item: for a list path it
// appends an entry built from the children, for a record it sets them.
func applyGroup(c *ketacover.Case, it QRItem) error {
	if scale, ok := scorePath(it.LinkID); ok {
		sc := ketacover.Score{Scale: scale}
		for _, ch := range it.Item {
			if len(ch.Answer) != 1 {
				continue
			}
			a := ch.Answer[0]
			switch ch.LinkID {
			case it.LinkID + ".value":
				if a.ValueInteger == nil || *a.ValueInteger < 0 || *a.ValueInteger > ketacover.Scales[scale].Max {
					return ketacover.Errorf(ketacover.EINVALID, "item %s: want a whole number from 0 to %d", ch.LinkID, ketacover.Scales[scale].Max)
				}
				sc.Value = *a.ValueInteger
			case it.LinkID + ".date":
				if a.ValueDate == nil || parseDate(*a.ValueDate) == nil {
					return ketacover.Errorf(ketacover.EINVALID, "item %s: want a date (YYYY-MM-DD)", ch.LinkID)
				}
				sc.Date = *parseDate(*a.ValueDate)
			}
		}
		if sc.Date.IsZero() {
			return ketacover.Errorf(ketacover.EINVALID, "item %s: the score needs its value and date", it.LinkID)
		}
		c.History.Scores = append(c.History.Scores, sc)
		return nil
	}
	f, ok := fieldAt(reflect.TypeFor[ketacover.Case](), it.LinkID)
	if !ok {
		return ketacover.Errorf(ketacover.EINVALID, "item %s: not a fact ketacover knows", it.LinkID)
	}
	if f.Type.Kind() == reflect.Slice {
		slice, err := locate(c, it.LinkID)
		if err != nil {
			return err
		}
		slice.Set(reflect.Append(slice, reflect.Zero(slice.Type().Elem())))
		idx := slice.Len() - 1
		for _, ch := range it.Item {
			sub := strings.Replace(ch.LinkID, it.LinkID+"[*]", fmt.Sprintf("%s[%d]", it.LinkID, idx), 1)
			if len(ch.Answer) == 0 {
				continue
			}
			if err := setFact(c, sub, ch.Answer); err != nil {
				return err
			}
		}
		return nil
	}
	for _, ch := range it.Item {
		if len(ch.Answer) > 0 {
			if err := setFact(c, ch.LinkID, ch.Answer); err != nil {
				return err
			}
		}
	}
	return nil
}

// setFact sets the fact at path from its answers.
func setFact(c *ketacover.Case, path string, answers []QRAnswer) error {
	if path == "plan.line_of_business" {
		path = "plan.type"
	}
	f, ok := fieldAt(reflect.TypeFor[ketacover.Case](), path)
	if !ok {
		return ketacover.Errorf(ketacover.EINVALID, "item %s: not a fact ketacover knows", path)
	}
	v, err := locate(c, path)
	if err != nil {
		return err
	}
	bad := func(want string) error {
		return ketacover.Errorf(ketacover.EINVALID, "item %s: want %s", path, want)
	}
	t := v.Type()
	if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String {
		l := reflect.MakeSlice(t, 0, len(answers))
		for _, a := range answers {
			if a.ValueString == nil {
				return bad("text answers")
			}
			l = reflect.Append(l, reflect.ValueOf(*a.ValueString).Convert(t.Elem()))
		}
		v.Set(l)
		return nil
	}
	if len(answers) != 1 {
		return bad("one answer")
	}
	a := answers[0]
	if t.Kind() == reflect.Pointer {
		nv := reflect.New(t.Elem())
		v.Set(nv)
		v = nv.Elem()
		t = t.Elem()
	}
	switch {
	case t == dateType:
		if a.ValueDate == nil {
			return bad("a date")
		}
		d := parseDate(*a.ValueDate)
		if d == nil {
			return bad("a full date (YYYY-MM-DD)")
		}
		v.Set(reflect.ValueOf(*d))
	case t.Kind() == reflect.Bool:
		if a.ValueBoolean == nil {
			return bad("yes or no (valueBoolean)")
		}
		v.SetBool(*a.ValueBoolean)
	case t.Kind() == reflect.Int:
		switch {
		case a.ValueInteger != nil:
			v.SetInt(int64(*a.ValueInteger))
		case a.ValueDecimal != nil && *a.ValueDecimal == float64(int64(*a.ValueDecimal)):
			v.SetInt(int64(*a.ValueDecimal))
		default:
			return bad("a whole number (valueInteger)")
		}
	case t.Kind() == reflect.Float64:
		switch {
		case a.ValueDecimal != nil:
			v.SetFloat(*a.ValueDecimal)
		case a.ValueInteger != nil:
			v.SetFloat(float64(*a.ValueInteger))
		default:
			return bad("a number (valueDecimal)")
		}
	case t.Kind() == reflect.String:
		var s string
		switch {
		case a.ValueString != nil:
			s = *a.ValueString
		case a.ValueCoding != nil:
			s = a.ValueCoding.Code
		default:
			return bad("text (valueString)")
		}
		allowed := f.Tag.Get("enum")
		if path == "plan.type" {
			if !ketacover.PlanType(s).Valid() {
				return bad("a plan type such as group-fully-insured")
			}
		} else if allowed != "" && !oneOf(s, strings.Split(allowed, ",")...) {
			return bad("one of " + strings.ReplaceAll(allowed, ",", ", "))
		}
		v.SetString(s)
	default:
		return bad("a value ketacover can store")
	}
	return nil
}

// locate returns the settable value at a fact path, creating records on
// the way; a list index must name an existing entry.
func locate(c *ketacover.Case, path string) (reflect.Value, error) {
	v := reflect.ValueOf(c).Elem()
	for _, part := range strings.Split(path, ".") {
		idx := -1
		if i := strings.Index(part, "["); i >= 0 && strings.HasSuffix(part, "]") {
			n, err := strconv.Atoi(part[i+1 : len(part)-1])
			if err != nil {
				return v, ketacover.Errorf(ketacover.EINVALID, "item %s: bad list index", path)
			}
			part, idx = part[:i], n
		}
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		found := false
		for i := range v.NumField() {
			if yamlName(v.Type().Field(i)) == part {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			return v, ketacover.Errorf(ketacover.EINVALID, "item %s: not a fact ketacover knows", path)
		}
		if idx >= 0 {
			if v.Kind() != reflect.Slice || idx >= v.Len() {
				return v, ketacover.Errorf(ketacover.EINVALID, "item %s: the case has no entry %d there", path, idx+1)
			}
			v = v.Index(idx)
		}
	}
	return v, nil
}
