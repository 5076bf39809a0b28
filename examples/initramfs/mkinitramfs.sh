#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds a gzipped initramfs (cpio newc) whose /init is procinit itself, with
# busybox-static for the Procfile's commands and the Procfile at /Procfile.
# No root needed: every file is owned by root in the archive, and the kernel
# brings /dev/console. Usage: see usage() or README.md next to this file.
set -eu

usage() {
	cat <<'USAGE'
usage: mkinitramfs.sh [-o OUT] [-p PROCINIT] [-b BUSYBOX] [-i INIT] [-a SRC:DEST]... PROCFILE
  -o OUT       the archive to write (default: initramfs.cpio.gz)
  -p PROCINIT  procinit binary, static (default: build/procinit of this repository)
  -b BUSYBOX   busybox binary, static (default: /bin/busybox; apt-get install busybox-static)
  -i INIT      what /init is: procinit (default) or busybox (busybox init, for comparisons)
  -a SRC:DEST  also copy file SRC to DEST in the image (repeatable)
USAGE
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
out=initramfs.cpio.gz
procinit=$here/../../build/procinit
busybox=/bin/busybox
init=procinit
extras=$(mktemp)
stage=$(mktemp -d)
trap 'rm -rf "$stage" "$extras"' EXIT

while getopts o:p:b:i:a: opt; do
	case $opt in
	o) out=$OPTARG ;;
	p) procinit=$OPTARG ;;
	b) busybox=$OPTARG ;;
	i) init=$OPTARG ;;
	a) printf '%s\n' "$OPTARG" >>"$extras" ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
procfile=$1

for f in "$procinit" "$busybox" "$procfile"; do
	[ -f "$f" ] || { echo "mkinitramfs.sh: $f: no such file" >&2; exit 1; }
done
if ! file -L "$busybox" 2>/dev/null | grep -q 'statically linked'; then
	echo "mkinitramfs.sh: $busybox is not static (apt-get install busybox-static)" >&2
	exit 1
fi

# busybox and one link per applet, where busybox says each belongs.
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" "$stage/tmp" "$stage/etc"
chmod 1777 "$stage/tmp"
cp "$busybox" "$stage/bin/busybox"
"$busybox" --list-full | while read -r applet; do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

# /init is procinit itself (it also answers as procinit, for `procinit poweroff`).
# /proc, /sys, /dev, /run are left out on purpose: procinit creates and mounts them.
case $init in
procinit)
	cp "$procinit" "$stage/init"
	ln -s /init "$stage/usr/bin/procinit"
	;;
busybox)
	ln -s /bin/busybox "$stage/init"
	cp "$procinit" "$stage/usr/bin/procinit"
	;;
*) usage ;;
esac
cp "$procfile" "$stage/Procfile"
while IFS= read -r pair; do
	src=${pair%%:*}
	dest=${pair#*:}
	mkdir -p "$stage/$(dirname "$dest")"
	cp -p "$src" "$stage/$dest"
done <"$extras"

(cd "$stage" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) |
	gzip -n -6 >"$out"
