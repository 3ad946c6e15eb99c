package main

import (
	"context"
	"fmt"

	"github.com/ketacover/ketacover/casefile"
)

const schemaUsage = `schema case

Prints the JSON Schema (draft 2020-12) of the case file format: every field,
its type, allowed values and meaning. A field left out of a case is
unknown, never false.`

func runSchema(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 || args[0] != "case" {
		return usagef("want: schema case")
	}
	b, err := casefile.Schema()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", b)
	return err
}
