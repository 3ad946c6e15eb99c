package policy_test

import (
	"io/fs"
	"testing"

	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
)

// FuzzParse feeds arbitrary bytes to the policy loader: it must never
// panic, and a policy it accepts must run its own tests without panicking.
func FuzzParse(f *testing.F) {
	files, _ := fs.Glob(policies.FS, "*.yaml")
	for _, name := range files {
		b, err := fs.ReadFile(policies.FS, name)
		if err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := policy.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		_ = p.Lint(policy.LintOptions{RequireUnknown: true})
	})
}
