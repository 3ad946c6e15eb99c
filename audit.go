package ketacover

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditEntry records who did what to which case, when and from where.
// Entries are appended, never changed or removed. They name cases and
// actions, never health facts: a case's facts stay on the case.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`             // the user's name, or "-" before sign-in
	Action string    `json:"action"`            // one of the Audit* actions
	CaseID string    `json:"case_id,omitempty"` // the case viewed or changed
	Detail string    `json:"detail,omitempty"`  // e.g. the event kind appended, the document written
	Remote string    `json:"remote"`            // the client's address
}

// Validate checks that the entry says when, who and what, in text a
// database column can hold.
func (e *AuditEntry) Validate() error {
	if e.At.IsZero() {
		return Errorf(EINVALID, "audit entry: no time")
	}
	if e.Actor == "" || e.Action == "" {
		return Errorf(EINVALID, "audit entry: want an actor and an action")
	}
	for _, f := range []struct{ name, v string }{{"actor", e.Actor}, {"action", e.Action}, {"case_id", e.CaseID}, {"detail", e.Detail}, {"remote", e.Remote}} {
		if !utf8.ValidString(f.v) || strings.ContainsRune(f.v, 0) {
			return Errorf(EINVALID, "audit entry: %s is not valid UTF-8 text, or contains a NUL byte", f.name)
		}
		if len(f.v) > 1000 {
			return Errorf(EINVALID, "audit entry: %s is longer than 1000 bytes", f.name)
		}
	}
	return nil
}

// Audit actions.
const (
	AuditLogin        = "login"
	AuditLoginFailed  = "login-failed"
	AuditLocked       = "login-locked"
	AuditLogout       = "logout"
	AuditTodayView    = "today-view"
	AuditCaseList     = "case-list"
	AuditCaseView     = "case-view"
	AuditCaseCreate   = "case-create"
	AuditEventAppend  = "event-append"
	AuditEventRefused = "event-refused"
	AuditDocument     = "document"
	AuditERAImport    = "era-import"
	AuditDeadlines    = "deadlines-view"
	AuditCalendar     = "calendar-feed"
	AuditReport       = "report-view"
	AuditUserCreate   = "user-create"
	AuditUserUpdate   = "user-update"
	AuditTokenCreate  = "token-create"
	AuditLogView      = "audit-view"
)

// AuditFilter selects audit entries. Nil fields do not filter.
type AuditFilter struct {
	CaseID *string
	Actor  *string
	Offset int
	Limit  int
}

// AuditLog keeps the audit trail.
type AuditLog interface {
	// RecordAudit appends entries in one transaction: all or none.
	// Returns EINVALID for an entry without a time, actor or action, or
	// with text that is not valid UTF-8.
	RecordAudit(ctx context.Context, entries []AuditEntry) error
	// Audit lists the entries f selects, newest first.
	Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
}
