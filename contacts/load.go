package contacts

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

// Jurisdictions maps the USPS code of each of the 50 states and DC to its
// name. The directory must have exactly one file for each.
var Jurisdictions = map[string]string{
	"AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
	"CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
	"FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
	"IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
	"ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
	"MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
	"NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
	"NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
	"PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
	"TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
	"WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}

var (
	// phoneRE is a North American number as we write it: optional "1-",
	// area code, exchange, line, optional extension. Area codes and
	// exchanges do not start with 0 or 1 (NANP).
	phoneRE        = regexp.MustCompile(`^(1-)?[2-9][0-9]{2}-[2-9][0-9]{2}-[0-9]{4}( ext\. [0-9]{1,6})?$`)
	unknownFieldRE = regexp.MustCompile(`^line ([0-9]+): field (.+) not found in type \S+$`)
)

var stateRoleSet = append(slices.Clone(StateRoles), RoleManagedCareRegulator)

var federalRoles = []Role{
	RoleEBSA, RoleMedicare, RoleCMSNonFederal, RoleTRICARE, RoleVA, RoleOPM,
	RoleSHIPLocator, RoleRegulatorLookup, RoleMedicaidLookup,
}

type rawContact struct {
	Role      Role   `yaml:"role"`
	Name      string `yaml:"name"`
	Phone     string `yaml:"phone"`
	TTY       string `yaml:"tty"`
	Website   string `yaml:"website"`
	AppliesTo string `yaml:"applies_to"`
	Note      string `yaml:"note"`
	Source    string `yaml:"source"`
	Seen      string `yaml:"seen"`
}

type rawGap struct {
	Role   Role   `yaml:"role"`
	Reason string `yaml:"reason"`
	Source string `yaml:"source"`
}

type rawState struct {
	State         string       `yaml:"state"`
	Name          string       `yaml:"name"`
	Contacts      []rawContact `yaml:"contacts"`
	Missing       []rawGap     `yaml:"missing"`
	NotApplicable []rawGap     `yaml:"not_applicable"`
}

type rawFederal struct {
	Contacts []rawContact `yaml:"contacts"`
}

// Load reads dir/federal.yaml and one file per jurisdiction in dir/states,
// named for its lower-case USPS code (ca.yaml). It fails, naming file and
// line, on an unknown key, a malformed phone, URL or date, a contact without
// a source, a state role neither given nor listed as missing or not
// applicable, or a missing or extra jurisdiction.
func Load(fsys fs.FS, dir string) (*Directory, error) {
	var problems []string
	d := &Directory{states: map[string]State{}, federal: map[Role][]Contact{}}

	fedName := path.Join(dir, "federal.yaml")
	data, err := fs.ReadFile(fsys, fedName)
	if err != nil {
		return nil, fmt.Errorf("contacts: read %s: %w", fedName, err)
	}
	fed, err := ParseFederal(fedName, data)
	if err != nil {
		problems = append(problems, ketacover.ErrorMessage(err))
	}
	for _, c := range fed {
		d.federal[c.Role] = append(d.federal[c.Role], c)
	}

	names, err := fs.Glob(fsys, path.Join(dir, "states", "*.yaml"))
	if err != nil {
		return nil, fmt.Errorf("contacts: list %s/states: %w", dir, err)
	}
	sort.Strings(names)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("contacts: read %s: %w", name, err)
		}
		s, err := ParseState(name, data)
		if err != nil {
			problems = append(problems, ketacover.ErrorMessage(err))
			continue
		}
		if want := strings.ToLower(s.Code) + ".yaml"; path.Base(name) != want {
			problems = append(problems, fmt.Sprintf("%s:1: state %s belongs in %s", name, s.Code, want))
			continue
		}
		d.states[s.Code] = s
	}
	var absent []string
	for code := range Jurisdictions {
		if _, ok := d.states[code]; !ok {
			absent = append(absent, code)
		}
	}
	if len(absent) > 0 && len(problems) == 0 {
		sort.Strings(absent)
		problems = append(problems, fmt.Sprintf("%s/states: no file for %s; every state and DC needs one", dir, strings.Join(absent, ", ")))
	}
	if len(problems) > 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s", strings.Join(problems, "\n"))
	}
	return d, nil
}

