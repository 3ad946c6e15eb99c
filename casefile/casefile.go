// Package casefile reads case files (YAML or JSON) strictly, reporting every
// problem with its file, line and field path, and describes the format as a
// JSON Schema.
package casefile

import (
	"errors"
	"fmt"
	"os"
	"sort"

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
	if err != nil {
		return nil, &ketacover.Error{Code: ketacover.EINVALID, Message: err.Error()}
	}
	if err := c.Validate(); err != nil {
		var fe ketacover.FieldErrors
		if !errors.As(err, &fe) {
			return nil, err
		}
		probs := &strictyaml.Problems{File: name}
		for _, e := range fe {
			probs.List = append(probs.List, strictyaml.Problem{Line: lines.Line(e.Field), Path: e.Field, Msg: e.Message})
		}
		sort.SliceStable(probs.List, func(i, j int) bool { return probs.List[i].Line < probs.List[j].Line })
		return nil, &ketacover.Error{Code: ketacover.EINVALID, Message: probs.Error()}
	}
	c.Normalize()
	return &c, nil
}
