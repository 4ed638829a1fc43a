#!/usr/bin/env bash
# xen/check.sh - boot a Xen hypervisor under QEMU (TCG, one vCPU, exact
# instruction counts with -icount rr=record) on a NUMA layout, and through
# gdb read what end_boot_allocator receives, count it, walk the free lists
# after it, and call alloc_heap_pages/free_heap_pages (xen/xen_gdb.py).
# Any image works if its xen-syms names the symbols (plain or "file.c#name").
#
# Usage: xen/check.sh --xen IMAGE --syms XEN_SYMS --layout SPEC --out DIR
#                     [--ops "NODE:ORDER ..."] [--append "XEN CMDLINE"]
#   SPEC  node sizes as numa-test's NUMA: "2x1G", "640M,1408M", "4x512M",
#         ":nocpu" accepted (only node 0 has the one vCPU anyway).
#   --ops default: orders 0, 9 and 18 on node 0 and on the last node.
# Writes into DIR (renamed into place when complete): regions.csv,
# blocks.csv, ops.csv, info.csv (see xen/README.md), serial.log.
# XEN_TIMEOUT (seconds, default 300).  Exit 0, 1 (failed: why on stderr),
# 2 (bad input).
set -u
shopt -s extglob
here=$(cd "$(dirname "$0")" && pwd)
xen= syms= spec= out= ops= append="console=com1 com1=115200,8n1 loglvl=all"
bad() { echo "xen/check.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
        --xen) xen=${2:-}; shift 2 ;;
        --syms) syms=${2:-}; shift 2 ;;
        --layout) spec=${2:-}; shift 2 ;;
        --out) out=${2:-}; shift 2 ;;
        --ops) ops=${2:-}; shift 2 ;;
        --append) append=${2:-}; shift 2 ;;
        *) bad "unknown argument: \"$1\"" ;;
    esac
done
[ -n "$xen" ] && [ -n "$syms" ] && [ -n "$spec" ] && [ -n "$out" ] ||
    bad "usage: xen/check.sh --xen IMAGE --syms XEN_SYMS --layout SPEC --out DIR"
[ -r "$xen" ] || bad "not a readable hypervisor image: \"$xen\""
[ -r "$syms" ] || bad "not a readable xen-syms: \"$syms\""

# to_mib SIZE: "1536M" -> 1536, "2G" -> 2048 (numa-test's syntax).
to_mib() {
    case $1 in
        [1-9]*([0-9])M) echo "${1%M}" ;;
        [1-9]*([0-9])G) echo $(( ${1%G} * 1024 )) ;;
        *) return 1 ;;
    esac
}
sizes=()
IFS=, read -r -a items <<<"$spec"
[ ${#items[@]} -gt 0 ] || bad "empty layout: \"$spec\""
for item in "${items[@]}"; do
    n=1
    if [[ $item == +([0-9])x* ]]; then n=${item%%x*}; item=${item#*x}; fi
    item=${item%:nocpu}
    size=$(to_mib "$item") || bad "not a node size: \"$item\" in \"$spec\" (e.g. 640M, 1G)"
    [ $((size % 128)) -eq 0 ] || bad "node size \"$item\" in \"$spec\" is not a multiple of 128M"
    [ "$n" -ge 1 ] || bad "no nodes: \"$item\" in \"$spec\""
    for ((k = 0; k < n; k++)); do sizes+=("$size"); done
done
total=0; for s in "${sizes[@]}"; do total=$((total + s)); done
[ ${#sizes[@]} -le 8 ] || bad "\"$spec\": at most 8 nodes"
[ "$total" -le 16384 ] || bad "\"$spec\": ${total}M of guest memory; at most 16G"
[ -n "$ops" ] || { l=$((${#sizes[@]} - 1)); ops="0:0 0:9 0:18 $l:0 $l:9 $l:18"; }
for op in $ops; do [[ $op == +([0-9]):+([0-9]) ]] || bad "not an operation NODE:ORDER: \"$op\""; done

for t in qemu-system-x86_64 gdb nm; do
    command -v $t >/dev/null || { echo "xen/check.sh: no $t installed" >&2; exit 1; }
done
mkdir -p "$(dirname "$out")" && tmp=$(mktemp -d "${out%/}.tmp.XXXXXX") || exit 1
trap '[ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null; rm -rf "$tmp"' EXIT
args=(-machine q35 -accel tcg -cpu max -smp 1 -m "${total}M" -nodefaults -display none
      -no-reboot -monitor none)
for ((k = 0; k < ${#sizes[@]}; k++)); do
    args+=(-object "memory-backend-ram,id=m$k,size=${sizes[k]}M")
    [ $k -eq 0 ] && args+=(-numa "node,nodeid=0,cpus=0,memdev=m0") ||
        args+=(-numa "node,nodeid=$k,memdev=m$k")
done
# Any file will do as dom0's kernel: Xen stops being looked at long before.
echo "not a kernel" >"$tmp/dom0"
qemu-system-x86_64 "${args[@]}" -icount "shift=0,rr=record,rrfile=$tmp/replay.bin" \
    -kernel "$xen" -initrd "$tmp/dom0" -append "$append" -serial "file:$tmp/serial.log" \
    -chardev "socket,id=gdb0,path=$tmp/gdb.sock,server=on,wait=off" -gdb chardev:gdb0 -S \
    </dev/null >"$tmp/qemu.log" 2>&1 &
qpid=$!
for ((i = 0; i < 50; i++)); do [ -S "$tmp/gdb.sock" ] && break; sleep 0.1; done
XG_DEBUG=${XG_DEBUG:-} XG_SYMS=$syms XG_PORT=$tmp/gdb.sock XG_OUT=$tmp XG_OPS=$ops \
    timeout "${XEN_TIMEOUT:-300}" gdb -batch -nx -x "$here/xen_gdb.py" >"$tmp/gdb.log" 2>&1
kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=
if [ ! -s "$tmp/info.csv" ]; then
    echo "xen/check.sh: $spec: no result; gdb said:" >&2
    grep -v '^$' "$tmp/gdb.log" | tail -n 4 | sed 's/^/  /' >&2
    tail -n 3 "$tmp/serial.log" 2>/dev/null | sed 's/^/  xen: /' >&2
    cp "$tmp/gdb.log" "${out%/}.gdb.log"; cp "$tmp/serial.log" "${out%/}.serial.log"
    echo "  (the logs: ${out%/}.gdb.log, ${out%/}.serial.log)" >&2
    exit 1
fi
printf '%s\n' "$spec" >"$tmp/layout"
rm -f "$tmp/replay.bin" "$tmp/dom0" "$tmp/gdb.sock"
rm -rf "$out" && mv "$tmp" "$out"
