#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The procinit benchmark suite (issue 5): procinit side by side with Ruby
# foreman, node-foreman, concurrently, tini, dumb-init, catatonit and the
# pipe itself, in one run on one machine. See docs/benchmarks.md.
#
#   bench/run.sh                   the full run (about 7 minutes on 2 cores)
#   BENCH_QUICK=1 bench/run.sh     a quick run (about 1.5 minutes)
#
# Writes bench/results/latest.csv and latest.md (and a dated copy of each),
# bench/results/throughput.svg, and prints the tables. Every size and count
# is an environment variable (below); BENCH_SCENARIOS and BENCH_TOOLS pick a
# subset, BENCH_PROCINIT another binary (to compare two builds, run twice and
# use bench/compare.sh OLD.csv NEW.csv), BENCH_COMMIT the label it gets.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH_DIR")
QUICK=${BENCH_QUICK:-0}
q() { if [ "$QUICK" = 1 ]; then echo "$2"; else echo "$1"; fi; } # q FULL QUICK

# --- parameters (MB = 10^6 bytes; a line is 80 bytes: 12,500 lines per MB)
MB=${BENCH_MB:-$(q 1000 100)}                   # 1. throughput volume
SLOW_MB=${BENCH_SLOW_MB:-$(q 100 20)}           #    ... for foreman and node-foreman
REPS=${BENCH_REPS:-$(q 7 3)}                    #    rounds (median)
SLOW_REPS=${BENCH_SLOW_REPS:-$(q 2 1)}          #    ... for foreman and node-foreman
FANIN_N=${BENCH_FANIN_N:-8}                     # 2. children
FANIN_MB=${BENCH_FANIN_MB:-$(q 128 16)}         #    MB per child
FANIN_SLOW_MB=${BENCH_FANIN_SLOW_MB:-$(q 16 4)} #    ... for foreman and node-foreman
FANIN_REPS=${BENCH_FANIN_REPS:-$(q 3 1)}
TIMING_REPS=${BENCH_TIMING_REPS:-$(q 9 3)}      # 3., 4. runs per tool (median)
TIMING_LIMIT=${BENCH_TIMING_LIMIT:-$(q 10 3)}   #    seconds before a run is killed
CTRLC_N=${BENCH_CTRLC_N:-10}                    # 4. sleeping processes
SETTLE_MS=${BENCH_SETTLE_MS:-300}               #    all running, then wait this long
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-$(q 300 60)} # 5. hyperfine runs per command
STARTUP_ROUNDS=${BENCH_STARTUP_ROUNDS:-3}       #    ... split into this many rounds
SCALE_NS=${BENCH_SCALE:-$(q "1 10 100 500" "1 10 100")} # 6., 8. process counts
SCALE_REPS=${BENCH_SCALE_REPS:-$(q 3 1)}
SCALE_LIMIT=${BENCH_SCALE_LIMIT:-60}            #    seconds before a run is killed
ORPHANS=${BENCH_ORPHANS:-10000}                 # 7. orphans
ORPHAN_REPS=${BENCH_ORPHAN_REPS:-$(q 7 3)}
IDLE_S=${BENCH_IDLE_S:-$(q 10 1)}               # 9. idle window, seconds
IDLE_N=${BENCH_IDLE_N:-4}                       #    sleeping children
IDLE_SETTLE_MS=${BENCH_IDLE_SETTLE_MS:-$(q 1000 300)} #  all running, then wait this long
SCENARIOS=${BENCH_SCENARIOS:-"throughput fanin reaction ctrlc startup scale reaping footprint idle"}
TOOLS=${BENCH_TOOLS:-"procinit procinit-single foreman node-foreman concurrently tini dumb-init catatonit"}
PROCINIT=${BENCH_PROCINIT:-$ROOT/build/procinit}
OUT=${BENCH_OUT:-$BENCH_DIR/results}
NPMBIN=$BENCH_DIR/.npm/node_modules/.bin
BUILD=$BENCH_DIR/build

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "$*"; exit 1; }

[ -x "$PROCINIT" ] || die "$PROCINIT missing: run make first"
PROCINIT=$(cd "$(dirname "$PROCINIT")" && pwd)/$(basename "$PROCINIT")

[ "${BENCH_NO_INSTALL:-0}" = 1 ] || sh "$BENCH_DIR/deps.sh"

# --- our own C helpers
mkdir -p "$BUILD"
for t in gen check measure orphans; do
	if [ ! -x "$BUILD/$t" ] || [ "$BENCH_DIR/$t.c" -nt "$BUILD/$t" ]; then
		${CC_BENCH:-cc} -O2 -std=c11 -Wall -Wextra -o "$BUILD/$t" "$BENCH_DIR/$t.c" || die "building $t failed"
	fi
done
GEN=$BUILD/gen CHECK=$BUILD/check MEASURE=$BUILD/measure ORPH=$BUILD/orphans

