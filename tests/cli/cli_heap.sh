#!/usr/bin/env bash
# cli_heap.sh - `heapbench heap` from the outside, on the maps in
# tests/data/heap_*.memmap (holes, MFN 0 in RAM, node boundaries that are
# not 1 GiB aligned, a node surrounded by another, interleaved nodes).
#   equiv_*    --dump-blocks the same for every strategy, with boot allocations
#   blocks_*   the blocks checked by awk against the map itself: aligned,
#              inside one range of their node, never MFN 0, zone = bit
#              width, maximally merged
#   summary_*  the state columns add up to ram_pages, ram_pages to the
#              map's pages, free_pages to the dumped blocks
#   no_branch_harden  the same blocks as the default, for every strategy
#   xen_418    --xen 4.18: the same blocks as the default, every strategy
#   bad_*      bad input: exit 2, one line on stderr, nothing on stdout
#   big64      a 64 GiB two-node map completes within 30 seconds
# Usage: tests/cli/cli_heap.sh HEAPBENCH; ok/FAIL per case, one summary line.
set -u
. "$(dirname "$0")/lib.sh"
data=$(cd "$(dirname "$0")/../data" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
# A private copy: a concurrent `make` may relink the original mid-run.
own_copy "$1" "$tmp/heapbench"
hb=$tmp/heapbench
strategies="pagewise chunked patch lazy deferred"

# heap OUT STRATEGY ARGS...: run heapbench heap, stdout to OUT; lazy and
# deferred get --finish.  Returns heapbench's status.
heap() {
    local out=$1 s=$2 fin=
    shift 2
    case $s in lazy|deferred) fin=--finish ;; esac
    "$hb" heap --strategy "$s" $fin "$@" >"$out" 2>"$tmp/err"
}

