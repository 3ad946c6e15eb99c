package web

import (
	"bytes"
	"strconv"
)

// The names of the self-check's fields and the hidden inputs that carry
// the answers from one page to the next, written without a regular
// expression, fmt or a template: a self-check reads and writes a few dozen
// of them on every request (issue 7).

// isFormKey reports whether k is a name the form uses: lower-case
// letters, digits and underscores, or a row field like trial.0.drug
// (^[a-z0-9_]+(\.[0-9]{1,2}\.[a-z_]+)?$, matched by hand because a
// regular expression per answer was a noticeable part of a self-check).
func isFormKey(k string) bool {
	i := 0
	for i < len(k) && ('a' <= k[i] && k[i] <= 'z' || '0' <= k[i] && k[i] <= '9' || k[i] == '_') {
		i++
	}
	if i == 0 || i == len(k) {
		return i > 0
	}
	if k[i] != '.' {
		return false
	}
	i++
	j := i
	for i < len(k) && '0' <= k[i] && k[i] <= '9' {
		i++
	}
	if n := i - j; n < 1 || n > 2 || i == len(k) || k[i] != '.' {
		return false
	}
	i++
	j = i
	for i < len(k) && ('a' <= k[i] && k[i] <= 'z' || k[i] == '_') {
		i++
	}
	return i > j && i == len(k)
}

// rowKey is the name of a row's field, e.g. trial.0.drug.
func rowKey(group string, i int, field string) string {
	if rows := rowKeys[group]; i >= 0 && i < len(rows) {
		if k, ok := rows[i][field]; ok {
			return k
		}
	}
	return group + "." + strconv.Itoa(i) + "." + field
}

// rowKeys are the names of the rows' fields by group, row and field,
// made once: a self-check reads a few dozen.
var rowKeys = map[string][]map[string]string{
	"trial": rowKeyTable("trial", maxTrials, "drug", "dose", "weeks", "outcome", "episode", "adherence", "adequate"),
	"psych": rowKeyTable("psych", maxPsych, "type", "weeks", "outcome", "episode"),
	"score": rowKeyTable("score", maxScores, "scale", "value", "date"),
}

func rowKeyTable(group string, n int, fields ...string) []map[string]string {
	out := make([]map[string]string, n)
	for i := range out {
		out[i] = make(map[string]string, len(fields))
		for _, f := range fields {
			out[i][f] = group + "." + strconv.Itoa(i) + "." + f
		}
	}
	return out
}

// writeHidden writes Hidden as HTML hidden inputs to b, escaped here in
// one pass: a result page carries dozens, and escaping each through the
// template was most of the page's rendering time.
func (f *checkForm) writeHidden(b *bytes.Buffer) {
	f.hidden(func(k, v string) {
		b.WriteString(`<input type="hidden" name="`)
		escAttr(b, k)
		b.WriteString(`" value="`)
		escAttr(b, v)
		b.WriteString("\">\n")
	})
}

// escAttr writes s escaped as html.EscapeString escapes it, without the
// copy.
func escAttr(b *bytes.Buffer, s string) { escape(b, s, &attrEscapes) }

var attrEscapes = [256]string{'&': "&amp;", '\'': "&#39;", '<': "&lt;", '>': "&gt;", '"': "&#34;"}
