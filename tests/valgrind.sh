#!/bin/sh
# SPDX-License-Identifier: MIT
# valgrind memcheck on representative runs of a glibc (non-static) build:
# Procfile mode with several children (first exit, SIGKILL escalation, an
# orphan, partial lines, an env file), the same with readiness checks and an
# ordered stop (--ready log: and exec:, --after), Procfile mode stopped by SIGTERM,
# single-command mode (exit status, orphan sweep, env file), and the paths
# that return from main (check, a usage error, a bad Procfile). Fails on any
# memcheck error and on any "definitely lost" or "indirectly lost" bytes;
# "still reachable" and "possibly lost" are allowed: threads that run until
# the _exit own their buffers, and glibc's thread-local blocks of detached
# threads show as possibly lost.
# Usage: make valgrind, or sh tests/valgrind.sh (installs valgrind with apt-get
# when it is missing and we are root). The binary is the Makefile's plain host
# build (build/host/procinit, the one warning set and flags of every build);
# PROCINIT_VALGRIND_BIN names another.
set -eu

cd "$(dirname "$0")/.."
OUT=build/valgrind

if ! command -v valgrind >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "valgrind: installing valgrind"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >/dev/null
		apt-get install -y -q --no-install-recommends valgrind >/dev/null
	else
		echo "valgrind: not installed; run: sudo apt-get install -y valgrind" >&2
		exit 1
	fi
fi

rm -rf "$OUT"
mkdir -p "$OUT/app"
if [ -z "${PROCINIT_VALGRIND_BIN:-}" ]; then
	make -s build/host/procinit
	PROCINIT_VALGRIND_BIN=$(pwd)/build/host/procinit
fi
BIN=$PROCINIT_VALGRIND_BIN

cat >"$OUT/app/Procfile" <<'EOF'
web: i=0; while [ $i -lt 200 ]; do echo "web $PS line $i of $GREETING"; i=$((i+1)); done; exec sleep 1000
worker: printf 'partial'; sleep 0.3; echo ' line'; exec sleep 1000
stubborn: trap '' TERM; echo ready; while :; do sleep 0.1; done
orphan: (sleep 30 &); echo left an orphan; exec sleep 1000
quitter: sleep 1.5; echo bye; exit 3
EOF
# shellcheck disable=SC2016 # expanded by procinit, not by this shell
printf 'GREETING="hello ${USER:-you}"\nexport LEVEL=2\n' >"$OUT/app/.env"
printf 'bad line\n' >"$OUT/app/Procfile.bad"

failed=0
runs=0

# run NAME EXPECTED-EXIT [WRAPPER...] -- PROCINIT-ARGS...  (WRAPPER: e.g. timeout ...;
# --foreground, or timeout signals its whole group and procinit gets SIGTERM twice)
run() {
	name=$1
	want=$2
	shift 2
	pre=""
	while [ "$1" != "--" ]; do
		pre="$pre $1"
		shift
	done
	shift
	log=$OUT/$name.log
	runs=$((runs + 1))
	set +e
	# shellcheck disable=SC2086 # $pre is a word list on purpose
	(cd "$OUT/app" && $pre valgrind --tool=memcheck --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=97 --child-silent-after-fork=yes --trace-children=no \
		--log-file="../$name.log" "$BIN" "$@" >"../$name.out" 2>"../$name.err")
	rc=$?
	set -e
	[ -f "$log" ] || : >"$log"
	errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
	definite=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
	indirect=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
	possibly=$(sed -n 's/.*possibly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
	reachable=$(sed -n 's/.*still reachable: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
	status=ok
	if [ "$rc" != "$want" ] || [ "${errors:-x}" != 0 ] ||
		[ "${definite:-0}" != 0 ] || [ "${indirect:-0}" != 0 ]; then
		status=FAIL
		failed=$((failed + 1))
	fi
	echo "valgrind: $status $name: exit $rc (want $want), errors ${errors:-?}," \
		"definitely lost ${definite:-0}, indirectly lost ${indirect:-0}, possibly lost ${possibly:-0}," \
		"still reachable ${reachable:-0} bytes"
	if [ "$status" = FAIL ]; then
		sed -n '/== [0-9]* errors in context\|Invalid\|uninitialised\|lost in loss record/,/^==[0-9]*== $/p' \
			"$log" | head -60
		tail -5 "$OUT/$name.err"
	fi
}

run procfile-first-exit 3 -- -m all=1,worker=2 -t 1
run procfile-ready 3 -- --ready web=log:line --ready worker=exec:true --after worker=web --after stubborn=worker -t 1
run procfile-sigterm 0 timeout --foreground --preserve-status -s TERM 3 -- -m web=3 -t 1 start web worker
run single-orphans 5 -- -t 1 -- sh -c 'echo hi; (sleep 30 &); exit 5'
# shellcheck disable=SC2016 # expanded by the child's shell
run single-env-file 0 -- -e .env -- sh -c 'test "$LEVEL" = 2'
run single-sigterm 143 timeout --foreground --preserve-status -s TERM 2 -- -- sleep 30
run check 0 -- check
run usage-error 2 -- -m nope=1
run bad-procfile 2 -- -f Procfile.bad

echo "valgrind: $runs runs, $failed failed (logs in $OUT/)"
[ "$failed" = 0 ]
