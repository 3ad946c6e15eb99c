package evidence

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ketacover/ketacover"
)

// file is the shape of one data file. Field names are the YAML keys; the
// decoder rejects any other key.
type file struct {
	Entries []rawEntry `yaml:"entries"`
}

type rawEntry struct {
	ID          string     `yaml:"id"`
	Kind        Kind       `yaml:"kind"`
	Authors     []string   `yaml:"authors"`
	EtAl        bool       `yaml:"et_al"`
	Title       string     `yaml:"title"`
	Journal     string     `yaml:"journal"`
	Year        int        `yaml:"year"`
	Volume      string     `yaml:"volume"`
	Issue       string     `yaml:"issue"`
	Pages       string     `yaml:"pages"`
	DOI         string     `yaml:"doi"`
	PMID        string     `yaml:"pmid"`
	PMCID       string     `yaml:"pmcid"`
	Trial       string     `yaml:"trial"`
	Date        string     `yaml:"date"`
	URL         string     `yaml:"url"`
	Source      string     `yaml:"source"`
	Unconfirmed []string   `yaml:"unconfirmed"`
	Claims      []rawClaim `yaml:"claims"`
}

type rawClaim struct {
	ID            string   `yaml:"id"`
	Text          string   `yaml:"text"`
	Therapies     []string `yaml:"therapies"`
	Indications   []string `yaml:"indications"`
	DenialClasses []string `yaml:"denial_classes"`
	Topics        []string `yaml:"topics"`
}

var (
	// slugRE is the form of entry, claim and topic ids.
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// doiRE follows Crossref's advice for modern DOIs: "10.", a registrant
	// code of 4-9 digits, "/", then a suffix of printable characters.
	doiRE   = regexp.MustCompile(`^10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+$`)
	pmidRE  = regexp.MustCompile(`^[1-9][0-9]{0,8}$`)
	pmcidRE = regexp.MustCompile(`^PMC[1-9][0-9]{0,9}$`)
	dateRE  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	// unknownFieldRE matches the YAML decoder's strict-mode message.
	unknownFieldRE = regexp.MustCompile(`^line ([0-9]+): field (.+) not found in type \S+$`)
)

// unconfirmable are the fields an entry may mark as unconfirmed.
var unconfirmable = []string{"authors", "journal", "year", "volume", "issue", "pages"}

// Load reads every *.yaml file in dir of fsys, validates each entry and the
// whole set (ids are unique across files), and returns the library. Errors
// name the file and line; all problems found are reported together.
func Load(fsys fs.FS, dir string) (*Library, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("evidence: list %s: %w", dir, err)
	}
	if len(names) == 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "evidence: no *.yaml files in %s", dir)
	}
	sort.Strings(names)
	var all []Entry
	var problems []string
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("evidence: read %s: %w", name, err)
		}
		entries, err := Parse(name, data)
		if err != nil {
			problems = append(problems, ketacover.ErrorMessage(err))
			continue
		}
		all = append(all, entries...)
	}
	lib := &Library{entries: all, byID: make(map[string]int, len(all))}
	for i, e := range all {
		if j, dup := lib.byID[e.ID]; dup {
			problems = append(problems, fmt.Sprintf("%s:%d: duplicate id %q (first at %s:%d)", e.File, e.Line, e.ID, all[j].File, all[j].Line))
			continue
		}
		lib.byID[e.ID] = i
	}
	if len(problems) > 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s", strings.Join(problems, "\n"))
	}
	return lib, nil
}

// Parse decodes and validates one data file; name is used in messages only.
// Unknown keys, a missing or malformed DOI/PMID, and duplicate ids within the
// file are errors. The error is an EINVALID *ketacover.Error listing every
// problem as "name:line: what is wrong".
func Parse(name string, data []byte) ([]Entry, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: empty file, want a mapping with an entries list", name)
		}
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s", yamlMessage(name, err))
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: more than one YAML document; want one", name)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s", yamlMessage(name, err))
	}
	items := seqItems(mapValue(docMap(&root), "entries"))
	if len(f.Entries) == 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s:%d: no entries; want a non-empty entries list", name, lineOr(&root, 1))
	}

	v := &validator{file: name}
	seen := map[string]int{}
	out := make([]Entry, 0, len(f.Entries))
	for i, r := range f.Entries {
		var node *yaml.Node
		if i < len(items) {
			node = items[i]
		}
		e := v.entry(r, node)
		if e.ID != "" {
			if first, dup := seen[e.ID]; dup {
				v.errorf(node, "id", "duplicate id %q (first at line %d)", e.ID, first)
			} else {
				seen[e.ID] = e.Line
			}
		}
		out = append(out, e)
	}
	if len(v.problems) > 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s", strings.Join(v.problems, "\n"))
	}
	return out, nil
}

