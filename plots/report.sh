#!/usr/bin/env bash
# report.sh RUN_DIR - the report of one results folder: every figure of
# plots/*.gp into RUN_DIR/figures (SVG and PNG), then RUN_DIR/report.md and
# a self-contained RUN_DIR/report.html (PNGs inlined as data: URIs).
# In the order a reader needs them: the verdict (`heapbench verdict`; the
# binary is $HEAPBENCH, which `make report` sets), the model against Xen
# 4.17 (xen_fidelity.csv, if any) and real Xen's variants
# (xen_variants*.csv, if any), the figures, one table per family, the
# benchmarks skipped and the environment.  The families are the folder's
# <family>_summary.csv files; a figure script names its family in a
# "# report:" line, so adding a figure is adding one plots/*.gp.  Built in
# a temporary folder and renamed into place: an interrupted run leaves the
# previous report, never half of a new one.
# Exit: 0 done; 2 bad RUN_DIR (one line on stderr); 1 a tool failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "heapbench: report: $*" >&2; exit 2; }
fail() { echo "heapbench: report: $*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: plots/report.sh RUN_DIR"
run=${1%/}
[ -d "$run" ] || die "not a results folder: $run"
# gnuplot gets the folder inside '...' and hands it to the shell the same way.
case $run in *"'"*) die "a folder name with a ' in it is not supported: $run" ;; esac
ls "$run"/*_summary.csv >/dev/null 2>&1 || die "no <family>_summary.csv in $run"
for f in "$run"/*_summary.csv; do     # the table needs these two columns
    header=$(head -n 1 "$f" | tr -d '\r\0')
    for c in benchmark real_ns_median; do
        case ",$header," in *",$c,"*) ;; *) die "$f: missing column: $c" ;; esac
    done
done
command -v gnuplot >/dev/null || fail "gnuplot not found (make deps)"

tmp=$(mktemp -d "$run/.report.XXXXXX" 2>/dev/null) || fail "cannot write in $run"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/figures" 2>/dev/null || fail "cannot write in $run"

# A figure gnuplot wrote whole: gnuplot says nothing when the disk fills,
# so look at the ends of the files (PNG's IEND chunk, SVG's closing tag).
complete() {
    [ "$(tail -c 8 "$1.png" | od -An -tx1 | tr -d ' \n')" = 49454e44ae426082 ] &&
        tail -c 16 "$1.svg" | grep -q '</svg>'
}

# The run's families (plots/families.sh: the tables' order) and the figure
# scripts: every plots/*.gp with a "# report: RANK FAMILY: CAPTION" line,
# drawn in the order of RANK; FAMILY "*" is a figure of the whole run.
mapfile -t families < <(sh "$here/families.sh" "$run")
figures=()   # "RANK|NAME|FAMILY|CAPTION"
for gp in "$here"/*.gp; do
    line=$(grep -m1 '^# report: ' "$gp") || continue
    line=${line#\# report: }
    rank=${line%% *}; rest=${line#* }
    fig=${gp##*/}; fig=${fig%.gp}
    figures+=("$rank|$fig|${rest%%: *}|${rest#*: }")
done
mapfile -t figures < <(printf '%s\n' "${figures[@]}" | sort -t'|' -k1,1n -k2,2)

# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------
notes=()     # in memory: a full disk must not eat them
made=()      # "NAME|CAPTION"
for entry in "${figures[@]}"; do
    IFS='|' read -r _ fig fam caption <<<"$entry"
    if [ "$fam" != "*" ] && [ ! -r "$run/${fam}_summary.csv" ]; then
        notes+=("- $fig: skipped: no $run/${fam}_summary.csv")
        continue
    fi
    log=$(gnuplot -e "run='$run'; out='$tmp/figures/$fig'" "$here/$fig.gp" 2>&1)
    rc=$?
    if [ "$rc" -eq 0 ]; then
        complete "$tmp/figures/$fig" || fail "cannot write $fig in $run (disk full?)"
        made+=("$fig|$caption")
    elif [ "$rc" -eq 3 ]; then
        notes+=("- $fig: $(grep -m1 '^skipped' <<<"$log")")
    else
        why=$(grep -v -e 'unknown.*terminal' -e 'No output will' -e 'range undefined' <<<"$log" \
              | grep -m1 . | tr -d '"' | cut -c1-160)
        notes+=("- $fig: not drawn (gnuplot: ${why:-exit $rc}); a column it needs may be missing")
        rm -f "$tmp/figures/$fig".*
    fi
done
# A family of the run that no figure script names: a table, no figure.
for fam in "${families[@]}"; do
    printf '%s\n' "${figures[@]}" | cut -d'|' -f3 | grep -qx -- "$fam" ||
        notes+=("- $fam: no figure of its own (no plots/*.gp names it in a \"# report:\" line); its table is below")
