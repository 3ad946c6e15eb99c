package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ketacover/ketacover"
)

// accounts is an engine that keeps the clinic workbench's users,
// sessions, tokens and audit trail beside its cases.
type accounts interface {
	ketacover.Store
	ketacover.UserStore
	ketacover.AuditLog
}

// runAccounts runs the accounts and audit part of the conformance suite
// when the store provides it.
func runAccounts(t *testing.T, open func(t *testing.T) ketacover.Store) {
	if _, ok := open(t).(accounts); !ok {
		return
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s accounts)
	}{
		{"UserCreateAndGet", testUserCreateAndGet},
		{"UserInvalid", testUserInvalid},
		{"UserUpdate", testUserUpdate},
		{"RecordLogin", testRecordLogin},
		{"RecordLoginConcurrent", testRecordLoginConcurrent},
		{"Sessions", testSessions},
		{"Tokens", testTokens},
		{"AuditRecordAndFilter", testAuditRecordAndFilter},
		{"AuditAllOrNone", testAuditAllOrNone},
		{"Revision", testRevision},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t).(accounts))
		})
	}
}

// MustUser stores a user with a placeholder hash and fails the test on
// error.
func MustUser(tb testing.TB, s ketacover.UserStore, name string, role ketacover.Role) *ketacover.User {
	tb.Helper()
	u := &ketacover.User{Name: name, Role: role, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"}
	if err := s.CreateUser(ctx, u); err != nil {
		tb.Fatalf("CreateUser %s: %v", name, err)
	}
	return u
}

func testUserCreateAndGet(t *testing.T, s accounts) {
	before := time.Now().UTC().Truncate(time.Microsecond)
	a := MustUser(t, s, "dana.okafor", ketacover.RoleAdmin)
	if a.ID == 0 || a.Created.Before(before) || a.Created.Location() != time.UTC {
		t.Errorf("created user ID %d at %v, want an ID and a UTC time after %v", a.ID, a.Created, before)
	}
	b := MustUser(t, s, "biller", ketacover.RoleStaff)
	c := MustUser(t, s, "auditor@clinic", ketacover.RoleReadOnly)
	got, err := s.User(ctx, "dana.okafor")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, got); diff != "" {
		t.Errorf("User() differs from CreateUser() (-want +got):\n%s", diff)
	}
	all, err := s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*ketacover.User{c, b, a}, all); diff != "" {
		t.Errorf("Users() by name (-want +got):\n%s", diff)
	}
	err = s.CreateUser(ctx, &ketacover.User{Name: "biller", Role: ketacover.RoleAdmin, PasswordHash: "x"})
	wantCode(t, err, ketacover.ECONFLICT)
	_, err = s.User(ctx, "nobody")
	wantCode(t, err, ketacover.ENOTFOUND)
}

func testUserInvalid(t *testing.T, s accounts) {
	for _, u := range []ketacover.User{
		{Name: "", Role: ketacover.RoleStaff, PasswordHash: "x"},
		{Name: "Dana Okafor", Role: ketacover.RoleStaff, PasswordHash: "x"},
		{Name: strings.Repeat("a", 65), Role: ketacover.RoleStaff, PasswordHash: "x"},
		{Name: "dana", Role: "owner", PasswordHash: "x"},
		{Name: "dana", Role: ketacover.RoleStaff},
	} {
		err := s.CreateUser(ctx, &u)
		wantCode(t, err, ketacover.EINVALID)
	}
	if us, err := s.Users(ctx); err != nil || len(us) != 0 {
		t.Errorf("after invalid users: %d stored, %v", len(us), err)
	}
}