// ParseState decodes and validates one state file; name is used in messages.
func ParseState(name string, data []byte) (State, error) {
	var r rawState
	root, err := decodeStrict(name, data, &r)
	if err != nil {
		return State{}, err
	}
	top := docMap(root)
	v := &validator{file: name}
	s := State{Code: r.State, Name: r.Name, File: name}
	if want, ok := Jurisdictions[r.State]; !ok {
		v.errorf(top, "state", "state %q is not a USPS code of the 50 states or DC", r.State)
	} else if r.Name != want {
		v.errorf(top, "name", "name %q does not match state %s (want %q)", r.Name, r.State, want)
	}
	items := seqItems(mapValue(top, "contacts"))
	for i, rc := range r.Contacts {
		c := v.contact(rc, item(items, i), stateRoleSet)
		s.Contacts = append(s.Contacts, c)
	}
	gapItems := seqItems(mapValue(top, "missing"))
	for i, rg := range r.Missing {
		s.Gaps = append(s.Gaps, v.gap(rg, item(gapItems, i), false))
	}
	naItems := seqItems(mapValue(top, "not_applicable"))
	for i, rg := range r.NotApplicable {
		s.Gaps = append(s.Gaps, v.gap(rg, item(naItems, i), true))
	}
	// Every state role is accounted for exactly once: contacts, or a gap.
	for _, role := range StateRoles {
		has := slices.ContainsFunc(s.Contacts, func(c Contact) bool { return c.Role == role })
		n := 0
		for _, g := range s.Gaps {
			if g.Role == role {
				n++
			}
		}
		switch {
		case has && n > 0:
			v.errorf(top, "contacts", "role %s has a contact and is also listed as missing or not applicable", role)
		case !has && n == 0:
			v.errorf(top, "contacts", "role %s has no contact; give one, or list it under missing (with the reason) or not_applicable (with a source)", role)
		case n > 1:
			v.errorf(top, "missing", "role %s is listed more than once under missing/not_applicable", role)
		}
	}
	if len(v.problems) > 0 {
		return State{}, ketacover.Errorf(ketacover.EINVALID, "%s", strings.Join(v.problems, "\n"))
	}
	return s, nil
}

// ParseFederal decodes and validates the federal contacts file.
func ParseFederal(name string, data []byte) ([]Contact, error) {
	var r rawFederal
	root, err := decodeStrict(name, data, &r)
	if err != nil {
		return nil, err
	}
	v := &validator{file: name}
	items := seqItems(mapValue(docMap(root), "contacts"))
	var out []Contact
	for i, rc := range r.Contacts {
		out = append(out, v.contact(rc, item(items, i), federalRoles))
	}
	if len(out) == 0 {
		v.problems = append(v.problems, name+":1: no contacts")
	}
	if len(v.problems) > 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s", strings.Join(v.problems, "\n"))
	}
	return out, nil
}

// decodeStrict decodes data into v, rejecting unknown keys and more than one
// document, and returns the node tree for line numbers.
func decodeStrict(name string, data []byte, v any) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: empty file", name)
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
	return &root, nil
}

type validator struct {
	file     string
	problems []string
}

func (v *validator) errorf(node *yaml.Node, key, format string, args ...any) {
	line := 1
	if node != nil {
		line = node.Line
	}
	if k := mapKey(node, key); k != nil {
		line = k.Line
	}
	v.problems = append(v.problems, fmt.Sprintf("%s:%d: %s", v.file, line, fmt.Sprintf(format, args...)))
}

