#!/usr/bin/env bash
# cli_tree.sh - the dependency rules of the tree, read from the sources (the
# binary is not run): one case per rule, each ok or FAIL with every
# offending file:line.  The rules are docs/development.md's; each is
# described above its case below.  Includes are read from preprocessor
# lines with paths as the Makefile's -I. gives them; a bare or ./ ../
# quoted name is resolved against the including file's folder.
#
# Usage: tests/cli/cli_tree.sh [HEAPBENCH] [ROOT]
#   ROOT (or $HB_TREE_ROOT): the tree to check; default: this script's tree.
#   Checking this tree, the suite then copies it, plants one violation of
#   each rule in the copy and checks that each rule catches it
#   (planted_<rule>).  Ends with "cli_tree: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
root=${2:-${HB_TREE_ROOT:-$here/../..}}
root=$(cd "$root" && pwd) || { echo "cli_tree: 0 passed, 1 failed"; exit 1; }

# files DIR... PATTERN...: the files under ROOT/DIR matching any *.EXT
# pattern, as paths relative to ROOT, one a line (none if DIR is missing).
files() {
    local dirs=() exts=() a
    for a in "$@"; do case $a in *.*) exts+=("$a") ;; *) dirs+=("$a") ;; esac; done
    (cd "$root" && for d in "${dirs[@]}"; do
        [ -d "$d" ] || continue
        for e in "${exts[@]}"; do find "$d" -type f -name "$e"; done
    done) | sort -u
}