func testUserUpdate(t *testing.T, s accounts) {
	u := MustUser(t, s, "biller", ketacover.RoleStaff)
	ro, yes, hash := ketacover.RoleReadOnly, true, "$argon2id$new"
	lock := time.Date(2026, 11, 27, 15, 4, 5, 123456789, time.UTC)
	got, err := s.UpdateUser(ctx, "biller", ketacover.UserUpdate{Role: &ro, Disabled: &yes, PasswordHash: &hash, LockedUntil: &lock})
	if err != nil {
		t.Fatal(err)
	}
	want := *u
	want.Role, want.Disabled, want.PasswordHash, want.LockedUntil = ro, true, hash, lock.Truncate(time.Microsecond)
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("UpdateUser (-want +got):\n%s", diff)
	}
	back, err := s.User(ctx, "biller")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, back); diff != "" {
		t.Errorf("read back (-updated +read):\n%s", diff)
	}
	// Wrong passwords, then an unlock: the count is forgiven.
	for range 3 {
		if _, err := s.RecordLogin(ctx, "biller", false, lock); err != nil {
			t.Fatal(err)
		}
	}
	var zero time.Time
	got, err = s.UpdateUser(ctx, "biller", ketacover.UserUpdate{LockedUntil: &zero})
	if err != nil {
		t.Fatal(err)
	}
	if !got.LockedUntil.IsZero() || got.FailedLogins != 0 {
		t.Errorf("after unlock: locked until %v, %d failures; want neither", got.LockedUntil, got.FailedLogins)
	}
	bad := ketacover.Role("owner")
	_, err = s.UpdateUser(ctx, "biller", ketacover.UserUpdate{Role: &bad})
	wantCode(t, err, ketacover.EINVALID)
	_, err = s.UpdateUser(ctx, "nobody", ketacover.UserUpdate{Role: &ro})
	wantCode(t, err, ketacover.ENOTFOUND)
}

func testRecordLogin(t *testing.T, s accounts) {
	MustUser(t, s, "biller", ketacover.RoleStaff)
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for want := 1; want <= 3; want++ {
		n, err := s.RecordLogin(ctx, "biller", false, at)
		if err != nil || n != want {
			t.Fatalf("wrong password %d: count %d, %v", want, n, err)
		}
	}
	n, err := s.RecordLogin(ctx, "biller", true, at)
	if err != nil || n != 0 {
		t.Fatalf("good password: count %d, %v; want 0", n, err)
	}
	u, err := s.User(ctx, "biller")
	if err != nil {
		t.Fatal(err)
	}
	if !u.LastLogin.Equal(at) || u.FailedLogins != 0 {
		t.Errorf("after a good login: last %v, failures %d", u.LastLogin, u.FailedLogins)
	}
	_, err = s.RecordLogin(ctx, "nobody", false, at)
	wantCode(t, err, ketacover.ENOTFOUND)
}

// testRecordLoginConcurrent: wrong passwords sent at once each count, so
// that guessing in parallel cannot dodge a lockout.
func testRecordLoginConcurrent(t *testing.T, s accounts) {
	MustUser(t, s, "biller", ketacover.RoleStaff)
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.RecordLogin(ctx, "biller", false, time.Now()); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	u, err := s.User(ctx, "biller")
	if err != nil {
		t.Fatal(err)
	}
	if u.FailedLogins != n {
		t.Errorf("%d concurrent wrong passwords counted as %d", n, u.FailedLogins)
	}
}