done

# --------------------------------------------------------------------------
# Text: environment, table, notes
# --------------------------------------------------------------------------

envrows() {   # FMT: md or html
    [ -r "$run/environment.csv" ] || { echo "(no environment.csv in this run)"; return; }
    awk -f "$here/csv.awk" -f "$here/query.awk" -v mode=env -v fmt="$1" "$run/environment.csv"
}
envget() {
    awk -f "$here/csv.awk" -f "$here/query.awk" -v mode=get -v key="$1" "$run/environment.csv" 2>/dev/null
}
host=$(envget host)
date=$(envget date_utc)
commit=$(envget heapbench_commit)
[ "$(envget heapbench_dirty)" = yes ] && commit="$commit (dirty tree)"
title="heapbench report: ${host:-unknown host}, ${date:-unknown date}, commit ${commit:-unknown}"

read -r -d '' debug_note <<'EOF'
Google Benchmark prints "***WARNING*** Library was built as DEBUG. Timings
may be affected." and the JSON context says "library_build_type": "debug".
That label is about Debian's libbenchmark package (1.7.1), which is built
without NDEBUG; it is not about heapbench. heapbench's own code, including
every timed loop, is compiled with -O2 and with its internal checks
compiled out (PA_DEBUG=0). The library's share of a measurement is the
loop bookkeeping the shim figure shows, paid once per batch, not per page.
EOF

skip_note() {
    if [ "${#notes[@]}" -gt 0 ]; then
        echo "Figures not drawn for this run:"; echo; printf '%s\n' "${notes[@]}"
    else
        echo "Every figure was drawn."
    fi
}

# The verdict, or why there is none.
verdict() {   # FMT: md or html
    local hb=${HEAPBENCH:-}
    if [ -n "$hb" ] && [ -x "$hb" ] && "$hb" verdict --format "$1" "$run" 2>"$tmp/verdict.err"; then
        return
    fi
    local why="no heapbench binary (HEAPBENCH=path/to/heapbench; make report sets it)"
    [ -s "$tmp/verdict.err" ] && why=$(head -n 1 "$tmp/verdict.err")
    if [ "$1" = html ]; then echo "<section id=\"verdict\"><h2>Verdict</h2><p>Not computed: $why.</p></section>"
    else printf '## Verdict\n\nNot computed: %s.\n' "$why"; fi
}

# The model against real Xen (xen_fidelity.csv: the table of the latest
# `make xen-check` in the tree that ran, copied by heapbench bench), or
# that none was run.  Exact counts on both sides (QEMU -icount, callgrind).
fidelity() {  # FMT
    local f=$run/xen_fidelity.csv
    if [ "$1" = html ]; then echo "<h2>The model against Xen 4.17</h2><p>"
    else printf '## The model against Xen 4.17\n\n'; fi
    if [ ! -r "$f" ] || [ "$(tail -n +2 "$f" | grep -c .)" -eq 0 ]; then
        echo "No xen-check was run in the tree that ran this benchmark (\`make xen-check\` writes the table it would show)."
    else
        awk -F, 'NR > 1 && NF >= 8 {
                n++; band += ($7 >= 0.90 && $7 <= 1.10); same += ($8 == 1)
                if ($2 == "end_boot_allocator") { e++; x += $5; m += $6 }
                else if (!($7 >= 0.90 && $7 <= 1.10) && o < 5)
                    out[++o] = sprintf("%s %s order %s %s %.2fx (Xen %s, model %s)", $1, $2, $3, $4, $7, $5, $6) }
            END {
                if (e) printf "The model runs %.2fx Xen 4.17'"'"'s instructions per page in end_boot_allocator (Xen %.1f, model %.1f, exact; mean of %d layouts).\n", m / x, x / e, m / e, e
                printf "%d of %d rows within 0.90-1.10; free blocks and allocated MFNs identical in %d of %d.", band, n, same, n
                for (i = 1; i <= o; i++) printf "%s%s", (i == 1 ? " Outside: " : "; "), out[i]
                printf "\n" }' "$f"
    fi
    if [ "$1" = html ]; then echo "</p>"; fi
}