WORK=$(mktemp -d "${TMPDIR:-/tmp}/procinit-bench.XXXXXX")
# an interrupted run leaves what it had in $OUT/partial.csv
trap 'if [ -z "${DONE:-}" ] && [ -s "$WORK/results.csv" ]; then mkdir -p "$OUT" && cp "$WORK/results.csv" "$OUT/partial.csv"; fi; rm -rf "$WORK"' EXIT
# measure a snapshot, so a rebuild during the run changes nothing
PROCINIT_SRC=$PROCINIT
cp "$PROCINIT" "$WORK/procinit"
PROCINIT=$WORK/procinit
CSV=$WORK/results.csv
echo "scenario,tool,param,metric,value,unit" >"$CSV"
ERRLOG=$WORK/stderr.log
: >"$ERRLOG"

# Colour off everywhere (the flags below say so too), prefixes on.
export NO_COLOR=1 FORCE_COLOR=0

# --- which tools are here
have() {
	case $1 in
	procinit | procinit-single) [ -x "$PROCINIT" ] ;;
	foreman) command -v foreman >/dev/null ;;
	node-foreman) [ -x "$NPMBIN/nf" ] && command -v node >/dev/null ;;
	concurrently) [ -x "$NPMBIN/concurrently" ] && command -v node >/dev/null ;;
	tini | dumb-init | catatonit | hyperfine | gnuplot) command -v "$1" >/dev/null ;;
	*) return 1 ;;
	esac
}
want() { case " $TOOLS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
want_scenario() { case " $SCENARIOS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
slow() { case $1 in foreman | node-foreman) return 0 ;; *) return 1 ;; esac; }

# record SCENARIO TOOL PARAM METRIC VALUE [UNIT]
record() { echo "$1,$2,$3,$4,${5//,/;},${6:-}" >>"$CSV"; }
# na SCENARIO TOOL PARAM METRIC... : this tool can't do (or lacks) it
na() {
	local s=$1 t=$2 p=$3
	shift 3
	for m in "$@"; do record "$s" "$t" "$p" "$m" n/a; done
}
# values KEY FILE: one value a line from measure's key=value lines
values() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) { n = index($i, "="); if (substr($i, 1, n - 1) == k) print substr($i, n + 1) } }' "$2"; }
# median, maxof, minof: of the numbers on stdin; negative ones (-1: measure
# had no value, e.g. the processes never all ran) are left out; none: n/a
median() { awk '$1 >= 0' | sort -g | awk '{ a[NR] = $1 } END { if (!NR) { print "n/a"; exit } if (NR % 2) v = a[(NR + 1) / 2]; else v = (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.6g\n", v }'; }
maxof() { awk '$1 >= 0' | sort -g | tail -1 | awk '{ print } END { if (!NR) print "n/a" }'; }
minof() { awk '$1 >= 0' | sort -g | head -1 | awk '{ print } END { if (!NR) print "n/a" }'; }
# got SCENARIO TOOL PARAM METRIC: a value recorded already
got() { awk -F, -v k="$1,$2,$3,$4" 'index($0, k ",") == 1 { v = $5 } END { print v }' "$CSV"; }
# timed_out FILE: the last run of measure hit its time limit
timed_out() { tail -1 "$1" | grep -q 'timeout=1'; }
# pair SCENARIO PEER MODE A B [MB_A MB_B]: procinit (values in A) against
# PEER (values in B) round by round, each round's ratio so that above 1
# means procinit is better: MODE rate, A and B hold times for MB_A and MB_B
# MB (ratio of rates); MODE time, they hold times (ratio B / A). Records the
# median of the rounds' ratios and their range as scenario "paired".
pair() {
	local out
	out=$(paste -d' ' "$4" "$5" | awk -v mode="$3" -v ma="${6:-1}" -v mb="${7:-1}" '
		NF == 2 && $1 > 0 && $2 > 0 { print (mode == "rate") ? (ma / $1) / (mb / $2) : $2 / $1 }')
	[ -n "$out" ] || return 0
	record paired "$2" "" "$1" "$(echo "$out" | median | dec 2)" ×
	record paired "$2" "" "$1_range" "$(echo "$out" | minof | dec 2)–$(echo "$out" | maxof | dec 2)" ×
}
# dec N: round what comes in to N decimals (n/a stays)
dec() { awk -v d="$1" '{ if ($1 == "n/a") print; else printf "%.*f\n", d, $1 }'; }
# per MB FIELD: MB/s from wall_ms, or s/GB from cpu_s, one a line
mbps() { awk -v mb="$1" '$1 > 0 { print mb / ($1 / 1000) }'; }
per_gb() { awk -v mb="$1" '$1 >= 0 { print $1 / (mb / 1000) }'; }

# --- how each supervisor runs a Procfile. The scenario sets PF_NAMES and
# PF_CMDS (one Procfile entry each) and FORM (instances of every entry);
# set_cmd TOOL writes the Procfile and sets CMD. Prefixes on, colour off,
# no timestamps where the tool lets us (node-foreman always prints one).
PF_NAMES=() PF_CMDS=() FORM=1 KILL_OTHERS=1
set_cmd() {
	local i k names=() cmds=() spec=""
	: >Procfile
	for i in "${!PF_NAMES[@]}"; do
		printf '%s: %s\n' "${PF_NAMES[i]}" "${PF_CMDS[i]}" >>Procfile
		spec="$spec${spec:+,}${PF_NAMES[i]}=$FORM"
		for ((k = 1; k <= FORM; k++)); do
			names+=("${PF_NAMES[i]}.$k")
			cmds+=("${PF_CMDS[i]}")
		done
	done
	case $1 in
	procinit) CMD=("$PROCINIT" --no-color -f Procfile -m "$spec" start) ;;
	foreman) CMD=(foreman start -f Procfile --no-color --no-timestamp -m "$spec") ;;
	node-foreman) CMD=("$NPMBIN/nf" start -j Procfile "$spec") ;;
	# --kill-others: the first exit stops the rest, as the others do; left
	# out where no child exits by itself (KILL_OTHERS=0: ctrl-c, scale,
	# idle), since with it every exit during a stop makes concurrently run
	# tree-kill (a ps) for every other child again
	concurrently)
		CMD=("$NPMBIN/concurrently" --prefix name --no-color)
		[ "$KILL_OTHERS" = 1 ] && CMD+=(--kill-others)
		CMD+=(--names "$(IFS=,; echo "${names[*]}")" "${cmds[@]}")
		;;
	*) return 1 ;;
	esac
}
# single-command inits: init_cmd TOOL → INIT prefix array
init_cmd() {
	case $1 in
	procinit-single) INIT=("$PROCINIT" --) ;;
	tini) INIT=(tini --) ;;
	dumb-init) INIT=(dumb-init) ;;
	catatonit) INIT=(catatonit --) ;;
	*) return 1 ;;
	esac
}
SUPERVISORS="procinit foreman node-foreman concurrently"
INITS="procinit-single tini dumb-init catatonit"

