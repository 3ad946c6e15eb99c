package ketacover

import (
	"testing"
	"time"
)

// TestUserUpdateApply: each field given is set, the rest kept; unlocking
// forgives the wrong passwords, locking does not.
func TestUserUpdateApply(t *testing.T) {
	lock := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)
	staff, hash, off := RoleStaff, "new-hash", true
	var zero time.Time
	base := User{Name: "dana", Role: RoleAdmin, PasswordHash: "old-hash", FailedLogins: 4, LockedUntil: lock}

	u := base
	UserUpdate{Role: &staff, PasswordHash: &hash, Disabled: &off}.Apply(&u)
	if u.Role != RoleStaff || u.PasswordHash != "new-hash" || !u.Disabled || u.FailedLogins != 4 || !u.LockedUntil.Equal(lock) {
		t.Errorf("role, password and disabled given: got %+v", u)
	}

	u = base
	UserUpdate{LockedUntil: &zero}.Apply(&u)
	if !u.LockedUntil.IsZero() || u.FailedLogins != 0 || u.Role != RoleAdmin || u.PasswordHash != "old-hash" {
		t.Errorf("unlocked: got %+v, want no lock, no failed logins, the rest kept", u)
	}

	u = base
	later := lock.Add(time.Hour)
	UserUpdate{LockedUntil: &later}.Apply(&u)
	if !u.LockedUntil.Equal(later) || u.FailedLogins != 4 {
		t.Errorf("locked longer: got %+v, want the new lock and the count kept", u)
	}
}
