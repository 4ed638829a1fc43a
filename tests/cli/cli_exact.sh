#!/usr/bin/env bash
# cli_exact.sh - compare of exact counts (bench --count) from the outside:
# no statistics, any difference a change printed "+N (+x %)", zero counts
# allowed, a row whose count is not exact set apart; sides whose counts
# are not exact fall back to the statistics.
# Usage: tests/cli/cli_exact.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1

# run DIR SOURCE "name value note" ...: a results folder with free.csv
# (two processes, the same count in each) and environment.csv naming SOURCE
# as the source of the instructions column.
run() {
    local d=$1 src=$2; shift 2
    mkdir -p "$d"
    printf 'key,value\ncounter_instructions,"%s"\n' "$src" >"$d/environment.csv"
    {
        echo "benchmark,process,real_ns,instructions,count_note"
        for row in "$@"; do
            set -- $row
            for p in 0 1; do echo "$1,$p,10$p,$2,${3:-}"; done
        done
    } >"$d/free.csv"
}

cg='callgrind (exact, valgrind-3.19.0)'
run "$tmp/a" "$cg" "free/x 2029" "free/y 0" "free/z 50 threads" "free/w 7"
run "$tmp/b" "$cg" "free/x 2030" "free/y 5" "free/z 51 threads" "free/w 7"

# Expect: x +1 (+0.05 %), y +5 (from 0), w unchanged, z not exact (its
# note); the totals line; status 0; the CSV with one row each.
case_changes() {
    local out rc
    out=$("$hb" compare "$tmp/a" "$tmp/b" --metric instructions --csv "$tmp/c.csv" 2>&1); rc=$?
    [ "$rc" -eq 0 ] || { fail changes "exit $rc: $out"; return; }
    grep -q '^ *2029 *2030  +1 (+0.05 %)  <- changed$' <<<"$out" || { fail changes "x: $out"; return; }
    grep -q '+5 (from 0)  <- changed$' <<<"$out" || { fail changes "y: $out"; return; }
    grep -q '^ *50 *51  not exact' <<<"$out" || { fail changes "z: $out"; return; }
    grep -q '^4 benchmarks: 2 changed, 1 the same, 1 not exact$' <<<"$out" ||
        { fail changes "totals: $(tail -n 1 <<<"$out")"; return; }
    [ "$(grep -c '^free/' "$tmp/c.csv")" -eq 4 ] || { fail changes "csv: $(cat "$tmp/c.csv")"; return; }
    ok changes
}

# One folder against itself.
# Expect: nothing changed.
case_same() {
    local out
    out=$("$hb" compare "$tmp/a" "$tmp/a" --metric instructions 2>&1)
    grep -q '^4 benchmarks: 0 changed, 3 the same, 1 not exact$' <<<"$out" ||
        { fail same "$out"; return; }
    ok same
}

# Counts from perf on one side: not exact.
# Expect: a warning naming the exact side, then the statistical table
# (its q column), not the exact one.
case_not_exact() {
    local out
    run "$tmp/p" "perf" "free/x 2029" "free/w 7"
    out=$("$hb" compare "$tmp/a" "$tmp/p" --metric instructions 2>&1)
    grep -q 'only the base side is an exact count' <<<"$out" || { fail not_exact "$out"; return; }
    grep -q 'any difference is a change' <<<"$out" && { fail not_exact "exact table: $out"; return; }
    ok not_exact
}

# The verdict of a counted run: free and alloc rows with instructions.
#   free order 0 away: legacy 2029, uninit 2047 (times 100 and 101 ns)
#   alloc order 0 ready: 1761 both
# Expect: the encoding's lines in instructions first, the time beside
# them; "adds no instruction" for the allocation; the answer in short.
case_verdict() {
    local d=$tmp/v out
    mkdir -p "$d"
    printf 'key,value\ncounter_instructions,"%s"\n' "$cg" >"$d/environment.csv"
    {
        echo "benchmark,what,boundary,order,where,variant,encoding,process,real_ns,instructions"
        for e in legacy uninit; do
            for p in 0 1 2; do
                n=$([ $e = legacy ] && echo 2029 || echo 2047)
                echo "free/block/o0/$e,block,natural,0,away,node_check,$e,$p,10$p,$n"
            done
        done
    } >"$d/free.csv"
    {
        echo "benchmark,what,order,state,encoding,process,real_ns,instructions"
        for e in legacy uninit; do
            for p in 0 1 2; do echo "alloc/block/o0/$e,block,0,ready,$e,$p,5$p,1761"; done
        done
    } >"$d/alloc.csv"
    out=$("$hb" verdict --format md "$d" 2>&1)
    grep -q 'adds +18 instructions to an order-0 free away from a boundary .*(2029 -> 2047; exact; time: ' <<<"$out" ||
        { fail verdict "free: $out"; return; }
    grep -q 'adds no instruction to an order-0 allocation' <<<"$out" || { fail verdict "alloc: $out"; return; }
    grep -q '^- Exactly: the uninit encoding adds +18 instructions' <<<"$out" ||
        { fail verdict "in short: $out"; return; }
    ok verdict
}

case_changes
case_same
case_not_exact
case_verdict
finish
