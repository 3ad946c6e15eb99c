package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/web"
)

const userUsage = `user add NAME (--admin | --role staff|read-only) [--db DB]
       user passwd NAME [--db DB]
       user list [--db DB]

Manages the people who sign in to the clinic workbench of "ketacover
serve". The first administrator is made with "user add NAME --admin"; after
that, administrators can also add users on the workbench's Admin page.

Roles: admin (everything, manages users, reads the audit log), staff
(records and changes cases, imports remittances), read-only (sees cases,
changes nothing).

The password is never a flag (flags end up in shell history and process
lists): it is asked for twice at a terminal, without echo, or read as the
first line of standard input, e.g.  printf '%s\n' "$PW" | ketacover user add
ana --role staff. At least 8 characters. "user passwd" sets a new password
and signs the user out everywhere.`

func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: add, passwd or list")
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, e, args[1:])
	case "passwd":
		return userPasswd(ctx, e, args[1:])
	case "list":
		return userList(ctx, e, args[1:])
	}
	return usagef("unknown subcommand %q; want add, passwd or list", args[0])
}

// openAccounts opens the store and its user accounts.
func openAccounts(ctx context.Context, e *env, db string) (ketacover.Store, ketacover.UserStore, error) {
	s, err := openStore(ctx, e, db)
	if err != nil {
		return nil, nil, err
	}
	us, ok := s.(ketacover.UserStore)
	if !ok {
		s.Close()
		return nil, nil, ketacover.Errorf(ketacover.EINVALID, "this database keeps no user accounts")
	}
	return s, us, nil
}

func userAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user add")
	db := dbFlag(fs)
	admin := fs.Bool("admin", false, "")
	role := fs.String("role", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one user NAME")
	}
	r := ketacover.Role(*role)
	switch {
	case *admin && *role != "" && r != ketacover.RoleAdmin:
		return usagef("--admin and --role %s disagree; give one", *role)
	case *admin:
		r = ketacover.RoleAdmin
	case *role == "":
		return usagef("give the role: --admin, or --role staff or --role read-only")
	case !r.Valid():
		return usagef("--role %q: want admin, staff or read-only", *role)
	}
	name := pos[0]
	if err := ketacover.ValidUserName(name); err != nil {
		return err
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	hash, err := web.HashPassword(pw)
	if err != nil {
		return err
	}
	s, us, err := openAccounts(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	u := &ketacover.User{Name: name, Role: r, PasswordHash: hash}
	if err := us.CreateUser(ctx, u); err != nil {
		return err
	}
	if err := auditCLI(ctx, e, s, "", ketacover.AuditUserCreate, "", name+" as "+string(r)+" (command line)"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added user %s (%s)\n", u.Name, u.Role)
	return nil
}

func userPasswd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user passwd")
	db := dbFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one user NAME")
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	hash, err := web.HashPassword(pw)
	if err != nil {
		return err
	}
	s, us, err := openAccounts(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var zero time.Time
	u, err := us.UpdateUser(ctx, pos[0], ketacover.UserUpdate{PasswordHash: &hash, LockedUntil: &zero})
	if err != nil {
		return err
	}
	if err := us.DeleteSessions(ctx, u.ID); err != nil {
		return err
	}
	if err := auditCLI(ctx, e, s, "", ketacover.AuditUserUpdate, "", u.Name+": password (command line)"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "new password set for %s; signed out everywhere\n", u.Name)
	return nil
}

func userList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "user list")
	db := dbFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("list takes no arguments")
	}
	s, us, err := openAccounts(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	all, err := us.Users(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		fmt.Fprintln(e.stdout, "no users; add the first with: ketacover user add NAME --admin")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTATUS\tLAST SIGN-IN")
	now := e.now()
	for _, u := range all {
		status := "active"
		switch {
		case u.Disabled:
			status = "switched off"
		case u.LockedUntil.After(now):
			status = "locked until " + u.LockedUntil.Local().Format("2006-01-02 15:04")
		}
		last := "never"
		if !u.LastLogin.IsZero() {
			last = u.LastLogin.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, status, last)
	}
	return tw.Flush()
}

// readPassword asks twice at a terminal, with echo off, or reads the first
// line of standard input.
func readPassword(e *env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok {
		if old, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err == nil {
			noEcho := *old
			noEcho.Lflag &^= unix.ECHO
			if err := unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, &noEcho); err != nil {
				return "", fmt.Errorf("turn off echo: %w", err)
			}
			defer unix.IoctlSetTermios(int(f.Fd()), unix.TCSETS, old)
			in := bufio.NewReader(f)
			fmt.Fprint(e.stderr, "Password: ")
			a, err := in.ReadString('\n')
			fmt.Fprintln(e.stderr)
			if err != nil {
				return "", ketacover.Errorf(ketacover.EINVALID, "no password given")
			}
			fmt.Fprint(e.stderr, "Again: ")
			b, _ := in.ReadString('\n')
			fmt.Fprintln(e.stderr)
			if a != b {
				return "", ketacover.Errorf(ketacover.EINVALID, "the two passwords differ")
			}
			return strings.TrimRight(a, "\r\n"), nil
		}
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read the password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", ketacover.Errorf(ketacover.EINVALID, "no password on standard input: type it at a terminal, or pipe it in as the first line")
	}
	return line, nil
}
