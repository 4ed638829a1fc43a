#!/usr/bin/env bash
# make_runs.sh HEAPBENCH - regenerate the recorded runs in tests/data from
# the binary given, so that the fixtures never drift from what `heapbench
# bench` writes and the readers (compare, verdict, plots/) need no alias
# code for old column or key names.  One command; run it again whenever
# the results format changes (docs/results-format.md).
#
#   run_verdict  what tests/cli/cli_verdict.sh recomputes the verdict from:
#                init chunked and lazy at 1 and 2 GiB; block frees at
#                orders 0 and 9 in both encodings at a natural boundary and
#                in legacy at an unaligned one (away, at it, and away
#                merging as often as at it); order-18 fragmentation
#                counts; an order-17 range free; 4 MiB state scans in both
#                encodings and layouts; the read baseline they are held to.
#   run_a        a small run of every family, for compare and the report:
#                both baselines, the shim, init chunked and lazy at 1 and
#                2 GiB, legacy block frees at a natural boundary (orders 0
#                and 9, away and at it), one fragmentation count, one state
#                scan.  No uninit frees: the report skips free_encoding.
#   run_b        run_a with a known change made by a fixed transform
#                (transform_b): chunked init 20 % faster, another kernel
#                name; so compare has a change to find whatever the noise
#                of the machine that recorded run_a.
#
# Each is a quick-profile run (run_verdict 3 processes x 2 repetitions, so
# its intervals are the "approximate" kind; run_a 6 x 2, so that the 20 %
# change stands out of a shared machine's noise), filtered so
# the files stay small; only the CSVs are kept (not gbench.json, the logs
# or topology.xml).  The folders are built aside and replace the old ones
# only when all three are whole: running the script twice leaves the same
# files (with new measurements).
set -eu
hb=${1:?usage: tests/data/make_runs.sh HEAPBENCH}
here=$(cd "$(dirname "$0")" && pwd)
csvawk=$here/../../plots/csv.awk
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# bench NAME FILTER [OPTION...]: a filtered quick run; its CSVs into $tmp/NAME.
bench() {
    local name=$1 filter=$2 run
    shift 2
    "$hb" bench --profile quick --filter "$filter" --out "$tmp/out-$name" "$@" \
        >"$tmp/$name.log" 2>&1 || { cat "$tmp/$name.log" >&2; exit 1; }
    run=$(ls -d "$tmp/out-$name"/2*/)
    mkdir "$tmp/$name"
    cp "$run"/*.csv "$tmp/$name/"
}

# put NAME: $tmp/NAME replaces tests/data/NAME.
put() {
    rm -rf "$here/$1"
    mv "$tmp/$1" "$here/$1"
    echo "tests/data/$1: $(ls "$here/$1" | tr '\n' ' ')"
}

# awkcsv PROGRAM ARGS...: $tmp/PROGRAM.awk with plots/csv.awk's csv_split
# and csv_quote (fields are found by name, quotes honoured).
awkcsv() {
    local prog=$1
    shift
    awk -f "$csvawk" -f "$tmp/$prog.awk" "$@"
}

# scale.awk (-v factor=F): init.csv with the chunked strategy's rows made F
# times as fast.  Columns are found by their header name; those that are a
# time of the strategy itself (per iteration, per page, per GiB, or over a
# reference time) are multiplied by F, the bandwidth divided by it.
# memset_ns (the reference memset) and counts stay as they were; a column
# named here but absent from the file is ignored.
cat >"$tmp/scale.awk" <<'AWK'
function scale(i, k) { if (f[i] != "") f[i] = sprintf("%.10g", f[i] * k) }
NR == 1 {
    n = csv_split($0, h)
    for (i = 1; i <= n; i++) col[h[i]] = i
    if (!("strategy" in col)) { print "make_runs.sh: init.csv: no strategy column" >"/dev/stderr"; exit 1 }
    nt = split("real_ns cpu_ns ns_per_page ms_per_gib ratio boot_ns deferred_ns total_ns " \
               "thread_ns worst_ns vs_memset", t, " ")
    print
    next
}
{
    n = csv_split($0, f)
    if (f[col["strategy"]] == "chunked") {
        for (j = 1; j <= nt; j++) if (t[j] in col) scale(col[t[j]], factor)
        if ("gbps" in col) scale(col["gbps"], 1 / factor)
    }
    line = csv_quote(f[1])
    for (i = 2; i <= n; i++) line = line "," csv_quote(f[i])
    print line
}
AWK

# env.awk (-v key=K -v val=V): environment.csv with K's value replaced by
# V; with -v get=1, K's value alone.
cat >"$tmp/env.awk" <<'AWK'
{ csv_split($0, f) }
NR > 1 && f[1] == key {
    seen = 1
    if (get) { print f[2]; next }
    $0 = csv_quote(key) "," csv_quote(val)
}
!get { print }
END { if (!seen) { print "make_runs.sh: environment.csv: no " key >"/dev/stderr"; exit 1 } }
AWK

# transform_b: run_b from run_a.  The chunked init rows 20 % faster
# (scale.awk with factor 0.8; every other row is identical, so compare
# sees exactly one change, -20.0 %), and the kernel renamed to
# "<run_a's>+b" (one environment difference to warn about).  The binary
# cannot summarise a CSV again, so init_summary.csv, which would no longer
# match init.csv, is left out: the readers of run_b (compare, and the
# verdict's fallback) read the per-repetition rows.
transform_b() {
    local kernel
    mkdir "$tmp/run_b"
    cp "$tmp/run_a"/*.csv "$tmp/run_b/"
    rm "$tmp/run_b/init_summary.csv"
    awkcsv scale -v factor=0.8 "$tmp/run_a/init.csv" >"$tmp/run_b/init.csv"
    kernel=$(awkcsv env -v key=kernel -v get=1 "$tmp/run_a/environment.csv")
    awkcsv env -v key=kernel -v val="$kernel+b" "$tmp/run_a/environment.csv" \
        >"$tmp/run_b/environment.csv"
}

f='^init/heap/strategy:(chunked|lazy)/layout:synthetic/ram_gib:(1|2)/nodes:1/aligned:yes/boot_alloc_mib:0/'
f+='|^free/block/boundary:(natural|unaligned)/order:(0|9)/.*variant:node_check'
f+='|^free/frag/boundary:(natural|unaligned)/order:18/.*variant:node_check'
f+='|^free/range/boundary:natural/order:17/'
f+='|^state/scan/encoding:(legacy|uninit)/table_bytes:4194304/impl:scalar/layout:(entries|bytearray)/'
f+='|^baseline/read/bytes:4194304/threads:1$'
bench run_verdict "$f"

f='^init/heap/strategy:(chunked|lazy)/layout:synthetic/ram_gib:(1|2)/nodes:1/aligned:yes/boot_alloc_mib:0/'
f+='|^free/block/boundary:natural/order:(0|9)/.*variant:node_check/encoding:legacy/'
f+='|^free/frag/boundary:natural/order:18/.*variant:node_check/'
f+='|^state/scan/encoding:legacy/table_bytes:4194304/impl:scalar/layout:entries/'
f+='|^baseline/(memset|read)/bytes:4194304/threads:1$'
f+='|^shim/'
bench run_a "$f" --processes 6
transform_b

put run_verdict
put run_a
put run_b