# run_measure OUTFILE [measure options] -- CMD... (stdout is the caller's)
run_measure() {
	local out=$1
	shift
	"$MEASURE" -o "$out" "$@" 2>>"$ERRLOG" || log "measure: exit $? for: ${*: -3}"
}

# limit MB: seconds a run moving MB may take before it is killed (2 MB/s + 1 min)
limit() { echo $((60 + $1 / 2)); }
# delay TOOL: Ruby foreman writes "started with pid N" into each child's own
# pipe after starting it, and deadlocks when the child filled that pipe
# first; so its generators wait 200 ms before writing (a few % of its time)
delay() { if [ "$1" = foreman ]; then echo " -d 200"; fi; }
newdir() { rm -rf "$WORK/run" && mkdir -p "$WORK/run" && cd "$WORK/run"; }

# ----------------------------------------------------------------------------
# Throughput and fan-in run in rounds: each round runs every tool once, so
# a machine that gets faster or slower during the run moves all tools alike
# and the ratios of the same run hold. foreman and node-foreman take part in
# the first SLOW_REPS rounds only; a tool that hit its time limit in no more.
mb_of() { if slow "$1"; then echo "$2"; else echo "$3"; fi; } # TOOL SLOW FAST
in_round() { # TOOL ROUND FILE
	if slow "$1" && [ "$2" -gt "$SLOW_REPS" ]; then return 1; fi
	! grep -q 'timeout=1' "$3" 2>/dev/null
}

# 1. Throughput, one child
scenario_throughput() {
	local tool mb lines f r tools=""
	log "1. throughput: $MB MB of 80-byte lines into /dev/null (foreman, node-foreman: $SLOW_MB MB), $REPS rounds"
	for tool in gen cat $SUPERVISORS; do
		case $tool in gen | cat) ;; *) want "$tool" || continue ;; esac
		case $tool in
		gen | cat) ;;
		*) if ! have "$tool"; then
			na throughput "$tool" "" volume rate cpu_per_GB peak_rss wall timeouts
			continue
		fi ;;
		esac
		tools="$tools $tool"
		mkdir -p "$WORK/tp-$tool"
		: >"$WORK/tp-$tool.txt"
	done
	for ((r = 1; r <= REPS; r++)); do
		for tool in $tools; do
			f=$WORK/tp-$tool.txt
			in_round "$tool" "$r" "$f" || continue
			mb=$(mb_of "$tool" "$SLOW_MB" "$MB")
			lines=$((mb * 12500))
			cd "$WORK/tp-$tool"
			case $tool in
			gen) run_measure "$f" -T "$(limit "$mb")" -- "$GEN" -i 1 -n "$lines" >/dev/null ;;
			cat) run_measure "$f" -T "$(limit "$mb")" -i "exec $GEN -i 1 -n $lines" -- cat >/dev/null ;;
			*)
				PF_NAMES=(t) PF_CMDS=("exec $GEN -i 1 -n $lines$(delay "$tool")") FORM=1 KILL_OTHERS=1
				set_cmd "$tool"
				run_measure "$f" -T "$(limit "$mb")" -- "${CMD[@]}" >/dev/null
				;;
			esac
		done
	done
	for tool in $tools; do
		f=$WORK/tp-$tool.txt
		mb=$(mb_of "$tool" "$SLOW_MB" "$MB")
		record throughput "$tool" "" volume "$mb" MB
		record throughput "$tool" "" rate "$(values wall_ms "$f" | mbps "$mb" | median | dec 0)" MB/s
		record throughput "$tool" "" cpu_per_GB "$(values cpu_s "$f" | per_gb "$mb" | median | dec 2)" s
		record throughput "$tool" "" peak_rss "$(values hwm_kb "$f" | median)" KiB
		record throughput "$tool" "" wall "$(values wall_ms "$f" | median | awk '{ if ($1 == "n/a") print; else printf "%.2f\n", $1 / 1000 }')" s
		record throughput "$tool" "" timeouts "$(values timeout "$f" | awk '$1 == 1' | wc -l)" "of $(wc -l <"$f")"
		log "   $tool: $(got throughput "$tool" "" rate) MB/s (runs: $(values wall_ms "$f" | mbps "$mb" | dec 0 | paste -sd' '))"
	done
	if [ -s "$WORK/tp-procinit.txt" ]; then
		values wall_ms "$WORK/tp-procinit.txt" >"$WORK/a"
		for tool in $tools; do
			case $tool in procinit | gen) continue ;; esac
			values wall_ms "$WORK/tp-$tool.txt" >"$WORK/b"
			pair throughput "$tool" rate "$WORK/a" "$WORK/b" "$MB" "$(mb_of "$tool" "$SLOW_MB" "$MB")"
		done
	fi
}

