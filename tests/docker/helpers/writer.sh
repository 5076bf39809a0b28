#!/bin/sh
# SPDX-License-Identifier: MIT
# writer.sh ID COUNT: COUNT lines "wID SEQ xxx..." (SEQ 6 digits; the run of
# x is 1..61 long, depending on SEQ and ID) written by awk as fast as it can,
# through its stdio buffer, so writes end in the middle of lines. Then
# "wID done", and it waits to be stopped: the first exit would stop the others.
id=$1 count=$2
awk -v id="$id" -v n="$count" 'BEGIN {
	x = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	for (i = 1; i <= n; i++)
		printf "w%d %06d %s\n", id, i, substr(x, 1, (i * 7 + id * 13) % 61 + 1)
}'
echo "w$id done"
exec sleep 1000
