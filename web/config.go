package web

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ketacover/ketacover"
)

// Config is the web server's configuration. The command fills it from
// flags and environment variables and calls Validate before New.
type Config struct {
	// Addr is the TCP address to listen on, host:port. ":0" picks a free
	// port (tests); "127.0.0.1:8080" keeps the server on this machine.
	Addr string
	// DevDir, when set, is the folder of this package's source
	// (…/web): templates and static files are then read from its
	// templates/ and static/ folders on every request, so a page can be
	// edited without rebuilding. Empty serves the files embedded in the
	// binary, parsed once at startup.
	DevDir string
	// MaxBodyBytes caps a request body (a case posted to the API, a
	// self-check form). Larger bodies get 413.
	MaxBodyBytes int64
	// ReadHeaderTimeout bounds how long a client may take to send its
	// request headers (slow-loris protection).
	ReadHeaderTimeout time.Duration
	// WriteTimeout bounds writing one response.
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long.
	IdleTimeout time.Duration
	// ShutdownTimeout is how long a graceful shutdown waits for requests
	// in flight before closing their connections.
	ShutdownTimeout time.Duration

	// SessionIdle signs a workbench user out after this long without a
	// request (idle logoff; HIPAA 45 CFR 164.312(a)(2)(iii), automatic
	// logoff). Measured to the minute.
	SessionIdle time.Duration
	// SessionMax ends a session this long after sign-in, busy or not.
	SessionMax time.Duration
	// LoginAttempts wrong passwords in a row lock an account.
	LoginAttempts int
	// LockoutFor is how long a locked account stays locked (an admin can
	// unlock it sooner).
	LockoutFor time.Duration
	// LoginRate is how many sign-in attempts one client address may make
	// a minute (also the burst).
	LoginRate int
	// TLSCert and TLSKey, both set, serve HTTPS with that certificate and
	// key (PEM files); session cookies are then marked Secure.
	TLSCert string
	TLSKey  string
}

// DefaultConfig returns the configuration `ketacover serve` starts from.
func DefaultConfig() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		MaxBodyBytes:      1 << 20,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ShutdownTimeout:   10 * time.Second,
		SessionIdle:       15 * time.Minute,
		SessionMax:        12 * time.Hour,
		LoginAttempts:     5,
		LockoutFor:        15 * time.Minute,
		LoginRate:         10,
	}
}

// Validate reports every problem with the configuration, each naming the
// setting, so that a bad flag or variable fails at start with a message a
// person can act on.
func (c Config) Validate() error {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if host, port, err := net.SplitHostPort(c.Addr); err != nil {
		add("addr %q: want host:port, e.g. :8080 or 127.0.0.1:8080 (%v)", c.Addr, err)
	} else {
		if strings.ContainsAny(host, " /") {
			add("addr %q: the host %q is not a host name or IP address", c.Addr, host)
		}
		if _, err := net.LookupPort("tcp", port); err != nil || port == "" {
			add("addr %q: the port %q is not a port number from 0 to 65535", c.Addr, port)
		}
	}
	if c.DevDir != "" {
		for _, sub := range []string{"templates", "static"} {
			st, err := os.Stat(filepath.Join(c.DevDir, sub))
			if err != nil || !st.IsDir() {
				add("dev dir %q: want the web package's folder, with templates/ and static/ inside", c.DevDir)
				break
			}
		}
	}
	if c.MaxBodyBytes < 1<<10 {
		add("max body bytes %d: want at least 1024", c.MaxBodyBytes)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"read header timeout", c.ReadHeaderTimeout},
		{"write timeout", c.WriteTimeout},
		{"idle timeout", c.IdleTimeout},
		{"shutdown timeout", c.ShutdownTimeout},
		{"idle timeout (sign-out after inactivity)", c.SessionIdle},
		{"session lifetime", c.SessionMax},
		{"lockout time", c.LockoutFor},
	} {
		if d.v <= 0 {
			add("%s %s: want a positive duration such as 10s", d.name, d.v)
		}
	}
	if c.SessionIdle > 0 && c.SessionIdle < time.Minute {
		add("idle timeout %s: want at least 1m (sessions are checked to the minute)", c.SessionIdle)
	}
	if c.LoginAttempts < 1 || c.LoginAttempts > 100 {
		add("login attempts %d: want 1 to 100 wrong passwords before a lockout", c.LoginAttempts)
	}
	if c.LoginRate < 1 {
		add("login rate %d: want at least 1 attempt a minute", c.LoginRate)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		add("tls: give both the certificate (--tls-cert) and the key (--tls-key), or neither")
	} else if c.TLSCert != "" {
		if _, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey); err != nil {
			add("tls: cannot use certificate %s with key %s: %v", c.TLSCert, c.TLSKey, err)
		}
	}
	if len(probs) > 0 {
		return ketacover.Errorf(ketacover.EINVALID, "invalid configuration:\n  %s", strings.Join(probs, "\n  "))
	}
	return nil
}
