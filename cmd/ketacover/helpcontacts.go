package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/contacts"
)

// runHelpContacts prints who regulates a plan and where free help is, for a
// state and plan type: ketacover help-contacts STATE PLAN-TYPE [--json].
func runHelpContacts(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "help-contacts")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want STATE and PLAN-TYPE, got %d argument(s)", len(pos))
	}
	state, plan := strings.ToUpper(pos[0]), ketacover.PlanType(strings.ToLower(pos[1]))
	dir, err := contacts.Default()
	if err != nil {
		return fmt.Errorf("load help contacts: %w", err)
	}
	if _, err := dir.State(state); err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "%s", ketacover.ErrorMessage(err))
	}
	h, err := dir.Resolve(state, plan)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if *asJSON {
		out := struct {
			contacts.Help
			Disclaimer string `json:"disclaimer"`
		}{h, contacts.Disclaimer}
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("encode help contacts: %w", err)
		}
	} else {
		buf.WriteString(contacts.Text(h))
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}
