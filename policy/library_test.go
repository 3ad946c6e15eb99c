package policy_test

import (
	"testing"

	"github.com/ketacover/ketacover/policies"
	"github.com/ketacover/ketacover/policy"
)

// TestBundledLibrary runs every bundled policy's own table of tests and
// checks that together they drive every criterion of every version to met,
// not met and unknown.
func TestBundledLibrary(t *testing.T) {
	for _, p := range policy.Lint(policies.FS, policy.LintOptions{RequireUnknown: true}) {
		t.Error(p)
	}
}
