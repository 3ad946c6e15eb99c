// Package strictyaml decodes YAML (and JSON, which YAML reads) into Go
// structs strictly: unknown fields, wrong types and duplicate keys are
// errors, every error names its line and field path, and all errors are
// reported at once rather than the first only.
package strictyaml

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest document Decode accepts. Case and policy files are
// a few kilobytes; a larger input is a mistake, not data.
const MaxSize = 1 << 20

// Problem is one thing wrong with a document.
type Problem struct {
	Line int    // 1-based line, 0 when unknown
	Path string // field path such as history.trials[1].weeks
	Msg  string
}

// Problems is every problem found in one document, in line order.
type Problems struct {
	File string
	List []Problem
}

func (p *Problems) Error() string {
	var b strings.Builder
	for i, q := range p.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.format(q))
	}
	return b.String()
}

func (p *Problems) format(q Problem) string {
	loc := p.File
	if q.Line > 0 {
		loc = fmt.Sprintf("%s:%d", p.File, q.Line)
	}
	if q.Path == "" {
		return fmt.Sprintf("%s: %s", loc, q.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", loc, q.Path, q.Msg)
}

// Lines maps field paths to the line they were read from, so that problems
// found after decoding (by a Validate method) can be reported in place.
type Lines map[string]int

// Line returns the line of path, or of its nearest parent that has one.
func (l Lines) Line(path string) int {
	for {
		if n, ok := l[path]; ok {
			return n
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return l[""]
		}
		path = path[:i]
	}
}

// Decode decodes data into v, a non-nil pointer to a struct. It returns the
// line of each decoded field and, when anything is wrong, a *Problems.
func Decode(file string, data []byte, v any) (Lines, error) {
	lines := Lines{}
	probs := &Problems{File: file}
	if len(data) > MaxSize {
		probs.List = append(probs.List, Problem{Msg: fmt.Sprintf("file is %d bytes; the limit is %d", len(data), MaxSize)})
		return lines, probs
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		probs.List = append(probs.List, syntaxProblem(err))
		return lines, probs
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		probs.List = append(probs.List, Problem{Line: 1, Msg: "file is empty"})
		return lines, probs
	}
	d := &decoder{lines: lines, probs: probs}
	d.value(root.Content[0], reflect.ValueOf(v).Elem(), "")
	if len(probs.List) > 0 {
		sort.SliceStable(probs.List, func(i, j int) bool { return probs.List[i].Line < probs.List[j].Line })
		return lines, probs
	}
	return lines, nil
}

// syntaxProblem turns a yaml syntax error ("yaml: line 3: ...") into a
// Problem with its line.
func syntaxProblem(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ":"); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				return Problem{Line: n, Msg: "syntax error: " + strings.TrimSpace(rest[i+1:])}
			}
		}
	}
	return Problem{Msg: "syntax error: " + msg}
}

type decoder struct {
	lines Lines
	probs *Problems
	depth int
}

// maxDepth bounds nesting so a hostile document cannot exhaust the stack.
const maxDepth = 64

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.probs.List = append(d.probs.List, Problem{Line: n.Line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		d.fail(n, path, "aliases (*name) are not allowed; write the value out")
		return
	}
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		d.fail(n, path, "nested more than %d levels deep", maxDepth)
		return
	}
	d.lines[path] = n.Line
	if isNull(n) {
		v.Set(reflect.Zero(v.Type()))
		return
	}
	if v.Kind() == reflect.Pointer {
		p := reflect.New(v.Type().Elem())
		d.value(n, p.Elem(), path)
		v.Set(p)
		return
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "want %s, got %s", describe(v.Type()), kindName(n))
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.fail(n, path, "%s", err.Error())
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.structure(n, v, path)
	case reflect.Slice:
		d.list(n, v, path)
	case reflect.Map:
		d.mapping(n, v, path)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			d.fail(n, path, "%s", err)
			return
		}
		v.Set(reflect.ValueOf(normalize(x)))
	default:
		d.scalar(n, v, path)
	}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping of fields, got %s", kindName(n))
		return
	}
	fields := fieldsOf(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		name := k.Value
		fpath := join(path, name)
		if seen[name] {
			d.fail(k, fpath, "field given twice")
			continue
		}
		seen[name] = true
		idx, ok := fields[name]
		if !ok {
			d.fail(k, fpath, "unknown field %q%s", name, suggest(name, fields))
			continue
		}
		d.value(val, v.FieldByIndex(idx), fpath)
	}
	for _, name := range requiredOf(v.Type()) {
		if !seen[name] {
			d.fail(n, join(path, name), "required field is missing")
		}
	}
}

