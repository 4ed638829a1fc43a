#!/usr/bin/env bash
# cli_layout.sh - command-line tests of `heapbench layout`: exact CSV for
# small maps and boot logs, the readable report (holes, unaligned node
# boundaries, binding, frame table), and for each bad input exit status 2
# with exactly one line on stderr and nothing on stdout.
# Usage: tests/cli/cli_layout.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data
topos=${HB_TOPOLOGIES:-$here/../../../shared/topologies}
[ -d "$topos" ] || topos=/work/shared/topologies

# run ARGS...: stdout in $tmp/out, stderr in $tmp/err, status in $rc.
run() { "$hb" layout "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }

# ---------------------------------------------------------------------------
# Exact CSV
# ---------------------------------------------------------------------------

# expect_csv NAME FILE EXPECTED: --memmap FILE --csv prints EXPECTED exactly.
expect_csv() {
    local name=$1 file=$2 want=$3
    run --memmap "$file" --csv
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exit $rc: $(head -n 1 "$tmp/err")"
    elif [ "$(cat "$tmp/out")" != "$want" ]; then
        fail "$name" "output differs:"; diff <(echo "$want") "$tmp/out" | sed 's/^/    /'
    else
        ok "$name"
    fi
}

expect_csv csv_small "$data/small.memmap" "node,start,end,pages
0,0x0,0x1000000,4096
1,0x1000000,0x2000000,4096"

expect_csv csv_holes "$data/holes.memmap" "node,start,end,pages
0,0x0,0x9f000,159
0,0x100000,0x80000000,524032
0,0x100000000,0x140200000,262656
1,0x140200000,0x240000000,1048064"

expect_csv csv_surround "$data/surround.memmap" "node,start,end,pages
0,0x1000,0x40100000,262399
1,0x40100000,0xbffff000,524031
0,0xbffff000,0x100000000,262145"

expect_csv csv_linux_log "$data/linux-2node.log" "node,start,end,pages
0,0x0,0x9f000,159
0,0x100000,0x7ffdc000,523996
0,0x100000000,0x180000000,524288
1,0x180000000,0x280000000,1048576"

expect_csv csv_xen_log "$data/xen-dmesg.log" "node,start,end,pages
0,0x0,0x9c000,156
0,0x100000,0x7a289000,500105
0,0x7bab8000,0x7bae0000,40
0,0x100000000,0x480000000,3670016
1,0x480000000,0x880000000,4194304"

expect_csv csv_xen_timestamps "$data/xen-timestamps.log" "node,start,end,pages
0,0x0,0xa0000,160
0,0x100000,0x7fb50000,522832
0,0x100000000,0x280200000,1573376
1,0x280200000,0x480000000,2096640"

# ---------------------------------------------------------------------------
# The readable report
# ---------------------------------------------------------------------------

# expect_out NAME PATTERN ARGS...: exit 0 and stdout has the fixed string.
expect_out() {
    local name=$1 pat=$2
    shift 2
    run "$@"
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exit $rc: $(head -n 1 "$tmp/err")"
    elif ! grep -qF -- "$pat" "$tmp/out"; then
        fail "$name" "no '$pat' in output"
    elif [ -s "$tmp/err" ]; then
        fail "$name" "unexpected stderr: $(head -n 1 "$tmp/err")"
    else
        ok "$name"
    fi
}

expect_out help "usage: heapbench layout" --help
expect_out report_unaligned \
    "not aligned: node 0 ends at 0x140200000, node 1 starts at 0x140200000" \
    --memmap "$data/holes.memmap"
expect_out report_hole \
    "hole    0x0000000080000000-0x0000000100000000  2.00 GiB" \
    --memmap "$data/holes.memmap"
expect_out report_zones "zones:        0-19,21-22" --memmap "$data/holes.memmap"
expect_out report_max_order "not aligned: node 1 ends at 0xbffff000" \
    --memmap "$data/surround.memmap" --max-order 9
expect_out report_aligned_small_order "all aligned to max order" \
    --memmap "$data/holes.memmap" --max-order 9
expect_out report_server_ram "RAM:          256.00 GiB (67108864 pages) in 5 ranges" \
    --memmap "$data/server4.memmap"
expect_out report_server_table "frame table:  2.0" \
    --memmap "$data/server4.memmap"
expect_out report_host_binding "binding: real (host node 0)"
expect_out report_xml_nodes "nodes:        24" \
    --topology "xml:$topos/192em64t-24n8c2t.xml"
expect_out report_synthetic_scaled "RAM:          16.00 GiB" \
    --topology "synthetic:pack:2 [numa(memory=64GiB)] core:8 pu:2" --mem 16GiB

# Binding for a model that is not the host: node 1 is skipped, saying why
# (the host has no node 1, or has one but this is not the host's layout).
if [ -d /sys/devices/system/node/node1 ]; then
    why="binding: skipped (not this host's layout)"
else
    why="binding: skipped (host has no node 1)"
fi
expect_out report_binding_skipped "$why" --memmap "$data/holes.memmap"

# The 4-node server over 32 TiB must come back in seconds.
start=$(date +%s)
run --memmap "$data/server4.memmap"
if [ "$rc" -eq 0 ] && [ $(( $(date +%s) - start )) -le 5 ]; then
    ok report_server_fast
else
    fail report_server_fast "exit $rc after $(( $(date +%s) - start )) s"
fi

run --topology "xml:$topos/192em64t-24n8c2t.xml" --csv
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 26 ]; then
    ok csv_xml_24_nodes