// validator collects problems with their file:line.
type validator struct {
	file     string
	problems []string
}

// errorf records a problem at the line of key in node (or of node itself).
func (v *validator) errorf(node *yaml.Node, key, format string, args ...any) {
	line := lineOr(node, 0)
	if k := mapKey(node, key); k != nil {
		line = k.Line
	}
	v.problems = append(v.problems, fmt.Sprintf("%s:%d: %s", v.file, line, fmt.Sprintf(format, args...)))
}

func (v *validator) entry(r rawEntry, node *yaml.Node) Entry {
	e := Entry{
		ID: r.ID, Kind: r.Kind, Authors: r.Authors, EtAl: r.EtAl, Title: strings.TrimSpace(r.Title),
		Journal: r.Journal, Year: r.Year, Volume: r.Volume, Issue: r.Issue, Pages: r.Pages,
		DOI: r.DOI, PMID: r.PMID, PMCID: r.PMCID, Trial: r.Trial, Date: r.Date, URL: r.URL,
		Source: strings.TrimSpace(r.Source), Unconfirmed: r.Unconfirmed,
		File: v.file, Line: lineOr(node, 0),
	}
	label := fmt.Sprintf("entry %q", r.ID)
	switch {
	case r.ID == "":
		label = "entry"
		v.errorf(node, "id", "entry: id is missing; want a slug like daly-2019")
	case !slugRE.MatchString(r.ID):
		v.errorf(node, "id", "%s: id must be a lower-case slug (a-z, 0-9, single hyphens)", label)
	}
	switch r.Kind {
	case KindTrial, KindReview, KindGuideline, KindRegulatory:
	case "":
		v.errorf(node, "kind", "%s: kind is missing; want trial, review, guideline or regulatory", label)
	default:
		v.errorf(node, "kind", "%s: unknown kind %q; want trial, review, guideline or regulatory", label, r.Kind)
	}
	if e.Title == "" {
		v.errorf(node, "title", "%s: title is missing", label)
	}
	if len(r.Authors) == 0 {
		v.errorf(node, "authors", "%s: authors is missing; want at least one", label)
	}
	for _, a := range r.Authors {
		if strings.TrimSpace(a) == "" {
			v.errorf(node, "authors", "%s: empty author name", label)
		}
	}
	if e.Source == "" {
		v.errorf(node, "source", "%s: source is missing; say where the reference was confirmed", label)
	}
	for _, u := range r.Unconfirmed {
		if !slices.Contains(unconfirmable, u) {
			v.errorf(node, "unconfirmed", "%s: unconfirmed names unknown field %q; want one of %s", label, u, strings.Join(unconfirmable, ", "))
		}
	}
	if r.Kind.Literature() {
		if r.DOI == "" && r.PMID == "" {
			v.errorf(node, "id", "%s: a %s needs a doi or a pmid", label, r.Kind)
		}
		if r.Journal == "" && e.confirmed("journal") {
			v.errorf(node, "journal", "%s: journal is missing", label)
		}
		if r.Year == 0 && e.confirmed("year") {
			v.errorf(node, "year", "%s: year is missing", label)
		}
	}
	if r.DOI != "" && !doiRE.MatchString(r.DOI) {
		v.errorf(node, "doi", "%s: doi %q is malformed; want 10.NNNN/suffix without a doi: or URL prefix", label, r.DOI)
	}
	if r.PMID != "" && !pmidRE.MatchString(r.PMID) {
		v.errorf(node, "pmid", "%s: pmid %q is malformed; want 1 to 9 digits", label, r.PMID)
	}
	if r.PMCID != "" && !pmcidRE.MatchString(r.PMCID) {
		v.errorf(node, "pmcid", "%s: pmcid %q is malformed; want PMC followed by digits", label, r.PMCID)
	}
	if r.Year != 0 && (r.Year < 1900 || r.Year > 2100) {
		v.errorf(node, "year", "%s: year %d is out of range", label, r.Year)
	}
	if r.Date != "" {
		if _, err := ketacover.ParseDate(r.Date); err != nil || !dateRE.MatchString(r.Date) {
			v.errorf(node, "date", "%s: date %q is malformed; want YYYY-MM-DD", label, r.Date)
		}
	}
	if r.URL != "" {
		if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.errorf(node, "url", "%s: url %q is not an absolute http(s) URL", label, r.URL)
		}
	}
	if len(r.Claims) == 0 {
		v.errorf(node, "claims", "%s: claims is missing; an entry must support at least one claim", label)
	}
	claimNodes := seqItems(mapValue(node, "claims"))
	seen := map[string]bool{}
	for i, rc := range r.Claims {
		var cn *yaml.Node
		if i < len(claimNodes) {
			cn = claimNodes[i]
		}
		c := v.claim(label, rc, cn)
		if c.ID != "" && seen[c.ID] {
			v.errorf(cn, "id", "%s: duplicate claim id %q", label, c.ID)
		}
		seen[c.ID] = true
		e.Claims = append(e.Claims, c)
	}
	return e
}

