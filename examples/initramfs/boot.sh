#!/bin/sh
# SPDX-License-Identifier: MIT
# Boots a Procfile as a whole Linux system in QEMU: procinit is /init of an
# initramfs (mkinitramfs.sh) on the host's Debian kernel, the serial console
# is this terminal. ^C goes to procinit (a graceful stop, then power off);
# Ctrl-A x quits QEMU, Ctrl-A c opens its monitor (`sendkey ctrl-alt-delete`).
set -eu

usage() {
	cat <<'USAGE'
usage: boot.sh [-k KERNEL] [-m MEGABYTES] [-a SRC:DEST]... PROCFILE [PROCINIT-ARG...]
  -k KERNEL     kernel image (default: the newest /boot/vmlinuz-*)
  -m MEGABYTES  memory (default: 256)
  -a SRC:DEST   also copy SRC into the image at DEST (repeatable)
ACCEL=kvm in the environment uses KVM instead of software emulation (tcg).
PROCINIT-ARGs go on the kernel command line after --, and the kernel hands
them to /init: e.g. `--on-exit reboot`, `-m web=2`, or `exec /bin/sh` (a
rescue shell). Words only: the kernel splits at spaces.
USAGE
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
kernel=
mem=256
adds=
while getopts k:m:a: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	m) mem=$OPTARG ;;
	a) adds="$adds -a $OPTARG" ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
procfile=$1
shift

if [ -z "$kernel" ]; then
	# shellcheck disable=SC2012 # plain names from /boot, newest version last
	kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
fi
[ -r "${kernel:-}" ] || {
	echo "boot.sh: no readable kernel (apt-get install linux-image-cloud-amd64, or -k)" >&2
	exit 1
}
command -v qemu-system-x86_64 >/dev/null || {
	echo "boot.sh: apt-get install qemu-system-x86" >&2
	exit 1
}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# shellcheck disable=SC2086 # $adds is a list of -a options
"$here/mkinitramfs.sh" -o "$dir/initramfs.cpio.gz" $adds "$procfile"

# Software emulation by default (ACCEL=kvm where KVM works). No network: -nic none.
# no_timer_check: emulated time on a busy host can fail the kernel's timer check.
exec qemu-system-x86_64 -accel "${ACCEL:-tcg}" -m "$mem" -nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$dir/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=1 no_timer_check quiet -- $*"
