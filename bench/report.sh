#!/bin/sh
# SPDX-License-Identifier: MIT
# Renders a results CSV of bench/run.sh as Markdown on stdout: the run, the
# machine and versions, the targets (met or not), the ratios of
# procinit to each peer, and one table per scenario.
#
#   bench/report.sh bench/results/latest.csv > report.md
set -eu
[ $# -eq 1 ] || { echo "usage: bench/report.sh RESULTS.csv" >&2; exit 2; }

awk -F, '
function key(s, t, p, m) { return s SUBSEP t SUBSEP p SUBSEP m }
function v(s, t, p, m) { return (key(s, t, p, m) in V) ? V[key(s, t, p, m)] : "n/a" }
function isnum(x) { return x != "n/a" && x != "" && x ~ /^-?[0-9.]+$/ }
# a ÷ b; a ">N" (a run that hit its time limit) gives ">N/b×"
function ratio(a, b) {
	if (a ~ /^>[0-9.]+$/ && isnum(b) && b + 0 > 0) return sprintf(">%.0f×", substr(a, 2) / b)
	return (isnum(a) && isnum(b) && b + 0 > 0) ? sprintf("%.2f×", a / b) : "n/a"
}
# the round-by-round ratio of procinit to PEER in scenario S (run.sh pairs
# the rounds of throughput, fan-in, start-up and reaping), with its range
function paired(s, peer) { return v("paired", peer, "", s) }
# the paired ratio, or (older results) the ratio of the medians a / b
function pnum(s, peer, a, b,    x) {
	x = paired(s, peer)
	if (isnum(x)) return x
	return (isnum(a) && isnum(b) && b + 0 > 0) ? a / b : "n/a"
}
function pcell(s, peer, fallback,    x) {
	x = paired(s, peer)
	return isnum(x) ? x "× (" v("paired", peer, "", s "_range") ")" : fallback
}
function name(t) { return (t in NAME) ? NAME[t] : t }
function status(ok, have) { return !have ? "n/a" : ok ? "met" : "**not met**" }
function target(what, measured, ok, have) {
	printf "| %s | %s | %s |\n", what, measured, status(ok, have)
}
function table(s, title, note,    i, j, r, m, hdr, sep, line, cell) {
	if (!(s in NROWS)) return
	printf "\n## %s\n\n", title
	if (note != "") printf "%s\n\n", note
	hdr = "| tool |"; sep = "|---|"
	if (HASPARAM[s]) { hdr = hdr " |"; sep = sep "---|" }
	for (j = 1; j <= NMET[s]; j++) {
		m = MET[s, j]
		hdr = hdr " " m (UNIT[s, m] != "" ? " (" UNIT[s, m] ")" : "") " |"
		sep = sep "---:|"
	}
	print hdr; print sep
	for (i = 1; i <= NROWS[s]; i++) {
		r = ROW[s, i]; split(r, rp, SUBSEP)
		line = "| " name(rp[1]) " |"
		if (HASPARAM[s]) line = line " " rp[2] " |"
		for (j = 1; j <= NMET[s]; j++) {
			cell = v(s, rp[1], rp[2], MET[s, j])
			line = line " " cell " |"
		}
		print line
	}
}
BEGIN {
	NAME["gen"] = "gen alone (limit of the generator)"
	NAME["cat"] = "gen \\| cat (the limit)"
	NAME["direct"] = "no supervisor: all children on one pipe"
	NAME["procinit"] = "procinit"
	NAME["procinit-single"] = "procinit -- (single command)"
	NAME["foreman"] = "foreman (Ruby)"
	NAME["node-foreman"] = "node-foreman (nf)"
	NAME["concurrently"] = "concurrently"
	NAME["true"] = "true alone"
}
NR == 1 { next }
{
	s = $1; t = $2; p = $3; m = $4; val = $5; u = $6
	if (s == "meta") { META[t, m] = val; METAORDER[t] = METAORDER[t] SUBSEP m; next }
	V[key(s, t, p, m)] = val
	if (!((s, m) in SEENM)) { SEENM[s, m] = 1; MET[s, ++NMET[s]] = m }
	if (UNIT[s, m] == "") UNIT[s, m] = u
	if (!((s, t, p) in SEENR)) { SEENR[s, t, p] = 1; ROW[s, ++NROWS[s]] = t SUBSEP p }
	if (p != "") HASPARAM[s] = 1
}
END {
	printf "# procinit benchmark results\n\n"
	printf "%s run of `%s` at commit %s, %s, %s s.\n\n", META["run", "mode"], META["run", "binary"], \
		META["run", "commit"], META["run", "date"], META["run", "seconds"]
	printf "Machine: %s, %s cores, %s, %s, %s.\n\n", META["machine", "cpu"], META["machine", "nproc"], \
		META["machine", "memory"], META["machine", "kernel"], META["machine", "os"]
	print "| tool | version |"; print "|---|---|"
	n = split(METAORDER["version"], vo, SUBSEP)
	for (i = 2; i <= n; i++) printf "| %s | %s |\n", vo[i], META["version", vo[i]]
	printf "\nParameters:"
	n = split(METAORDER["params"], po, SUBSEP)
	for (i = 2; i <= n; i++) printf " %s: %s%s", po[i], META["params", po[i]], i < n ? ";" : ".\n"

	# --- the targets of issue 5
	print "\n## Targets (issue 5)\n"
	print "| target | measured | |"; print "|---|---|---|"
	pt = v("throughput", "procinit", "", "rate")
	ct = v("throughput", "cat", "", "rate"); x = pnum("throughput", "cat", pt, ct)
	target("throughput ≥ 80% of `cat`", pt " vs " ct " MB/s; round by round " pcell("throughput", "cat", "n/a"), \
		isnum(x) && x >= 0.8, isnum(x))
	y = v("throughput", "concurrently", "", "rate"); x = pnum("throughput", "concurrently", pt, y)
	target("throughput ≥ 3× concurrently", pt " vs " y " MB/s; round by round " pcell("throughput", "concurrently", "n/a"), \
		isnum(x) && x >= 3, isnum(x))
	y = v("throughput", "foreman", "", "rate"); x = pnum("throughput", "foreman", pt, y)
	target("throughput ≥ 50× Ruby foreman", pt " vs " y " MB/s; round by round " pcell("throughput", "foreman", "n/a"), \
		isnum(x) && x >= 50, isnum(x))
	b = v("fanin", "procinit", "", "broken"); mi = v("fanin", "procinit", "", "missing"); mo = v("fanin", "procinit", "", "misordered")
	target("fan-in: zero broken lines", b " broken, " mi " missing, " mo " misordered", b == 0 && mi == 0 && mo == 0, isnum(b))
	x = v("reaction", "procinit", "", "median")
	target("reaction: median < 20 ms", x " ms", isnum(x) && x < 20, isnum(x))
	x = v("ctrlc", "procinit", "", "median")
	target("ctrl-c: median < 20 ms", x " ms", isnum(x) && x < 20, isnum(x))
	a = v("startup", "procinit-single", "", "median"); b = v("startup", "tini", "", "median"); x = pnum("startup", "tini", b, a)
	target("start-up no slower than tini", a " vs " b " ms; tini ÷ procinit round by round " pcell("startup", "tini", "n/a"), \
		isnum(x) && x >= 1, isnum(x))
	x = v("footprint", "procinit", "", "stripped")
	target("binary < 100 KiB (102,400 B) stripped", x " B", isnum(x) && x < 102400, isnum(x))
	x = v("scale", "procinit", "N=10", "peak_rss")
	target("peak RSS with 10 children < 1 MiB (1,024 KiB)", x " KiB", isnum(x) && x < 1024, isnum(x))
	a = v("reaping", "procinit-single", "", "reap"); b = v("reaping", "tini", "", "reap"); x = pnum("reaping", "tini", b, a)
	target("reaping orphans no slower than tini", a " vs " b " ms; tini ÷ procinit round by round " pcell("reaping", "tini", "n/a"), \
		isnum(x) && x >= 1, isnum(x))
	x = v("idle", "procinit", "", "vcsw"); y = v("idle", "procinit-single", "", "vcsw")
	target("idle: 0 voluntary context switches", x " (Procfile), " y " (single command)", x == 0 && (y == 0 || y == "n/a"), isnum(x))

	# --- ratios: above 1 means procinit is better
	print "\n## procinit against each peer\n"
	print "Each cell is how many times better procinit is (above 1: procinit wins): MB/s of procinit ÷ MB/s of the peer, and the peer'"'"'s time or memory ÷ procinit'"'"'s. Inits are compared with `procinit --`. Throughput, fan-in, start-up and reaping run in rounds (every tool once per round): there the cell is the median of the rounds'"'"' ratios, with their range; elsewhere the ratio of the medians. `>`: the peer hit the time limit.\n"
	print "| peer | throughput | fan-in | reaction | ctrl-c | start-up | reaping | peak RSS, 1 child | peak RSS, 10 children |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	np = split("cat direct concurrently node-foreman foreman tini dumb-init catatonit", peers, " ")
	for (i = 1; i <= np; i++) {
		pe = peers[i]
		me = (pe == "tini" || pe == "dumb-init" || pe == "catatonit") ? "procinit-single" : "procinit"
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name(pe), \
			pcell("throughput", pe, ratio(v("throughput", "procinit", "", "rate"), v("throughput", pe, "", "rate"))), \
			pcell("fanin", pe, ratio(v("fanin", "procinit", "", "rate"), v("fanin", pe, "", "rate"))), \
			ratio(v("reaction", pe, "", "median"), v("reaction", "procinit", "", "median")), \
			ratio(v("ctrlc", pe, "", "median"), v("ctrlc", "procinit", "", "median")), \
			pcell("startup", pe, ratio(v("startup", pe, "", "median"), v("startup", "procinit-single", "", "median"))), \
			pcell("reaping", pe, ratio(v("reaping", pe, "", "reap"), v("reaping", "procinit-single", "", "reap"))), \
			ratio(v("scale", pe, "N=1", "peak_rss"), v("scale", me, "N=1", "peak_rss")), \
			ratio(v("scale", pe, "N=10", "peak_rss"), v("scale", "procinit", "N=10", "peak_rss"))
	}

	table("throughput", "1. Throughput, one child", \
		"80-byte lines from bench/gen through the supervisor into /dev/null, prefix on, colour off. MB/s = MB ÷ wall time (start to exit). CPU = the supervisor'"'"'s own user+system time (not its children'"'"'s) per GB of input. Medians.")
	table("fanin", "2. Fan-in", \
		"All children at once, the output piped into bench/check. broken: records split, glued or cut; missing: records that never arrived; misordered: records out of order (worst run).")
	table("reaction", "3. Reaction", \
		"Procfile `a: true`, `b: sleep 1000`: wall time from start until the supervisor has exited. leftover: processes still alive after it exited (worst run). >N: no exit within the limit, SIGKILLed; such a tool is not run again.")
	table("ctrlc", "4. ctrl-c", \
		"Once all sleepers run and a settle time has passed: SIGINT to the supervisor alone (`kill -INT PID`, the issue'"'"'s case; median, min, max) and to its process group (group_*: what a terminal'"'"'s ctrl-c does, reaching the children that stayed in the supervisor'"'"'s group too), until the supervisor has exited. >N: no exit within the limit, SIGKILLed; such a tool is not run again.")
	table("startup", "5. Start-up", "`INIT -- true` under hyperfine without a shell.")
	table("scale", "6. Scale and 8. footprint", \
		"N sleeping processes (single-command inits: one): start: until all N run; stop: from SIGTERM until exit; peak RSS = the supervisor'"'"'s own VmHWM, threads = the most seen; processes = every live process below the supervisor once all N run (N, or 2N with a shell per process). Medians.")
	table("reaping", "7. Reaping", \
		"The init is PID 1 of a new PID namespace; a helper forks the orphans and exits, handing them all to PID 1 at once. reap: from that moment until PID 1 has reaped them all (wall time, median and range); init_cpu: the CPU time PID 1 used meanwhile. Most of it is the kernel'"'"'s work in wait and release, which varies from run to run on the same machine, so compare the round-by-round ratios.")
	table("footprint", "8. Footprint: binaries", "A stripped copy of each binary.")
	table("idle", "9. Idle cost", \
		"Context switches summed over all the supervisor'"'"'s threads (/proc/PID/task/*/status) over the idle window, once all sleepers run and the settle time has passed. Single-command inits: one child, a shell that started the sleepers.")
}
' "$1"