func (v *validator) claim(entry string, r rawClaim, node *yaml.Node) Claim {
	c := Claim{ID: r.ID, Text: strings.TrimSpace(r.Text), DenialClasses: r.DenialClasses, Topics: r.Topics}
	label := fmt.Sprintf("%s claim %q", entry, r.ID)
	if r.ID == "" || !slugRE.MatchString(r.ID) {
		v.errorf(node, "id", "%s: claim id must be a lower-case slug", label)
	}
	if c.Text == "" {
		v.errorf(node, "text", "%s: text is missing", label)
	}
	if len(r.Therapies) == 0 {
		v.errorf(node, "therapies", "%s: therapies is missing; want ketamine-iv and/or esketamine", label)
	}
	for _, t := range r.Therapies {
		switch th := ketacover.Therapy(t); th {
		case ketacover.TherapyKetamineIV, ketacover.TherapyEsketamine:
			c.Therapies = append(c.Therapies, th)
		default:
			v.errorf(node, "therapies", "%s: unknown therapy %q; want ketamine-iv or esketamine", label, t)
		}
	}
	for _, ind := range r.Indications {
		switch i := ketacover.Indication(ind); i {
		case ketacover.IndicationTRD, ketacover.IndicationMDSI:
			c.Indications = append(c.Indications, i)
		default:
			v.errorf(node, "indications", "%s: unknown indication %q; want trd or mdsi", label, ind)
		}
	}
	if len(r.DenialClasses) == 0 {
		v.errorf(node, "denial_classes", "%s: denial_classes is missing; name the denials this claim helps answer", label)
	}
	for _, d := range r.DenialClasses {
		if !slices.Contains(DenialClasses, d) {
			v.errorf(node, "denial_classes", "%s: unknown denial class %q", label, d)
		}
	}
	for _, t := range r.Topics {
		if !slugRE.MatchString(t) {
			v.errorf(node, "topics", "%s: topic %q must be a lower-case slug", label, t)
		}
	}
	return c
}

// yamlMessage rewrites a YAML decoding error as "name:line: message".
func yamlMessage(name string, err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		lines := make([]string, 0, len(te.Errors))
		for _, m := range te.Errors {
			if g := unknownFieldRE.FindStringSubmatch(m); g != nil {
				lines = append(lines, fmt.Sprintf("%s:%s: unknown field %q", name, g[1], g[2]))
				continue
			}
			if l, rest, ok := strings.Cut(strings.TrimPrefix(m, "line "), ": "); ok && strings.HasPrefix(m, "line ") {
				lines = append(lines, fmt.Sprintf("%s:%s: %s", name, l, rest))
				continue
			}
			lines = append(lines, name+": "+m)
		}
		return strings.Join(lines, "\n")
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if l, m, ok := strings.Cut(rest, ": "); ok {
			if _, err := strconv.Atoi(l); err == nil {
				return fmt.Sprintf("%s:%s: %s", name, l, m)
			}
		}
	}
	return name + ": " + msg
}

// docMap returns the top-level mapping of a document node, or nil.
func docMap(root *yaml.Node) *yaml.Node {
	if root == nil || root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	if m := root.Content[0]; m.Kind == yaml.MappingNode {
		return m
	}
	return nil
}

// mapKey returns the key node for key in mapping m, or nil.
func mapKey(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// mapValue returns the value node for key in mapping m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// seqItems returns the items of a sequence node, or nil.
func seqItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func lineOr(n *yaml.Node, def int) int {
	if n == nil {
		return def
	}
	return n.Line
}
