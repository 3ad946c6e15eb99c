#!/usr/bin/env bash
# Server CPU time per request of an in-process handler benchmark, the
# figure that moves least when other work shares the machine: the test
# binary's user + system time for N requests minus its time for one
# (setup: loading the policies, parsing the templates), divided by N.
# Garbage collection on the other core is included. Run from the
# repository root:
#   bash web/testdata/wrk/cpu-per-request.sh [BENCHMARK] [N]
set -euo pipefail
bench=${1:-BenchmarkHandlerSelfCheck}
n=${2:-20000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go test -c -o "$dir/web.test" ./web
cd web
cpu() { /usr/bin/time -f "%U %S" "$dir/web.test" -test.run '^$' -test.bench "^$bench\$" -test.benchtime "$1x" -test.benchmem 2>&1 >"$dir/out" | tail -1; }
one=$(cpu 1)
all=$(cpu "$n")
grep Benchmark "$dir/out"
awk -v a="$one" -v b="$all" -v n="$n" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
	'BEGIN{split(a,x," "); split(b,y," "); printf "cpu-us/request %.1f (load average %s)\n", (y[1]+y[2]-x[1]-x[2])*1e6/n, load}'
