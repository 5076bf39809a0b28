#!/bin/sh
# SPDX-License-Identifier: MIT
# Draws throughput per tool (one child and fan-in, MB/s, log scale) from a
# results CSV of bench/run.sh into an SVG, with gnuplot.
#
#   bench/chart.sh bench/results/latest.csv bench/results/throughput.svg
#   (OUT.png: a PNG instead)
set -eu
[ $# -eq 2 ] || { echo "usage: bench/chart.sh RESULTS.csv OUT.svg" >&2; exit 2; }
command -v gnuplot >/dev/null || { echo "bench/chart.sh: gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 1; }

data=$(mktemp)
trap 'rm -f "$data"' EXIT
# label  one-child  fan-in  (gnuplot: '?' is a missing value). "the pipe
# alone" is gen | cat for one child, and for fan-in all children writing
# into one pipe with no supervisor (fast, but it breaks lines).
awk -F, '
$1 == "meta" && $2 == "run" && $4 == "commit" { commit = $5 }
$1 == "meta" && $2 == "run" && $4 == "date" { date = $5 }
($1 == "throughput" || $1 == "fanin") && $4 == "rate" { v[$1, $2] = $5 }
$1 == "fanin" && ($4 == "broken" || $4 == "missing") && $5 ~ /^[0-9]+$/ && $5 > 0 { bad[$2] = 1 }
END {
	# the limit: gen | cat for one child, all children on one pipe for fan-in
	v["fanin", "cat"] = v["fanin", "direct"]
	bad["cat"] = bad["direct"]
	n = split("cat procinit concurrently node-foreman foreman", t, " ")
	label["cat"] = "the pipe alone"; label["procinit"] = "procinit"; label["concurrently"] = "concurrently"
	label["node-foreman"] = "node-foreman"; label["foreman"] = "foreman (Ruby)"
	printf "# %s %s\n", commit, date
	for (i = 1; i <= n; i++) {
		a = v["throughput", t[i]]; b = v["fanin", t[i]]
		if (a !~ /^[0-9.]+$/ || a == 0) a = "?"
		if (b !~ /^[0-9.]+$/ || b == 0) b = "?"
		if (a == "?" && b == "?") continue
		printf "\"%s%s\" %s %s\n", label[t[i]], bad[t[i]] ? " *" : "", a, b
	}
}' "$1" >"$data"
if [ "$(grep -vc '^#' "$data")" -eq 0 ]; then
	echo "bench/chart.sh: no throughput in $1" >&2
	exit 1
fi
sub=$(sed -n '1s/^# //p' "$data")
case $2 in
*.png) term='png size 800,420 font "sans,10"' ;; # for a quick look
*) term='svg size 800,420 dynamic font "sans,12" background rgb "white"' ;;
esac

gnuplot <<EOF
set terminal $term
set bmargin 4
set output "$2"
set title "Throughput of 80-byte lines through the supervisor (MB/s, log scale)\n{/*0.8 $sub}"
$(grep -q ' \*"' "$data" && echo 'set label 1 "* fan-in broke or lost lines" at graph 0.01, graph -0.13 font ",9"')
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [1:*]
set ylabel "MB/s"
set grid ytics
set key top right
set datafile missing "?"
set xtics nomirror
plot "$data" using 2:xtic(1) title "one child" lc rgb "#3b6ea5", \
     "" using 3 title "fan-in (8 children)" lc rgb "#e0a030", \
     "" using 0:2:(sprintf("%d", \$2)) with labels offset -2.2,0.7 font ",10" notitle, \
     "" using 0:3:(sprintf("%d", \$3)) with labels offset 2.2,0.7 font ",10" notitle
EOF