# ----------------------------------------------------------------------------
# 2. Fan-in: FANIN_N children at once, every line checked by bench/check
scenario_fanin() {
	local tool mb lines f c r k cmd tools=""
	log "2. fan-in: $FANIN_N children x $FANIN_MB MB (foreman, node-foreman: $FANIN_SLOW_MB MB), checked, $FANIN_REPS rounds"
	for tool in direct $SUPERVISORS; do
		[ "$tool" = direct ] || want "$tool" || continue
		if [ "$tool" != direct ] && ! have "$tool"; then
			na fanin "$tool" "" volume rate cpu_per_GB whole broken missing misordered timeouts
			continue
		fi
		tools="$tools $tool"
		mkdir -p "$WORK/fi-$tool"
		: >"$WORK/fi-$tool.txt"
		: >"$WORK/fi-$tool.check"
	done
	for ((r = 1; r <= FANIN_REPS; r++)); do
		for tool in $tools; do
			f=$WORK/fi-$tool.txt c=$WORK/fi-$tool.check
			in_round "$tool" "$r" "$f" || continue
			mb=$(mb_of "$tool" "$FANIN_SLOW_MB" "$FANIN_MB")
			lines=$((mb * 12500))
			cd "$WORK/fi-$tool"
			rm -rf barrier && mkdir barrier
			if [ "$tool" = direct ]; then
				# the reference: all children write into one pipe, no supervisor
				cmd="for k in \$(seq $FANIN_N); do $GEN -i \$k -n $lines & done; wait"
				{ run_measure "$f" -T "$(limit $((mb * FANIN_N)))" -- sh -c "$cmd" | "$CHECK" -n "$FANIN_N" -l "$lines" >>"$c"; } || true
			else
				PF_NAMES=() PF_CMDS=() FORM=1 KILL_OTHERS=1
				for ((k = 1; k <= FANIN_N; k++)); do
					PF_NAMES+=("g$k")
					PF_CMDS+=("exec $GEN -i $k -n $lines -B $WORK/fi-$tool/barrier -C $FANIN_N$(delay "$tool")")
				done
				set_cmd "$tool"
				{ run_measure "$f" -T "$(limit $((mb * FANIN_N)))" -- "${CMD[@]}" | "$CHECK" -n "$FANIN_N" -l "$lines" >>"$c"; } || true
			fi
		done
	done
	for tool in $tools; do
		f=$WORK/fi-$tool.txt c=$WORK/fi-$tool.check
		mb=$(mb_of "$tool" "$FANIN_SLOW_MB" "$FANIN_MB")
		record fanin "$tool" "" volume "$((mb * FANIN_N))" MB
		record fanin "$tool" "" rate "$(values wall_ms "$f" | mbps "$((mb * FANIN_N))" | median | dec 0)" MB/s
		if [ "$tool" = direct ]; then
			record fanin "$tool" "" cpu_per_GB n/a s
		else
			record fanin "$tool" "" cpu_per_GB "$(values cpu_s "$f" | per_gb "$((mb * FANIN_N))" | median | dec 2)" s
		fi
		# integrity: the worst run
		record fanin "$tool" "" whole "$(values whole "$c" | minof)" lines
		for k in broken missing misordered; do
			record fanin "$tool" "" "$k" "$(values "$k" "$c" | maxof)" lines
		done
		record fanin "$tool" "" timeouts "$(values timeout "$f" | awk '$1 == 1' | wc -l)" "of $(wc -l <"$f")"
		log "   $tool: $(got fanin "$tool" "" rate) MB/s, broken $(got fanin "$tool" "" broken), missing $(got fanin "$tool" "" missing)"
	done
	if [ -s "$WORK/fi-procinit.txt" ]; then
		values wall_ms "$WORK/fi-procinit.txt" >"$WORK/a"
		for tool in $tools; do
			[ "$tool" = procinit ] && continue
			values wall_ms "$WORK/fi-$tool.txt" >"$WORK/b"
			pair fanin "$tool" rate "$WORK/a" "$WORK/b" "$FANIN_MB" "$(mb_of "$tool" "$FANIN_SLOW_MB" "$FANIN_MB")"
		done
	fi
}

