#!/usr/bin/env bash
# cli_report.sh - plots/report.sh on a copy of the fixture run
# tests/data/run_a and tests/data/run_verdict (never on the fixtures
# themselves): the report files and the figures appear, the sections come
# in the reader's order (verdict with its Xen part, figures, tables, skipped,
# environment), the Xen section reads xen_fidelity.csv or says none ran,
# table numbers never wrap from their units, skipped benchmarks are listed
# with their reason, a run without one family still reports (the figures
# of that family skipped with a note), a family no figure script knows gets
# its table and a note, every column and key of the fixtures is in
# docs/results-format.md, a bad folder is refused with one line.
# Usage: tests/cli/cli_report.sh HEAPBENCH (for the verdict)
set -u
. "$(dirname "$0")/lib.sh"
hb=$1
root=$(cd "$(dirname "$0")/../.." && pwd)

report() { HEAPBENCH=$hb bash "$root/plots/report.sh" "$@" >"$tmp/out" 2>"$tmp/err"; }
# env_a KEY: the value of KEY in run_a's environment.csv (tests/data/make_runs.sh
# records it from the machine it ran on).
env_a() { awk -v k="$1" 'index($0, k ",") == 1 { print substr($0, length(k) + 2) }' \
              "$root/tests/data/run_a/environment.csv"; }

case_full() {
    cp -r "$root/tests/data/run_a" "$tmp/run"
    report "$tmp/run" || { fail full "exit $?: $(head -n 3 "$tmp/err")"; return; }
    for f in report.md report.html figures/init_cost.png figures/init_cost.svg \
             figures/state_scan.png figures/ratio.png figures/shim.png figures/free_frag.png \
             figures/init_deferred.png figures/init_tail.png figures/free_cost.png \
             figures/init_boot.png figures/init_boot.svg; do
        [ -s "$tmp/run/$f" ] || { fail full "missing $f"; return; }
    done
    # run_a has no uninit block frees: no free_encoding figure, the other nine
    [ "$(ls "$tmp/run"/figures/*.png | wc -l)" -eq 9 ] || { fail full "expected 9 PNG figures"; return; }
    grep -q '^- free_encoding: skipped: no uninit block frees' "$tmp/run/report.md" \
        || { fail full "no note for free_encoding"; return; }
    ls -a "$tmp/run" | grep -q '^\.report' && { fail full "temporary folder left behind"; return; }
    ok full
}

# Expect, in every figure drawn (its SVG's text): no raw parameter key
# ("nodes=1", "boot_alloc_mib"); every figure with interval bars names
# them as the verdict's 95 % confidence interval; every log axis says
# "log scale".
case_figure_text() {
    local svg t
    for svg in "$tmp/run"/figures/*.svg; do
        t=$(grep -o '<text[^>]*>[^<]*' "$svg" | sed 's/<text[^>]*>//' | tr '\n' ' ')
        if grep -qE '[a-z_]+=[A-Za-z0-9]|boot_alloc_mib|ram_gib|table_bytes' <<<"$t"; then
            fail figure_text "${svg##*/}: a raw key: $(grep -oE '[a-z_]+=[A-Za-z0-9]+|boot_alloc_mib|ram_gib|table_bytes' <<<"$t" | head -n 1)"; return
        fi
        case ${svg##*/} in free_frag.svg) ;; *)
            grep -q '95 % confidence interval' <<<"$t" || { fail figure_text "${svg##*/}: bars not named"; return; } ;;
        esac
        if grep -q 'set logscale' "$root/plots/$(basename "$svg" .svg).gp" && ! grep -q 'log scale' <<<"$t"; then
            fail figure_text "${svg##*/}: a log axis not marked"; return
        fi
    done
    ! grep -h 'using' "$root"/plots/init_*.gp "$root"/plots/state_scan.gp "$root"/plots/shim.gp "$root"/plots/ratio.gp |
        grep -qE '_(min|max)"' || { fail figure_text "a figure still draws min-max bars"; return; }
    ok figure_text
}

