#!/usr/bin/env bash
# bench.sh: the side-by-side benchmark of docs/benchmarks/rates.md.
#
#   bash rates/ratesgen/bench.sh [DIR]     (DIR defaults to /tmp/ratesbench)
#
# Generates a 2.2 GB synthetic in-network file and its gzip (once), then
# times, with peak memory from /usr/bin/time -v: gzip -dc, ketacover rates
# scan (plain and gzip, codes only and codes + NPI) and, when
# /tmp/peers/bin/mrfparse exists, mrfparse's pipeline served over loopback
# HTTP (it only reads URLs). SKIP_PEERS=1 runs ketacover alone,
# ONLY_PEERS=1 the others alone. Nothing is
# written inside the repository.
set -euo pipefail
dir=${1:-/tmp/ratesbench}
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir"
cd "$repo"
go build -o "$dir/genmrf" ./rates/ratesgen/cmd/genmrf
go build -o "$dir/ketacover" ./cmd/ketacover
json=$dir/in-network-2g.json
[ -s "$json" ] || "$dir/genmrf" -size 2200M -o "$json"
[ -s "$json.gz" ] || gzip -6 -c "$json" > "$json.gz"
size=$(stat -c %s "$json")
codes=96365,96366,G2082,G2083,J0013,S0013,J3490,90791
npi=1093817465 # ratesgen.ClinicNPI

echo "machine: $(nproc) cores, $(lscpu | grep 'Model name' | sed 's/.*: *//'), $(go version | cut -d' ' -f3)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "file: $size bytes uncompressed, $(stat -c %s "$json.gz") gzip'd"

# run NAME CMD...: wall seconds, MB/s of uncompressed JSON, peak RSS.
run() {
	local name=$1
	shift
	sync
	/usr/bin/time -v -o "$dir/time.txt" "$@" > "$dir/out.txt" 2> "$dir/err.txt" || true
	local wall rss cpu
	wall=$(grep 'Elapsed (wall' "$dir/time.txt" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
	cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$dir/time.txt")
	rss=$(grep 'Maximum resident' "$dir/time.txt" | awk '{print $NF}')
	# MB/s is of uncompressed JSON per wall second; MB/cpu-s per second of
	# CPU (user + system, all threads), which a loaded machine disturbs less.
	printf '%-32s %7.1f s wall %7.0f MB/s  %7.1f s cpu %6.0f MB/cpu-s %6.0f MiB peak  load %s\n' "$name" "$wall" \
		"$(echo "$size / $wall / 1000000" | bc -l)" "$cpu" "$(echo "$size / $cpu / 1000000" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
}

cat "$json" > /dev/null # warm the page cache
[ -n "${SKIP_PEERS:-}" ] || run "gzip -dc > /dev/null" sh -c "gzip -dc '$json.gz' > /dev/null"
if [ -z "${ONLY_PEERS:-}" ]; then
	run "ketacover plain --codes" "$dir/ketacover" rates scan "$json" --codes $codes -o "$dir/r1.parquet" --quiet
	run "ketacover plain --codes --npi" "$dir/ketacover" rates scan "$json" --codes $codes --npi $npi -o "$dir/r2.parquet" --quiet
	run "ketacover gzip --codes" "$dir/ketacover" rates scan "$json.gz" --codes $codes -o "$dir/r3.parquet" --quiet
	run "ketacover gzip --codes --npi" "$dir/ketacover" rates scan "$json.gz" --codes $codes --npi $npi -o "$dir/r4.parquet" --quiet
fi
grep wrote "$dir/out.txt" || true

if [ -z "${SKIP_PEERS:-}" ] && [ -x /tmp/peers/bin/mrfparse ]; then
	printf 'billing_code,description,plain_language_description\n' > "$dir/services.csv"
	for c in ${codes//,/ }; do printf '%s,x,x\n' "$c" >> "$dir/services.csv"; done
	(cd "$dir" && exec python3 -m http.server 8765 --bind 127.0.0.1 > /dev/null 2>&1) &
	server=$!
	sleep 1
	mkdir -p "$dir/mrf-tmp"
	printf 'log:\n  level: warn\ntmp:\n  path: %s\n' "$dir/mrf-tmp" > "$dir/mrf.yaml"
	for f in "$(basename "$json")" "$(basename "$json").gz"; do
		rm -rf "$dir/mrf-out" "$dir/mrf-tmp"/*
		run "mrfparse pipeline $([[ $f == *.gz ]] && echo gzip || echo plain)" \
			/tmp/peers/bin/mrfparse pipeline --config "$dir/mrf.yaml" -i "http://127.0.0.1:8765/$f" -o "$dir/mrf-out" -s "$dir/services.csv" -p 1
	done
	kill $server
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
