#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the benchmark's peers when they are missing: Debian's packages
# (as root, with apt-get) and the npm ones into bench/.npm (pinned versions).
# Safe to run again: it installs only what is missing. Never fatal: a peer
# that cannot be installed is reported and its columns read "n/a".
set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
NPM_DIR="$BENCH_DIR/.npm"
# node-foreman and concurrently, pinned so runs compare. concurrently 10
# needs Node 22; Debian 12 ships Node 18/20, so 9.2.5 (the last for >= 18).
NPM_PKGS="foreman@3.0.1 concurrently@9.2.5"

say() { echo "bench/deps: $*" >&2; }

missing=""
need() { # need COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need cc gcc
need foreman ruby-foreman
need tini tini
need dumb-init dumb-init
need catatonit catatonit
need hyperfine hyperfine
need gnuplot gnuplot-nox
need unshare util-linux
need strip binutils
need file file
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -x /usr/bin/tini-static ] || case "$missing" in *" tini"*) ;; *) missing="$missing tini" ;; esac

if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null || say "apt-get update failed"
		# one at a time, so one unavailable package doesn't stop the rest
		for p in $missing; do
			apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 ||
				say "could not install $p: its scenarios will read n/a"
		done
	else
		say "missing$missing (not root or no apt-get): those peers will read n/a"
	fi
fi

# npm peers, into bench/.npm: reinstall when a pinned version differs.
npm_ok=1
for spec in $NPM_PKGS; do
	name=${spec%@*}
	want=${spec##*@}
	have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$NPM_DIR/node_modules/$name/package.json" 2>/dev/null)
	[ "$have" = "$want" ] || npm_ok=0
done
if [ "$npm_ok" -eq 0 ]; then
	if command -v npm >/dev/null 2>&1; then
		say "installing $NPM_PKGS into $NPM_DIR"
		mkdir -p "$NPM_DIR"
		# shellcheck disable=SC2086
		npm install --prefix "$NPM_DIR" --no-audit --no-fund --no-save --loglevel=error $NPM_PKGS >&2 ||
			say "npm install failed: node-foreman and concurrently will read n/a"
	else
		say "npm missing: node-foreman and concurrently will read n/a"
	fi
fi
exit 0
