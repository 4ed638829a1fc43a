#!/usr/bin/env bash
# deps.sh - install what the given make goals need from Debian's packages:
# apt-get when root, otherwise print the exact command and fail.  Quiet when
# nothing is missing.  `make` runs this before it asks pkg-config anything.
# Usage: tools/deps.sh GOAL...      (GOAL: all test bench report compare letter
#                                    perf fuzz soak numa-test xen-check;
#                                    unknown goals need the build set)
# HB_DEPS_LIST=1 tools/deps.sh GOAL...  prints the package set and exits.
set -u

# What each kind of goal needs.  The compiler, make and pkg-config are the
# machine's (build-essential); heapbench installs the libraries and tools.
build=(build-essential pkg-config libbenchmark-dev libhwloc-dev hwloc libgsl-dev valgrind)
plots=(gnuplot-nox)
fuzz=(clang libclang-rt-14-dev)
perf=(linux-perf)
numa=(qemu-system-x86 linux-image-amd64 busybox-static cpio)
xen=(qemu-system-x86 gdb valgrind)      # Xen itself: xen/fetch.sh, not installed

want=()
[ $# -eq 0 ] && set -- all
for goal in "$@"; do
    case $goal in
        report|compare) want+=("${build[@]}" "${plots[@]}") ;;
        bench)          want+=("${build[@]}" "${plots[@]}") ;;
        # make test runs a 30 s fuzz run, the NUMA guest when it can, and
        # xen-check on one layout (its packages are installed for it).
        test)           want+=("${build[@]}" "${plots[@]}" "${fuzz[@]}" "${xen[@]}") ;;
        fuzz)           want+=("${fuzz[@]}") ;;
        soak|letter)    want+=("${build[@]}") ;;
        perf)           want+=("${build[@]}" "${perf[@]}") ;;
        numa-test)      want+=("${build[@]}" "${numa[@]}") ;;
        xen-check)      want+=("${build[@]}" "${xen[@]}") ;;
        *)              want+=("${build[@]}") ;;
    esac
done
# unique, in order
pkgs=() ; declare -A seen=()
for p in "${want[@]}"; do [ -n "${seen[$p]:-}" ] || { seen[$p]=1; pkgs+=("$p"); }; done
if [ -n "${HB_DEPS_LIST:-}" ]; then echo "${pkgs[*]}"; exit 0; fi

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
log=$(mktemp /tmp/heapbench-apt.XXXXXX.log)
# A package apt cannot find means stale lists: update first, then install.
if ! apt-get install -y --no-install-recommends --dry-run "${missing[@]}" >"$log" 2>&1; then
    apt-get update >>"$log" 2>&1 || true
fi
if ! $cmd >>"$log" 2>&1; then
    echo "heapbench: '$cmd' failed; see $log" >&2
    exit 1
fi
rm -f "$log"
