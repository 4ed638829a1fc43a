#!/usr/bin/env bash
# cli_hostile.sh - every subcommand (layout, heap, bench, compare, and
# plots/report.sh) against hostile inputs: empty and binary files, huge,
# negative and oddly suffixed sizes, overflowing addresses, a memory map
# of a billion lines through a pipe, frame tables that do not fit (under a
# 4 GiB address-space limit), missing paths, CSVs without their columns,
# bad options, and a full disk (small tmpfs mounts; skipped when not root).
# One case a line in the table below (its format is described above it).
# Every case must give exactly its exit status, exactly one line on stderr
# starting "heapbench:", no sanitizer report, and leave the watched folder
# as it found it: no results folder, no .tmp-* folder, no half-written file.
# Usage: tests/cli/cli_hostile.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data
mounts=()
cleanup() {
    local m
    for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/bin" "$tmp/cap" "$tmp/w/in"
# A private copy: a concurrent `make` may relink the original mid-run.
own_copy "$1" "$tmp/bin/heapbench"
skipped=0

export hb=$tmp/bin/heapbench report="bash $here/../../plots/report.sh"
export in=$tmp/w/in full=$tmp/w/full fullrun=$tmp/w/fullrun/run
# An ASan binary reserves terabytes of address space: no limit for it.
if grep -q __asan_init "$hb"; then export nomem=; else export nomem='prlimit --as=4000000000 --'; fi

# ------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------
: >"$in/empty"
head -c 4096 /dev/urandom >"$in/binary"
echo '0x1000 0xffffffffffffffffff 0' >"$in/addr_overflow.memmap"
echo '0 0x20000000000000 0' >"$in/beyond52.memmap"
echo '-1 0x1000 0' >"$in/negative.memmap"
echo '0 0x40000000 99' >"$in/node99.memmap"
echo '0 0x640000000000 0' >"$in/100tib.memmap"
echo '0 0x40000000000 0' >"$in/4tib.memmap"
echo '0 0x40000000 0' >"$in/1gib.memmap"
awk 'BEGIN { for (i = 0; i < 4097; i++) printf "0x%x 0x%x 0\n", i * 8192, i * 8192 + 4096 }' \
    >"$in/4097.memmap"
echo '[    0.000000] BIOS-e820: [mem 0x0000000000000000-0xffffffffffffffff] usable' >"$in/e820_overflow.log"
echo '(XEN) SRAT: Node 0 PXM 0 0-fffffffffffffffff' >"$in/srat_overflow.log"
echo '(XEN) SRAT: Node 0 PXM 0 0-10000000000000000' >"$in/srat_2e64.log"
mkdir -p "$in/run_a" "$in/no_real_ns" "$in/no_benchmark" "$in/empty_csv" "$in/binary_csv" \
    "$in/ragged" "$in/negative_ns" "$in/no_csv" "$in/other" "$in/q'uote"
cp "$data"/run_a/* "$in/run_a/"
cp "$data"/run_a/* "$in/q'uote/"
printf 'benchmark,what\ninit/x,x\n' >"$in/no_real_ns/init.csv"
printf 'what,real_ns\nx,1\n' >"$in/no_benchmark/init.csv"
: >"$in/empty_csv/init.csv"
head -c 4096 /dev/urandom >"$in/binary_csv/init.csv"
printf 'benchmark,real_ns\ninit/x,1\ninit/y,2,3\n' >"$in/ragged/init.csv"
printf 'benchmark,real_ns\ninit/x,-1\n' >"$in/negative_ns/init.csv"
printf 'benchmark,real_ns\nother/x,1\n' >"$in/other/other.csv"
printf 'benchmark,what\ninit/x,x\n' >"$in/no_real_ns/init_summary.csv"
head -c 4096 /dev/urandom >"$in/binary_csv/init_summary.csv"
boot65=$(for i in $(seq 65); do printf -- '--boot-alloc 4K '; done)
export boot65

# Full disks: an empty 4 KiB tmpfs (room for one small file) and one
# filled to the last byte; a run folder on a tmpfs too small for figures.
can_mount=0
mount_tmpfs() {   # DIR SIZE
    mkdir -p "$1" && mount -t tmpfs -o "size=$2" tmpfs "$1" 2>/dev/null && mounts+=("$1")
}
if [ "$(id -u)" -eq 0 ] && mount_tmpfs "$full" 4k && mount_tmpfs "$tmp/w/fullrun" 128k &&
   mount_tmpfs "$tmp/w/filled" 8k; then
    can_mount=1
    mkdir "$fullrun" && cp "$data"/run_a/* "$fullrun/"
    head -c 8192 /dev/zero >"$tmp/w/filled/zero" 2>/dev/null
fi
export filled=$tmp/w/filled

# ------------------------------------------------------------------------
# The table: one case a line, NAME | EXIT | SECONDS | NEEDLE | COMMAND.
# EXIT is the status expected (2 bad input, 1 run-time failure); SECONDS
# the time limit (more is a hang); NEEDLE a string the message must contain
# (the bad value; "-" for none); COMMAND is run by bash with $hb (the
# binary), $report, $in (inputs), $out (a path that does not exist),
# $full (a full tmpfs) and $nomem (a 4 GiB address-space limit) set.  A
# frame table that does not fit is refused under $nomem, so before it is
# allocated; bench may add Google Benchmark's context lines to its one.
# ------------------------------------------------------------------------
cases=$(cat <<'EOF'
layout_memmap_empty        |2|10|empty          |$hb layout --memmap $in/empty
layout_memmap_binary       |2|10|binary         |$hb layout --memmap $in/binary
layout_memmap_missing      |2|10|nosuch         |$hb layout --memmap $in/nosuch
layout_memmap_folder       |2|10|$in            |$hb layout --memmap $in
layout_memmap_addr_overflow|2|10|0xffffffffffffffffff|$hb layout --memmap $in/addr_overflow.memmap
layout_memmap_beyond_2^52  |2|10|0x20000000000000|$hb layout --memmap $in/beyond52.memmap
layout_memmap_negative     |2|10|-1 0x1000      |$hb layout --memmap $in/negative.memmap
layout_memmap_node_99      |2|10|99             |$hb layout --memmap $in/node99.memmap
layout_memmap_100TiB       |2|10|frame table needs|$nomem $hb layout --memmap $in/100tib.memmap
layout_memmap_4TiB_gt_RAM  |2|10|frame table needs 32.0 GiB|$nomem $hb layout --memmap $in/4tib.memmap
layout_memmap_4097_ranges  |2|10|line 4097      |$hb layout --memmap $in/4097.memmap
layout_memmap_billion_lines|2|10|line 4097      |yes '0x1000 0x2000 0' | head -n 1000000000 | $nomem $hb layout --memmap /dev/stdin
layout_memmap_billion_log  |2|10|larger than    |yes '(XEN) SRAT: nothing' | head -n 1000000000 | $nomem $hb layout --memmap /dev/stdin
layout_memmap_billion_fifo |2|10|line 4097      |mkfifo $in/../fifo && { yes '0 0x1000 0' >$in/../fifo & } && $nomem $hb layout --memmap $in/../fifo; rc=$?; rm -f $in/../fifo; exit $rc
layout_e820_overflow       |2|10|0xffffffffffffffff|$hb layout --memmap $in/e820_overflow.log
layout_srat_17_digits      |2|10|fffffffffffffffff|$hb layout --memmap $in/srat_overflow.log
layout_srat_2^64           |2|10|10000000000000000|$hb layout --memmap $in/srat_2e64.log
layout_mem_1Q              |2|10|1Q             |$hb layout --mem 1Q
layout_mem_12GiBB          |2|10|12GiBB         |$hb layout --mem 12GiBB
layout_mem_0x              |2|10|0x             |$hb layout --mem 0x
layout_mem_1e9             |2|10|1e9            |$hb layout --mem 1e9
layout_mem_-1G             |2|10|-1G            |$hb layout --mem -1G
layout_mem_2^64            |2|10|18446744073709551616|$hb layout --mem 18446744073709551616
layout_mem_16EiB           |2|10|16EiB          |$hb layout --mem 16EiB
layout_mem_zero            |2|10|"0"            |$hb layout --mem 0
layout_mem_no_unit         |2|10|B): "16"       |$hb layout --mem 16
layout_mem_zero_bytes      |2|10|"0B"           |$hb layout --mem 0B
layout_mem_empty           |2|10|--mem          |$hb layout --mem ''
layout_mem_100TiB          |2|10|frame table needs|$nomem $hb layout --mem 100TiB
layout_topology_64TiB      |2|10|frame table needs|$nomem $hb layout --topology synthetic:"pack:1 [numa(memory=64TiB)] core:1 pu:1"
layout_topology_4TiB       |2|10|frame table needs|$nomem $hb layout --topology synthetic:"pack:2 [numa(memory=2TiB)] core:1 pu:1"
layout_topology_garbage    |2|10|garbage [      |$hb layout --topology 'synthetic:garbage ['
layout_topology_unknown    |2|10|hots           |$hb layout --topology hots
layout_topology_xml_binary |2|10|binary         |$hb layout --topology xml:$in/binary
layout_topology_xml_missing|2|10|nosuch.xml     |$hb layout --topology xml:$in/nosuch.xml
layout_max_order_0         |2|10|"0"            |$hb layout --max-order 0
layout_max_order_99        |2|10|"99"           |$hb layout --max-order 99
layout_max_order_-1        |2|10|"-1"           |$hb layout --max-order -1
layout_max_order_missing   |2|10|--max-order    |$hb layout --max-order
layout_unknown_option      |2|10|--frobnicate   |$hb layout --frobnicate
layout_memmap_no_value     |2|10|--memmap       |$hb layout --memmap
layout_two_sources         |2|10|--memmap       |$hb layout --memmap $in/1gib.memmap --topology host
heap_boot_alloc_100TiB     |2|10|100TiB         |$hb heap --memmap $in/1gib.memmap --boot-alloc 100TiB
heap_boot_alloc_2^64-1     |2|10|18446744073709551615|$hb heap --memmap $in/1gib.memmap --boot-alloc 18446744073709551615
heap_boot_alloc_2^64       |2|10|18446744073709551616|$hb heap --memmap $in/1gib.memmap --boot-alloc 18446744073709551616
heap_boot_alloc_1Q         |2|10|1Q             |$hb heap --memmap $in/1gib.memmap --boot-alloc 1Q
heap_boot_alloc_-1G        |2|10|-1G            |$hb heap --memmap $in/1gib.memmap --boot-alloc -1G
heap_boot_alloc_zero       |2|10|0              |$hb heap --memmap $in/1gib.memmap --boot-alloc 0
heap_boot_alloc_node_99    |2|10|1G@99          |$hb heap --memmap $in/1gib.memmap --boot-alloc 1G@99
heap_boot_alloc_no_node    |2|10|1M@5           |$hb heap --memmap $in/1gib.memmap --boot-alloc 1M@5
heap_boot_alloc_sum        |2|10|600M           |$hb heap --memmap $in/1gib.memmap --boot-alloc 600M --boot-alloc 600M
heap_boot_alloc_65         |2|10|4K             |$hb heap --memmap $in/1gib.memmap $boot65
heap_max_order_0           |2|10|0              |$hb heap --memmap $in/1gib.memmap --max-order 0
heap_max_order_99          |2|10|99             |$hb heap --memmap $in/1gib.memmap --max-order 99
heap_max_order_-1          |2|10|-1             |$hb heap --memmap $in/1gib.memmap --max-order -1
heap_strategy_bad          |2|10|eager          |$hb heap --memmap $in/1gib.memmap --strategy eager
heap_encoding_bad          |2|10|packed         |$hb heap --memmap $in/1gib.memmap --encoding packed
heap_missing_value         |2|10|--strategy     |$hb heap --memmap $in/1gib.memmap --strategy
heap_unknown_option        |2|10|--frobnicate   |$hb heap --memmap $in/1gib.memmap --frobnicate x
heap_stray_argument        |2|10|stray          |$hb heap --memmap $in/1gib.memmap stray
heap_memmap_binary         |2|10|binary         |$hb heap --memmap $in/binary
heap_memmap_100TiB         |2|10|frame table needs|$nomem $hb heap --memmap $in/100tib.memmap
heap_topology_64TiB        |2|10|frame table needs|$nomem $hb heap --topology synthetic:"pack:1 [numa(memory=64TiB)] core:1 pu:1"
bench_reps_0               |2|10|"0"            |$hb bench --out $out --repetitions 0
bench_reps_1001            |2|10|1001           |$hb bench --out $out --repetitions 1001
bench_reps_2^64            |2|10|18446744073709551616|$hb bench --out $out --repetitions 18446744073709551616
bench_reps_-1              |2|10|-1             |$hb bench --out $out --repetitions -1
bench_reps_space           |2|10| 5             |$hb bench --out $out --repetitions ' 5'
bench_reps_word            |2|10|many           |$hb bench --out $out --repetitions many
bench_profile_bad          |2|10|fast           |$hb bench --out $out --profile fast
bench_profile_empty        |2|10|--profile      |$hb bench --out $out --profile ''
bench_filter_bad_regex     |2|10|((             |$hb bench --out $out --filter '(('
bench_filter_bracket       |2|10|[              |$hb bench --out $out --filter '['
bench_filter_no_match      |2|30|no_such_xyz    |$hb bench --out $out --filter no_such_xyz
bench_unknown_option       |2|10|--frobnicate   |$hb bench --out $out --frobnicate
bench_missing_value        |2|10|--out          |$hb bench --out
bench_out_is_file          |2|10|$in/empty      |$hb bench --out $in/empty --filter shim
bench_out_under_file       |2|10|$in/empty/sub  |$hb bench --out $in/empty/sub --filter shim
bench_out_empty            |2|10|--out          |$hb bench --out '' --filter shim
bench_out_in_proc          |2|10|/proc/heapbench|$hb bench --out /proc/heapbench/r --filter shim
bench_memmap_binary        |2|10|binary         |$hb bench --out $out --memmap $in/binary
bench_memmap_100TiB        |2|10|frame table needs|$nomem $hb bench --out $out --memmap $in/100tib.memmap
bench_topology_64TiB       |2|10|frame table needs|$nomem $hb bench --out $out --topology synthetic:"pack:1 [numa(memory=64TiB)] core:1 pu:1"
bench_mem_bad              |2|10|12GiBB         |$hb bench --out $out --mem 12GiBB
bench_gbench_flag          |2|30|--benchmark_nonsense|$hb bench --out $out --filter shim -- --benchmark_nonsense=1
bench_gbench_flag_value    |2|30|--benchmark_repetitions=abc|$hb bench --out $out --filter shim -- --benchmark_repetitions=abc
bench_full_disk            |1|60|No space left  |@full $hb bench --profile quick --filter shim --repetitions 1 --out $full
bench_full_disk_json       |1|60|gbench.json    |@full $hb bench --profile quick --filter shim --repetitions 1 --out $filled
compare_no_real_ns         |2|10|real_ns        |$hb compare $in/run_a $in/no_real_ns
compare_no_benchmark       |2|10|benchmark      |$hb compare $in/no_benchmark $in/run_a
compare_empty_csv          |2|10|empty_csv/init.csv|$hb compare $in/run_a $in/empty_csv
compare_binary_csv         |2|10|binary_csv/init.csv|$hb compare $in/run_a $in/binary_csv
compare_ragged_row         |2|10|line 3         |$hb compare $in/run_a $in/ragged
compare_negative_time      |2|10|-1             |$hb compare $in/run_a $in/negative_ns
compare_nothing_in_common  |2|10|$in/other      |$hb compare $in/run_a $in/other
compare_no_csv             |2|10|$in/no_csv     |$hb compare $in/run_a $in/no_csv
compare_missing_folder     |2|10|$in/nosuch     |$hb compare $in/run_a $in/nosuch
compare_file_as_folder     |2|10|$in/binary     |$hb compare $in/binary $in/run_a
compare_one_run            |2|10|NEW_RUN        |$hb compare $in/run_a
compare_three_runs         |2|10|$in/run_a      |$hb compare $in/run_a $in/run_a $in/run_a
compare_alpha_2            |2|10|2              |$hb compare $in/run_a $in/run_a --alpha 2
compare_alpha_nan          |2|10|nan            |$hb compare $in/run_a $in/run_a --alpha nan
compare_alpha_missing      |2|10|--alpha        |$hb compare $in/run_a $in/run_a --alpha
compare_unknown_option     |2|10|--frobnicate   |$hb compare $in/run_a $in/run_a --frobnicate
compare_csv_no_folder      |2|10|$out/x.csv     |$hb compare $in/run_a $in/run_a --csv $out/x.csv
compare_plots_under_file   |2|10|$in/empty/p    |$hb compare $in/run_a $in/run_a --plots $in/empty/p
compare_csv_full_disk      |1|30|$filled/c.csv  |@full $hb compare $in/run_a $in/run_a --csv $filled/c.csv
compare_plots_full_disk    |1|30|$filled/p      |@full $hb compare $in/run_a $in/run_a --plots $filled/p
report_no_argument         |2|10|usage          |$report
report_two_arguments       |2|10|usage          |$report $in/run_a $in/run_a
report_missing_folder      |2|10|$in/nosuch     |$report $in/nosuch
report_file_as_folder      |2|10|$in/binary     |$report $in/binary
report_no_summary          |2|10|$in/no_csv     |$report $in/no_csv
report_missing_column      |2|10|real_ns_median |$report $in/no_real_ns
report_binary_summary      |2|10|binary_csv/init_summary.csv|$report $in/binary_csv
report_quote_in_name       |2|10|q'uote         |$report "$in/q'uote"
report_full_disk           |1|60|$fullrun       |@full $report $fullrun
EOF
)

# ------------------------------------------------------------------------
# Running a case
# ------------------------------------------------------------------------

# What the watched folder holds: every path, and each file's size and
# modification time (any write changes them).
snapshot() {
    (cd "$tmp/w" && find . -name fifo -prune -o -type f -printf '%p %s %T@\n' \
                          -o -printf '%p %y\n' | sort)
}

# Lines of Google Benchmark's own context banner (bench run-time cases).
gb_banner='^([0-9]{4}-[0-9]{2}-[0-9]{2}T|Running |Run on |CPU Caches:|  L[1-3] |Load Average:|\*\*\*WARNING\*\*\*)'

check() {   # NAME WANT_RC LIMIT NEEDLE CMD
    local name=$1 want=$2 limit=$3 needle=$4 cmd=$5 rc before after lines t0 t
    export out=$tmp/w/out
    rm -rf "$out"      # whatever an earlier failing case left there
    if [ "${cmd#@full }" != "$cmd" ]; then
        [ "$can_mount" -eq 1 ] || { echo "skip $name: cannot mount a tmpfs (not root?)"; skipped=$((skipped + 1)); return; }
        cmd=${cmd#@full }
    fi
    # The names needles use, expanded by hand (eval would eat their quotes).
    needle=${needle//\$filled/$filled}; needle=${needle//\$fullrun/$fullrun}
    needle=${needle//\$in/$in}; needle=${needle//\$out/$out}
    before=$(snapshot)
    t0=$(date +%s.%N)
    timeout -k 5 "$limit" bash -c "$cmd" </dev/null >"$tmp/cap/out" 2>"$tmp/cap/err"; rc=$?
    t=$(echo "$(date +%s.%N) - $t0" | bc)
    after=$(snapshot)
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        fail "$name" "still running after $limit s"; return
    fi
    if grep -qE 'Sanitizer|runtime error:' "$tmp/cap/err"; then
        fail "$name" "sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$tmp/cap/err")"; return
    fi
    [ "$rc" -eq "$want" ] || { fail "$name" "exit $rc, expected $want: $(head -n 2 "$tmp/cap/err")"; return; }
    lines=$(grep -vcE "$gb_banner" "$tmp/cap/err")
    if [ "$lines" -ne 1 ] || [ "$(grep -c '^heapbench: ' "$tmp/cap/err")" -ne 1 ]; then
        fail "$name" "expected one heapbench: line on stderr, got: $(grep -vE "$gb_banner" "$tmp/cap/err" | head -n 3)"; return
    fi
    if [ "$needle" != "-" ] && ! grep -qF -- "$needle" "$tmp/cap/err"; then
        fail "$name" "message does not name '$needle': $(cat "$tmp/cap/err")"; return
    fi
    if [ "$before" != "$after" ]; then
        fail "$name" "left something behind: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -n 3 | tr '\n' ' ')"
        return
    fi
    ok "$name ($(printf '%.1f' "$t") s)"
}

start=$(date +%s)
while IFS='|' read -r name want limit needle cmd; do
    name=${name%"${name##*[! ]}"}
    needle=${needle%"${needle##*[! ]}"}
    # "..." quotes a needle whole (to keep its spaces); a needle that only
    # contains quotes, like  needs a unit: "16" , keeps them.
    case $needle in \"*\") needle=${needle#\"}; needle=${needle%\"} ;; esac
    [ -n "$name" ] && check "$name" "$want" "$limit" "$needle" "$cmd"
done <<<"$cases"

echo "cli_hostile: $((passed + failed + skipped)) hostile inputs in $(( $(date +%s) - start )) s, $skipped skipped"
finish
