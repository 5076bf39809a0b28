#!/bin/sh
# SPDX-License-Identifier: MIT
# A stand-in for a queue worker: one "job" every $JOB_INTERVAL seconds. On
# SIGTERM (procinit's graceful stop, sent to the whole process group, so the
# sleep ends too) it finishes the current job and exits 0.
stopping=
trap 'stopping=1' TERM
n=0
echo "worker ready, one job every ${JOB_INTERVAL:-2}s"
while [ -z "$stopping" ]; do
	n=$((n + 1))
	echo "job $n done"
	sleep "${JOB_INTERVAL:-2}" &
	wait $!
done
echo "worker stopping after $n jobs"