case_html_self_contained() {
    local h=$tmp/run/report.html
    [ -s "$h" ] || { fail html "no report.html"; return; }
    [ "$(grep -o 'src="data:image/png;base64,' "$h" | wc -l)" -eq 9 ] || { fail html "figures not inlined"; return; }
    grep -q 'src="figures/' "$h" && { fail html "refers to files beside it"; return; }
    grep -q 'without NDEBUG; it is not about heapbench' "$h" || { fail html "no note on the debug label"; return; }
    grep -q '<td class=n>heap</td><td class=n>chunked</td><td class=n>synthetic</td><td class=n>2</td>' "$h" \
        || { fail html "benchmark table missing (parameters as columns)"; return; }
    grep -Eq '<td>[0-9.]+&nbsp;ms</td>' "$h" || { fail html "a time not joined to its unit"; return; }
    grep -q 'white-space: nowrap' "$h" || { fail html "table cells may wrap"; return; }
    grep -qF "<td class=n>kernel</td><td class=n>$(env_a kernel)</td>" "$h" || { fail html "environment missing"; return; }
    ok html
}

case_md() {
    local m=$tmp/run/report.md
    grep -q "^# heapbench report: $(env_a host)" "$m" || { fail md "title"; return; }
    grep -qxF "| kernel | $(env_a kernel) |" "$m" || { fail md "environment"; return; }
    grep -Eq '^\| [0-9]+ \| heap \| chunked \| synthetic \| 2 \| 1 \| yes \| 0 \| [0-9]+x[0-9]+ \| [0-9.]+&nbsp;[mu]?s \| [0-9.]+&nbsp;[mu]?s&nbsp;-&nbsp;[0-9.]+&nbsp;[mu]?s \| [0-9.]+ \|$' "$m" \
        || { fail md "benchmark row"; return; }
    # the reader's order: verdict, figures, tables, skipped, environment
    local order
    order=$(grep -E '^## ' "$m" | sed 's/^## //' | tr '\n' '|')
    case $order in
        "Verdict|Figures|Every benchmark, by family|Skipped benchmarks|"*"|Environment|") ;;
        *) fail md "sections out of order: $order"; return ;;
    esac
    grep -q 'without NDEBUG; it is not about heapbench' "$m" || { fail md "no note on the debug label"; return; }
    ok md
}

case_family_missing() {
    cp -r "$root/tests/data/run_a" "$tmp/nofree"
    rm "$tmp/nofree"/free*.csv
    report "$tmp/nofree" || { fail family_missing "exit $?: $(head -n 3 "$tmp/err")"; return; }
    grep -q 'free_cost: skipped: no .*free_summary.csv' "$tmp/nofree/report.md" \
        || { fail family_missing "no note for the skipped figure"; return; }
    [ -e "$tmp/nofree/figures/free_cost.png" ] && { fail family_missing "drew free_cost"; return; }
    [ -s "$tmp/nofree/figures/init_cost.png" ] || { fail family_missing "other figures missing"; return; }
    ok family_missing
}

# run_verdict has uninit block frees; one skipped benchmark is added.
# Expect: the free figures drawn (ratio panels, the encoding's cost), the
# skipped benchmark listed with its reason in both reports.
case_verdict_run() {
    cp -r "$root/tests/data/run_verdict" "$tmp/rv"
    printf 'benchmark,reason\nstate/scan/impl:avx512,"no AVX-512 on this CPU, skipped"\n' >"$tmp/rv/skipped.csv"
    report "$tmp/rv" || { fail verdict_run "exit $?: $(head -n 3 "$tmp/err")"; return; }
    for f in free_cost free_encoding; do
        [ -s "$tmp/rv/figures/$f.png" ] && [ -s "$tmp/rv/figures/$f.svg" ] || { fail verdict_run "no $f figure"; return; }
    done
    grep -q '^| `state/scan/impl:avx512` | no AVX-512 on this CPU, skipped |$' "$tmp/rv/report.md" \
        || { fail verdict_run "skipped benchmark not listed"; return; }
    grep -q '<td class=n>state/scan/impl:avx512</td><td class=n>no AVX-512 on this CPU, skipped</td>' \
        "$tmp/rv/report.html" || { fail verdict_run "skipped benchmark not in the HTML"; return; }
    ok verdict_run
}

# Families come from the folder's <family>_summary.csv files, not from a
# list: run_a with a family "extra" that no figure script draws (a copy of
# the shim's tables under another name).  Expect: a table headed "extra"
# with its benchmarks, a note that it has no figure, the other figures as
# before.
case_new_family() {
    cp -r "$root/tests/data/run_a" "$tmp/nf"
    sed 's|shim/|extra/|' "$tmp/nf/shim_summary.csv" >"$tmp/nf/extra_summary.csv"
    sed 's|shim/|extra/|' "$tmp/nf/shim.csv" >"$tmp/nf/extra.csv"
    report "$tmp/nf" || { fail new_family "exit $?: $(head -n 3 "$tmp/err")"; return; }
    grep -q '^### extra$' "$tmp/nf/report.md" || { fail new_family "no table for extra"; return; }
    grep -q '^| [0-9]* | c_batch |' "$tmp/nf/report.md" || { fail new_family "extra's rows missing"; return; }
    grep -q '^- extra: no figure' "$tmp/nf/report.md" || { fail new_family "no note for extra"; return; }
    [ "$(ls "$tmp/nf"/figures/*.png | wc -l)" -eq 9 ] || { fail new_family "figures changed"; return; }
    ok new_family
}