func (v *validator) contact(r rawContact, node *yaml.Node, roles []Role) Contact {
	c := Contact{
		Role: r.Role, Name: strings.TrimSpace(r.Name), Phone: r.Phone, TTY: r.TTY, Website: r.Website,
		AppliesTo: strings.TrimSpace(r.AppliesTo), Note: strings.TrimSpace(r.Note), Source: r.Source,
		File: v.file,
	}
	if node != nil {
		c.Line = node.Line
	}
	label := fmt.Sprintf("contact %q", c.Name)
	if !slices.Contains(roles, r.Role) {
		names := make([]string, len(roles))
		for i, ro := range roles {
			names[i] = string(ro)
		}
		v.errorf(node, "role", "%s: role %q is not allowed here; want one of %s", label, r.Role, strings.Join(names, ", "))
	}
	if c.Name == "" {
		v.errorf(node, "name", "contact: name is missing")
	}
	if !phoneRE.MatchString(r.Phone) {
		v.errorf(node, "phone", "%s: phone %q is malformed; want 1-800-555-0100 or 916-555-0100, optionally with \" ext. 123\"", label, r.Phone)
	}
	if r.TTY != "" && !phoneRE.MatchString(r.TTY) && r.TTY != "711" {
		v.errorf(node, "tty", "%s: tty %q is malformed; want a phone number or 711", label, r.TTY)
	}
	if !httpURL(r.Website) {
		v.errorf(node, "website", "%s: website %q is not an absolute http(s) URL", label, r.Website)
	}
	if r.Source == "" {
		v.errorf(node, "source", "%s: source is missing; give the URL of the page the phone number was read on", label)
	} else if !httpURL(r.Source) {
		v.errorf(node, "source", "%s: source %q is not an absolute http(s) URL", label, r.Source)
	}
	seen, err := ketacover.ParseDate(r.Seen)
	switch {
	case r.Seen == "":
		v.errorf(node, "seen", "%s: seen is missing; give the date the source was read (YYYY-MM-DD)", label)
	case err != nil:
		v.errorf(node, "seen", "%s: seen %q is malformed; want YYYY-MM-DD", label, r.Seen)
	case seen.Year < 2020:
		v.errorf(node, "seen", "%s: seen %s is too old to trust a phone number", label, r.Seen)
	}
	c.Seen = seen
	return c
}

func (v *validator) gap(r rawGap, node *yaml.Node, notApplicable bool) Gap {
	g := Gap{Role: r.Role, Reason: strings.TrimSpace(r.Reason), Source: r.Source, NotApplicable: notApplicable}
	if !slices.Contains(stateRoleSet, r.Role) {
		v.errorf(node, "role", "unknown role %q", r.Role)
	}
	if g.Reason == "" {
		v.errorf(node, "reason", "%s: reason is missing", r.Role)
	}
	if notApplicable && !httpURL(r.Source) {
		v.errorf(node, "source", "%s: not_applicable needs a source URL showing there is none", r.Role)
	}
	if !notApplicable && r.Source != "" && !httpURL(r.Source) {
		v.errorf(node, "source", "%s: source %q is not an absolute http(s) URL", r.Role, r.Source)
	}
	return g
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

// yamlMessage rewrites a YAML decoding error as "name:line: message".
func yamlMessage(name string, err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		lines := make([]string, 0, len(te.Errors))
		for _, m := range te.Errors {
			if g := unknownFieldRE.FindStringSubmatch(m); g != nil {
				lines = append(lines, fmt.Sprintf("%s:%s: unknown field %q", name, g[1], g[2]))
			} else if l, rest, ok := strings.Cut(m, ": "); ok && strings.HasPrefix(l, "line ") {
				lines = append(lines, fmt.Sprintf("%s:%s: %s", name, strings.TrimPrefix(l, "line "), rest))
			} else {
				lines = append(lines, name+": "+m)
			}
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

func docMap(root *yaml.Node) *yaml.Node {
	if root == nil || root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	if m := root.Content[0]; m.Kind == yaml.MappingNode {
		return m
	}
	return nil
}

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

func mapValue(m *yaml.Node, key string) *yaml.Node {
	if k := mapKey(m, key); k != nil {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i] == k {
				return m.Content[i+1]
			}
		}
	}
	return nil
}

func seqItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func item(items []*yaml.Node, i int) *yaml.Node {
	if i < len(items) {
		return items[i]
	}
	return nil
}