# Real Xen's variants (xen_variants.csv and xen_variants_model.csv: the
# tables of the latest `make xen-bench` in the tree that ran), or that none
# was counted: init per page against stock, the encoding's cost (patch -
# pagewise) in Xen and in the model, and where the two disagree (outside
# 0.90-1.10), both figures side by side.
variants() {  # FMT
    local v=$run/xen_variants.csv m=$run/xen_variants_model.csv
    if [ "$1" = html ]; then echo "<h3>Real Xen 4.17's variants, exact instructions</h3><p>"
    else printf "### Real Xen 4.17's variants, exact instructions\n\n"; fi
    if [ ! -r "$v" ] || [ "$(tail -n +2 "$v" | grep -c .)" -eq 0 ]; then
        echo "No variant of Xen was counted in the tree that ran this benchmark (\`make xen-bench\` builds page-wise, the encoding and lazy into Xen 4.17 and counts them)."
    else
        [ -r "$m" ] || m=/dev/null
        awk -F, 'function kind(w) { sub(/^node[0-9]+-/, "", w); return w }
            function band(r) { return r >= 0.90 && r <= 1.10 }
            function rng(lo, hi) { return lo == hi ? sprintf("%+g", lo) : sprintf("%+g to %+g", lo, hi) }
            function enc(k, d, a) { if (!(k in a)) { a[k "lo"] = d; a[k "hi"] = d; a[k] = 1 }
                if (d < a[k "lo"]) a[k "lo"] = d; if (d > a[k "hi"]) a[k "hi"] = d }
            FNR == 1 { f++; next }
            f == 1 && $3 == "end_boot_allocator" { if (!($1 in n)) vs[++nv] = $1; n[$1]++; pp[$1] += $7 }
            f == 1 && $3 == "free_heap_pages" { x[$1, $2, $4, kind($5)] = $6; ops[$2, $4, kind($5)] = 1 }
            f == 2 && $6 != "" && $6 != 0 { rows++; if (band($8)) inb++
                else if (o++ < 6) out[o] = sprintf("%s %s order %s %s on %s: model %s, Xen %s (%.3fx)", $1, $3, $4, $5, $2, $7, $6, $8) }
            f == 2 && $3 == "free_heap_pages" { mx[$1, $2, $4, kind($5)] = $6; mm[$1, $2, $4, kind($5)] = $7 }
            END {
                s = "End_boot_allocator per page (mean of the layouts):"
                for (i = 1; i <= nv; i++) { a = pp[vs[i]] / n[vs[i]]
                    s = s sprintf("%s %s %.1f", i > 1 ? "," : "", vs[i], a)
                    if (n["stock"] && vs[i] != "stock") s = s sprintf(" (%.2fx stock)", a / (pp["stock"] / n["stock"])) }
                print s "."
                for (k in ops) { split(k, q, SUBSEP)
                    if (("patch", q[1], q[2], q[3]) in x && ("pagewise", q[1], q[2], q[3]) in x)
                        enc(q[2] " " q[3], x["patch", q[1], q[2], q[3]] - x["pagewise", q[1], q[2], q[3]], X)
                    if (("patch", q[1], q[2], q[3]) in mm && ("pagewise", q[1], q[2], q[3]) in mm)
                        enc(q[2] " " q[3], mm["patch", q[1], q[2], q[3]] - mm["pagewise", q[1], q[2], q[3]], M) }
                s = ""
                for (o2 = 0; o2 <= 18; o2 += 9) for (w = 1; w <= 3; w++) { k = o2 " " (w == 1 ? "away" : w == 2 ? "boundary" : "boot")
                    if (!(k in X)) continue
                    s = s sprintf("%s order %s: Xen %s", s == "" ? "" : ";", k, rng(X[k "lo"], X[k "hi"]))
                    if (k in M) { d = !(M[k "lo"] == X[k "lo"] || (X[k "lo"] != 0 && band(M[k "lo"] / X[k "lo"]))) || !(M[k "hi"] == X[k "hi"] || (X[k "hi"] != 0 && band(M[k "hi"] / X[k "hi"])))
                        s = s sprintf(", model %s%s", rng(M[k "lo"], M[k "hi"]), d ? " (they disagree)" : "") } }
                if (s != "") print " The uninit encoding (patch - pagewise) adds, in instructions per free:" s "."
                if (rows) { printf " Each variant against the model'"'"'s strategy of the same name: %d of %d operations within 0.90-1.10.", inb, rows
                    for (i = 1; i <= o && i <= 6; i++) printf "%s%s", (i == 1 ? " They disagree on: " : "; "), out[i]
                    if (o > 6) printf "; and %d more", o - 6
                    printf "\n" } }' "$v" "$m"
    fi
    if [ "$1" = html ]; then echo "</p>"; fi
}

# One table per family, numbered on across them as the ratio figure is.
tables() {    # FMT
    local f fam start=0
    for fam in "${families[@]}"; do
        f=$run/${fam}_summary.csv
        if [ "$1" = html ]; then echo "<h3>$fam</h3>"; else printf '### %s\n\n' "$fam"; fi
        awk -f "$here/csv.awk" -f "$here/table.awk" -v fmt="$1" -v start="$start" "$f"
        echo
        start=$((start + $(tail -n +2 "$f" | grep -c .)))
    done
}

