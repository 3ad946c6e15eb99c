package ical

import (
	"fmt"
	"strings"
)

// A small RFC 5545 reader for tests: it checks the physical form (CRLF line ends, lines of at most
// 75 octets) and unfolds, splits and unescapes content lines into a component tree.

type prop struct {
	Name   string
	Params string
	Value  string
}

type component struct {
	Name  string
	Props []prop
	Subs  []*component
}

func (c *component) get(name string) string {
	for _, p := range c.Props {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// unfold joins folded lines (RFC 5545 §3.1: CRLF followed by one space or tab).
func unfold(s string, strict bool) ([]string, error) {
	if strict && !strings.HasSuffix(s, "\r\n") {
		return nil, fmt.Errorf("does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if strict && (len(l) > 75 || strings.ContainsAny(l, "\r\n")) {
			return nil, fmt.Errorf("physical line %d is %d octets or holds a bare CR/LF: %q", i+1, len(l), l)
		}
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') {
			if len(lines) == 0 {
				return nil, fmt.Errorf("line %d: continuation with nothing to continue", i+1)
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	return lines, nil
}

func parse(s string, strict bool) (*component, error) {
	lines, err := unfold(s, strict)
	if err != nil {
		return nil, err
	}
	root := &component{}
	stack := []*component{root}
	for i, l := range lines {
		colon := strings.IndexByte(l, ':') // no quoted parameter values are written
		if colon < 0 {
			return nil, fmt.Errorf("line %d: no colon: %q", i+1, l)
		}
		name, params, value := l[:colon], "", l[colon+1:]
		if semi := strings.IndexByte(name, ';'); semi >= 0 {
			name, params = name[:semi], name[semi:]
		}
		top := stack[len(stack)-1]
		switch name {
		case "BEGIN":
			c := &component{Name: value}
			top.Subs = append(top.Subs, c)
			stack = append(stack, c)
		case "END":
			if top.Name != value {
				return nil, fmt.Errorf("line %d: END:%s closes %s", i+1, value, top.Name)
			}
			stack = stack[:len(stack)-1]
		default:
			top.Props = append(top.Props, prop{name, params, value})
		}
	}
	if len(stack) != 1 || len(root.Subs) != 1 {
		return nil, fmt.Errorf("want one closed VCALENDAR")
	}
	return root.Subs[0], nil
}

// unescape reverses Text.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
