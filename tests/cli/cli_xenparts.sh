#!/usr/bin/env bash
# cli_xenparts.sh - what real Xen said, in the verdict and the letter: a
# copy of tests/data/run_verdict with the fixture tables of
# tests/data/xen_tables (a xen-check's and a xen-bench's) gets the
# sentences whose figures this suite recomputes from the fixture, and
# again after a figure of the fixture is changed; without the tables, the
# sentence that no Xen check was run and the command that runs one;
# `heapbench bench` copies the tables beside its binary and notes them in
# environment.csv; the report's variants part is the fixture's too.
# `verdict BASE NEW` names every number in words and says an exact one
# that did not change once; the letter's changes from a base run have real
# Xen's exact figures.  Letter lines stay within 72 columns.
# Usage: tests/cli/cli_xenparts.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/data

# run NAME: a copy of run_verdict with the fixture tables, in $tmp/NAME.
run() {
    rm -rf "${tmp:?}/$1"
    cp -r "$data/run_verdict" "$tmp/$1" && cp "$data/xen_tables/"*.csv "$tmp/$1/"
}

# The verdict's Markdown (one line a sentence) and the letter, joined into
# one line each, in $tmp/md and $tmp/letter; the letter kept as is in $tmp/l.
outputs() {
    "$hb" verdict --format md "$1" >"$tmp/md" 2>"$tmp/err" &&
        "$hb" letter "$1" >"$tmp/l" 2>>"$tmp/err" || return 1
    tr '\n' ' ' <"$tmp/l" | tr -s ' ' >"$tmp/letter"
}

narrow() { awk 'length($0) > 72' "$tmp/l" | head -n 1; }

# "0.91x ... (Xen 58.0, model 53.0" and "N of M operations" from a
# fidelity table: the mean of the end_boot_allocator rows, the rows in band.
fidelity_expect() {
    csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f) }
        csv_col(f, "path") == "end_boot_allocator" { n++; x += csv_col(f, "xen_instructions"); m += csv_col(f, "model_instructions") }
        { rows++; r = csv_col(f, "ratio") + 0; band += (r >= 0.90 && r <= 1.10) }
        END { printf "%.2fx|Xen %.1f, model %.1f|%d of %d\n", m / x, x / n, m / n, band, rows }' "$1"
}

# Expect: no tables, the sentence that no Xen check was run and the
# command, in the verdict's text, its Markdown and the letter.
case_none() {
    local l
    rm -rf "$tmp/none"; cp -r "$data/run_verdict" "$tmp/none"
    outputs "$tmp/none" || { fail none "exit: $(cat "$tmp/err")"; return; }
    grep -q 'No Xen check was run on this machine.*`make xen-check`' "$tmp/md" &&
        "$hb" verdict "$tmp/none" | grep -q 'No Xen check was run on this machine' &&
        grep -q 'No Xen check was run on this machine.*(make xen-check' "$tmp/letter" ||
        { fail none "no 'no Xen check' sentence: $(grep -i xen "$tmp/md" | head -n 2)"; return; }
    ! grep -q 'model runs' "$tmp/letter" || { fail none "a fidelity figure without a table"; return; }
    l=$(narrow); [ -z "$l" ] || { fail none "letter wider than 72: $l"; return; }
    ok none
}

# Expect: the headline figures and the in-band count are the fixture's,
# and follow a change of the fixture's end_boot_allocator count.
case_fidelity() {
    local e r s b l
    run fid
    for pass in 1 2; do
        e=$(fidelity_expect "$tmp/fid/xen_fidelity.csv")
        IFS='|' read -r r s b <<<"$e"
        outputs "$tmp/fid" || { fail fidelity "exit: $(cat "$tmp/err")"; return; }
        grep -qF "The model runs $r Xen 4.17's instructions per page in end_boot_allocator ($s, exact" "$tmp/md" ||
            { fail fidelity "pass $pass: no '$r ($s' in the verdict: $(grep 'model runs' "$tmp/md")"; return; }
        grep -qF "$b operations within 0.90-1.10" "$tmp/md" && grep -qF "$b operations within" "$tmp/letter" ||
            { fail fidelity "pass $pass: no '$b operations'"; return; }
        grep -qF "The model runs $r Xen 4.17's instructions per page in end_boot_allocator ($s, exact)" "$tmp/letter" ||
            { fail fidelity "pass $pass: letter: $(grep -A2 'model runs' "$tmp/l")"; return; }
        l=$(narrow); [ -z "$l" ] || { fail fidelity "letter wider than 72: $l"; return; }
        # pass 2: Xen's count on one layout up, one row out of the band
        sed -i -e 's/^2x2G,end_boot_allocator,-,all,58.02,/2x2G,end_boot_allocator,-,all,70.50,/' \
            -e 's/^2x2G,free_heap_pages,9,node0-away,16085,16622,1.033,/2x2G,free_heap_pages,9,node0-away,16085,18622,1.158,/' \
            "$tmp/fid/xen_fidelity.csv"
        [ "$pass" = 2 ] || prev=$r
    done
    [ "$prev" != "$r" ] || { fail fidelity "the change made no difference ($r)"; return; }
    grep -qF 'free o9 away: 1.158x (Xen 16085, model 18622; 2x2G node0-away)' "$tmp/md" ||
        { fail fidelity "the row out of band is not named: $(grep 'Outside' "$tmp/md")"; return; }
    ok "fidelity ($prev, then $r)"
}