# Page ranges of a memmap as "START END NODE" in decimal MFNs.
pages_of() {
    awk '
    function num(s,   v, i) {
        s = tolower(s)
        if (s !~ /^0x/) return s + 0
        v = 0
        for (i = 3; i <= length(s); i++)
            v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
        return v
    }
    { sub(/#.*/, "") }
    NF == 3 {
        s = int((num($1) + 4095) / 4096); e = int(num($2) / 4096)
        if (e > s) printf "%.0f %.0f %d\n", s, e, $3
    }' "$1"
}

# ------------------------------------------------------------------------
# Equivalence
# ------------------------------------------------------------------------

# equiv NAME MAP ARGS...: every strategy prints the same non-empty dump.
equiv() {
    local name=$1 map=$2 s
    shift 2
    for s in $strategies; do
        if ! heap "$tmp/$s.dump" "$s" --memmap "$map" --dump-blocks "$@"; then
            fail "$name" "$s exited non-zero: $(head -n 1 "$tmp/err")"; return
        fi
    done
    [ -s "$tmp/pagewise.dump" ] || { fail "$name" "empty dump"; return; }
    for s in chunked patch lazy deferred; do
        cmp -s "$tmp/pagewise.dump" "$tmp/$s.dump" || {
            fail "$name" "$s differs from pagewise: $(diff "$tmp/pagewise.dump" "$tmp/$s.dump" | sed -n 2p)"
            return; }
    done
    ok "$name"
}

# ------------------------------------------------------------------------
# The blocks against the map
# ------------------------------------------------------------------------

check_blocks() {   # NAME MAP: pagewise dump, checked by awk
    local name=$1 map=$2 bad
    heap "$tmp/b.dump" pagewise --memmap "$map" --dump-blocks ||
        { fail "$name" "exit status $?"; return; }
    pages_of "$map" >"$tmp/ranges"
    bad=$(csvawk '
    function num(s,   v, i) {
        s = tolower(s); v = 0
        for (i = 3; i <= length(s); i++)
            v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
        return v
    }
    function width(m,   w) { w = 0; while (m >= 1) { w++; m = int(m / 2) }; return w }
    FNR == NR { split($0, f, " "); rs[++nr] = f[1]; re[nr] = f[2]; rn[nr] = f[3]; next }
    FNR == 1 { csv_header($0); next }
    {
        csv_split($0, f)
        m = num(csv_col(f, "mfn")); o = csv_col(f, "order") + 0
        n = csv_col(f, "node") + 0; z = csv_col(f, "zone") + 0; sz = 2 ^ o
        if (m == 0) { print "block holds MFN 0"; exit }
        if (m % sz) { print "misaligned " $0; exit }
        if (z != width(m)) { print "zone " z " for " $0; exit }
        inside = 0
        for (i = 1; i <= nr; i++)
            if (m >= rs[i] && m + sz <= re[i] && rn[i] == n) inside = 1
        if (!inside) { print "not inside one range of its node: " $0; exit }
        key[m " " o] = n
        blk[++nb] = m " " o " " n
    }
    END {
        for (i = 1; i <= nb; i++) {
            split(blk[i], f, " "); m = f[1]; o = f[2]; sz = 2 ^ o
            if (o >= maxo) continue
            b = (int(m / sz) % 2) ? m - sz : m + sz
            if ((b " " o) in key && key[b " " o] == f[3]) {
                printf "not merged: %.0f and %.0f order %d\n", m, b, o; exit
            }
        }
    }' -v maxo=18 "$tmp/ranges" "$tmp/b.dump") || bad="awk exit $?: $bad"
    [ -z "$bad" ] && ok "$name" || fail "$name" "$bad"
}

# ------------------------------------------------------------------------
# --summary
# ------------------------------------------------------------------------

# summary NAME MAP STRATEGY ARGS...: the columns add up.
summary() {
    local name=$1 map=$2 s=$3 want bad
    shift 3
    heap "$tmp/sum" "$s" --memmap "$map" --summary "$@" ||
        { fail "$name" "exit status $?: $(head -n 1 "$tmp/err")"; return; }
    heap "$tmp/sdump" "$s" --memmap "$map" --dump-blocks "$@" ||
        { fail "$name" "dump: exit status $?"; return; }
    want=$(pages_of "$map" | awk '{ n += $2 - $1 } END { printf "%.0f", n }')
    bad=$(csvawk '
    function states(f) {
        return csv_col(f, "free_pages") + csv_col(f, "inuse_pages") + csv_col(f, "uninit_pages") + \
               csv_col(f, "metadata_pages") + csv_col(f, "reserved_pages")
    }
    NR == 1 {
        if ($0 != "node,ram_pages,free_pages,inuse_pages,uninit_pages,metadata_pages,reserved_pages")
            { print "header: " $0; exit }
        csv_header($0); next
    }
    {
        csv_split($0, f)
        if (states(f) != csv_col(f, "ram_pages")) { print "row does not add up: " $0; exit }
        ram += csv_col(f, "ram_pages"); free += csv_col(f, "free_pages")
    }
    END {
        if (ram != want) { printf "ram_pages sum %.0f, map has %.0f\n", ram, want; exit }
        getline line < dump
        nd = csv_split(line, dh)
        for (i = 1; i <= nd; i++) dpos[dh[i]] = i
        while ((getline line < dump) > 0) {
            csv_split(line, f); blocks += 2 ^ f[dpos["order"]]
        }
        if (blocks != free) printf "free_pages %.0f, dumped blocks hold %.0f\n", free, blocks
    }' -v want="$want" -v dump="$tmp/sdump" "$tmp/sum") || bad="awk exit $?: $bad"
    [ -z "$bad" ] && ok "$name" || fail "$name" "$bad"
}

# ------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------

# bad NAME ARGS...: exit 2, exactly one stderr line, empty stdout.
bad() {
    local name=$1 rc lines
    shift
    "$hb" heap "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$rc" -ne 2 ]; then fail "$name" "exit $rc, expected 2"
    elif [ "$lines" -ne 1 ]; then fail "$name" "$lines stderr lines: $(head -n 3 "$tmp/err" | tr '\n' '|')"
    elif [ -s "$tmp/out" ]; then fail "$name" "output on stdout"
    else ok "$name"; fi
}

# ------------------------------------------------------------------------
# The cases
# ------------------------------------------------------------------------

for map in "$data"/heap_*.memmap; do
    base=$(basename "$map" .memmap); base=${base#heap_}
    nodes=$(pages_of "$map" | awk '$3 > m { m = $3 } END { print m + 1 }')
    bnode=$((nodes > 1 ? 1 : 0))
    equiv "equiv_$base" "$map"
    equiv "equiv_boot_freed_$base" "$map" --boot-alloc "8M@$bnode" --free-boot
    equiv "equiv_boot_kept_$base" "$map" --boot-alloc "8M@$bnode" --boot-alloc 64K
    equiv "equiv_max_order_$base" "$map" --max-order 9 --boot-alloc 12K --free-boot
    check_blocks "blocks_$base" "$map"
    summary "summary_$base" "$map" pagewise --boot-alloc "8M@$bnode"
    summary "summary_lazy_$base" "$map" lazy --boot-alloc "8M@$bnode"
done

# lazy without --finish: uninitialised pages must be counted too
"$hb" heap --memmap "$data/heap_unaligned.memmap" --strategy lazy --summary >"$tmp/lz" 2>"$tmp/err"
if [ $? -ne 0 ]; then
    fail summary_lazy_pending "exit status non-zero: $(head -n 1 "$tmp/err")"
elif ! csvawk 'NR == 1 { csv_header($0); next }
        { csv_split($0, f); s = 0
          for (k = split("free_pages inuse_pages uninit_pages metadata_pages reserved_pages", c, " "); k; k--)
              s += csv_col(f, c[k])
          if (s != csv_col(f, "ram_pages") || csv_col(f, "uninit_pages") == 0) bad = 1 }
        END { if (csv_failed) exit 2; exit bad }' "$tmp/lz"; then
    fail summary_lazy_pending "a row does not add up or shows no uninit pages"
else
    ok summary_lazy_pending
fi

map=$data/heap_unaligned.memmap
nbh=ok
for s in $strategies; do
    if ! heap "$tmp/nbh.dump" "$s" --memmap "$map" --dump-blocks --boot-alloc 8M@1 --free-boot --no-branch-harden; then
        nbh="$s exited non-zero: $(head -n 1 "$tmp/err")"; break
    fi
    heap "$tmp/bh.dump" "$s" --memmap "$map" --dump-blocks --boot-alloc 8M@1 --free-boot
    [ -s "$tmp/bh.dump" ] && cmp -s "$tmp/bh.dump" "$tmp/nbh.dump" || { nbh="$s: blocks differ"; break; }
done
[ "$nbh" = ok ] && ok no_branch_harden || fail no_branch_harden "$nbh"
x18=ok
for s in $strategies; do
    if ! heap "$tmp/x18.dump" "$s" --memmap "$map" --dump-blocks --boot-alloc 8M@1 --free-boot --xen 4.18; then
        x18="$s exited non-zero: $(head -n 1 "$tmp/err")"; break
    fi
    heap "$tmp/x17.dump" "$s" --memmap "$map" --dump-blocks --boot-alloc 8M@1 --free-boot
    [ -s "$tmp/x17.dump" ] && cmp -s "$tmp/x17.dump" "$tmp/x18.dump" || { x18="$s: blocks differ"; break; }
done
[ "$x18" = ok ] && ok xen_418 || fail xen_418 "$x18"
bad bad_xen --memmap "$map" --xen 4.19
bad bad_strategy --memmap "$map" --strategy eager
bad bad_encoding --memmap "$map" --encoding utf8
bad bad_max_order --memmap "$map" --max-order 99
bad bad_max_order_zero --memmap "$map" --max-order 0
bad bad_lazy_legacy --memmap "$map" --strategy lazy --encoding legacy
bad bad_deferred_legacy --memmap "$map" --strategy deferred --encoding legacy
bad bad_unreadable --memmap "$tmp/no-such-file.memmap"
printf '0x1000 0x2000 0\nthis is not a range\n' >"$tmp/malformed.memmap"
bad bad_malformed --memmap "$tmp/malformed.memmap"
printf '0x1000 0x200000 0\n0x100000 0x300000 1\n' >"$tmp/overlap.memmap"
bad bad_overlap --memmap "$tmp/overlap.memmap"
printf '0x200000 0x100000 0\n' >"$tmp/backwards.memmap"
bad bad_end_before_start --memmap "$tmp/backwards.memmap"

# 64 GiB on two nodes, the slowest strategy, timed.
printf '# 64 GiB, two nodes\n0x0 0x800000000 0\n0x800000000 0x1000000000 1\n' >"$tmp/big.memmap"
t0=$(date +%s%N)
"$hb" heap --memmap "$tmp/big.memmap" --strategy pagewise --summary >"$tmp/big" 2>"$tmp/err"; rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$rc" -ne 0 ]; then
    fail big64 "exit $rc: $(head -n 1 "$tmp/err")"
elif [ "$ms" -gt 30000 ]; then
    fail big64 "took $ms ms"
elif ! csvawk 'NR == 1 { csv_header($0); next }
        { csv_split($0, f); s = 0; ram += csv_col(f, "ram_pages")
          for (k = split("free_pages inuse_pages uninit_pages metadata_pages reserved_pages", c, " "); k; k--)
              s += csv_col(f, c[k])
          if (s != csv_col(f, "ram_pages")) bad = 1 }
        END { if (csv_failed) exit 2; exit !(ram == 16777216 && !bad) }' "$tmp/big"; then
    fail big64 "summary does not add up to 16777216 pages"
else
    ok "big64 (${ms} ms)"
fi

finish