# ----------------------------------------------------------------------------
# Records median, min, max of KEY over the runs in FILE, exit codes, leftovers
# and timeouts. A tool that hit the limit is not run again: its median reads
# ">LIMIT" unless enough runs finished.
timing_record() { # SCENARIO TOOL FILE KEY PREFIX LIMIT_S
	local s=$1 t=$2 f=$3 k=$4 pre=$5 lim=$6 to
	to=$(values timeout "$f" | awk '$1 == 1' | wc -l)
	if [ "$to" -gt 0 ]; then
		record "$s" "$t" "" "${pre}median" ">$((lim * 1000))" ms
	else
		record "$s" "$t" "" "${pre}median" "$(values "$k" "$f" | median | dec 1)" ms
	fi
	if [ -z "$pre" ]; then
		record "$s" "$t" "" min "$(values "$k" "$f" | minof | dec 1)" ms
		record "$s" "$t" "" max "$(values "$k" "$f" | maxof | dec 1)" ms
	fi
	record "$s" "$t" "" "${pre}exit" "$(values exit "$f" | sort -u | paste -sd/)"
	record "$s" "$t" "" "${pre}leftover" "$(values leftover "$f" | maxof)" procs
	record "$s" "$t" "" "${pre}timeouts" "$to" "of $(wc -l <"$f")"
}

# 3. Reaction: a: true, b: sleep 1000 -- until the supervisor has exited
scenario_reaction() {
	local tool f r lim=$TIMING_LIMIT
	log "3. reaction: a: true / b: sleep 1000, $TIMING_REPS runs"
	for tool in $SUPERVISORS; do
		want "$tool" || continue
		if ! have "$tool"; then
			na reaction "$tool" "" median min max exit leftover timeouts
			continue
		fi
		f=$WORK/re-$tool.txt
		: >"$f"
		newdir
		PF_NAMES=(a b) PF_CMDS=(true "sleep 1000") FORM=1
		set_cmd "$tool"
		for ((r = 1; r <= TIMING_REPS; r++)); do
			run_measure "$f" -T "$lim" -- "${CMD[@]}" >/dev/null
			timed_out "$f" && break
		done
		timing_record reaction "$tool" "$f" wall_ms "" "$lim"
		log "   $tool: $(got reaction "$tool" "" median) ms"
	done
}

# ----------------------------------------------------------------------------
# 4. ctrl-c: SIGINT to the supervisor of CTRLC_N sleeping processes, until it
# has exited: to the supervisor alone (kill -INT PID, the issue's case) and to
# its process group (what a terminal's ctrl-c does: children that stayed in
# the supervisor's group get it too).
scenario_ctrlc() {
	local tool f g r lim=$TIMING_LIMIT
	log "4. ctrl-c: SIGINT to the supervisor of $CTRLC_N sleeping processes (alone, then its group), $TIMING_REPS runs"
	for tool in $SUPERVISORS; do
		want "$tool" || continue
		if ! have "$tool"; then
			na ctrlc "$tool" "" median min max exit leftover timeouts group_median group_exit group_leftover group_timeouts
			continue
		fi
		f=$WORK/cc-$tool.txt g=$WORK/cg-$tool.txt
		: >"$f"
		: >"$g"
		newdir
		PF_NAMES=(s) PF_CMDS=("sleep 1000") FORM=$CTRLC_N KILL_OTHERS=0
		set_cmd "$tool"
		for ((r = 1; r <= TIMING_REPS; r++)); do
			run_measure "$f" -T "$lim" -n "$CTRLC_N" -c sleep -w "$SETTLE_MS" -s 2 -- "${CMD[@]}" >/dev/null
			timed_out "$f" && break
		done
		for ((r = 1; r <= TIMING_REPS; r++)); do
			run_measure "$g" -T "$lim" -n "$CTRLC_N" -c sleep -w "$SETTLE_MS" -s 2 -g -- "${CMD[@]}" >/dev/null
			timed_out "$g" && break
		done
		timing_record ctrlc "$tool" "$f" stop_ms "" "$lim"
		timing_record ctrlc "$tool" "$g" stop_ms group_ "$lim"
		log "   $tool: $(got ctrlc "$tool" "" median) ms alone, $(got ctrlc "$tool" "" group_median) ms to the group"
	done
}

