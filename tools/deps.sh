#!/usr/bin/env bash
# Install what heapbench needs from Debian's packages: apt-get when root,
# otherwise print the exact command and fail.  Quiet when nothing is missing.
set -u
pkgs=(build-essential pkg-config libbenchmark-dev libhwloc-dev hwloc
      libgsl-dev gnuplot-nox linux-perf clang)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "heapbench: missing packages; run as root: $cmd" >&2
    exit 1
fi
echo "heapbench: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $cmd >/tmp/heapbench-apt.log 2>&1; then
    apt-get update >/tmp/heapbench-apt.log 2>&1 || true
    $cmd >>/tmp/heapbench-apt.log 2>&1 || {
        echo "heapbench: '$cmd' failed; see /tmp/heapbench-apt.log" >&2; exit 1; }
fi
