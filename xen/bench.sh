#!/usr/bin/env bash
# xen/bench.sh - `make xen-bench`: every variant of real Xen (xen/build.sh)
# counted exactly on each layout.  Each variant boots under QEMU twice per
# layout: once through the Xen check's harness (xen/check.sh: end_boot_
# allocator per page, alloc_heap_pages and free_heap_pages per call at
# orders 0, 9 and 18 on the first and last node, scrubbing kept out), once
# for the first free of a page the heap never initialised
# (xen/xen_bootfree.py).  Writes BUILD/xen/variants.csv
#   variant,layout,path,order,where,instructions,per_page
# (instructions: end_boot_allocator in all, a call otherwise; per_page:
# divided by the pages handed to the heap, or by 2^order) and prints each
# variant against stock (counted too when not named).  XEN_BENCH_CSV:
# write the CSV there instead.
# When the Xen check's BUILD/xen/xen-model is built, the model's strategy
# of each variant's name runs on the same input (variants-model.csv, the
# columns of fidelity.csv after the variant) and the encoding's cost
# (patch - pagewise) is shown for both.
#
# Usage: xen/bench.sh BUILD "LAYOUT..." VARIANT...   (VARIANT as build.sh's;
# LAYOUT as the Xen check's XEN_NUMA, "" for its default layouts).  Exit 2
# on bad input, 1 on failure.
set -u
shopt -s extglob
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: xen/bench.sh BUILD \"LAYOUT...\" VARIANT...}
[ $# -ge 2 ] || { echo "usage: xen/bench.sh BUILD \"LAYOUT...\" VARIANT..." >&2; exit 2; }
layouts=${2:-2x2G 1536M,2560M 4x1G}     # empty: the Xen check's default
shift 2
[ $# -gt 0 ] || { echo "xen-bench: no variant given" >&2; exit 2; }
# The table stands every variant against stock: count stock too.
case " $* " in *" stock "*) ;; *) set -- stock "$@" ;; esac
[ -f "$here/check.sh" ] || { echo "xen-bench: no xen/check.sh (the Xen check's harness)" >&2; exit 1; }
out=$build/xen
for t in qemu-system-x86_64 gdb nm; do
    command -v $t >/dev/null || { echo "xen-bench: no $t installed" >&2; exit 1; }
done

lines=$(bash "$here/build.sh" "$build" "$@") || exit $?

# QEMU's NUMA arguments for a layout ("2x1G", "1536M,2560M"), as check.sh.
qemu_numa() {
    local item n size k=0 total=0
    local -a items
    IFS=, read -r -a items <<<"$1"
    numa=()
    for item in "${items[@]}"; do
        n=1
        [[ $item == +([0-9])x* ]] && { n=${item%%x*}; item=${item#*x}; }
        item=${item%:nocpu}
        case $item in
            +([0-9])M) size=${item%M} ;;
            +([0-9])G) size=$(( ${item%G} * 1024 )) ;;
            *) echo "xen-bench: not a node size: \"$item\" in \"$1\"" >&2; exit 2 ;;
        esac
        for ((; n > 0; n--, k++)); do
            numa+=(-object "memory-backend-ram,id=m$k,size=${size}M")
            [ $k -eq 0 ] && numa+=(-numa "node,nodeid=0,cpus=0,memdev=m0") ||
                numa+=(-numa "node,nodeid=$k,memdev=m$k")
            total=$((total + size))
        done
    done
    numa+=(-m "${total}M")
}

