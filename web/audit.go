package web

import (
	"context"
	"net/http"
	"sync"

	"github.com/ketacover/ketacover"
)

// auditor writes audit entries with group commit: a request waits until
// its entry is in the database (no case is shown before its view is
// recorded), but entries that arrive while one transaction is being
// written share the next one, so fifty users cost a few commits, not
// fifty. No goroutine runs in the background: the first waiting request
// writes for everyone queued behind it.
type auditor struct {
	log ketacover.AuditLog

	mu       sync.Mutex
	pending  []*auditReq
	flushing bool
}

type auditReq struct {
	e    ketacover.AuditEntry
	done chan error
}

func (a *auditor) record(ctx context.Context, e ketacover.AuditEntry) error {
	req := &auditReq{e: e, done: make(chan error, 1)}
	a.mu.Lock()
	a.pending = append(a.pending, req)
	if a.flushing {
		a.mu.Unlock()
		return <-req.done
	}
	a.flushing = true
	for len(a.pending) > 0 {
		batch := a.pending
		a.pending = nil
		a.mu.Unlock()
		entries := make([]ketacover.AuditEntry, len(batch))
		for i, b := range batch {
			entries[i] = b.e
		}
		// Not the request's context: the batch holds other requests'
		// entries, which must not fail because this client went away.
		err := a.log.RecordAudit(context.WithoutCancel(ctx), entries)
		for _, b := range batch {
			b.done <- err
		}
		a.mu.Lock()
	}
	a.flushing = false
	a.mu.Unlock()
	return <-req.done
}

// audit records that the request's user did action on caseID.
func (s *Server) audit(r *http.Request, action, caseID, detail string) error {
	actor := "-"
	if u := userOf(r.Context()); u != nil {
		actor = u.Name
	}
	return s.auditAs(r, actor, action, caseID, detail)
}

func (s *Server) auditAs(r *http.Request, actor, action, caseID, detail string) error {
	if s.auditor == nil {
		return nil
	}
	return s.auditor.record(r.Context(), ketacover.AuditEntry{
		At: s.now(), Actor: actor, Action: action, CaseID: caseID, Detail: detail, Remote: remote(r),
	})
}