# The encoding's cost (patch - pagewise) to an order-0 free away from a
# boundary, over the fixture's rows: "+4" or "+4 to +6".
encoding_expect() {
    csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f); w = csv_col(f, "where"); sub(/^node[0-9]+-/, "", w) }
        csv_col(f, "path") == "free_heap_pages" && csv_col(f, "order") == 0 && w == "away" {
            x[csv_col(f, "variant"), csv_col(f, "layout")] = csv_col(f, "instructions"); l[csv_col(f, "layout")] = 1 }
        END { for (k in l) if (("patch", k) in x && ("pagewise", k) in x) { d = x["patch", k] - x["pagewise", k]
                  if (!n++ || d < lo) lo = d; if (n == 1 || d > hi) hi = d }
              if (lo == hi) printf "%+d\n", lo; else printf "%+d to %+d\n", lo, hi }' "$1"
}

# page-wise over stock per page of end_boot_allocator: "391 against 58.0 (6.7x)".
init_expect() {
    csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f) }
        csv_col(f, "path") == "end_boot_allocator" { v = csv_col(f, "variant"); s[v] += csv_col(f, "per_page"); n[v]++ }
        END { p = s["pagewise"] / n["pagewise"]; c = s["stock"] / n["stock"]
              printf (p >= 100 ? "%.0f" : "%.1f") " against " (c >= 100 ? "%.0f" : "%.1f") " (%.1fx)\n", p, c, p / c }' "$1"
}

# Expect: real Xen's encoding cost and page-wise over chunked are the
# fixture's, and follow a change of one of its counts.
case_variants() {
    local e i l
    run var
    for pass in 1 2; do
        e=$(encoding_expect "$tmp/var/xen_variants.csv")
        i=$(init_expect "$tmp/var/xen_variants.csv")
        outputs "$tmp/var" || { fail variants "exit: $(cat "$tmp/err")"; return; }
        grep -qF "adds, in instructions, $e to an order-0 free away from a boundary" "$tmp/md" ||
            { fail variants "pass $pass: no '$e' in the verdict: $(grep 'uninit encoding' "$tmp/md")"; return; }
        grep -qF "the uninit encoding adds $e instructions to an order-0 free" "$tmp/letter" ||
            { fail variants "pass $pass: no '$e' in the letter"; return; }
        grep -qF "page-wise init (as up to 4.16) runs ${i% against*} instructions" "$tmp/md" &&
            grep -qF "against chunked: $i" "$tmp/letter" ||
            { fail variants "pass $pass: no '$i': $(grep 'page-wise' "$tmp/md")"; return; }
        l=$(narrow); [ -z "$l" ] || { fail variants "letter wider than 72: $l"; return; }
        # pass 2: the encoding costs 2 more on 4x1G, page-wise init 9 more a page
        sed -i -e 's/^patch,4x1G,free_heap_pages,0,node3-away,248,/patch,4x1G,free_heap_pages,0,node3-away,250,/' \
            -e 's/^pagewise,2x2G,end_boot_allocator,-,all,409900000,391.00/pagewise,2x2G,end_boot_allocator,-,all,419000000,400.00/' \
            "$tmp/var/xen_variants.csv"
        [ "$pass" = 2 ] || prev="$e; $i"
    done
    [ "$prev" != "$e; $i" ] || { fail variants "the change made no difference ($prev)"; return; }
    ok "variants ($prev, then $e; $i)"
}

