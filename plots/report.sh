#!/usr/bin/env bash
# report.sh RUN_DIR - the report of one results folder: every figure of
# plots/*.gp into RUN_DIR/figures (SVG and PNG), then RUN_DIR/report.md and
# a self-contained RUN_DIR/report.html (PNGs inlined as data: URIs).
# In the order a reader needs them: the verdict (`heapbench verdict`; the
# binary is $HEAPBENCH, which `make report` sets; it holds the model
# against real Xen 4.17 too, from xen_fidelity.csv and xen_variants*.csv,
# so that part has one home), the figures, one table per family, the
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
