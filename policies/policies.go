// Package policies embeds ketacover's bundled library of payer policies:
// one YAML file per policy, each encoded from its published source with the
// source URL, revision date and section of every criterion.
package policies

import "embed"

// FS holds the bundled policy files.
//
//go:embed *.yaml
var FS embed.FS