# Expect: where the model's encoding cost or a row is more than 10 % off
# Xen's, both figures and "disagree"; made to agree, neither.
case_disagree() {
    run dis
    outputs "$tmp/dis" || { fail disagree "exit: $(cat "$tmp/err")"; return; }
    # fixture: Xen +4 (253 - 249), model +22 (293 - 271) at order 0 away
    grep -qF '+4 to an order-0 free away from a boundary (the model: +22: they disagree)' "$tmp/md" &&
        grep -qF -- "- the encoding's cost, free o0 away: model +22, Xen +4" "$tmp/l" &&
        grep -qF -- '- patch free o0 away: model 293, Xen 253 (1.158x)' "$tmp/l" ||
        { fail disagree "no disagreement shown: $(grep -i disagree "$tmp/md" "$tmp/l")"; return; }
    sed -i 's/^patch,2x2G,free_heap_pages,0,node0-away,253,293,1.158,/patch,2x2G,free_heap_pages,0,node0-away,253,275,1.087,/' \
        "$tmp/dis/xen_variants_model.csv"
    outputs "$tmp/dis" || { fail disagree "exit: $(cat "$tmp/err")"; return; }
    ! grep -qi 'disagree' "$tmp/l" && grep -qF '(the model: +4, the same)' "$tmp/md" ||
        { fail disagree "still a disagreement: $(grep -i disagree "$tmp/md" "$tmp/l")"; return; }
    ! "$hb" verdict --format csv "$tmp/dis" | grep -q '^xen\.disagree\.' ||
        { fail disagree "xen.disagree keys left"; return; }
    ok disagree
}

# Expect: bench copies the tables beside its binary and notes their source
# and date in environment.csv; the verdict says how old the table is.
case_bench_copies() {
    local bin=$tmp/bin dir
    mkdir -p "$bin/xen"
    own_copy "$hb" "$bin/heapbench"
    cp "$data/xen_tables/xen_fidelity.csv" "$bin/xen/fidelity.csv"
    cp "$data/xen_tables/xen_variants.csv" "$bin/xen/variants.csv"
    touch -d '2026-01-02 03:04:05 UTC' "$bin/xen/fidelity.csv"
    "$bin/heapbench" bench --profile quick --filter 'shim/c_single' --processes 1 --repetitions 1 \
        --out "$tmp/out" >"$tmp/b.out" 2>&1 || { fail bench_copies "bench: $(tail -n 2 "$tmp/b.out")"; return; }
    dir=$(ls -d "$tmp/out"/2*/)
    cmp -s "$bin/xen/fidelity.csv" "$dir/xen_fidelity.csv" && cmp -s "$bin/xen/variants.csv" "$dir/xen_variants.csv" ||
        { fail bench_copies "tables not copied: $(ls "$dir")"; return; }
    [ ! -e "$dir/xen_variants_model.csv" ] || { fail bench_copies "a variants-model table from nowhere"; return; }
    grep -qx "xen_fidelity_date,2026-01-02T03:04:05Z" "$dir/environment.csv" &&
        grep -qx "xen_fidelity_from,$bin/xen/fidelity.csv" "$dir/environment.csv" &&
        grep -q '^xen_variants_date,' "$dir/environment.csv" &&
        ! grep -q '^xen_variants_model_' "$dir/environment.csv" ||
        { fail bench_copies "environment.csv: $(grep '^xen_' "$dir/environment.csv" | tr '\n' ' ')"; return; }
    # the verdict of a fixture run with that note: the table's date and age
    run aged
    grep '^xen_fidelity_' "$dir/environment.csv" >>"$tmp/aged/environment.csv"
    "$hb" verdict --format md "$tmp/aged" | grep -qF 'the table of a `make xen-check` of 2026-01-02T03:04:05Z' ||
        { fail bench_copies "the verdict does not date the table"; return; }
    ok bench_copies
}

