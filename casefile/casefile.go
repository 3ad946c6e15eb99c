// Package casefile reads case files (YAML or JSON) strictly, reporting every
// problem with its file, line and field path, and describes the format as a
// JSON Schema.
package casefile

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/internal/strictyaml"
)

// Load reads the case file at path.
func Load(path string) (*ketacover.Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such file", path)
		}
		return nil, fmt.Errorf("read case: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a case file's contents; name is used in
// messages. The returned error is a *ketacover.Error with code EINVALID
// whose message lists every problem, one per line, as
// "file:line: field: what was expected".
func Parse(name string, data []byte) (*ketacover.Case, error) {
	var c ketacover.Case
	lines, err := strictyaml.Decode(name, data, &c)
	probs := &strictyaml.Problems{File: name}
	if err != nil {
		if !errors.As(err, &probs) || syntaxOnly(probs) {
			return nil, &ketacover.Error{Code: ketacover.EINVALID, Message: err.Error()}
		}
	}
	// Validate even when decoding found problems, so that one run reports
	// every problem; skip fields whose decoding already failed.
	if err := c.Validate(); err != nil {
		var fe ketacover.FieldErrors
		if !errors.As(err, &fe) {
			return nil, err
		}
		for _, e := range fe {
			if !covered(probs, e.Field) {
				probs.List = append(probs.List, strictyaml.Problem{Line: lines.Line(e.Field), Path: e.Field, Msg: e.Message})
			}
		}
	}
	if len(probs.List) > 0 {
		sort.SliceStable(probs.List, func(i, j int) bool { return probs.List[i].Line < probs.List[j].Line })
		return nil, &ketacover.Error{Code: ketacover.EINVALID, Message: probs.Error()}
	}
	c.Normalize()
	return &c, nil
}

// syntaxOnly reports whether the document could not be read at all (then
// there is nothing to validate).
func syntaxOnly(p *strictyaml.Problems) bool {
	for _, q := range p.List {
		if q.Path != "" {
			return false
		}
	}
	return true
}

// covered reports whether a problem was already found at field or at one
// of its parents.
func covered(p *strictyaml.Problems, field string) bool {
	for _, q := range p.List {
		if q.Path == field || strings.HasPrefix(field, q.Path+".") || strings.HasPrefix(field, q.Path+"[") {
			return true
		}
	}
	return false
}
