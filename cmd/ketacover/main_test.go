package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run this binary as "ketacover" inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ketacover": func() {
			e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now}
			os.Exit(run(context.Background(), e, os.Args[1:]))
		},
	})
}

// TestScripts runs the command-line scripts in testdata/script. Each script
// names the behaviour it checks. $SHARED points at ../shared when it exists,
// and $EXAMPLES at the repository's examples folder.
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", filepath.Join(root, "examples"))
			env.Setenv("REPO", root)
			shared := filepath.Join(root, "..", "shared")
			if _, err := os.Stat(shared); err == nil {
				env.Setenv("SHARED", shared)
			}
			env.Setenv("KETACOVER_TODAY", "2026-11-27")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "shared":
				_, err := os.Stat(filepath.Join(root, "..", "shared"))
				return err == nil, nil
			}
			return false, nil
		},
	})
}
