#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The control socket's round trip (issue 13): `procinit status` while 8
# children write flat out, next to `supervisorctl status` of supervisord
# running the same children (overmind, a Go program, cannot be installed
# here). Also each server's socket alone (one request on the Unix socket,
# no client process), and both with 8 idle children. Not part of make test;
# the figures go to docs/benchmarks.md ("Control socket").
#
#   bench/control.sh        BENCH_CTL_N children (8), BENCH_CTL_REQS requests (300)
#
# Prints one line per measurement and writes bench/results/control-latest.txt.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
N=${BENCH_CTL_N:-8}
REQS=${BENCH_CTL_REQS:-300}
PROCINIT=${BENCH_PROCINIT:-$ROOT/build/procinit}
OUT=${BENCH_OUT:-$BENCH_DIR/results}
LINES=1000000000000 # flat out for as long as the run takes

log() { printf '%s control: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
[ -x "$PROCINIT" ] || { log "$PROCINIT missing: run make first"; exit 1; }
command -v supervisord >/dev/null || log "supervisord missing (apt-get install supervisor): its rows are skipped"

# A short folder: sun_path holds 108 bytes.
TMP=$(mktemp -d /tmp/pctl.XXXXXX)
SERVER=
cleanup() {
	if [ -n "$SERVER" ]; then kill -KILL "$SERVER" 2>/dev/null || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT

cc -O2 -o "$TMP/gen" "$BENCH_DIR/gen.c"
cc -O2 -Wall -o "$TMP/rtt" "$BENCH_DIR/rtt.c"

RESULTS=$TMP/results.txt
# Bytes the server's children have written so far (/proc/PID/io's wchar).
written() {
	local sum=0 pid w
	for pid in $(pgrep -P "$SERVER"); do
		w=$(sed -n 's/^wchar: //p' "/proc/$pid/io" 2>/dev/null || true)
		sum=$((sum + ${w:-0}))
	done
	echo "$sum"
}

# LABEL RTT-ARGS...: the round trips, and how fast the children's output moved meanwhile.
measure() {
	local label=$1 b0 t0 b1 t1 r
	shift
	b0=$(written)
	t0=$(date +%s%N)
	r=$("$TMP/rtt" -n "$REQS" "$@")
	b1=$(written)
	t1=$(date +%s%N)
	printf '%-30s %s output=%dMB/s\n' "$label" "$r" $(((b1 - b0) * 1000 / (t1 - t0))) | tee -a "$RESULTS"
}

wait_for() { # PATH
	for _ in $(seq 200); do [ -e "$1" ] && return 0; sleep 0.05; done
	log "$1 did not appear"
	return 1
}

child() { # KIND I: the command of child I
	if [ "$1" = busy ]; then echo "$TMP/gen -i $(($2 + 1)) -n $LINES"; else echo "sleep 100000"; fi
}

procinit_case() { # KIND
	local dir=$TMP/p-$1
	mkdir "$dir"
	for i in $(seq 0 $((N - 1))); do echo "w$i: exec $(child "$1" "$i")"; done >"$dir/Procfile"
	"$PROCINIT" -f "$dir/Procfile" >/dev/null 2>&1 &
	SERVER=$!
	wait_for "$dir/.procinit.sock"
	sleep 1 # the writers get going
	measure "procinit status ($1)" -- "$PROCINIT" -f "$dir/Procfile" status
	measure "procinit socket ($1)" -s "$dir/.procinit.sock" -r 'status\n'
	kill -TERM "$SERVER"
	wait "$SERVER" || true
	SERVER=
}

supervisord_case() { # KIND
	local dir=$TMP/s-$1 body len
	mkdir "$dir"
	{
		printf '[unix_http_server]\nfile=%s/s.sock\n' "$dir"
		printf '[supervisord]\nlogfile=%s/supervisord.log\npidfile=%s/s.pid\nnodaemon=true\n' "$dir" "$dir"
		printf 'childlogdir=%s\n' "$dir"
		printf '[rpcinterface:supervisor]\n'
		printf 'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n'
		printf '[supervisorctl]\nserverurl=unix://%s/s.sock\n' "$dir"
		for i in $(seq 0 $((N - 1))); do
			printf '[program:w%d]\ncommand=%s\nstdout_logfile=/dev/null\n' "$i" "$(child "$1" "$i")"
			printf 'stdout_logfile_maxbytes=0\nredirect_stderr=true\nstartsecs=0\n'
		done
	} >"$dir/s.conf"
	supervisord -c "$dir/s.conf" >/dev/null 2>&1 &
	SERVER=$!
	wait_for "$dir/s.sock"
	sleep 1
	measure "supervisorctl status ($1)" -- supervisorctl -c "$dir/s.conf" status
	body='<?xml version="1.0"?><methodCall><methodName>supervisor.getAllProcessInfo</methodName><params></params></methodCall>'
	len=${#body}
	measure "supervisord socket ($1)" -s "$dir/s.sock" \
		-r "POST /RPC2 HTTP/1.0\\r\\nContent-Type: text/xml\\r\\nContent-Length: $len\\r\\n\\r\\n$body"
	kill -TERM "$SERVER"
	wait "$SERVER" || true
	SERVER=
}

log "$N children, $REQS requests each; $(nproc) cores; times in ms"
for kind in busy idle; do
	procinit_case "$kind"
	if command -v supervisord >/dev/null; then supervisord_case "$kind"; fi
done
mkdir -p "$OUT"
{
	echo "# bench/control.sh $(date -u +%Y-%m-%dT%H:%MZ) $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo ?)"
	echo "# $N children, $REQS requests each, $(nproc) cores; ms"
	cat "$RESULTS"
} >"$OUT/control-latest.txt"
log "written to $OUT/control-latest.txt"
