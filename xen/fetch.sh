#!/usr/bin/env bash
# xen/fetch.sh - Debian's Xen 4.17 hypervisor and its symbols, unpacked into
# the build folder (nothing is installed on the host): apt-get download of
# xen-hypervisor-4.17-amd64 and its -dbg package, dpkg -x of both, and the
# gunzipped multiboot image beside the symbols.  Quiet when already there.
#
# Usage: xen/fetch.sh BUILD
# Prints the two paths the harness takes, one per line:
#   BUILD/xen/debian/xen        (the hypervisor, an ELF multiboot image)
#   BUILD/xen/debian/xen-syms   (its symbols: every function, no types)
set -u
build=${1:?usage: xen/fetch.sh BUILD}
dir=$build/xen/debian
pkgs=(xen-hypervisor-4.17-amd64 xen-hypervisor-4.17-amd64-dbg)

if [ ! -s "$dir/xen" ] || [ ! -s "$dir/xen-syms" ]; then
    mkdir -p "$dir/deb" || exit 1
    log=$dir/fetch.log
    ( cd "$dir/deb" && rm -f ./*.deb && apt-get download "${pkgs[@]}" ) >"$log" 2>&1 || {
        # Stale package lists are the usual cause: update once, then retry.
        apt-get update >>"$log" 2>&1
        ( cd "$dir/deb" && apt-get download "${pkgs[@]}" ) >>"$log" 2>&1
    } || { echo "xen/fetch.sh: apt-get download ${pkgs[*]} failed; see $log" >&2; exit 1; }
    rm -rf "$dir/root"
    for d in "$dir"/deb/*.deb; do dpkg -x "$d" "$dir/root" || exit 1; done
    gz=$(ls "$dir"/root/boot/xen-4.17*-amd64.gz 2>/dev/null | head -n 1)
    syms=$(find "$dir/root/usr/lib/debug" -name 'xen-syms-4.17*' 2>/dev/null | head -n 1)
    [ -n "$gz" ] && [ -n "$syms" ] || {
        echo "xen/fetch.sh: no /boot/xen-4.17*-amd64.gz or xen-syms in the packages" >&2; exit 1; }
    gunzip -c "$gz" >"$dir/xen.tmp" && mv -f "$dir/xen.tmp" "$dir/xen" || exit 1
    cp "$syms" "$dir/xen-syms.tmp" && mv -f "$dir/xen-syms.tmp" "$dir/xen-syms" || exit 1
    (cd "$dir/deb" && ls ./*.deb | sed 's|^\./||') >"$dir/packages"
fi
echo "$dir/xen"
echo "$dir/xen-syms"
