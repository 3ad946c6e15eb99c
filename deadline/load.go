package deadline

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"sort"
	"strings"
	"sync"

	"github.com/ketacover/ketacover"
	"go.yaml.in/yaml/v3"
)

//go:embed rules/*.yaml
var embedded embed.FS

// Book is a loaded, validated set of rules.
type Book struct {
	rules           []Rule
	byID            map[string]int
	byStep          map[Step][]int // rule indexes per step, for Lookup
	classifications []Classification
	gaps            []Gap
}

// Rules returns every rule, in file order.
func (b *Book) Rules() []Rule { return append([]Rule(nil), b.rules...) }

// Rule returns the rule with the given ID; ENOTFOUND if there is none.
func (b *Book) Rule(id string) (Rule, error) {
	i, ok := b.byID[id]
	if !ok {
		return Rule{}, ketacover.Errorf(ketacover.ENOTFOUND, "no deadline rule %q", id)
	}
	return b.rules[i], nil
}

// Gaps returns the clocks the references left unsettled.
func (b *Book) Gaps() []Gap { return append([]Gap(nil), b.gaps...) }

// Classifications returns the therapy classifications.
func (b *Book) Classifications() []Classification {
	return append([]Classification(nil), b.classifications...)
}

var defaultBook = sync.OnceValues(func() (*Book, error) {
	sub, err := fs.Sub(embedded, "rules")
	if err != nil {
		return nil, err
	}
	return Load(sub)
})

// Default returns the embedded rule book. An error means the embedded data is broken, which
// the package tests rule out; callers still check it rather than panic.
func Default() (*Book, error) { return defaultBook() }

// file is the shape of one YAML file.
type file struct {
	// Sources names URLs once so that rules can refer to them with YAML anchors.
	Sources         map[string]string `yaml:"sources"`
	Rules           []Rule            `yaml:"rules"`
	Classifications []Classification  `yaml:"classifications"`
	Gaps            []Gap             `yaml:"gaps"`
}

// maxFileSize bounds one rule file; the real ones are a few kilobytes.
const maxFileSize = 1 << 20

// Load reads every *.yaml file at the top of fsys. Every problem is reported with its file
// and line; the first file with a problem stops the load, and nothing half-loaded is returned.
func Load(fsys fs.FS) (*Book, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("load deadline rules: %w", err)
	}
	if len(names) == 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "load deadline rules: no *.yaml files")
	}
	sort.Strings(names)
	b := &Book{byID: map[string]int{}}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load deadline rules: %w", err)
		}
		if err := b.add(name, data); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Parse reads one rule file's bytes; name is used in messages.
func Parse(name string, data []byte) (*Book, error) {
	b := &Book{byID: map[string]int{}}
	if err := b.add(name, data); err != nil {
		return nil, err
	}
	return b, nil
}

func invalidf(name string, line int, format string, args ...any) error {
	return ketacover.Errorf(ketacover.EINVALID, "%s:%d: %s", name, line, fmt.Sprintf(format, args...))
}

func (b *Book) add(name string, data []byte) error {
	if len(data) > maxFileSize {
		return invalidf(name, 1, "file is %d bytes, more than the %d allowed", len(data), maxFileSize)
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return invalidf(name, 1, "empty file: want a mapping with rules, classifications or gaps")
		}
		return ketacover.Errorf(ketacover.EINVALID, "%s: %s", name, yamlMessage(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return invalidf(name, extra.Line, "more than one YAML document; want one")
	}
	lines, err := itemLines(data)
	if err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "%s: %s", name, yamlMessage(err))
	}
	line := func(key string, i int) int {
		if l := lines[key]; i < len(l) {
			return l[i]
		}
		return 1
	}
	for i := range f.Rules {
		r := &f.Rules[i]
		r.file, r.line = name, line("rules", i)
		if r.Benefit == "" {
			r.Benefit = BenefitAny
		}
		if bad := r.Validate(); len(bad) > 0 {
			return invalidf(name, r.line, "rule %q: %s", r.ID, fieldProblems(bad))
		}
		if j, dup := b.byID[r.ID]; dup {
			return invalidf(name, r.line, "rule %q is also defined at %s", r.ID, b.rules[j].Where())
		}
		b.byID[r.ID] = len(b.rules)
		if b.byStep == nil {
			b.byStep = map[Step][]int{}
		}
		b.byStep[r.Step] = append(b.byStep[r.Step], len(b.rules))
		b.rules = append(b.rules, *r)
	}
	for i := range f.Classifications {
		c := &f.Classifications[i]
		c.file, c.line = name, line("classifications", i)
		if err := c.validate(); err != "" {
			return invalidf(name, c.line, "classification of %q: %s", c.Therapy, err)
		}
		b.classifications = append(b.classifications, *c)
	}
	for i := range f.Gaps {
		g := &f.Gaps[i]
		g.file, g.line = name, line("gaps", i)
		if g.Benefit == "" {
			g.Benefit = BenefitAny
		}
		if err := g.validate(); err != "" {
			return invalidf(name, g.line, "gap for step %q: %s", g.Step, err)
		}
		b.gaps = append(b.gaps, *g)
	}
	return nil
}

// itemLines returns, for each top-level list, the line of each item.
func itemLines(data []byte) (map[string][]int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	out := map[string][]int{}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return out, nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		for _, item := range m.Content[i+1].Content {
			out[m.Content[i].Value] = append(out[m.Content[i].Value], item.Line)
		}
	}
	return out, nil
}

// yamlMessage turns a yaml error into one line that keeps its "line N:" parts.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return strings.Join(te.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

func fieldProblems(bad map[string]string) string {
	keys := make([]string, 0, len(bad))
	for k := range bad {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + bad[k]
	}
	return strings.Join(parts, "; ")
}

func validPlans(ps []ketacover.PlanType) string {
	if len(ps) == 0 {
		return "plans: want at least one plan type"
	}
	for _, p := range ps {
		if !p.Valid() {
			return fmt.Sprintf("plans: unknown plan type %q", p)
		}
	}
	return ""
}

func (c *Classification) validate() string {
	if s := validPlans(c.Plans); s != "" {
		return s
	}
	if c.Therapy != ketacover.TherapyKetamineIV && c.Therapy != ketacover.TherapyEsketamine {
		return fmt.Sprintf("therapy: want %s or %s", ketacover.TherapyKetamineIV, ketacover.TherapyEsketamine)
	}
	if len(c.Benefits) == 0 {
		return "benefits: want drug, service or both"
	}
	for _, x := range c.Benefits {
		if x != BenefitDrug && x != BenefitService {
			return fmt.Sprintf("benefits: want drug or service, got %q", x)
		}
	}
	if strings.TrimSpace(c.Note) == "" || strings.TrimSpace(c.Citation) == "" || !strings.HasPrefix(c.Source, "http") || c.Ref == "" {
		return "note, citation, source (URL) and ref are required"
	}
	if _, ok := grades[c.Grade]; !ok {
		return fmt.Sprintf("grade: want V, V-CMS, S+, S or K, got %q", c.Grade)
	}
	return ""
}

func (g *Gap) validate() string {
	if s := validPlans(g.Plans); s != "" {
		return s
	}
	if !g.Step.Valid() {
		return fmt.Sprintf("step: unknown step %q", g.Step)
	}
	if g.Benefit != BenefitAny && g.Benefit != BenefitDrug && g.Benefit != BenefitService {
		return fmt.Sprintf("benefit: want any, drug or service, got %q", g.Benefit)
	}
	if strings.TrimSpace(g.Note) == "" || strings.TrimSpace(g.Ref) == "" {
		return "note and ref are required"
	}
	return ""
}