# Expect: the report's variants part has the fixture's encoding cost and
# page-wise over stock, and follows a change; without tables, one sentence.
case_report() {
    local prev=""
    run rep
    for pass in 1 2; do
        HEAPBENCH=$hb bash "$root/plots/report.sh" "$tmp/rep" >/dev/null 2>"$tmp/err" ||
            { fail report "report.sh: $(cat "$tmp/err")"; return; }
        sed -n "/^### Real Xen 4.17, exact instructions/,/^### Intervals/p" "$tmp/rep/report.md" >"$tmp/part"
        "$hb" verdict --format md "$tmp/rep" | sed -n "/^### Real Xen 4.17, exact instructions/,/^### Intervals/p" >"$tmp/vpart"
        [ -s "$tmp/part" ] && cmp -s "$tmp/part" "$tmp/vpart" ||
            { fail report "pass $pass: the report's Xen part is not the verdict's"; return; }
        grep -q "Real Xen, exact instructions: each variant" "$tmp/part" ||
            { fail report "pass $pass: no variants in: $(head -c 300 "$tmp/part")"; return; }
        [ "$(grep -c 'Real Xen 4.17, exact instructions' "$tmp/rep/report.md")" -eq 1 ] ||
            { fail report "pass $pass: the Xen part is not there once"; return; }
        cmp -s "$tmp/part" "$prev" 2>/dev/null && { fail report "the part did not follow the tables"; return; }
        cp "$tmp/part" "$tmp/prevpart"; prev=$tmp/prevpart
        sed -i -e 's/^patch,4x1G,free_heap_pages,0,node3-away,248,/patch,4x1G,free_heap_pages,0,node3-away,250,/' \
            -e 's/^pagewise,2x2G,end_boot_allocator,-,all,409900000,391.00/pagewise,2x2G,end_boot_allocator,-,all,419000000,400.00/' \
            "$tmp/rep/xen_variants.csv"
    done
    rm -f "$tmp/rep"/xen_*.csv
    HEAPBENCH=$hb bash "$root/plots/report.sh" "$tmp/rep" >/dev/null 2>"$tmp/err" ||
        { fail report "report.sh: $(cat "$tmp/err")"; return; }
    grep -q '^- No variant of real Xen was counted' "$tmp/rep/report.md" ||
        { fail report "no 'no variant' sentence"; return; }
    ok report
}

# The lines of file $1 that name a number by a dotted key, not in words.
raw_keys() {
    grep -E '[a-z]+\.[a-z0-9_]+\.[a-z0-9_]+:|^- [a-z0-9_]+\.[a-z0-9_.]+:' "$1"
}

# abpair: $tmp/xa, the fixture run with the tables, and $tmp/xb, the same
# with Xen's end_boot_allocator count up on one layout and the encoding's
# cost 2 more on 4x1G; $tmp/xn, the run without tables.
abpair() {
    run xa && run xb || return 1
    rm -rf "$tmp/xn"; cp -r "$data/run_verdict" "$tmp/xn" || return 1
    sed -i 's/^2x2G,end_boot_allocator,-,all,58.02,/2x2G,end_boot_allocator,-,all,70.50,/' \
        "$tmp/xb/xen_fidelity.csv"
    sed -i 's/^patch,4x1G,free_heap_pages,0,node3-away,248,/patch,4x1G,free_heap_pages,0,node3-away,250,/' \
        "$tmp/xb/xen_variants.csv"
}

