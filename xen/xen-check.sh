#!/usr/bin/env bash
# xen/xen-check.sh - `make xen-check`: real Xen as the oracle.  For each
# layout, boot Xen (xen/check.sh), build the model's heap from what Xen's
# end_boot_allocator received and run the same operations counted
# (BUILD/xen/xen-model), compare the free blocks block for block and the
# instruction counts, and write BUILD/xen/fidelity.csv:
#   layout,path,order,where,xen_instructions,model_instructions,ratio,blocks_equal
# (layout: the spec with "+" for its commas, "1536M+2560M").
# end_boot_allocator per page, alloc_heap_pages/free_heap_pages per call.
# A row passes when blocks_equal is 1 and 0.90 <= ratio <= 1.10.  Ends with
# "xen-check: N passed, N failed".
#
# Usage: xen/xen-check.sh [--if-possible] [--csv FILE] BUILD [LAYOUT...]
#   LAYOUT as numa-test's NUMA (default "2x2G 1536M,2560M 4x1G").
#   --csv: write the table there instead (make test: fidelity-test.csv).
#   --blocks: a row passes on identical free blocks alone; the ratio band
#   is printed, not asserted (for a model or Xen build known to be out of
#   band).
#   XEN_RANDOM=N [SEED=S]: instead of the layouts, N random ones (1-4
#   nodes of 128M steps up to 2G, memory-only nodes now and then), drawn
#   from SEED (default 1) so that a run can be repeated; each layout that
#   leaves blocks unlike Xen's is listed in BUILD/xen/random-failed.txt.
#   XEN_IMAGE / XEN_SYMS: another hypervisor (default: Debian's 4.17,
#   fetched by xen/fetch.sh).  --if-possible: without QEMU, gdb or valgrind,
#   or when the packages cannot be fetched, say why and pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if_possible=0 csv= blocks_only=0
while :; do
    case ${1:-} in
        --if-possible) if_possible=1; shift ;;
        --blocks) blocks_only=1; shift ;;
        --csv) csv=${2:?--csv needs a file}; shift 2 ;;
        *) break ;;
    esac
done
build=${1:?usage: xen/xen-check.sh [--if-possible] [--csv FILE] BUILD [LAYOUT...]}
shift
layouts=${*:-"2x2G 1536M,2560M 4x1G"}

# random_layouts N SEED: N specs from a 31-bit linear congruential stream.
random_layouts() {
    local n=$1 x=$2 i k nodes spec size total
    next() { x=$(( (x * 1103515245 + 12345) % 2147483648 )); r=$(( x >> 8 )); }
    for ((i = 0; i < n; i++)); do
        next; nodes=$(( r % 4 + 1 )); spec= total=0
        for ((k = 0; k < nodes; k++)); do
            next; size=$(( (r % 16 + 1) * 128 ))
            [ $k -eq 0 ] && [ $size -lt 512 ] && size=512   # Xen boots in it
            total=$((total + size))
            spec+="${spec:+,}${size}M"
            next; [ $k -gt 0 ] && [ $((r % 5)) -eq 0 ] && spec+=":nocpu"
        done
        printf '%s ' "$spec"
    done
}
if [ -n "${XEN_RANDOM:-}" ]; then
    [[ $XEN_RANDOM =~ ^[1-9][0-9]*$ ]] || { echo "xen-check: not a count: XEN_RANDOM=$XEN_RANDOM" >&2; exit 2; }
    [[ ${SEED:-1} =~ ^[0-9]+$ ]] || { echo "xen-check: not a seed: SEED=$SEED" >&2; exit 2; }
    layouts=$(random_layouts "$XEN_RANDOM" "${SEED:-1}")
    echo "xen-check: $XEN_RANDOM random layouts from seed ${SEED:-1}"
fi
lo=0.90 hi=1.10

skip() {
    if [ $if_possible = 1 ]; then
        echo "xen-check: skipped ($*)"; echo "xen-check: 0 passed, 0 failed"; exit 0
    fi
    echo "xen-check: $*" >&2; echo "xen-check: 0 passed, 1 failed"; exit 1
}
for t in qemu-system-x86_64 gdb valgrind nm; do
    command -v $t >/dev/null || skip "no $t (make xen-check installs it)"
done
[ -x "$build/xen/xen-model" ] || skip "$build/xen/xen-model is not built"
if [ -z "${XEN_IMAGE:-}" ]; then
    paths=$(bash "$here/fetch.sh" "$build") || skip "cannot fetch Debian's Xen packages"
    XEN_IMAGE=$(sed -n 1p <<<"$paths") XEN_SYMS=$(sed -n 2p <<<"$paths")
fi
: "${XEN_SYMS:?XEN_IMAGE needs XEN_SYMS}"

out=$build/xen
rows=$(mktemp) || exit 1
trap 'rm -f "$rows" "$rows.one" "$rows.failed"' EXIT
failed_runs=0
for spec in $layouts; do
    dir=$out/run/$(tr ',:' '_-' <<<"$spec")
    t0=$(date +%s)
    if ! bash "$here/check.sh" --xen "$XEN_IMAGE" --syms "$XEN_SYMS" --layout "$spec" --out "$dir"; then
        [ $? -eq 2 ] && exit 2
        echo "xen-check: $spec: Xen's side failed"; failed_runs=$((failed_runs + 1)); continue
    fi
    if ! "$build/xen/xen-model" "$dir" >"$dir/model.log" 2>&1; then
        echo "xen-check: $spec: the model's side failed:"; sed 's/^/  /' "$dir/model.log"
        failed_runs=$((failed_runs + 1)); continue
    fi
    echo "xen-check: $spec: $(( $(date +%s) - t0 )) s (Xen boot under TCG, model under callgrind)"
    awk -v layout="$(tr , + <<<"$spec")" -f "$here/where.awk" -f "$here/compare.awk" "$dir/regions.csv" "$dir/info.csv" \
        "$dir/blocks.csv" "$dir/model-blocks.csv" "$dir/ops.csv" "$dir/model-ops.csv" \
        "$dir/model.csv" >"$rows.one" || exit 1
    cat "$rows.one" >>"$rows"
    if [ -n "${XEN_RANDOM:-}" ]; then
        grep -q ',0$' "$rows.one" && { echo "$spec" >>"$rows.failed"; echo "xen-check: $spec: blocks differ from Xen's"; }
        rm -rf "$dir"      # keep the build folder small over many layouts
    fi
done
if [ -n "${XEN_RANDOM:-}" ]; then
    touch "$rows.failed"
    mv -f "$rows.failed" "$out/random-failed.txt"
    echo "xen-check: $(wc -l <"$out/random-failed.txt") of $XEN_RANDOM random layouts left blocks unlike Xen's (listed in $out/random-failed.txt)"
fi

csv=${csv:-$out/fidelity.csv}
{ echo "layout,path,order,where,xen_instructions,model_instructions,ratio,blocks_equal"
  cat "$rows"; } >"$csv.tmp" && mv -f "$csv.tmp" "$csv"
column -s, -t "$csv" 2>/dev/null || cat "$csv"
awk -F, -v lo=$lo -v hi=$hi -v fr=$failed_runs -v bo=$blocks_only 'NR > 1 {
        band = $7 != "" && $7 >= lo && $7 <= hi; out += !band
        ok = $8 == 1 && (bo || band); p += ok; f += !ok }
    END { if (bo) printf "xen-check: %d of %d rows outside %s-%s (not asserted)\n", out, NR - 1, lo, hi
          printf "xen-check: %d passed, %d failed\n", p, f + fr; exit (f + fr) > 0 }' \
    "$csv"
