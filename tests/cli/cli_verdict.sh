#!/usr/bin/env bash
# cli_verdict.sh - `heapbench verdict` on the recorded run tests/data/run_verdict
# (regenerate it with tests/data/make_runs.sh): every number of the
# verdict is recomputed from the CSV rows by tests/cli/verdict_check.awk, an
# independent implementation of the same definitions, and must agree; the
# report shows the verdict first, with the same text; the checker does
# catch a wrong number; bad input is refused with one line.
# Usage: tests/cli/cli_verdict.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/data/run_verdict

check() { awk -f "$root/plots/csv.awk" -f "$root/tests/cli/verdict_check.awk" -v run="$1" "$2"; }

# run_verdict holds chunked and lazy at 1 and 2 GiB, block frees at orders
# 0 and 9 in both encodings at a natural boundary and in legacy at an
# unaligned one, order-18 fragmentation counts, an order-17 range free and
# 4 MiB state scans.  Expect: each number the verdict prints equals the
# one recomputed from those rows, and the headline numbers are all there.
case_numbers() {
    "$hb" verdict --format csv "$data" >"$tmp/v.csv" 2>"$tmp/err" || { fail numbers "exit $?: $(cat "$tmp/err")"; return; }
    check "$data" "$tmp/v.csv" >"$tmp/check"
    grep -q '^FAIL' "$tmp/check" && { fail numbers "$(grep -m3 '^FAIL' "$tmp/check" | tr '\n' ' ')"; return; }
    for k in init.chunked.boot_1tib init.lazy.boot_per_gib init.lazy.deferred_1tib init.lazy.worst \
             init.lazy.saving_1tib free.encoding.order0.away.ns free.encoding.order0.away.pct \
             free.encoding.order9.boundary.ns init.break_even_frees free.natural.order0.ratio \
             free.unaligned.order9.ratio free.unaligned.maxorder_lost free.natural.range_lazy_per_page \
             state.legacy.entries.pages_per_ns state.uninit.bytearray.scan_1tib \
             state.legacy.entries.roofline_pct; do
        grep -q "^ok   $k\$" "$tmp/check" || { fail numbers "no $k"; return; }
    done
    ok "numbers ($(grep -c '^ok' "$tmp/check") recomputed)"
}

# Expect: a checker fed one number off by 1 % reports it (the test can fail).
case_checker_catches() {
    csvawk 'NR == 1 { csv_header($0); print; next }
        { n = csv_split($0, f)
          if (csv_col(f, "key") == "free.encoding.order0.away.ns") f[csv_pos["value"]] = csv_col(f, "value") * 1.01 + 0.5
          line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? "," : "") csv_quote(f[i]); print line }' \
        "$tmp/v.csv" >"$tmp/bad.csv"
    check "$data" "$tmp/bad.csv" | grep -q '^FAIL free.encoding.order0.away.ns' \
        || { fail checker_catches "a wrong number passed"; return; }
    ok checker_catches
}

# Expect: report.md and report.html open with the verdict (before the
# figures, the tables and the environment) and show each number exactly
# as the verdict computed it.
case_report_agrees() {
    cp -r "$data" "$tmp/run"
    HEAPBENCH=$hb bash "$root/plots/report.sh" "$tmp/run" >"$tmp/out" 2>"$tmp/err" \
        || { fail report_agrees "report exit $?: $(head -n 3 "$tmp/err")"; return; }
    [ "$(grep -m1 '^## ' "$tmp/run/report.md")" = "## Verdict" ] || { fail report_agrees "verdict not first"; return; }
    local envline verline
    envline=$(grep -n '^## Environment' "$tmp/run/report.md" | cut -d: -f1)
    verline=$(grep -n '^## Verdict' "$tmp/run/report.md" | cut -d: -f1)
    [ -n "$envline" ] && [ "$envline" -gt "$verline" ] || { fail report_agrees "environment not after the verdict"; return; }
    [ "$(grep -c 'id="verdict"' "$tmp/run/report.html")" -eq 1 ] || { fail report_agrees "no verdict in HTML"; return; }
    local n=0 shown
    while IFS= read -r shown; do
        grep -qF -- "$shown" "$tmp/run/report.md" || { fail report_agrees "report.md lacks \"$shown\""; return; }
        grep -qF -- "$shown" "$tmp/run/report.html" || { fail report_agrees "report.html lacks \"$shown\""; return; }
        n=$((n + 1))
    done < <(csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f); print csv_col(f, "shown") }' "$tmp/v.csv")
    [ "$n" -gt 20 ] || { fail report_agrees "only $n numbers"; return; }
    ok report_agrees
}

# Expect: the same run against itself: every number unchanged (+0.0 %).
case_delta() {
    "$hb" verdict "$data" "$data" >"$tmp/d" 2>"$tmp/err" || { fail delta "exit $?"; return; }
    local lines same
    lines=$(grep -c '^- ' "$tmp/d"); same=$(grep -c -- '(+0.0 %)$' "$tmp/d")
    [ "$lines" -gt 20 ] && [ "$same" -ge $((lines - 2)) ] || { fail delta "$same of $lines unchanged"; return; }
    ok delta
}

# Expect: exit 2 and one line naming the bad value.
case_bad_input() {
    local rc
    "$hb" verdict "$tmp/nowhere" >/dev/null 2>"$tmp/err"; rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q nowhere "$tmp/err" \
        || { fail bad_input "missing folder: exit $rc: $(cat "$tmp/err")"; return; }
    "$hb" verdict --format pdf "$data" >/dev/null 2>"$tmp/err"; rc=$?
    [ "$rc" -eq 2 ] && grep -q pdf "$tmp/err" || { fail bad_input "bad format: exit $rc"; return; }
    mkdir "$tmp/empty"
    "$hb" verdict "$tmp/empty" >/dev/null 2>"$tmp/err"; rc=$?
    [ "$rc" -eq 2 ] || { fail bad_input "empty folder: exit $rc"; return; }
    ok bad_input
}

case_numbers
case_checker_catches
case_report_agrees
case_delta
case_bad_input
finish
