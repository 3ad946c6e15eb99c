// Command ketacover gets patients their ketamine and esketamine treatment
// paid for: it judges a case against the payer's published policy, tracks
// authorizations, claims and legal deadlines, reads denials, writes the
// letters that answer them and estimates the cost.
//
// Usage:
//
//	ketacover COMMAND [flags] [arguments]
//
// Run "ketacover help" for the list of commands and "ketacover help COMMAND"
// for one. Exit status: 0 success (for check: the case meets the criteria),
// 1 the case does not meet them or is not covered, 2 usage or input error,
// 3 more information needed (or a document still has blanks), 4 internal or
// environment error.
//
// Nothing ketacover prints is medical or legal advice.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ketacover/ketacover"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	e := &env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
		now:    time.Now,
	}
	code := run(ctx, e, os.Args[1:])
	stop()
	os.Exit(code)
}

// env is what a command may touch of the outside world. Tests give their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
}

// Exit statuses.
const (
	exitOK       = 0
	exitNo       = 1 // does not meet criteria, not covered
	exitUsage    = 2 // usage or input error
	exitMoreInfo = 3 // more information needed; a document has blanks
	exitInternal = 4 // internal or environment error
)

// exitStatus is returned by a command that has already printed its result
// and only needs the process to end with a given status.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// usageError is a mistake in how the command was called.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run runs one command and returns the process exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		printHelp(e.stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	cmd, ok := lookup(name)
	if !ok {
		fmt.Fprintf(e.stderr, "ketacover: unknown command %q; run \"ketacover help\" for the list\n", name)
		return exitUsage
	}
	err := cmd.run(ctx, e, rest)
	return finish(e.stderr, name, err)
}

// finish prints err (if it needs printing) and returns the exit status.
func finish(w io.Writer, name string, err error) int {
	if err == nil {
		return exitOK
	}
	var st exitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	var u usageError
	if errors.As(err, &u) {
		fmt.Fprintf(w, "ketacover %s: %s\nrun \"ketacover help %s\" for usage\n", name, u.msg, name)
		return exitUsage
	}
	switch ketacover.ErrorCode(err) {
	case ketacover.EINVALID, ketacover.ENOTFOUND, ketacover.ECONFLICT, ketacover.EFORBIDDEN:
		fmt.Fprintf(w, "ketacover %s: %s\n", name, err)
		return exitUsage
	}
	fmt.Fprintf(w, "ketacover %s: %s\n", name, err)
	return exitInternal
}