# ----------------------------------------------------------------------------
# 5. Start-up: INIT -- true, with hyperfine (no shell), in STARTUP_ROUNDS
# rounds of STARTUP_RUNS / STARTUP_ROUNDS runs each: the median of the
# rounds' medians (hyperfine runs one command after the other)
scenario_startup() {
	local tool args=() r n=$(((STARTUP_RUNS + STARTUP_ROUNDS - 1) / STARTUP_ROUNDS))
	log "5. start-up: INIT -- true, hyperfine, $STARTUP_ROUNDS rounds of $n runs each"
	if ! have hyperfine; then
		for tool in true $INITS; do na startup "$tool" "" median mean min runs; done
		return
	fi
	args=(-n true true)
	for tool in $INITS; do
		if want "$tool" && have "$tool"; then
			init_cmd "$tool"
			args+=(-n "$tool" "${INIT[*]} true")
		fi
	done
	: >"$WORK/startup.csv"
	for ((r = 1; r <= STARTUP_ROUNDS; r++)); do
		hyperfine -N --style none --warmup 20 --runs "$n" --export-csv "$WORK/startup-$r.csv" "${args[@]}" >/dev/null 2>>"$ERRLOG" ||
			log "hyperfine failed (see stderr log)"
		# command,mean,stddev,median,user,system,min,max (seconds)
		tail -n +2 "$WORK/startup-$r.csv" >>"$WORK/startup.csv" 2>/dev/null || true
	done
	for tool in true $INITS; do
		[ "$tool" = true ] || want "$tool" || continue
		if grep -q "^$tool," "$WORK/startup.csv"; then
			record startup "$tool" "" median "$(awk -F, -v t="$tool" '$1 == t { print $4 * 1000 }' "$WORK/startup.csv" | median | dec 3)" ms
			record startup "$tool" "" mean "$(awk -F, -v t="$tool" '$1 == t { print $2 * 1000 }' "$WORK/startup.csv" | median | dec 3)" ms
			record startup "$tool" "" min "$(awk -F, -v t="$tool" '$1 == t { print $7 * 1000 }' "$WORK/startup.csv" | minof | dec 3)" ms
			record startup "$tool" "" runs "$((n * STARTUP_ROUNDS))"
			log "   $tool: $(got startup "$tool" "" median) ms (rounds: $(awk -F, -v t="$tool" '$1 == t { printf "%.3f\n", $4 * 1000 }' "$WORK/startup.csv" | paste -sd' '))"
		else
			na startup "$tool" "" median mean min runs
		fi
	done
	for tool in $SUPERVISORS; do
		[ "$tool" = procinit ] && continue
		want "$tool" && na startup "$tool" "" median mean min runs
	done
	if grep -q "^procinit-single," "$WORK/startup.csv"; then
		awk -F, '$1 == "procinit-single" { print $4 }' "$WORK/startup.csv" >"$WORK/a"
		for tool in true $INITS; do
			[ "$tool" = procinit-single ] && continue
			grep -q "^$tool," "$WORK/startup.csv" || continue
			awk -F, -v t="$tool" '$1 == t { print $4 }' "$WORK/startup.csv" >"$WORK/b"
			pair startup "$tool" time "$WORK/a" "$WORK/b"
		done
	fi
}

# ----------------------------------------------------------------------------
# 6. + 8. Scale and footprint: N sleeping processes started, all running,
# then stopped (SIGTERM); peak RSS and threads of the supervisor itself.
scenario_scale() {
	local n tool f r
	log "6. scale: $SCALE_NS processes, started, all running, stopped; $SCALE_REPS runs"
	for n in $SCALE_NS; do
		for tool in $SUPERVISORS $INITS; do
			want "$tool" || continue
			# a single-command init runs one child: only N=1
			[ "$n" != 1 ] && init_cmd "$tool" && continue
			if ! have "$tool"; then
				na scale "$tool" "N=$n" start stop peak_rss threads leftover processes
				continue
			fi
			f=$WORK/sc-$tool-$n.txt
			: >"$f"
			newdir
			if init_cmd "$tool"; then
				CMD=("${INIT[@]}" sleep 1000)
			else
				PF_NAMES=(s) PF_CMDS=("sleep 1000") FORM=$n KILL_OTHERS=0
				set_cmd "$tool"
			fi
			for ((r = 1; r <= SCALE_REPS; r++)); do
				run_measure "$f" -T "$SCALE_LIMIT" -n "$n" -c sleep -w "$SETTLE_MS" -s 15 -- "${CMD[@]}" >/dev/null
				timed_out "$f" && break
			done
			record scale "$tool" "N=$n" start "$(values ready_ms "$f" | median | dec 1)" ms
			if values timeout "$f" | grep -qx 1; then
				record scale "$tool" "N=$n" stop ">$((SCALE_LIMIT * 1000))" ms
			else
				record scale "$tool" "N=$n" stop "$(values stop_ms "$f" | median | dec 1)" ms
			fi
			record scale "$tool" "N=$n" peak_rss "$(values hwm_kb "$f" | median)" KiB
			record scale "$tool" "N=$n" threads "$(values threads "$f" | maxof)"
			record scale "$tool" "N=$n" leftover "$(values leftover "$f" | maxof)" procs
			record scale "$tool" "N=$n" processes "$(values procs "$f" | maxof)" procs
			log "   $tool N=$n: start $(got scale "$tool" "N=$n" start) ms, stop $(got scale "$tool" "N=$n" stop) ms, RSS $(got scale "$tool" "N=$n" peak_rss) KiB, $(got scale "$tool" "N=$n" threads) threads"
		done
	done
}

