package ketacover

import (
	"errors"
	"fmt"
)

// Error codes. A caller maps each to its own surface (an exit status, an
// HTTP status) in exactly one table.
const (
	EINVALID   = "invalid"   // the input is malformed or breaks a rule
	ENOTFOUND  = "not_found" // the thing asked for does not exist
	ECONFLICT  = "conflict"  // the request contradicts stored state
	EFORBIDDEN = "forbidden" // the caller may not do this
	EINTERNAL  = "internal"  // a bug or an environment failure
)

// Error is the application error: a code for programs and a message for
// people. Any other error is internal and is shown as "internal error".
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or
// "internal error" for any other error, so that internals never leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