# The fixtures hold every family (tests/data/make_runs.sh writes them with
# the current binary).  Expect: every column and environment key they use
# is named in docs/results-format.md.
case_documented() {
    local d missing
    for d in run_a run_verdict; do
        missing=$(bash "$root/tests/cli/undocumented.sh" "$root/tests/data/$d") \
            || { fail documented "undocumented.sh failed on $d"; return; }
        [ -z "$missing" ] || { fail documented "$d: not in docs/results-format.md:$missing"; return; }
    done
    ok documented
}

case_bad_dir() {
    report "$tmp/nowhere"; local rc=$?
    [ "$rc" -eq 2 ] || { fail bad_dir "exit $rc, expected 2"; return; }
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || { fail bad_dir "not one line: $(cat "$tmp/err")"; return; }
    mkdir "$tmp/empty"
    report "$tmp/empty"; rc=$?
    [ "$rc" -eq 2 ] || { fail bad_dir "empty folder: exit $rc"; return; }
    ok bad_dir
}

# The real-Xen part is the verdict's (one home: bench/compare/verdict_xen.c).
# Expect: without xen_fidelity.csv the report says no Xen check was run;
# with one (two layouts, one row out of band) the end_boot_allocator line
# is the mean of its rows (Xen 58, model 54: 0.93x), the rows in band and
# with equal blocks are counted, and the row outside is named; the same in
# the HTML; the part appears once.
case_fidelity() {
    cp -r "$root/tests/data/run_a" "$tmp/fid"
    rm -f "$tmp/fid/xen_fidelity.csv"
    report "$tmp/fid" || { fail fidelity "exit $?"; return; }
    grep -q '^- No Xen check was run on this machine' "$tmp/fid/report.md" || { fail fidelity "no 'none run' line"; return; }
    printf '%s\n' 'layout,path,order,where,xen_instructions,model_instructions,ratio,blocks_equal' \
        '2x2G,end_boot_allocator,-,all,58.00,53.00,0.914,1' \
        '4x1G,end_boot_allocator,-,all,58.00,55.00,0.948,1' \
        '4x1G,alloc_heap_pages,18,node0-none,2453,2136,0.871,1' \
        '4x1G,free_heap_pages,0,node0-away,249,271,1.088,0' >"$tmp/fid/xen_fidelity.csv"
    report "$tmp/fid" || { fail fidelity "exit $?"; return; }
    local m=$tmp/fid/report.md
    grep -qF "The model runs 0.93x Xen 4.17's instructions per page in end_boot_allocator (Xen 58, model 54, exact" "$m" \
        || { fail fidelity "end_boot_allocator line: $(grep -m1 'model runs' "$m")"; return; }
    grep -qF "3 of 4 operations within 0.90-1.10 of Xen's count; free blocks and allocated MFNs identical to Xen's in 3 of 4. Outside the band: alloc o18 none: 0.871x (Xen 2453, model 2136; 4x1G node0-none)" "$m" \
        || { fail fidelity "rows line: $(grep -m1 'operations within' "$m")"; return; }
    [ "$(grep -c 'Real Xen 4.17, exact instructions' "$m")" -eq 1 ] || { fail fidelity "the Xen part is not there once"; return; }
    grep -q 'Real Xen 4.17, exact instructions' "$tmp/fid/report.html" || { fail fidelity "not in the HTML"; return; }
    ok fidelity
}

case_rerun_replaces() {
    report "$tmp/run" || { fail rerun "exit $?"; return; }
    [ "$(ls "$tmp/run"/figures/*.png | wc -l)" -eq 9 ] || { fail rerun "figures"; return; }
    ls -a "$tmp/run" | grep -q -e '^\.report' -e '^\.figures' && { fail rerun "leftovers"; return; }
    ok rerun
}

case_full
case_figure_text
case_html_self_contained
case_md
case_family_missing
case_verdict_run
case_new_family
case_documented
case_bad_dir
case_fidelity
case_rerun_replaces
finish