# strip MODE FILE...: each file's code as "file:line:text", comments
# removed.  MODE c: C/C++ (/* */ and //); MODE hash: gnuplot and awk (#).
# STRINGS=drop also empties string and character literals ("" stays), so
# that text inside a message is not taken for code.
strip() {
    local mode=$1; shift
    [ $# -gt 0 ] || return 0
    (cd "$root" && awk -v mode="$mode" -v drop="${STRINGS:-keep}" -v sq="'" '
        FNR == 1 { incom = 0 }
        {
            out = ""; q = ""; n = length($0)
            for (i = 1; i <= n; i++) {
                c = substr($0, i, 1); c2 = substr($0, i, 2)
                if (incom) { if (c2 == "*/") { incom = 0; i++ } continue }
                if (q != "") {
                    if (c == "\\") { if (drop != "drop") out = out c2; i++; continue }
                    if (c == q) { q = ""; out = out c; continue }
                    if (drop != "drop") out = out c
                    continue
                }
                if (mode == "c" && c2 == "/*") { incom = 1; i++; continue }
                if (mode == "c" && c2 == "//") break
                if (mode == "hash" && c == "#") break
                if (c == "\"" || c == sq) q = c
                out = out c
            }
            if (out ~ /[^ \t]/) print FILENAME ":" FNR ":" out
        }' "$@")
}

# includes FILE...: "file:line:included-path".  A quoted name that is bare
# or starts with ./ or ../ is resolved against the including file's folder
# (as the compiler looks there first); any other is taken from ROOT (-I.).
includes() {
    strip c "$@" | awk -F: '
        function resolve(dir, p,    n, i, parts, out, k) {
            n = split(dir "/" p, parts, "/"); k = 0
            for (i = 1; i <= n; i++) {
                if (parts[i] == "" || parts[i] == ".") continue
                if (parts[i] == ".." && k > 0) { k--; continue }
                out[++k] = parts[i]
            }
            p = out[1]
            for (i = 2; i <= k; i++) p = p "/" out[i]
            return p
        }
        {
            line = $0; sub(/^[^:]*:[^:]*:/, "", line)
            if (line !~ /^[ \t]*#[ \t]*include[ \t]*["<]/) next
            quoted = line ~ /^[ \t]*#[ \t]*include[ \t]*"/
            p = line; sub(/^[ \t]*#[ \t]*include[ \t]*["<]/, "", p); sub(/[">].*/, "", p)
            if (quoted && (p !~ /\// || p ~ /^\.\.?\//)) {
                dir = $1; if (!sub(/\/[^\/]*$/, "", dir)) dir = "."
                p = resolve(dir, p)
            }
            print $1 ":" $2 ":" p
        }'
}

# verdict NAME FILE: ok if FILE is empty, else FAIL with its lines.
verdict() {
    if [ -s "$2" ]; then fail "$1" "$(wc -l <"$2") line(s):"; sed 's/^/       /' "$2"
    else ok "$1"; fi
}

# ---------------------------------------------------------------------------
# Includes
# ---------------------------------------------------------------------------

# alloc_alone:
#   alloc/ (*.c, *.h) includes nothing from bench/: the model knows nothing
#   of the benchmarks around it.
mapfile -t f < <(files alloc '*.c' '*.h')
includes "${f[@]}" | awk -F: '$3 ~ /^bench\//' >"$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no sources under alloc/" >"$tmp/bad"
verdict alloc_alone "$tmp/bad"

# lib_not_cmd:
#   bench/{source,families,instrument,stats,compare,base} include nothing
#   from bench/cmd/: lower parts never reach up into the commands.
mapfile -t f < <(files bench/source bench/families bench/instrument bench/stats bench/compare \
                       bench/base '*.c' '*.h' '*.cc')
includes "${f[@]}" | awk -F: '$3 ~ /^bench\/cmd\//' >"$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no sources under bench/" >"$tmp/bad"
verdict lib_not_cmd "$tmp/bad"

# base_alone:
#   bench/base/ includes nothing from another part of bench/ (only
#   bench/base/ and system headers): every part may use it, so it may use
#   none of them.
mapfile -t f < <(files bench/base '*.c' '*.h')
includes "${f[@]}" | awk -F: '$3 ~ /^bench\// && $3 !~ /^bench\/base\//' >"$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no sources under bench/base/" >"$tmp/bad"
verdict base_alone "$tmp/bad"

# source_below_instrument:
#   bench/source/ includes, of bench/, only source/ and base/: where a
#   machine comes from knows nothing of how it is measured (instrument/ may
#   use source/, not the reverse), of families, compare or cmd.
mapfile -t f < <(files bench/source '*.c' '*.h')
includes "${f[@]}" | awk -F: '$3 ~ /^bench\// && $3 !~ /^bench\/(source|base)\//' >"$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no sources under bench/source/" >"$tmp/bad"
verdict source_below_instrument "$tmp/bad"

# stats_alone:
#   bench/stats/ includes, of the project, only bench/stats/ and
#   bench/base/: the statistics know numbers, not runs, families or
#   comparisons.
mapfile -t f < <(files bench/stats '*.c' '*.h')
includes "${f[@]}" | awk -F: '($3 ~ /^(bench|alloc|tests)\//) &&
                              $3 !~ /^bench\/(stats|base)\//' >"$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no sources under bench/stats/" >"$tmp/bad"
verdict stats_alone "$tmp/bad"

# measure_not_compare:
#   bench/{instrument,families} include nothing from bench/compare/: a run's
#   statistics come from stats/; comparing runs is a reader's job.
mapfile -t f < <(files bench/instrument bench/families '*.c' '*.h' '*.cc')
includes "${f[@]}" | awk -F: '$3 ~ /^bench\/compare\//' >"$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no sources under bench/instrument/ or bench/families/" >"$tmp/bad"
verdict measure_not_compare "$tmp/bad"

# instrument_below_families:
#   bench/instrument/ includes nothing from bench/families/: families use
#   the instruments (the shim, the counters, the writer), and a family's
#   declaration reaches the writer by the family handing it over
#   (hb_tidy_declare), never by the writer looking families up.
mapfile -t f < <(files bench/instrument '*.c' '*.h' '*.cc')
includes "${f[@]}" | awk -F: '$3 ~ /^bench\/families\//' >"$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no sources under bench/instrument/" >"$tmp/bad"
verdict instrument_below_families "$tmp/bad"

# compare_csv_only:
#   bench/compare/ includes, of the project, only bench/compare/ (the CSV
#   reader), bench/stats/ and bench/base/: nothing of families/,
#   instrument/, source/, cmd/ or alloc/ (the run-time side), and no "json"
#   in its code: a comparison reads a run folder's CSV files and nothing
#   else.
mapfile -t f < <(files bench/compare '*.c' '*.h' '*.cc')
{
    includes "${f[@]}" | awk -F: '($3 ~ /^(bench|alloc|tests)\//) &&
                                  $3 !~ /^bench\/(compare|stats|base)\//'
    STRINGS=keep strip c "${f[@]}" | grep -i 'json' | sed 's/$/   (json)/'
} >"$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no sources under bench/compare/" >"$tmp/bad"
verdict compare_csv_only "$tmp/bad"

# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------

# plots_csv_only:
#   plots/*.gp and plots/*.awk, comments left out: no "json" anywhere (they
#   read the CSV files), and no call of heapbench: no line that runs a
#   command (system(, a "<" data source, a backquote, getline, popen, "| "
#   into a command) and names heapbench or $HEAPBENCH, no "heapbench
#   SUBCOMMAND" text at all, and no string that starts with the word
#   heapbench (a command kept in a variable).  heapbench_commit and the like
#   are environment keys, not calls.  plots/*.sh (report.sh, the report's
#   driver, runs `heapbench verdict`) is not checked.
mapfile -t f < <(files plots '*.gp' '*.awk')
{
    strip hash "${f[@]}" | grep -i 'json' | sed 's/$/   (json)/'
    strip hash "${f[@]}" |
        grep -E 'system[ \t]*\(|"[ \t]*<|`|getline|popen|\|[ \t]*"|\|&' |
        grep -E '(^|[^A-Za-z0-9_])heapbench([^A-Za-z0-9_]|$)|HEAPBENCH' | sed 's/$/   (runs heapbench)/'
    strip hash "${f[@]}" |
        grep -E '(^|[^A-Za-z0-9_/.-])heapbench[ \t]+(layout|heap|bench|compare|ab|verdict)([^A-Za-z0-9_]|$)' |
        sed 's/$/   (a heapbench command)/'
    strip hash "${f[@]}" | grep -E "[\"'][ \t]*heapbench([ \t\"']|\$)" |
        sed 's/$/   (a string that starts with the program)/'
} | sort -u >"$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no plots/*.gp or plots/*.awk" >"$tmp/bad"
verdict plots_csv_only "$tmp/bad"

# ---------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------

# ALLOW: "file regex" pairs; a match on that file's line is not a violation.
#   gbench.cc std::cout: the console table of Google Benchmark is the run's
#     output, shown on stdout only when the caller asks (hb_gb_suite
#     console_echo); the library's own reporter offers no FILE *.
#   gbench.cc STDOUT_FILENO: isatty(STDOUT_FILENO) only picks the table's
#     colours; nothing is written.
ALLOW=(
    'bench/instrument/gbench.cc std::cout[.]rdbuf[(][)]'
    'bench/instrument/gbench.cc isatty[(]STDOUT_FILENO[)]'
)
print_re='(^|[^A-Za-z0-9_])(stderr|stdout|STDERR_FILENO|STDOUT_FILENO)([^A-Za-z0-9_]|$)'
print_re+='|std::(cerr|cout|clog)'
print_re+='|(^|[^A-Za-z0-9_.>])(printf|vprintf|puts|putchar|perror|hb_err|warnx?|errx?)[ \t]*\('

# lib_never_prints:
#   bench/{source,families,instrument,stats,compare} (*.c, *.h, *.cc),
#   comments and string contents left out: no stderr, stdout, STDERR_FILENO,
#   STDOUT_FILENO, std::cerr, std::cout, std::clog, printf(, vprintf(,
#   puts(, putchar(, perror(, hb_err(, warn(, warnx(, err(, errx(.  A
#   library part writes its one-line error into a buffer its caller passes
#   (as hb_layout_load does), and its output into a FILE * the caller passes
#   (fprintf(f, ...)); the commands print.  bench/base/ is not checked:
#   err.c is hb_err, the commands' printer. The allow-list (ALLOW below)
#   names each exception and why.
mapfile -t f < <(files bench/source bench/families bench/instrument bench/stats \
                       bench/compare '*.c' '*.h' '*.cc')
STRINGS=drop strip c "${f[@]}" | grep -E "$print_re" >"$tmp/hits"
for a in "${ALLOW[@]}"; do
    file=${a%% *} re=${a#* }
    awk -v file="$file" -v re="$re" 'index($0, file ":") != 1 || $0 !~ re' \
        "$tmp/hits" >"$tmp/hits2"
    mv "$tmp/hits2" "$tmp/hits"
done
mv "$tmp/hits" "$tmp/bad"
[ ${#f[@]} -gt 0 ] || echo "no sources under bench/" >"$tmp/bad"
verdict lib_never_prints "$tmp/bad"

# ---------------------------------------------------------------------------
# Each rule able to fail: a copy with one violation of each, planted in a
# file of its own (only when this tree is the one checked, not a copy)
# ---------------------------------------------------------------------------

PLANTS=(
    'alloc_alone alloc/heap.h #include "bench/base/err.h"'
    'lib_not_cmd bench/families/family.c #include "bench/cmd/cli.h"'
    'base_alone bench/base/err.c #include "bench/source/layout.h"'
    'source_below_instrument bench/source/layout.c #include "bench/instrument/topo.h"'
    'stats_alone bench/stats/pair.c #include "bench/compare/abrun.h"'
    'measure_not_compare bench/instrument/tidy.h #include "bench/compare/csvread.h"'
    'measure_not_compare bench/families/bench_free.c #include "bench/compare/abrun.h"'
    'instrument_below_families bench/instrument/tidy.c #include "bench/families/family.h"'
    'compare_csv_only bench/compare/abrun.c #include "bench/instrument/tidy.h"'
    'plots_csv_only plots/common.gp plot "< heapbench verdict x" using 1:2'
    'lib_never_prints bench/compare/csvread.c static void hb_planted(void) { puts("x"); }'
)
if [ -z "${HB_TREE_COPY:-}" ]; then
    copy=$tmp/copy
    mkdir -p "$copy"
    cp -r "$root/alloc" "$root/bench" "$root/plots" "$copy/"
    for p in "${PLANTS[@]}"; do
        read -r _rule file line <<<"$p"
        printf '%s\n' "$line" >>"$copy/$file"
    done
    HB_TREE_COPY=1 bash "$0" "" "$copy" >"$tmp/planted" 2>&1
    for p in "${PLANTS[@]}"; do
        read -r rule file _line <<<"$p"
        # The rule's FAIL line, then its indented offending lines.
        if awk -v r="FAIL $rule:" -v f="$file:" '
               index($0, r) == 1 { on = 1; next }
               on && /^       / { if (index($0, f)) hit = 1; next }
               { on = 0 }
               END { exit !hit }' "$tmp/planted"; then
            ok "planted_$rule ($file)"
        else
            fail "planted_$rule ($file)" "the rule did not catch a violation planted in $file"
        fi
    done
fi

finish