# ----------------------------------------------------------------------------
# 7. Reaping: ORPHANS orphans handed to PID 1 of a new PID namespace at once
scenario_reaping() {
	local tool f r tools=""
	log "7. reaping: $ORPHANS orphans, the init as PID 1 of a PID namespace; $ORPHAN_REPS rounds"
	if ! unshare --pid --fork --mount-proc true 2>>"$ERRLOG"; then
		log "   unshare --pid not permitted here: n/a"
		for tool in $INITS; do na reaping "$tool" "" reap min max init_cpu create left method; done
		return
	fi
	for tool in $INITS; do
		want "$tool" || continue
		if ! have "$tool"; then
			na reaping "$tool" "" reap min max init_cpu create left method
			continue
		fi
		tools="$tools $tool"
		: >"$WORK/rp-$tool.txt"
	done
	for ((r = 1; r <= ORPHAN_REPS; r++)); do
		for tool in $tools; do
			init_cmd "$tool"
			timeout 120 unshare --pid --fork --mount-proc "${INIT[@]}" "$ORPH" "$ORPHANS" "$WORK/rp-$tool.txt" \
				>/dev/null 2>>"$ERRLOG" || log "   $tool: exit $?"
		done
	done
	for tool in $tools; do
		f=$WORK/rp-$tool.txt
		record reaping "$tool" "" reap "$(values reap_ms "$f" | median | dec 1)" ms
		record reaping "$tool" "" min "$(values reap_ms "$f" | minof | dec 1)" ms
		record reaping "$tool" "" max "$(values reap_ms "$f" | maxof | dec 1)" ms
		record reaping "$tool" "" init_cpu "$(values init_cpu_ms "$f" | median | dec 1)" ms
		record reaping "$tool" "" create "$(values create_ms "$f" | median | dec 1)" ms
		record reaping "$tool" "" left "$(values left "$f" | maxof)" procs
		record reaping "$tool" "" method "$(values method "$f" | sort -u | paste -sd/)"
		log "   $tool: $(got reaping "$tool" "" reap) ms (runs: $(values reap_ms "$f" | dec 0 | paste -sd' '))"
	done
	if [ -s "$WORK/rp-procinit-single.txt" ]; then
		values reap_ms "$WORK/rp-procinit-single.txt" >"$WORK/a"
		for tool in $tools; do
			[ "$tool" = procinit-single ] && continue
			values reap_ms "$WORK/rp-$tool.txt" >"$WORK/b"
			pair reaping "$tool" time "$WORK/a" "$WORK/b"
		done
	fi
	for tool in $SUPERVISORS; do
		[ "$tool" = procinit ] && continue
		want "$tool" && na reaping "$tool" "" reap min max init_cpu create left method
	done
}

# ----------------------------------------------------------------------------
# 8. Footprint: stripped binary size (RSS and threads are in the scale table)
scenario_footprint() {
	local tool bin s
	log "8. footprint: stripped binary sizes"
	for tool in procinit tini tini-static dumb-init catatonit; do
		case $tool in
		procinit) bin=$PROCINIT ;;
		tini-static) bin=/usr/bin/tini-static ;;
		*) bin=$(command -v "$tool" || true) ;;
		esac
		if [ -z "$bin" ] || [ ! -f "$bin" ]; then
			na footprint "$tool" "" stripped linkage
			continue
		fi
		cp "$bin" "$WORK/stripped" && strip "$WORK/stripped"
		s=$(stat -c %s "$WORK/stripped")
		record footprint "$tool" "" stripped "$s" B
		record footprint "$tool" "" linkage "$(file -b "$WORK/stripped" | grep -o 'statically linked\|dynamically linked\|static-pie linked' | head -1)"
		log "   $tool: $s bytes"
	done
	for tool in foreman node-foreman concurrently; do
		want "$tool" && na footprint "$tool" "" stripped linkage
	done
	return 0
}

# ----------------------------------------------------------------------------
# 9. Idle cost: context switches of all the supervisor's threads over IDLE_S
scenario_idle() {
	local tool f sleeps=""
	log "9. idle: context switches over $IDLE_S s with $IDLE_N sleeping children"
	for ((k = 1; k <= IDLE_N; k++)); do sleeps="${sleeps}sleep 1000 & "; done
	for tool in $SUPERVISORS $INITS; do
		want "$tool" || continue
		if ! have "$tool"; then
			na idle "$tool" "" vcsw nvcsw threads
			continue
		fi
		f=$WORK/id-$tool.txt
		: >"$f"
		newdir
		if init_cmd "$tool"; then
			# a single-command init has one child: a shell with the sleepers
			CMD=("${INIT[@]}" sh -c "${sleeps}wait")
		else
			PF_NAMES=(s) PF_CMDS=("sleep 1000") FORM=$IDLE_N KILL_OTHERS=0
			set_cmd "$tool"
		fi
		run_measure "$f" -T $((IDLE_S + 60)) -n "$IDLE_N" -c sleep -w "$IDLE_SETTLE_MS" -x "$IDLE_S" -s 15 -- "${CMD[@]}" >/dev/null
		record idle "$tool" "" vcsw "$(values vcsw "$f" | maxof)" "per ${IDLE_S} s"
		record idle "$tool" "" nvcsw "$(values nvcsw "$f" | maxof)" "per ${IDLE_S} s"
		record idle "$tool" "" threads "$(values threads "$f" | maxof)"
		log "   $tool: $(got idle "$tool" "" vcsw) voluntary switches"
	done
}