func testSessions(t *testing.T, s accounts) {
	u := MustUser(t, s, "biller", ketacover.RoleStaff)
	other := MustUser(t, s, "nurse", ketacover.RoleReadOnly)
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 123456789, time.UTC)
	a := &ketacover.Login{ID: strings.Repeat("a", 64), UserID: u.ID, Created: t0, Remote: "192.0.2.10"}
	if err := s.CreateSession(ctx, a); err != nil {
		t.Fatal(err)
	}
	b := &ketacover.Login{ID: strings.Repeat("b", 64), UserID: u.ID, Created: t0, Remote: "192.0.2.11"}
	c := &ketacover.Login{ID: strings.Repeat("c", 64), UserID: other.ID, Created: t0, Remote: "192.0.2.12"}
	for _, x := range []*ketacover.Login{b, c} {
		if err := s.CreateSession(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	gotS, gotU, err := s.Session(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := &ketacover.Login{ID: a.ID, UserID: u.ID, Created: t0.Truncate(time.Microsecond), Seen: t0.Truncate(time.Microsecond), Remote: "192.0.2.10"}
	if diff := cmp.Diff(want, gotS); diff != "" {
		t.Errorf("Session (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(u, gotU); diff != "" {
		t.Errorf("Session's user (-want +got):\n%s", diff)
	}
	t1 := t0.Add(7 * time.Minute)
	if err := s.TouchSession(ctx, a.ID, t1); err != nil {
		t.Fatal(err)
	}
	if gotS, _, err = s.Session(ctx, a.ID); err != nil || !gotS.Seen.Equal(t1.Truncate(time.Microsecond)) {
		t.Errorf("after touch: seen %v, %v; want %v", gotS.Seen, err, t1)
	}
	wantCode(t, s.CreateSession(ctx, &ketacover.Login{ID: a.ID, UserID: u.ID, Created: t0}), ketacover.ECONFLICT)
	wantCode(t, s.CreateSession(ctx, &ketacover.Login{ID: "d", UserID: 999999, Created: t0}), ketacover.ENOTFOUND)
	wantCode(t, s.TouchSession(ctx, "nope", t1), ketacover.ENOTFOUND)
	_, _, err = s.Session(ctx, "nope")
	wantCode(t, err, ketacover.ENOTFOUND)

	if err := s.DeleteSession(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, a.ID); err != nil {
		t.Errorf("ending an ended session: %v", err)
	}
	_, _, err = s.Session(ctx, a.ID)
	wantCode(t, err, ketacover.ENOTFOUND)
	if err := s.DeleteSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Session(ctx, b.ID)
	wantCode(t, err, ketacover.ENOTFOUND)
	if _, _, err := s.Session(ctx, c.ID); err != nil {
		t.Errorf("another user's session ended too: %v", err)
	}
}

func testTokens(t *testing.T, s accounts) {
	u := MustUser(t, s, "biller", ketacover.RoleStaff)
	v := MustUser(t, s, "nurse", ketacover.RoleReadOnly)
	if err := s.SetToken(ctx, u.ID, ketacover.TokenCalendar, "h1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetToken(ctx, u.ID, ketacover.TokenAPI, "h2"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetToken(ctx, v.ID, ketacover.TokenCalendar, "h3"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind ketacover.TokenKind
		hash string
		want string
	}{
		{ketacover.TokenCalendar, "h1", "biller"},
		{ketacover.TokenAPI, "h2", "biller"},
		{ketacover.TokenCalendar, "h3", "nurse"},
		{ketacover.TokenAPI, "h1", ""}, // a calendar token opens no API
		{ketacover.TokenCalendar, "h9", ""},
	} {
		got, err := s.TokenUser(ctx, tc.kind, tc.hash)
		if tc.want == "" {
			wantCode(t, err, ketacover.ENOTFOUND)
			continue
		}
		if err != nil || got.Name != tc.want {
			t.Errorf("TokenUser(%s, %s) = %v, %v; want %s", tc.kind, tc.hash, got, err, tc.want)
		}
	}
	// A new token replaces the old one.
	if err := s.SetToken(ctx, u.ID, ketacover.TokenCalendar, "h4"); err != nil {
		t.Fatal(err)
	}
	_, err := s.TokenUser(ctx, ketacover.TokenCalendar, "h1")
	wantCode(t, err, ketacover.ENOTFOUND)
	if got, err := s.TokenUser(ctx, ketacover.TokenCalendar, "h4"); err != nil || got.ID != u.ID {
		t.Errorf("new token: %v, %v", got, err)
	}
	wantCode(t, s.SetToken(ctx, 999999, ketacover.TokenAPI, "h5"), ketacover.ENOTFOUND)
	wantCode(t, s.SetToken(ctx, v.ID, ketacover.TokenAPI, "h4"), ketacover.ECONFLICT)
}

func auditEntry(i int, actor, action, caseID string) ketacover.AuditEntry {
	return ketacover.AuditEntry{
		At:    time.Date(2026, 11, 27, 9, 0, i, 1000*i, time.UTC),
		Actor: actor, Action: action, CaseID: caseID, Detail: fmt.Sprintf("detail %d", i), Remote: "192.0.2.1",
	}
}

func testAuditRecordAndFilter(t *testing.T, s accounts) {
	in := []ketacover.AuditEntry{
		auditEntry(1, "biller", ketacover.AuditCaseView, "ACCT-1"),
		auditEntry(2, "biller", ketacover.AuditEventAppend, "ACCT-1"),
		auditEntry(3, "nurse", ketacover.AuditCaseView, "ACCT-2"),
		auditEntry(4, "nurse", ketacover.AuditTodayView, ""),
	}
	if err := s.RecordAudit(ctx, in[:2]); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAudit(ctx, in[2:]); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAudit(ctx, nil); err != nil {
		t.Errorf("recording nothing: %v", err)
	}
	str := func(s string) *string { return &s }
	ignoreID := cmpopts.IgnoreFields(ketacover.AuditEntry{}, "ID")
	for _, tc := range []struct {
		name string
		f    ketacover.AuditFilter
		want []int // indexes into in, in the order wanted
	}{
		{"all, newest first", ketacover.AuditFilter{}, []int{3, 2, 1, 0}},
		{"by case", ketacover.AuditFilter{CaseID: str("ACCT-1")}, []int{1, 0}},
		{"by actor", ketacover.AuditFilter{Actor: str("nurse")}, []int{3, 2}},
		{"both", ketacover.AuditFilter{Actor: str("nurse"), CaseID: str("ACCT-1")}, nil},
		{"page", ketacover.AuditFilter{Offset: 1, Limit: 2}, []int{2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Audit(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var want []ketacover.AuditEntry
			for _, i := range tc.want {
				want = append(want, in[i])
			}
			if diff := cmp.Diff(want, got, ignoreID, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for i := 1; i < len(got); i++ {
				if got[i].ID >= got[i-1].ID {
					t.Errorf("IDs not descending: %d then %d", got[i-1].ID, got[i].ID)
				}
			}
		})
	}
	_, err := s.Audit(ctx, ketacover.AuditFilter{Limit: -1})
	wantCode(t, err, ketacover.EINVALID)
}

func testAuditAllOrNone(t *testing.T, s accounts) {
	bad := auditEntry(2, "biller", ketacover.AuditCaseView, "ACCT-1")
	bad.Detail = "bad \x00 byte"
	for _, batch := range [][]ketacover.AuditEntry{
		{auditEntry(1, "biller", ketacover.AuditCaseView, "ACCT-1"), bad},
		{{Actor: "biller", Action: ketacover.AuditCaseView}},                                 // no time
		{{At: time.Now(), Action: ketacover.AuditCaseView}},                                  // no actor
		{{At: time.Now(), Actor: "biller", Action: ketacover.AuditCaseView, Remote: "\xff"}}, // not UTF-8
	} {
		wantCode(t, s.RecordAudit(ctx, batch), ketacover.EINVALID)
	}
	if got, err := s.Audit(ctx, ketacover.AuditFilter{}); err != nil || len(got) != 0 {
		t.Errorf("after refused batches: %d entries, %v; want none", len(got), err)
	}
}

func testRevision(t *testing.T, s accounts) {
	r, ok := s.(interface {
		Revision(ctx context.Context) (int64, error)
	})
	if !ok {
		t.Skip("the engine has no Revision")
	}
	rev := func() int64 {
		t.Helper()
		n, err := r.Revision(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	r0 := rev()
	sc := MustCreate(t, s, SampleCase(1))
	r1 := rev()
	if r1 <= r0 {
		t.Errorf("revision %d after creating a case, was %d", r1, r0)
	}
	e := SampleEvents(sc.ID, 1, 1)[0]
	MustAppend(t, s, &e)
	r2 := rev()
	if r2 <= r1 {
		t.Errorf("revision %d after an append, was %d", r2, r1)
	}
	refused := SampleEvents(sc.ID, 1, 2)[1]
	_ = s.Append(ctx, &refused, func([]ketacover.Event) error { return ketacover.Errorf(ketacover.ECONFLICT, "no") })
	if err := s.RecordAudit(ctx, []ketacover.AuditEntry{auditEntry(1, "biller", ketacover.AuditCaseView, sc.ID)}); err != nil {
		t.Fatal(err)
	}
	MustUser(t, s, "biller", ketacover.RoleStaff)
	if r3 := rev(); r3 != r2 {
		t.Errorf("revision %d after a refused append, an audit entry and a user, want it unchanged at %d", r3, r2)
	}
}
