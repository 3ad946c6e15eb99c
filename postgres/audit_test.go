package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/ketacover/ketacover"
)

// TestAuditAppendOnly: the database itself refuses to change or remove an
// audit entry, whatever code writes to it.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	d := MustOpen(t, Options{})
	e := ketacover.AuditEntry{At: time.Now(), Actor: "biller", Action: ketacover.AuditCaseView, CaseID: "ACCT-1", Remote: "192.0.2.1"}
	if err := d.RecordAudit(ctx, []ketacover.AuditEntry{e}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit SET actor = 'x'`, `DELETE FROM audit`, `TRUNCATE audit`} {
		if _, err := d.pool.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger to refuse", q, err)
		}
	}
}
