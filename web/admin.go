package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ketacover/ketacover"
)

// Administration: users and the audit log (admins only).

// usersPage is the view-model of /admin/users.
type usersPage struct {
	Users  []*ketacover.User
	Roles  []ketacover.Role
	Now    time.Time
	Values url.Values
	Error  string
	Done   string
}

func (p usersPage) Get(k string) string { return p.Values.Get(k) }

func (s *Server) usersList(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, usersPage{Values: url.Values{}, Done: r.URL.Query().Get("done")})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, p usersPage) error {
	us, err := s.users.Users(r.Context())
	if err != nil {
		return err
	}
	p.Users, p.Roles, p.Now = us, ketacover.Roles, s.now()
	return s.render(w, r, status, "users", "Users", "admin", p)
}

// userCreate adds a user from the form; a problem re-shows the form.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "the form could not be read")
	}
	v := r.PostForm
	p := usersPage{Values: url.Values{"name": {v.Get("name")}, "role": {v.Get("role")}}}
	u := &ketacover.User{Name: strings.ToLower(strings.TrimSpace(v.Get("name"))), Role: ketacover.Role(v.Get("role"))}
	if v.Get("password") != v.Get("password2") {
		p.Error = "The two passwords differ."
		return s.renderUsers(w, r, http.StatusBadRequest, p)
	}
	var err error
	if u.PasswordHash, err = HashPassword(v.Get("password")); err == nil {
		err = s.users.CreateUser(r.Context(), u)
	}
	switch ketacover.ErrorCode(err) {
	case "":
	case ketacover.EINVALID, ketacover.ECONFLICT:
		p.Error = ketacover.ErrorMessage(err)
		return s.renderUsers(w, r, http.StatusBadRequest, p)
	default:
		return err
	}
	if err := s.audit(r, ketacover.AuditUserCreate, "", u.Name+" as "+string(u.Role)); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?done="+url.QueryEscape("Added "+u.Name+"."), http.StatusSeeOther)
	return nil
}

// userUpdate changes a user: action=role (with role), disable, enable,
// unlock, or password (with password and password2). Switching off,
// locking or a new password ends the user's sessions.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if err := r.ParseForm(); err != nil {
		return ketacover.Errorf(ketacover.EINVALID, "the form could not be read")
	}
	v := r.PostForm
	var upd ketacover.UserUpdate
	endSessions := false
	action := v.Get("action")
	switch action {
	case "role":
		role := ketacover.Role(v.Get("role"))
		upd.Role = &role
	case "disable", "enable":
		off := action == "disable"
		upd.Disabled = &off
		endSessions = off
	case "unlock":
		var zero time.Time
		upd.LockedUntil = &zero
	case "password":
		if v.Get("password") != v.Get("password2") {
			return s.renderUsers(w, r, http.StatusBadRequest, usersPage{Values: url.Values{}, Error: "The two passwords differ."})
		}
		h, err := HashPassword(v.Get("password"))
		if err != nil {
			return s.renderUsers(w, r, http.StatusBadRequest, usersPage{Values: url.Values{}, Error: ketacover.ErrorMessage(err)})
		}
		upd.PasswordHash = &h
		endSessions = true
	default:
		return ketacover.Errorf(ketacover.EINVALID, "action %q: want role, disable, enable, unlock or password", action)
	}
	me := userOf(r.Context())
	if name == me.Name && (action == "disable" || action == "role" && *upd.Role != ketacover.RoleAdmin) {
		return s.renderUsers(w, r, http.StatusBadRequest, usersPage{Values: url.Values{}, Error: "You cannot switch off your own account or take away your own admin role; ask another admin."})
	}
	u, err := s.users.UpdateUser(r.Context(), name, upd)
	if ketacover.ErrorCode(err) == ketacover.EINVALID {
		return s.renderUsers(w, r, http.StatusBadRequest, usersPage{Values: url.Values{}, Error: ketacover.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	if endSessions {
		if err := s.users.DeleteSessions(r.Context(), u.ID); err != nil {
			return err
		}
	}
	if err := s.audit(r, ketacover.AuditUserUpdate, "", u.Name+": "+action); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users?done="+url.QueryEscape(fmt.Sprintf("Changed %s (%s).", u.Name, action)), http.StatusSeeOther)
	return nil
}

// auditPage is the view-model of /admin/audit.
type auditPage struct {
	Case    string
	User    string
	Entries []ketacover.AuditEntry
	Page    int
	Prev    string
	Next    string
}

func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, err := intParam(q.Get("page"), "page", 1, 1, 1<<20)
	if err != nil {
		return err
	}
	p := auditPage{Case: strings.TrimSpace(q.Get("case")), User: strings.TrimSpace(q.Get("user")), Page: page}
	f := ketacover.AuditFilter{Offset: (page - 1) * 100, Limit: 101}
	if p.Case != "" {
		f.CaseID = &p.Case
	}
	if p.User != "" {
		f.Actor = &p.User
	}
	es, err := s.auditLogStore.Audit(r.Context(), f)
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditLogView, p.Case, p.User); err != nil {
		return err
	}
	link := func(n int) string {
		v := url.Values{}
		if p.Case != "" {
			v.Set("case", p.Case)
		}
		if p.User != "" {
			v.Set("user", p.User)
		}
		v.Set("page", fmt.Sprint(n))
		return "/admin/audit?" + v.Encode()
	}
	if len(es) > 100 {
		es = es[:100]
		p.Next = link(page + 1)
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	p.Entries = es
	return s.render(w, r, http.StatusOK, "audit", "Audit log", "admin", p)
}