# boot_free XEN SYMS LAYOUT FILE: the first free of a never-initialised page.
boot_free() {
    local tmp qpid rc
    tmp=$(mktemp -d) || return 1
    qemu_numa "$3"
    echo "not a kernel" >"$tmp/dom0"
    qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 1 -nodefaults \
        -display none -no-reboot -monitor none "${numa[@]}" \
        -icount "shift=0,rr=record,rrfile=$tmp/replay.bin" -kernel "$1" \
        -initrd "$tmp/dom0" -append "console=com1 com1=115200,8n1" \
        -serial "file:$tmp/serial.log" -S \
        -chardev "socket,id=gdb0,path=$tmp/gdb.sock,server=on,wait=off" -gdb chardev:gdb0 \
        </dev/null >"$tmp/qemu.log" 2>&1 &
    qpid=$!
    for ((i = 0; i < 50; i++)); do [ -S "$tmp/gdb.sock" ] && break; sleep 0.1; done
    XB_SYMS=$2 XB_PORT=$tmp/gdb.sock XB_OUT=$tmp/bootfree.csv \
        timeout "${XEN_TIMEOUT:-300}" gdb -batch -nx -x "$here/xen_bootfree.py" >"$tmp/gdb.log" 2>&1
    kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null
    rc=1
    [ -s "$tmp/bootfree.csv" ] && mv "$tmp/bootfree.csv" "$4" && rc=0
    [ $rc = 0 ] || { echo "xen-bench: boot free failed:" >&2; tail -n 3 "$tmp/gdb.log" >&2; }
    rm -rf "$tmp"
    return $rc
}

# model NAME SPEC DIR: the model's strategy of the same name (stock: chunked)
# on the same input and operations (the Xen check's xen-model and compare.awk),
# as rows of variants-model.csv; nothing for a user's variant.
model() {
    local s=$1
    [ "$s" = stock ] && s=chunked
    case $s in chunked|pagewise|patch|lazy) ;; *) return 0 ;; esac
    [ -x "$out/xen-model" ] || return 0
    XEN_MODEL_STRATEGY=$s "$out/xen-model" "$3" >"$3/model.log" 2>&1 || {
        echo "xen-bench: the model ($s) failed on $2:" >&2; tail -n 3 "$3/model.log" >&2; return 1; }
    awk -v layout="$(tr , + <<<"$2")" -f "$here/where.awk" -f "$here/compare.awk" "$3/regions.csv" "$3/info.csv" \
        "$3/blocks.csv" "$3/model-blocks.csv" "$3/ops.csv" "$3/model-ops.csv" "$3/model.csv" |
        sed -e "s/^/$1,/" -e 's/,-*nan,/,,/' >>"$mrows"
}

rows=$(mktemp) && mrows=$(mktemp) || exit 1
trap 'rm -f "$rows" "$mrows"' EXIT
while read -r name xen syms; do
    for spec in $layouts; do
        dir=$out/bench/$name/$(tr ',:' '_-' <<<"$spec")
        t0=$(date +%s)
        bash "$here/check.sh" --xen "$xen" --syms "$syms" --layout "$spec" --out "$dir" || {
            rc=$?; echo "xen-bench: $name on $spec: the harness failed" >&2; exit $rc; }
        boot_free "$xen" "$syms" "$spec" "$dir/bootfree.csv" || exit 1
        echo "xen-bench: $name on $spec: $(( $(date +%s) - t0 )) s wall (two boots under TCG)" >&2
        awk -v variant="$name" -v layout="$(tr , + <<<"$spec")" -f "$here/where.awk" -f "$here/variants.awk" \
            "$dir/regions.csv" "$dir/info.csv" "$dir/ops.csv" "$dir/bootfree.csv" >>"$rows" || exit 1
        model "$name" "$spec" "$dir" || exit 1
    done
done <<<"$lines"

csv=${XEN_BENCH_CSV:-$out/variants.csv}
{ echo "variant,layout,path,order,where,instructions,per_page"; cat "$rows"; } >"$csv.tmp" &&
    mv -f "$csv.tmp" "$csv" || exit 1
awk -f "$here/against.awk" "$csv" | column -s, -t
echo "xen-bench: wrote $csv"
[ -s "$mrows" ] || exit 0
mcsv=${csv%.csv}-model.csv
{ echo "variant,layout,path,order,where,xen_instructions,model_instructions,ratio,blocks_equal"
  cat "$mrows"; } >"$mcsv.tmp" && mv -f "$mcsv.tmp" "$mcsv" || exit 1
if grep -q '^pagewise,' "$mcsv" && grep -q '^patch,' "$mcsv"; then
    echo
    echo "The encoding's cost (patch - pagewise: the same page-wise init and free path), Xen and model:"
    awk -f "$here/encoding.awk" "$mcsv" | column -s, -t
fi
echo "xen-bench: wrote $mcsv (each variant beside the model's strategy of the same name)"
