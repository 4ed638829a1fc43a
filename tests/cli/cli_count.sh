#!/usr/bin/env bash
# cli_count.sh - bench --count from the outside: exact counts under
# callgrind, the same in two runs of one binary, in the family CSV's counter
# columns, with environment.csv naming their source; a machine without
# valgrind skips counting with one line.
# Usage: tests/cli/cli_count.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1

# The init family on 1 GiB, one node: chunked (eager boot), lazy (boot
# records runs, the finishing call initialises) and deferred (node threads).
filter='^init/heap/strategy:(chunked|lazy|deferred)/layout:synthetic/ram_gib:1/nodes:1/'

count_run() {   # count_run OUT: one --count run into OUT; prints its folder
    "$hb" bench --profile quick --processes 1 --repetitions 1 --filter "$filter" \
        --out "$1" --count >"$1.out" 2>"$1.err" || return 1
    find "$1" -mindepth 1 -maxdepth 1 -type d | head -n 1
}

# The counted columns of every row, one line per row (strategy first).
counts() {
    csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f)
        print csv_col(f, "strategy"), csv_col(f, "instructions"),
              csv_col(f, "instructions_per_page"), csv_col(f, "data_reads"),
              csv_col(f, "data_writes"), csv_col(f, "cond_branches"),
              csv_col(f, "boot_instructions"), csv_col(f, "deferred_instructions") }' "$1/init.csv"
}

# Two runs of one binary.
# Expect: every single-threaded row (chunked, lazy) counted (instructions >
# 0, boot + deferred = instructions), the same numbers in both runs;
# deferred's rows say in count_note why they are not exact; both
# environment.csv name callgrind with valgrind's version as the source.
# The verdict gives each strategy's instructions per page at boot and
# after, deferred's marked not exact.
case_repeatable() {
    local a b
    a=$(count_run "$tmp/a") || { fail repeatable "run 1: $(tail -n 2 "$tmp/a.err")"; return; }
    b=$(count_run "$tmp/b") || { fail repeatable "run 2: $(tail -n 2 "$tmp/b.err")"; return; }
    local ca cb
    ca=$(counts "$a" | grep -v '^deferred')
    cb=$(counts "$b" | grep -v '^deferred')
    [ "$(echo "$ca" | wc -l)" -eq 2 ] || { fail repeatable "rows: $ca"; return; }
    local bad
    bad=$(echo "$ca" | awk '!($2 > 0) || $4 == "" || $5 == "" || $6 == "" ||
        $7 + $8 != $2 { print "row: " $0 }')
    [ -z "$bad" ] || { fail repeatable "$bad"; return; }
    [ "$ca" = "$cb" ] || { fail repeatable "runs differ: $ca / $cb"; return; }
    csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f) }
        csv_col(f, "strategy") == "deferred" && csv_col(f, "count_note") !~ /not exact/ {
            exit 1 }' "$a/init.csv" ||
        { fail repeatable "deferred row without its note"; return; }
    for d in "$a" "$b"; do
        grep -q '^counter_instructions,"callgrind (exact, valgrind-[0-9]' "$d/environment.csv" ||
            { fail repeatable "environment: $(grep '^counter_' "$d/environment.csv")"; return; }
    done
    grep -q '^counted: ' "$tmp/a.out" || { fail repeatable "no 'counted:' line"; return; }
    ok repeatable
    # The verdict of a counted run: boot work per page of each strategy.
    local v
    v=$("$hb" verdict --format md "$a")
    for s in chunked lazy; do
        grep -q "^  - $s: [0-9.]* instructions per page at boot, [0-9.]* after it (1 GiB; exact)" <<<"$v" ||
            { fail verdict_boot_work "$s: $(grep -i 'per page' <<<"$v")"; return; }
    done
    grep -q '^  - deferred: .*not exact' <<<"$v" || { fail verdict_boot_work "deferred"; return; }
    ok verdict_boot_work
}

# No valgrind on the PATH.
# Expect: the timed run completes (status 0), one "count: skipped:" line
# naming valgrind, empty instruction cells, and environment.csv saying why.
case_no_valgrind() {
    local out=$tmp/nv dir rc
    PATH=/nonexistent "$hb" bench --profile quick --processes 1 --repetitions 1 \
        --filter '^init/heap/strategy:chunked/layout:synthetic/ram_gib:1/nodes:1/' \
        --out "$out" --count >"$out.out" 2>&1; rc=$?
    [ "$rc" -eq 0 ] || { fail no_valgrind "exit $rc: $(tail -n 2 "$out.out")"; return; }
    [ "$(grep -c '^count: skipped: .*valgrind' "$out.out")" -eq 1 ] ||
        { fail no_valgrind "$(grep count "$out.out")"; return; }
    dir=$(find "$out" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f) }
        csv_col(f, "instructions") != "" { exit 1 }' "$dir/init.csv" ||
        { fail no_valgrind "instructions filled without a count"; return; }
    grep -q '^counter_instructions,.*callgrind: valgrind is not installed' "$dir/environment.csv" ||
        { fail no_valgrind "$(grep '^counter_instructions' "$dir/environment.csv")"; return; }
    ok no_valgrind
}

case_repeatable
case_no_valgrind
finish
