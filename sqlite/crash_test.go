package sqlite

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/storetest"
)

// The crash child's settings travel in the environment.
const (
	crashEnvPath = "KETACOVER_CRASH_CHILD_DB"
	crashEnvKey  = "KETACOVER_CRASH_CHILD_HEXKEY"
	crashCase    = "crash-case"
)

// TestCrashChild is not a test: it is the process TestCrash kills. It
// appends events to one case in a loop and prints each Seq on its own line
// after Append (and so the commit) has returned.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnvPath)
	if path == "" {
		t.Skip("only run by TestCrash, as its child process")
	}
	var (
		d   *DB
		err error
	)
	if hk := os.Getenv(crashEnvKey); hk != "" {
		d = mustOpenDerived(t, path, hk)
	} else if d, err = Open(ctx, path, Options{}); err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(3)
	}
	c := storetest.SampleCase(7)
	c.ID = crashCase
	if _, err := d.CreateCase(ctx, c, "crash", ketacover.SourceCLI); err != nil && ketacover.ErrorCode(err) != ketacover.ECONFLICT {
		fmt.Fprintln(os.Stderr, "child create:", err)
		os.Exit(3)
	}
	out := bufio.NewWriterSize(os.Stdout, 64)
	for i := 0; ; i++ {
		e := ketacover.Event{
			CaseID: crashCase, Kind: ketacover.EventSession, Date: ketacover.NewDate(2026, 1, 1).AddDays(i % 400),
			Actor: "crash", Source: ketacover.SourceCLI, Details: ketacover.Details{Units: 1},
			Note: strings.Repeat("session note ", 1+i%300), // some events span pages
		}
		if err := d.Append(ctx, &e, nil); err != nil {
			fmt.Fprintln(os.Stderr, "child append:", err)
			os.Exit(3)
		}
		fmt.Fprintln(out, e.Seq)
		out.Flush() // the parent must see it before the next commit starts
	}
}

// TestCrash kills a writing process with SIGKILL at random points, 24
// times, and checks after each kill that the database opens cleanly,
// passes integrity_check and holds every event whose commit returned, with
// contiguous Seq.
func TestCrash(t *testing.T) {
	runCrash(t, "", 24)
}

// TestCrashEncrypted does the same to an encrypted database, fewer times.
func TestCrashEncrypted(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	runCrash(t, deriveKey(testKey), 8)
}

func runCrash(t *testing.T, hexkey string, kills int) {
	if os.Getenv(crashEnvPath) != "" {
		t.Skip("inside the child")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed) // to replay a failure, set it here
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	confirmed := 0 // highest Seq any child reported as committed
	for round := range kills {
		// Kill at a random point: sometimes while the child is still
		// opening or migrating, mostly mid-stream between or inside commits.
		afterLines := rng.IntN(40)
		if round%6 == 0 {
			afterLines = 0
		}
		jitter := time.Duration(rng.IntN(3000)) * time.Microsecond
		lines, stderr := crashOnce(t, exe, path, hexkey, afterLines, jitter)
		for _, l := range lines {
			n, err := strconv.Atoi(l)
			if err != nil {
				t.Fatalf("round %d: child printed %q; stderr: %s", round, l, stderr)
			}
			confirmed = max(confirmed, n)
		}

		var d *DB
		if hexkey != "" {
			d = mustOpenDerived(t, path, hexkey)
		} else {
			d = MustOpen(t, path, Options{})
		}
		mustIntegrity(t, d)
		var es []ketacover.Event
		if _, err := d.Case(ctx, crashCase); err == nil {
			es = storetest.MustEvents(t, d, crashCase)
		} else if ketacover.ErrorCode(err) != ketacover.ENOTFOUND || confirmed > 0 {
			t.Fatalf("round %d: %v", round, err)
		}
		for i, e := range es {
			if e.Seq != i+1 {
				t.Fatalf("round %d: event at position %d has Seq %d", round, i, e.Seq)
			}
		}
		if len(es) < confirmed {
			t.Fatalf("round %d: %d events stored, but the child reported Seq %d committed", round, len(es), confirmed)
		}
		t.Logf("round %d: killed after %d lines + %v; %d events stored, %d confirmed", round, len(lines), jitter, len(es), confirmed)
		d.Close()
	}
	if confirmed == 0 {
		t.Fatal("no child ever committed an event: the test killed too early to prove anything")
	}
}

// crashOnce starts a child writing to path, waits until it has printed
// afterLines lines and then jitter more, kills it with SIGKILL, and
// returns every line it printed.
func crashOnce(t *testing.T, exe, path, hexkey string, afterLines int, jitter time.Duration) ([]string, string) {
	t.Helper()
	cmd := exec.Command(exe, "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnvPath+"="+path, crashEnvKey+"="+hexkey)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		lines []string
		ready = make(chan struct{})
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			if len(lines) == afterLines {
				close(ready)
			}
			mu.Unlock()
		}
		io.Copy(io.Discard, out)
	}()
	if afterLines > 0 {
		select {
		case <-ready:
		case <-done:
		case <-time.After(60 * time.Second):
			t.Log("child printed too little in 60 s; killing it anyway")
		}
	}
	time.Sleep(jitter)
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	werr := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("child was not killed but ended by itself (%v): %s", werr, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	return lines, stderr.String()
}