# Expect: `verdict BASE NEW` (md and text) names every number in words,
# never by its key, and so does the CSV's `what` column (its `key` stays);
# an exact number unchanged is written once, one that changed as BASE ->
# NEW, for real Xen's end_boot_allocator ratio and encoding cost too.
case_delta_words() {
    local fmt pair l r1 r2 e1 e2
    abpair || { fail delta_words "fixture"; return; }
    for pair in "xa xa" "xa xb" "xn xb"; do
        for fmt in md text; do
            # shellcheck disable=SC2086
            "$hb" verdict --format "$fmt" $(printf "$tmp/%s " $pair) >"$tmp/dw" 2>"$tmp/err" ||
                { fail delta_words "$pair $fmt: exit: $(cat "$tmp/err")"; return; }
            [ "$(grep -c '^- ' "$tmp/dw")" -gt 20 ] || { fail delta_words "$pair $fmt: too few lines"; return; }
            l=$(raw_keys "$tmp/dw" | head -n 1)
            [ -z "$l" ] || { fail delta_words "$pair $fmt: a raw key: $l"; return; }
            l=$(grep -E 'unchanged \(exact\)$' "$tmp/dw" | grep -F ' -> ' | head -n 1)
            [ -z "$l" ] || { fail delta_words "$pair $fmt: unchanged said twice: $l"; return; }
        done
    done
    "$hb" verdict --format csv "$tmp/xa" >"$tmp/dw.csv" || { fail delta_words "csv"; return; }
    l=$(csvawk 'NR == 1 { csv_header($0); next } { csv_split($0, f) }
        csv_col(f, "key") !~ /^[a-z]+\./ || csv_col(f, "what") == "" ||
        csv_col(f, "what") ~ /[a-z_]+\.[a-z0-9_]+/ { print csv_col(f, "key") "|" csv_col(f, "what") }' "$tmp/dw.csv" | head -n 1)
    [ -z "$l" ] && grep -q '^xen\.fidelity\.eba\.ratio,' "$tmp/dw.csv" ||
        { fail delta_words "csv key or what: $l"; return; }
    "$hb" verdict "$tmp/xa" "$tmp/xb" >"$tmp/dw" || { fail delta_words "xa xb"; return; }
    r1=$(fidelity_expect "$tmp/xa/xen_fidelity.csv"); r2=$(fidelity_expect "$tmp/xb/xen_fidelity.csv")
    e1=$(encoding_expect "$tmp/xa/xen_variants.csv"); e2=$(encoding_expect "$tmp/xb/xen_variants.csv")
    [ "${r1%%|*}" != "${r2%%|*}" ] && [ "$e1" != "$e2" ] || { fail delta_words "the fixture did not change"; return; }
    grep -qE -- "^- model/Xen instructions per page, end_boot_allocator: ${r1%%|*} \(.* -> ${r2%%|*} \(.*\): [-+][0-9.]+ % \(exact\)$" "$tmp/dw" ||
        { fail delta_words "no eba change ${r1%%|*} -> ${r2%%|*}: $(grep end_boot "$tmp/dw")"; return; }
    grep -qF -- "- real Xen 4.17: the encoding's instructions, order-0 free away from a boundary: $e1 -> $e2: " "$tmp/dw" ||
        { fail delta_words "no encoding change $e1 -> $e2: $(grep 'order-0 free away' "$tmp/dw")"; return; }
    grep -qF -- "- real Xen 4.17: operations within 0.90-1.10 of Xen's count: ${r2##*|}: unchanged (exact)" "$tmp/dw" ||
        { fail delta_words "in band not said once: $(grep 'within 0.90' "$tmp/dw")"; return; }
    ok "delta_words (${r1%%|*} -> ${r2%%|*}; $e1 -> $e2)"
}

# The letter's "Changes from the base run" part of letter $1 $2, in $tmp/lc.
letter_changes() {
    "$hb" letter "$1" "$2" >"$tmp/l" 2>"$tmp/err" || return 1
    sed -n '/^Changes from the base run/,$p' "$tmp/l" >"$tmp/lc"
}

# Expect: the letter's changes part has a row for each of real Xen's exact
# figures, unchanged (exact) in an A/A pair, the change where the tables
# differ; one line when a run lacks the Xen check; 72 columns.
case_letter_changes() {
    local row r1 r2 e1 e2 l
    abpair || { fail letter_changes "fixture"; return; }
    letter_changes "$tmp/xa" "$tmp/xa" || { fail letter_changes "exit: $(cat "$tmp/err")"; return; }
    for row in "end_boot_allocator" "ops in 0.90-1.10" "o0 free, Xen" "o0 free, model" "o9 free, Xen" \
        "o9 free, model"; do
        grep -qE "^  $row +[^ ].* -> .* unchanged \(exact\)$" "$tmp/lc" ||
            { fail letter_changes "A/A: no '$row' row: $(grep -A8 '^Real Xen' "$tmp/lc")"; return; }
    done
    l=$(narrow); [ -z "$l" ] || { fail letter_changes "letter wider than 72: $l"; return; }
    letter_changes "$tmp/xb" "$tmp/xa" || { fail letter_changes "exit: $(cat "$tmp/err")"; return; }
    r1=$(fidelity_expect "$tmp/xa/xen_fidelity.csv"); r2=$(fidelity_expect "$tmp/xb/xen_fidelity.csv")
    e1=$(encoding_expect "$tmp/xa/xen_variants.csv"); e2=$(encoding_expect "$tmp/xb/xen_variants.csv")
    grep -qE -- "^  end_boot_allocator +${r1%%|*} -> ${r2%%|*} +[-+][0-9.]+ % \(exact\)$" "$tmp/lc" &&
        grep -qE -- "^  o0 free, Xen +${e1//+/\\+} -> ${e2//+/\\+} +[-+][0-9]+ instructions \(exact\)$" "$tmp/lc" &&
        grep -qE -- "^  ops in 0.90-1.10 +${r2##*|} -> ${r2##*|} +unchanged \(exact\)$" "$tmp/lc" ||
        { fail letter_changes "A/B: $(grep -A8 '^Real Xen' "$tmp/lc")"; return; }
    l=$(narrow); [ -z "$l" ] || { fail letter_changes "letter wider than 72: $l"; return; }
    letter_changes "$tmp/xn" "$tmp/xa" || { fail letter_changes "exit: $(cat "$tmp/err")"; return; }
    [ "$(grep -c 'no Xen check' "$tmp/lc")" -eq 1 ] && grep -q 'this run has no Xen check' "$tmp/lc" &&
        ! grep -qE '^  (end_boot_allocator|o0 free)' "$tmp/lc" ||
        { fail letter_changes "NEW without Xen: $(grep -i xen "$tmp/lc")"; return; }
    letter_changes "$tmp/xa" "$tmp/xn" || { fail letter_changes "exit: $(cat "$tmp/err")"; return; }
    grep -q 'the base run has no Xen check' "$tmp/lc" ||
        { fail letter_changes "BASE without Xen: $(grep -i xen "$tmp/lc")"; return; }
    l=$(narrow); [ -z "$l" ] || { fail letter_changes "letter wider than 72: $l"; return; }
    ok "letter_changes (${r1%%|*} -> ${r2%%|*}; $e1 -> $e2)"
}

# A timed encoding cost the code cannot explain.  Setup: the fixture run
# with the uninit order-9 free away from a boundary (natural) timed at half
# of legacy's (every real_ns figure halved), so its interval excludes zero;
# the model's exact count of the encoding there is xen_variants_model.csv's
# patch - pagewise (+515 on 16622 instructions, +3.1 %).
# Expect: as recorded, no such sentence (not detected); halved, the letter
# says the timed figure is the machine's state, not the encoding, with the
# exact figure, and the verdict says it beside section 1; without the
# model's table the letter gives the timed figure alone.
case_timed_not_code() {
    local f
    run tnc || { fail timed_not_code "no fixture copy"; return; }
    outputs "$tmp/tnc" || { fail timed_not_code "exit: $(cat "$tmp/err")"; return; }
    grep -q "the machine's state" "$tmp/letter" && { fail timed_not_code "said of an effect not detected"; return; }
    for f in free.csv free_summary.csv; do
        awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^real_ns/ && $i !~ /cv_|mde/) c[i] = 1; print; next }
            index($1, "free/block/boundary:natural/order:9/where:away/path:free_heap_pages/variant:node_check/encoding:uninit/") == 1 {
                for (i in c) $i = $i / 2 }
            { print }' "$data/run_verdict/$f" >"$tmp/tnc/$f"
    done
    outputs "$tmp/tnc" || { fail timed_not_code "exit: $(cat "$tmp/err")"; return; }
    grep -qE "order-9 free: timed -[0-9.]+ % \(-[0-9.]+ to -[0-9.]+\), but its code adds \+515 instructions, \+3.1 % \(exact\): the machine's state, not the encoding\." "$tmp/letter" \
        || { fail timed_not_code "letter: $(grep -o 'order-9 free:.\{0,160\}' "$tmp/letter")"; return; }
    grep -q "is not the encoding's code: the model runs +515 instructions" "$tmp/md" || { fail timed_not_code "no verdict sentence"; return; }
    [ -z "$(narrow)" ] || { fail timed_not_code "wider than 72: $(narrow)"; return; }
    rm "$tmp/tnc/xen_variants_model.csv"
    outputs "$tmp/tnc" || { fail timed_not_code "exit: $(cat "$tmp/err")"; return; }
    grep -q "the machine's state" "$tmp/letter" && { fail timed_not_code "said without the exact count"; return; }
    grep -qE "order-9 free: [^A]*-[0-9.]+ % \(-[0-9.]+ to -[0-9.]+\)" "$tmp/letter" || { fail timed_not_code "no timed figure: $(grep -o 'order-9 free:.\{0,80\}' "$tmp/letter")"; return; }
    ok timed_not_code
}

case_none
case_fidelity
case_variants
case_disagree
case_bench_copies
case_report
case_delta_words
case_letter_changes
case_timed_not_code
finish
