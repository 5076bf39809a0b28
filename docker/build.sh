#!/bin/sh
# SPDX-License-Identifier: MIT
# docker/build.sh DIR TAG [DOCKER-BUILD-OPTION...]
#
# Builds the Dockerfile in DIR (docker/test, docker/examples/procfile, ...) as
# TAG. Every image here is FROM scratch, so no registry is needed: the build
# context is a copy of DIR plus the two static binaries the Dockerfiles COPY,
#   procinit  from $PROCINIT_BIN (default: build/procinit; run `make` first)
#   busybox   from $BUSYBOX      (default: /bin/busybox, Debian's busybox-static)
# $DOCKER names the docker CLI (default: docker). Builds run with --network none.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 DIR TAG [DOCKER-BUILD-OPTION...]" >&2; exit 2; }
dir=$1 tag=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
procinit=${PROCINIT_BIN:-$here/../build/procinit}
busybox=${BUSYBOX:-/bin/busybox}
docker=${DOCKER:-docker}

[ -f "$dir/Dockerfile" ] || { echo "$0: $dir/Dockerfile: No such file" >&2; exit 2; }
[ -x "$procinit" ] || { echo "$0: $procinit: not found; run make" >&2; exit 2; }
[ -x "$busybox" ] || { echo "$0: $busybox: not found; apt-get install busybox-static" >&2; exit 2; }

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp -R "$dir"/. "$ctx"/
cp "$procinit" "$ctx/procinit"
cp "$busybox" "$ctx/busybox"
"$docker" build --network none -t "$tag" "$@" "$ctx"
