#!/usr/bin/env bash
# cli_verdict.sh - `heapbench verdict` on the recorded run tests/data/run_verdict
# (regenerate it with tests/data/make_runs.sh): every number of the
# verdict is recomputed from the CSV rows by tests/cli/verdict_check.awk, an
# independent implementation of the same definitions, and must agree; the
# report shows the verdict first, with the same text; the checker does
# catch a wrong number; bad input is refused with one line; on a fresh run
# it finds free's rows by their declared series, not by parameter names.
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
             init.lazy.saving_1tib init.lazy.total_1tib init.chunked.total_1tib \
             free.encoding.order0.away.ns free.encoding.order0.away.pct \
             free.encoding.order9.boundary.ns free.natural.order0.ratio \
             free.unaligned.order9.ratio free.unaligned.order0.ratio_fewer_merges \
             free.unaligned.maxorder_lost free.natural.range_lazy_per_page \
             state.legacy.entries.pages_per_ns state.uninit.bytearray.scan_1tib \
             state.legacy.entries.roofline_pct; do
        grep -q "^ok   $k\$" "$tmp/check" || { fail numbers "no $k"; return; }
    done
    ok "numbers ($(grep -c '^ok' "$tmp/check") recomputed)"
}

# Expect: one estimator whatever the file: the same run without its
# summaries (every number then computed from the per-repetition rows)
# gives the same numbers, to the summaries' print precision.
case_one_estimator() {
    mkdir "$tmp/nosum"; cp "$data"/*.csv "$tmp/nosum/"; rm "$tmp/nosum/"*_summary.csv
    "$hb" verdict --format csv "$tmp/nosum" >"$tmp/n.csv" 2>"$tmp/err" || { fail one_estimator "exit $?"; return; }
    paste -d, <(csvawk 'NR > 1 { csv_split($0, f); print f[1] "," f[2] "," f[3] "," f[4] }' "$tmp/v.csv") \
              <(csvawk 'NR > 1 { csv_split($0, f); print f[1] "," f[2] "," f[3] "," f[4] }' "$tmp/n.csv") |
        awk -F, 'function off(a, b) { return (a - b) ^ 2 > 1e-12 * S }
            { S = $2 * $2 + $3 * $3 + $4 * $4 + 1e-20 }
            $1 != $5 || off($2, $6) || off($3, $7) || off($4, $8) { print; bad = 1 } END { exit bad }' \
        >"$tmp/bad" || { fail one_estimator "$(head -n 2 "$tmp/bad")"; return; }
    [ "$(wc -l <"$tmp/n.csv")" -eq "$(wc -l <"$tmp/v.csv")" ] || { fail one_estimator "not the same numbers"; return; }
    ok one_estimator
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

# Expect: the same run against itself: every number unchanged, written
# "not detected" (or "unchanged (exact)"), never as an effect.
case_delta() {
    "$hb" verdict "$data" "$data" >"$tmp/d" 2>"$tmp/err" || { fail delta "exit $?"; return; }
    local lines same
    lines=$(grep -c '^- ' "$tmp/d"); same=$(grep -Ec -- ': (not detected \(\+/-[^)]*\)|unchanged \(exact\))$' "$tmp/d")
    [ "$lines" -gt 20 ] && [ "$same" -eq "$lines" ] || { fail delta "$same of $lines unchanged"; return; }
    ok delta
}

# run_b is run_a with chunked's init rows 20 % faster and no init summary
# (tests/data/make_runs.sh).  Expect: every chunked number 20 % lower in
# NEW (the same estimator on both sides, though one side has no summary),
# every lazy number the same on both sides and not detected as changed,
# and every change that is detected is chunked's, with -20 % inside its
# interval.
case_delta_injected() {
    "$hb" verdict "$root/tests/data/run_a" "$root/tests/data/run_b" >"$tmp/d" 2>"$tmp/err" \
        || { fail delta_injected "exit $?"; return; }
    awk 'function ns(s,    u) { split(s, u, " "); return u[1] * (u[2] == "s" ? 1e9 : u[2] == "ms" ? 1e6 : u[2] == "us" ? 1e3 : 1) }
        /^- chunked: (boot time|all init|worst)/ {
            split($0, a, " -> "); split(a[1], b, ": "); split(a[2], c, ": ")
            x = ns(b[3]); y = ns(c[1])
            if (x > 0 && (y / x < 0.79 || y / x > 0.81)) { print "chunked: " b[3] " -> " c[1]; bad = 1 } }
        /^- lazy: / && !/saved/ { split($0, a, " -> "); sub(/^[^:]*: [^:]*: /, "", a[1]); split(a[2], c, ": ")
            if (a[1] != c[1] || c[2] !~ /^not detected/) { print "lazy changed: " $0; bad = 1 } }
        /^- / && !/: not detected \(|: unchanged \(exact\)$/ {
            if ($0 !~ /^- chunked: /) { print "detected: " $0; bad = 1; next }
            if (!match($0, /: -[0-9.]+ % \(-[0-9.]+ to [-+]?[0-9.]+\)$/)) { print "no interval: " $0; bad = 1; next }
            s = substr($0, RSTART + 2); split(s, q, /[ ()]+/)
            if (!(q[3] + 0 <= -20 && -20 <= q[5] + 0)) { print "-20 outside: " $0; bad = 1 } }
        END { exit bad }' "$tmp/d" >"$tmp/bad" || { fail delta_injected "$(head -n 2 "$tmp/bad")"; return; }
    grep -q '^- lazy: boot time at 1 TiB: ' "$tmp/d" || { fail delta_injected "no lazy line"; return; }
    ok delta_injected
}

# Expect: the verdict opens with what was measured, where; intervals from
# 3 processes are called approximate; a change not detected is not stated
# as an effect, and no break-even is derived from it.
case_wording() {
    "$hb" verdict --format md "$data" >"$tmp/w" 2>"$tmp/err" || { fail wording "exit $?"; return; }
    sed -n 3p "$tmp/w" | grep -q "^- Measured: heapbench's user-space model of Xen's heap (not Xen itself), on .*NUMA node.*init measured up to 2 GiB" \
        || { fail wording "first line: $(sed -n 3p "$tmp/w")"; return; }
    grep -q '^- 3 processes: interval approximate' "$tmp/w" || { fail wording "3 processes not approximate"; return; }
    if grep -q 'encoding.s cost per order-0 free: not detected' "$tmp/w"; then
        grep -q 'Break-even: no bound at this precision' "$tmp/w" || { fail wording "break-even from a cost not detected"; return; }
    fi
    grep -q 'measured at 2 GiB' "$tmp/w" || { fail wording "worst call without its size"; return; }
    grep -q 'not the same work (fewer merges next to it)' "$tmp/w" || { fail wording "unequal merges not set apart"; return; }
    ok wording
}

# Expect: below the sentences, one table per question in which each row
# holds one strategy's (boundary's, scan's) numbers in the heads' order:
# init's boot per GiB, at the largest size, at 1 TiB, work after boot and
# worst call, each the verdict's own text; no raw key (col=value;...) in
# the Markdown or on the console; the console within 80 columns.
case_tables() {
    local s row want k
    "$hb" verdict --format md "$data" >"$tmp/t.md" 2>"$tmp/err" || { fail tables "exit $?"; return; }
    grep -qF '| | boot per GiB | boot at 2 GiB | at 1 TiB, extrapolated | work after boot, 1 TiB | worst call after boot |' "$tmp/t.md" \
        || { fail tables "no init table head: $(grep -m1 '^| |' "$tmp/t.md")"; return; }
    for s in chunked lazy; do
        want="| $s |"
        for k in boot_per_gib boot_largest boot_1tib deferred_1tib worst; do
            want="$want $(csvawk 'NR == 1 { csv_header($0); next }
                { csv_split($0, f) } csv_col(f, "key") == k { print csv_col(f, "shown") }' -v k="init.$s.$k" "$tmp/v.csv") |"
        done
        grep -qxF -- "$want" "$tmp/t.md" || { fail tables "no row: $want"; return; }
    done
    for row in '| | away, per free | away, relative | at boundary, per free | at boundary, relative |' \
               '| | merges at it | at / away, same work | merges away | at / away, not the same work |' \
               '| | fastest kernel | table read from | pages per ns | % of read roofline | scan of 1 TiB |'; do
        grep -qxF -- "$row" "$tmp/t.md" || { fail tables "no table: $row"; return; }
    done
    "$hb" verdict "$data" >"$tmp/t.txt" 2>"$tmp/err" || { fail tables "console exit $?"; return; }
    "$hb" verdict --format html "$data" >"$tmp/t.html" 2>"$tmp/err" || { fail tables "html exit $?"; return; }
    [ -z "$(awk 'length($0) > 80' "$tmp/t.txt")" ] || { fail tables "console wider than 80: $(awk 'length($0) > 80' "$tmp/t.txt" | head -n 1)"; return; }
    ! grep -E '[a-z_]+=[a-z0-9_]+;' "$tmp/t.md" "$tmp/t.txt" "$tmp/t.html" \
        || { fail tables "raw keys shown"; return; }
    [ "$(grep -c '<table' "$tmp/t.html")" -ge 4 ] || { fail tables "html: fewer than 4 tables"; return; }
    ok "tables ($(grep -c '^| | ' "$tmp/t.md") tables; console $(wc -l <"$tmp/t.txt") lines)"
}

# Expect: exit 2 and one line naming the bad value.
# The verdict finds free's results by the series bench_free.c declares
# (each row's `series` column), not by parameter names: a fresh run of
# block frees at orders 0 and 9, at B and away, legacy and uninit.
# Expect: the free rows name their series; with the parameter columns path,
# variant and encoding renamed the verdict is the same, word for word;
# with the series column emptied it loses the boundary sentence ("no
# difference detected at any of the 2 boundary and order pairs" or a
# difference: either way a sentence the emptied copy lacks).
case_series() {
    local out=$tmp/s dir rc
    "$hb" bench --profile quick --processes 2 --out "$out" \
        --filter '^free/block/boundary:natural/order:(0|9)/where:(away|boundary)/' \
        >"$tmp/s.out" 2>"$tmp/s.err"; rc=$?
    [ "$rc" -eq 0 ] || { fail series "bench exit $rc: $(tail -n 2 "$tmp/s.err")"; return; }
    dir=$(find "$out" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    grep -q '^benchmark,.*,series$' "$dir/free_summary.csv" &&
        grep -q ',block_legacy$' "$dir/free_summary.csv" &&
        grep -q ',block_uninit$' "$dir/free_summary.csv" ||
        { fail series "free_summary.csv names no series"; return; }
    cp -r "$dir" "$tmp/ren" && cp -r "$dir" "$tmp/blank"
    for f in free.csv free_summary.csv; do
        sed -i '1s/,path,variant,encoding,/,x_path,x_variant,x_encoding,/' "$tmp/ren/$f"
        sed -i '2,$s/,[^,]*$/,/' "$tmp/blank/$f"
    done
    "$hb" verdict "$dir" >"$tmp/s.v" 2>&1
    "$hb" verdict "$tmp/ren" >"$tmp/s.ren" 2>&1
    "$hb" verdict "$tmp/blank" >"$tmp/s.blank" 2>&1
    grep -q 'boundary and order pair' "$tmp/s.v" ||
        { fail series "no boundary sentence: $(head -n 8 "$tmp/s.v" | tr '\n' ' ')"; return; }
    cmp -s "$tmp/s.v" "$tmp/s.ren" || { fail series "renamed parameters change the verdict"; return; }
    grep -q 'boundary and order pair' "$tmp/s.blank" &&
        { fail series "the verdict found free's rows without their series"; return; }
    ok series
}

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
case_one_estimator
case_checker_catches
case_report_agrees
case_delta
case_delta_injected
case_wording
case_tables
case_series
case_bad_input
finish
