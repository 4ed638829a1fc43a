#!/usr/bin/env bash
# cli_membudget.sh - `heapbench bench --mem-budget`: a bad size is refused
# with one line naming it and exit status 2; a budget smaller than one
# benchmark's frame table skips that benchmark, never runs it, and says so
# with the table's size and the budget on the console and in skipped.csv;
# a budget that holds it runs it; environment.csv records the budget.
# The benchmark: init on 1 GiB of modelled RAM, one node (an 8 MiB table).
# Usage: tests/cli/cli_membudget.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1

one='init/heap/strategy:chunked/layout:synthetic/ram_gib:1/nodes:1/'
bench() {   # bench NAME BUDGET: one process, one repetition, into $tmp/NAME
    "$hb" bench --profile quick --processes 1 --repetitions 1 --filter "$one" \
        --mem-budget "$2" --out "$tmp/$1" >"$tmp/$1.out" 2>"$tmp/$1.err"
    rc=$?
    run=$(ls -d "$tmp/$1"/2*/ 2>/dev/null | head -n 1)
}

# Bad sizes: exit 2, one line on stderr naming the value, nothing on stdout.
for bad in 12 lots 0M -5G ""; do
    "$hb" bench --mem-budget "$bad" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || [ -s "$tmp/out" ] ||
       ! grep -q -- "--mem-budget.*$bad" "$tmp/err"; then
        fail "bad_budget '$bad'" "exit $rc, stderr: $(head -c 200 "$tmp/err")"
    else
        ok "bad_budget '$bad'"
    fi
done

# 4 MiB: the 8 MiB table and its 2 MiB M2P table do not fit; skipped with
# both sizes.
bench small 4M
if [ "$rc" -ne 0 ] || [ -z "$run" ]; then
    fail skip_small_budget "exit $rc, no results folder: $(head -c 200 "$tmp/small.err")"
elif ! grep -q "needs 10.0 MiB.*budget 4.0 MiB" "$run/skipped.csv" 2>/dev/null; then
    fail skip_small_budget "skipped.csv: $(cat "$run/skipped.csv" 2>/dev/null)"
elif ! grep -A2 "^  [0-9]* x .*needs 10.0 MiB.*budget 4.0 MiB" "$tmp/small.out" | grep -q "e.g. init/heap/"; then
    fail skip_small_budget "console: $(grep -i skip "$tmp/small.out")"
elif [ -f "$run/init.csv" ] && grep -q "^init/heap" "$run/init.csv"; then
    fail skip_small_budget "the skipped benchmark has rows in init.csv"
else
    ok skip_small_budget
fi

# 64 MiB: it fits and runs; the budget is recorded.
bench big 64M
if [ "$rc" -ne 0 ] || [ -z "$run" ]; then
    fail run_big_budget "exit $rc: $(head -c 200 "$tmp/big.err")"
elif [ -f "$run/skipped.csv" ]; then
    fail run_big_budget "skipped: $(cat "$run/skipped.csv")"
elif ! grep -q "^init/heap" "$run/init.csv" 2>/dev/null; then
    fail run_big_budget "no init rows"
elif ! grep -q "^mem_budget_bytes,67108864$" "$run/environment.csv"; then
    fail run_big_budget "environment: $(grep mem_budget "$run/environment.csv")"
else
    ok run_big_budget
fi

finish
