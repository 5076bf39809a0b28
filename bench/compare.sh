#!/bin/sh
# SPDX-License-Identifier: MIT
# Compares two results CSVs of bench/run.sh metric by metric: every numeric
# value in both, old → new and the change in percent. By default only
# procinit's rows (procinit and procinit-single) and the references (cat,
# gen, true); ALL=1 shows every tool.
#
#   bench/compare.sh bench/results/OLD.csv bench/results/latest.csv
set -eu
[ $# -eq 2 ] || { echo "usage: bench/compare.sh OLD.csv NEW.csv" >&2; exit 2; }

awk -F, -v all="${ALL:-0}" '
function isnum(x) { return x ~ /^-?[0-9.]+$/ }
FNR == 1 { file++; next }
$1 == "meta" { if ($2 == "run" && $4 == "commit") commit[file] = $5; next }
{
	k = $1 "," $2 "," $3 "," $4
	if (file == 1) { old[k] = $5; next }
	if (!(k in old)) next
	if (!all && $2 !~ /^(procinit|procinit-single|cat|gen|true)$/) next
	if (!isnum(old[k]) || !isnum($5)) {
		if (old[k] != $5) printf "%-52s %12s → %-12s\n", k " (" $6 ")", old[k], $5
		next
	}
	ch = (old[k] + 0 != 0) ? sprintf("%+.1f%%", 100 * ($5 - old[k]) / old[k]) : ""
	printf "%-52s %12s → %-12s %s\n", k " (" $6 ")", old[k], $5, ch
}
BEGIN { printf "%-52s %12s   %-12s\n", "scenario,tool,param,metric (unit)", "old", "new" }
END { printf "\nold: %s   new: %s\n", commit[1], commit[2] }
' "$1" "$2"
