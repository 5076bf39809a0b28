#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what `make test` needs on a Debian machine: as root with apt-get,
# otherwise it prints the exact install line and fails.
set -eu

missing=""
need() { # need CHECK-COMMAND PACKAGE
	if ! sh -c "$1" >/dev/null 2>&1; then
		missing="$missing $2"
	fi
}

need 'command -v musl-gcc' musl-tools
need 'command -v gcc' gcc
need 'command -v make' make
need '/usr/bin/python3 -c "import pytest"' python3-pytest
need 'command -v unshare' util-linux
need 'command -v file' file
need 'command -v pgrep' procps
need 'command -v clang' clang
# shellcheck disable=SC2016 # need() evals its first argument: the $(...) is meant for it
need 'f=$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a) && [ -f "$f" ]' libclang-rt-dev
# h15-export (tests/export): each exported format's own tools; npm installs the
# Kubernetes schema validator's pinned packages into build/ from the test itself.
need 'command -v systemd-analyze && [ -x /lib/systemd/systemd ]' systemd
need 'command -v setpriv' util-linux
need '/usr/bin/python3 -c "import supervisor"' supervisor
need 'command -v runsvdir && command -v chpst && command -v svlogd' runit
need 'command -v docker-compose && /usr/bin/python3 -c "import yaml"' docker-compose
need 'command -v node && command -v npm' 'nodejs npm'
# tests/boot: procinit as /init of a kernel booted in QEMU (software emulation).
need 'command -v qemu-system-x86_64' qemu-system-x86
need 'ls /boot/vmlinuz-*' linux-image-cloud-amd64
need 'command -v cpio' cpio
need 'file -L /bin/busybox | grep -q "statically linked"' busybox-static

[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086 # word splitting of the package list is wanted
	apt-get install -y -q --no-install-recommends $missing >/dev/null
	exit 0
fi
echo "deps: missing packages; install them with:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