# Benchmarks that could not run here (skipped.csv: "benchmark,reason").
skipped() {   # FMT
    local f=$run/skipped.csv
    if [ ! -r "$f" ] || [ "$(tail -n +2 "$f" | grep -c .)" -eq 0 ]; then
        echo "None: every selected benchmark ran."; return
    fi
    awk -f "$here/csv.awk" -f "$here/skipped.awk" -v fmt="$1" "$f"
}

write_md() {
    echo "# $title"
    echo
    verdict md
    echo
    fidelity md
    echo
    variants md
    echo
    echo "## Figures"
    echo
    for entry in "${made[@]}"; do
        fig=${entry%%|*}
        echo "![$fig](figures/$fig.png)"; echo
        echo "*${entry#*|}* ([SVG](figures/$fig.svg))"; echo
    done
    skip_note
    echo
    echo "## Every benchmark, by family"
    echo
    echo "Results folder: \`$run\`. Parameters as columns; times are geometric means of"
    echo "the per-process medians with their 95 % interval (Student's t over processes);"
    echo "ratio is the time over the same run's memory baseline"
    echo "(1 = as fast as the measured bandwidth allows). Columns: docs/results-format.md."
    echo
    tables md
    echo "## Skipped benchmarks"
    echo
    skipped md
    echo
    echo "## A note on \"Library was built as DEBUG\""
    echo
    echo "$debug_note"
    echo
    echo "## Environment"
    echo
    echo "| key | value |"; echo "|---|---|"
    envrows md
}

write_html() {
    local img
    cat <<EOF
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>$title</title>
<style>
body { font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; white-space: nowrap; }
#verdict { background: #f6f8fa; border-left: 4px solid #2166ac; padding: 0.2em 1em; }
#verdict h2 { margin-top: 0.4em; } #verdict h3 { margin: 0.6em 0 0.2em; font-size: 1.05em; }
#verdict ul { margin: 0.2em 0; padding-left: 1.4em; } #verdict li { margin: 0.15em 0; }
#verdict p.intervals { font-size: 0.85em; color: #555; margin: 0.2em 0; }
#verdict table { margin: 0.3em 0 0.6em; background: #fff; } #verdict tr th:first-child { text-align: left; }
h1 { font-size: 1.4em; margin: 0.3em 0; }
td.n, th.n { text-align: left; font-family: monospace; white-space: normal; }
.scroll { overflow-x: auto; }
figure { margin: 2em 0; } img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-style: italic; }
</style></head><body>
<h1>$title</h1>
EOF
    verdict html
    fidelity html
    variants html
    echo "<h2>Figures</h2>"
    for entry in "${made[@]}"; do
        fig=${entry%%|*}
        img=$(base64 -w0 "$tmp/figures/$fig.png")
        echo "<figure><img alt=\"$fig\" src=\"data:image/png;base64,$img\">"
        echo "<figcaption>${entry#*|}</figcaption></figure>"
    done
    skip_note | sed -e 's/^- \(.*\)/<li>\1<\/li>/' -e 's/^$//' -e 's/^\([A-Z].*\)$/<p>\1<\/p>/'
    echo "<h2>Every benchmark, by family</h2>"
    echo "<p>Results folder: <code>$run</code>. Parameters as columns; times are geometric"
    echo "means of the per-process medians with their 95&nbsp;% interval (Student's t over"
    echo "processes); ratio is the time over the same run's memory baseline.</p>"
    tables html
    echo "<h2>Skipped benchmarks</h2>"
    skipped html
    echo "<h2>A note on &ldquo;Library was built as DEBUG&rdquo;</h2>"
    echo "<p>$debug_note</p>"
    echo "<h2>Environment</h2>"
    echo "<table><tr><th class=n>key</th><th class=n>value</th></tr>"
    envrows html
    echo "</table>"
    echo "</body></html>"
}

# Through cat, whose status says whether every byte reached the disk.
write_md | cat >"$tmp/report.md" 2>/dev/null || fail "cannot write $run/report.md (disk full?)"
write_html | cat >"$tmp/report.html" 2>/dev/null || fail "cannot write $run/report.html (disk full?)"

# --------------------------------------------------------------------------
# Into place: figures first, then the two reports, each by rename.
# --------------------------------------------------------------------------
rm -rf "$run/.figures.old"
[ -d "$run/figures" ] && mv "$run/figures" "$run/.figures.old"
mv "$tmp/figures" "$run/figures" || exit 1
rm -rf "$run/.figures.old"
mv "$tmp/report.md" "$run/report.md" || exit 1
mv "$tmp/report.html" "$run/report.html" || exit 1
echo "report: $run/report.html ($run/report.md, ${#made[@]} figures in $run/figures)"
[ "${#notes[@]}" -gt 0 ] && printf '%s\n' "${notes[@]}" | sed 's/^- /report: skipped /'
exit 0
