#!/usr/bin/env bash
# Load figures for docs/benchmarks/web.md and crd.md: "ketacover serve" in
# its own process, wrk (Debian's package) with 200 connections for each
# target, and the server's CPU time per request from /proc. Run from the
# repository root:  bash web/testdata/wrk/run.sh [SECONDS]
# The CDS Hooks target needs ../shared (its request is made from the Da
# Vinci sample there) and is left out without it. ONLY=PATTERN runs only
# the targets whose name contains PATTERN (e.g. ONLY=check). The second
# CDS Hooks target sends each call for a different patient (see
# crd-new-patient.lua), so no resource is one the server has seen.
set -euo pipefail
secs=${1:-15}
port=18089
tmp=$(mktemp -d)
bin=$tmp/ketacover
go build -o "$bin" ./cmd/ketacover
export CRD_BODY=$tmp/order-sign.json
go test ./crd -run '^TestWrkBody$' -count=1 -args -wrk-body "$CRD_BODY" >/dev/null || CRD_BODY=
KETACOVER_TODAY=2026-11-27 "$bin" serve --addr 127.0.0.1:$port >/dev/null 2>"$bin.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for i in $(seq 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' /proc/$pid/stat; }

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(go version | cut -d' ' -f3)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %-28s | %8s | %8s | %8s | %8s | %6s | %9s |\n' target req/s p50 p90 p99 errors "cpu-ms/req"
run() {
	local name=$1; shift
	[[ -z "${ONLY:-}" || "$name" == *"$ONLY"* ]] || return 0
	local c0; c0=$(cpu)
	local out; out=$(wrk -t2 -c200 -d"${secs}s" --latency "$@" 2>&1)
	local c1; c1=$(cpu)
	local reqs; reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
	local rps; rps=$(sed -n 's/^Requests\/sec: *//p' <<<"$out")
	local p50 p90 p99
	p50=$(awk '$1=="50%"{print $2}' <<<"$out"); p90=$(awk '$1=="90%"{print $2}' <<<"$out"); p99=$(awk '$1=="99%"{print $2}' <<<"$out")
	local non2xx; non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' <<<"$out"); non2xx=${non2xx:-0}
	local sock; sock=$(sed -n 's/^ *Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\)/\1+\2+\3+\4/p' <<<"$out"); sock=$(( ${sock:-0} ))
	local cpums; cpums=$(awk -v a="$c0" -v b="$c1" -v n="$reqs" -v hz="$hz" 'BEGIN{printf "%.3f", (b-a)*1000/hz/n}')
	printf '| %-28s | %8s | %8s | %8s | %8s | %6s | %9s |\n' "$name" "$rps" "$p50" "$p90" "$p99" "$((non2xx + sock))" "$cpums"
}
run "POST /check (self-check)" -s web/testdata/wrk/selfcheck.lua "http://127.0.0.1:$port/check"
run "GET /policies" "http://127.0.0.1:$port/policies"
run "GET /policies?payer=blue" "http://127.0.0.1:$port/policies?payer=blue&therapy=esketamine"
run "GET /policies/{id}" "http://127.0.0.1:$port/policies/premera-5-01-609"
run "GET /compare" "http://127.0.0.1:$port/compare?therapy=esketamine&indication=trd"
if [ -s "$CRD_BODY" ]; then
	run "POST order-sign (CDS Hooks)" -s web/testdata/wrk/crd.lua "http://127.0.0.1:$port/cds-services/ketacover-order-sign"
	run "POST order-sign, new patient" -s web/testdata/wrk/crd-new-patient.lua "http://127.0.0.1:$port/cds-services/ketacover-order-sign"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