else
    fail csv_xml_24_nodes "exit $rc, $(wc -l <"$tmp/out") lines (want 26)"
fi

# ---------------------------------------------------------------------------
# Bad input: exit 2, one line on stderr, nothing on stdout
# ---------------------------------------------------------------------------

# expect_error NAME PATTERN ARGS...
expect_error() {
    local name=$1 pat=$2
    shift 2
    run "$@"
    if [ "$rc" -ne 2 ]; then
        fail "$name" "exit $rc (want 2)"
    elif [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
        fail "$name" "$(wc -l <"$tmp/err") lines on stderr (want 1)"
    elif ! grep -q '^heapbench: ' "$tmp/err" || ! grep -qF -- "$pat" "$tmp/err"; then
        fail "$name" "stderr lacks '$pat': $(cat "$tmp/err")"
    elif [ -s "$tmp/out" ]; then
        fail "$name" "unexpected stdout"
    else
        ok "$name"
    fi
}

bad=$data/bad
expect_error err_unreadable "$data/no-such.memmap" --memmap "$data/no-such.memmap"
expect_error err_no_memory_lines "boot log with no memory lines" --memmap "$bad/no-memory.log"
expect_error err_srat_malformed "line 3: malformed SRAT line: \"[    0.004580] ACPI: SRAT" \
    --memmap "$bad/srat-malformed.log"
expect_error err_xen_srat_malformed "line 5: malformed SRAT line" \
    --memmap "$bad/xen-srat-malformed.log"
expect_error err_e820_malformed "line 4: malformed e820 line" --memmap "$bad/e820-malformed.log"
expect_error err_xen_e820_malformed "line 4: malformed e820 line: \"(XEN)" \
    --memmap "$bad/xen-e820-malformed.log"
expect_error err_plain_malformed "line 3: expected START END NODE" \
    --memmap "$bad/plain-malformed.memmap"
expect_error err_end_before_start "line 3: END before START" \
    --memmap "$bad/end-before-start.memmap"
expect_error err_overlap "lines 2 and 4: overlapping ranges" --memmap "$bad/overlap.memmap"
expect_error err_srat_overlap "SRAT ranges of nodes 0 and 1 overlap" \
    --memmap "$bad/srat-overlap.log"
expect_error err_synthetic "hwloc rejects synthetic topology: \"bogus:3\"" \
    --topology synthetic:bogus:3
expect_error err_xml_broken "$bad/truncated.xml" \
    --topology "xml:$bad/truncated.xml"
expect_error err_xml_missing "$data/no-such.xml" --topology "xml:$data/no-such.xml"
expect_error err_topology_kind "--topology: expected host" --topology numa:4
expect_error err_mem_not_size "--mem: not a size (e.g. 64GiB, 512M): \"12Q\"" --mem 12Q
expect_error err_mem_memmap "--mem scales --topology layouts" \
    --memmap "$data/small.memmap" --mem 1GiB
expect_error err_both_sources "exclusive" --memmap "$data/small.memmap" --topology host
expect_error err_max_order "--max-order: expected 1 to" --memmap "$data/small.memmap" --max-order 99
expect_error err_unknown_option "unknown option: --frobnicate" --frobnicate

# 15 TiB of RAM needs a 120 GiB frame table: refused up front, unless this
# machine really has that much available.
avail_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if [ "${avail_kib:-0}" -lt $((120 * 1024 * 1024)) ]; then
    expect_error err_frame_table_too_big "frame table needs 120.0 GiB" \
        --memmap "$bad/huge.memmap"
else
    echo "skip err_frame_table_too_big ($avail_kib KiB available)"
fi

finish