// requiredOf lists the fields that must be present: those whose yaml tag
// has no omitempty, other than nested structs (which may be left out whole).
func requiredOf(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !f.IsExported() || strings.Contains(opts, "omitempty") {
			continue
		}
		if f.Type.Kind() == reflect.Struct && !reflect.PointerTo(f.Type).Implements(textUnmarshaler) {
			continue
		}
		out = append(out, name)
	}
	return out
}

func (d *decoder) list(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "want a list, got %s", kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.value(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping, got %s", kindName(n))
		return
	}
	if v.Type().Key().Kind() != reflect.String {
		d.fail(n, path, "internal: map keys must be strings")
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "want a plain key, got %s", kindName(k))
			continue
		}
		key := reflect.ValueOf(k.Value).Convert(v.Type().Key())
		if m.MapIndex(key).IsValid() {
			d.fail(k, join(path, k.Value), "key given twice")
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.value(val, elem, join(path, k.Value))
		m.SetMapIndex(key, elem)
	}
	v.Set(m)
}

func (d *decoder) scalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "want %s, got %s", describe(v.Type()), kindName(n))
		return
	}
	switch v.Kind() {
	case reflect.String:
		if n.Tag != "!!str" && n.Style == 0 && n.Tag != "!!int" && n.Tag != "!!float" && n.Tag != "!!timestamp" {
			// A bare true/false/date where text is wanted is almost always
			// a mistake (yes → true); numbers are accepted as text (ZIP
			// codes, NPIs) because their digits are kept as written.
			d.fail(n, path, "want text, got %s (quote it if it is meant as text)", scalarName(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Tag != "!!bool" {
			d.fail(n, path, "want true or false, got %s", quoteScalar(n))
			return
		}
		v.SetBool(n.Value == "true" || n.Value == "True" || n.Value == "TRUE")
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.Tag != "!!int" {
			d.fail(n, path, "want a whole number, got %s", quoteScalar(n))
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil || v.OverflowInt(i) {
			d.fail(n, path, "want a whole number, got %s", quoteScalar(n))
			return
		}
		v.SetInt(i)
	case reflect.Float64, reflect.Float32:
		if n.Tag != "!!int" && n.Tag != "!!float" {
			d.fail(n, path, "want a number, got %s", quoteScalar(n))
			return
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(n, path, "want a number, got %s", quoteScalar(n))
			return
		}
		v.SetFloat(f)
	default:
		d.fail(n, path, "internal: cannot decode into %s", v.Type())
	}
}

// fieldsOf maps YAML names to struct field indexes, following embedded
// structs. A field without a yaml tag is not decodable.
func fieldsOf(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, idx := range fieldsOf(f.Type) {
				out[k] = append([]int{i}, idx...)
			}
			continue
		}
		if name == "" {
			continue
		}
		out[name] = []int{i}
	}
	return out
}

// FieldName returns the YAML name of struct field f ("" if it has none).
func FieldName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return scalarName(n)
	}
	return "something else"
}

func scalarName(n *yaml.Node) string {
	switch n.Tag {
	case "!!bool":
		return "true/false " + strconv.Quote(n.Value)
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!timestamp":
		return "the date " + n.Value
	}
	return strconv.Quote(n.Value)
}

func quoteScalar(n *yaml.Node) string {
	if n.Tag == "!!str" {
		return strconv.Quote(n.Value)
	}
	return n.Value
}

func describe(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if reflect.PointerTo(t).Implements(textUnmarshaler) {
			return "a single value"
		}
		return "a mapping of fields"
	case reflect.Slice:
		return "a list"
	case reflect.Map:
		return "a mapping"
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	}
	return "a value"
}

// suggest names the closest known field when a field is misspelled.
func suggest(name string, fields map[string][]int) string {
	best, bestDist := "", 3
	for k := range fields {
		if dist := editDistance(name, k); dist < bestDist || (dist == bestDist && k < best) {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// normalize turns yaml's map[string]any / []any trees into plain JSON-like
// values (YAML timestamps become strings) so callers see one shape.
func normalize(x any) any {
	switch t := x.(type) {
	case map[string]any:
		for k, v := range t {
			t[k] = normalize(v)
		}
		return t
	case []any:
		for i, v := range t {
			t[i] = normalize(v)
		}
		return t
	case interface{ Format(string) string }:
		return t.Format("2006-01-02")
	}
	return x
}
