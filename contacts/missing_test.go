package contacts

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// missingReport lists, from the data itself, every role with no sourced
// contact and every contact that rests on a secondary source, so that
// MISSING.md can never drift from the data.
func missingReport(d *Directory) string {
	var b strings.Builder
	b.WriteString("# Help contacts: what is missing\n\n")
	b.WriteString("Generated from contacts/data by `go test ./contacts -run TestMissingReport -update`; do not edit by hand.\n")
	b.WriteString("A fact that could not be sourced from an official page (or, where noted, a secondary page)\nis left out of the data, and `ketacover help-contacts` shows it as \"Not in our data\".\n\n")

	b.WriteString("## Federal contacts not yet sourced\n\n")
	n := 0
	for _, r := range federalRoles {
		if len(d.federal[r]) == 0 {
			fmt.Fprintf(&b, "- %s (`%s`)\n", roleName(r), r)
			n++
		}
	}
	if n == 0 {
		b.WriteString("None.\n")
	}

	b.WriteString("\n## State roles not yet sourced\n\n")
	b.WriteString("| role | states missing it | count |\n|---|---|---|\n")
	for _, r := range append(slices.Clone(StateRoles), RoleManagedCareRegulator) {
		var codes []string
		for _, code := range d.States() {
			s, _ := d.State(code)
			if g, ok := s.gap(r); ok && !g.NotApplicable {
				codes = append(codes, code)
			}
		}
		if len(codes) == 0 {
			continue
		}
		list := strings.Join(codes, " ")
		if len(codes) == len(d.states) {
			list = "all 50 states and DC"
		}
		fmt.Fprintf(&b, "| %s (`%s`) | %s | %d |\n", roleName(r), r, list, len(codes))
	}

	b.WriteString("\n## Contacts that rest on a secondary source\n\n")
	b.WriteString("The official page was seen without the phone number; the number comes from a secondary page\n(named in the contact's note). Confirm these first.\n\n")
	var sec []string
	for _, code := range d.States() {
		s, _ := d.State(code)
		for _, c := range s.Contacts {
			if strings.Contains(strings.ToLower(c.Note), "secondary source") {
				sec = append(sec, fmt.Sprintf("- %s: %s, %s (%s)", code, c.Name, c.Phone, c.Source))
			}
		}
	}
	sort.Strings(sec)
	if len(sec) == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString(strings.Join(sec, "\n") + "\n")
	}

	b.WriteString("\n## Coverage\n\n")
	total, have := 0, 0
	for _, code := range d.States() {
		s, _ := d.State(code)
		for _, r := range StateRoles {
			total++
			if len(s.contact(r)) > 0 {
				have++
			}
		}
	}
	fmt.Fprintf(&b, "%d of %d state roles (%d jurisdictions x %d roles) have a sourced contact.\n", have, total, len(d.states), len(StateRoles))
	return b.String()
}

// TestMissingReport keeps MISSING.md in step with the data.
func TestMissingReport(t *testing.T) {
	got := missingReport(mustDefault(t))
	if *update {
		if err := os.WriteFile("MISSING.md", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("MISSING.md")
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("MISSING.md is out of date; run go test ./contacts -run TestMissingReport -update (-want +got):\n%s", diff)
	}
}