# ----------------------------------------------------------------------------
# The machine, the versions, the parameters
meta() { record meta "$1" "" "$2" "$3"; }
ver() { "$@" 2>&1 | head -1 | tr -d '\r' || true; }
collect_meta() {
	local sha dirty
	sha=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
	dirty=""
	if git -C "$ROOT" status --porcelain -- src Makefile 2>/dev/null | grep -q .; then
		dirty=" (src/ or Makefile modified)"
	fi
	meta run date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	meta run mode "$([ "$QUICK" = 1 ] && echo quick || echo full)"
	# BENCH_COMMIT labels a binary built elsewhere (e.g. a clean checkout)
	meta run commit "${BENCH_COMMIT:-$sha$dirty}"
	meta run binary "$PROCINIT_SRC (sha256 $(sha256sum "$PROCINIT" | cut -c1-12))"
	meta machine nproc "$(nproc)"
	meta machine cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	meta machine kernel "$(uname -sr)"
	meta machine memory "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	meta machine os "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
	meta version procinit "$(ver "$PROCINIT" --version)"
	have foreman && meta version foreman "ruby-foreman $(ver foreman version) ($(ver ruby --version | cut -d' ' -f1-2))"
	have node-foreman && meta version node-foreman "foreman (npm) $(ver "$NPMBIN/nf" --version) (node $(ver node --version))"
	have concurrently && meta version concurrently "concurrently $(ver "$NPMBIN/concurrently" --version) (node $(ver node --version))"
	have tini && meta version tini "$(ver tini --version)"
	have dumb-init && meta version dumb-init "$(ver dumb-init --version)"
	have catatonit && meta version catatonit "$(ver catatonit --version)"
	have hyperfine && meta version hyperfine "$(ver hyperfine --version)"
	meta version cat "$(ver cat --version)"
	meta version compiler "$(ver "${CC_BENCH:-cc}" --version) (for bench/*.c)"
	meta params throughput "$MB MB; foreman and node-foreman $SLOW_MB MB; $REPS rounds ($SLOW_REPS for those two)"
	meta params fanin "$FANIN_N x $FANIN_MB MB; foreman and node-foreman $FANIN_N x $FANIN_SLOW_MB MB; $FANIN_REPS rounds ($SLOW_REPS for those two)"
	meta params timing "$TIMING_REPS runs; $CTRLC_N sleepers for ctrl-c; settle $SETTLE_MS ms; limit $TIMING_LIMIT s"
	meta params startup "$STARTUP_RUNS runs in $STARTUP_ROUNDS rounds"
	meta params scale "N = $SCALE_NS; $SCALE_REPS runs; limit $SCALE_LIMIT s"
	meta params reaping "$ORPHANS orphans; $ORPHAN_REPS rounds"
	meta params idle "$IDLE_S s; $IDLE_N sleepers; settle $IDLE_SETTLE_MS ms"
}

# ----------------------------------------------------------------------------
START=$(date +%s)
collect_meta
for s in throughput fanin reaction ctrlc startup scale reaping footprint idle; do
	want_scenario "$s" || continue
	( "scenario_$s" ) || log "scenario $s failed (see $ERRLOG)"
done
meta run seconds "$(($(date +%s) - START))"

mkdir -p "$OUT"
stamp=$(date -u +%Y%m%d-%H%M%S)-$(awk -F, '$1 == "meta" && $4 == "commit" { split($5, w, " "); print w[1] }' "$CSV")
if [ "$QUICK" = 1 ]; then stamp=$stamp-quick; fi
cp "$CSV" "$OUT/$stamp.csv"
cp "$CSV" "$OUT/latest.csv"
if have gnuplot && grep -q '^throughput,' "$CSV"; then
	sh "$BENCH_DIR/chart.sh" "$OUT/latest.csv" "$OUT/throughput.svg" 2>>"$ERRLOG" || log "chart failed"
fi
sh "$BENCH_DIR/report.sh" "$OUT/latest.csv" >"$OUT/latest.md"
cp "$OUT/latest.md" "$OUT/$stamp.md"
# every run's raw key=value lines, to look at the spread behind a median
rm -rf "$OUT/latest-raw" "$OUT/partial.csv"
mkdir -p "$OUT/latest-raw"
cp "$WORK"/*.txt "$WORK"/*.check "$WORK"/*.csv "$ERRLOG" "$OUT/latest-raw/" 2>/dev/null || true
DONE=1
cat "$OUT/latest.md"
log "done in $(($(date +%s) - START)) s: $OUT/latest.md, $OUT/latest.csv, $OUT/$stamp.csv"
