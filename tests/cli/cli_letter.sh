#!/usr/bin/env bash
# cli_letter.sh - `heapbench letter` on the recorded runs in tests/data
# (tests/data/make_runs.sh): the block fits 72 columns; it opens with what
# was measured; every answer the verdict has (its CSV, the public numbers)
# has its line, with the verdict's own text or "not detected (+/-X %)"
# where its interval allows no effect; with a base, one change line per
# number both runs have; bad input is refused with one line.
# Usage: tests/cli/cli_letter.sh HEAPBENCH
set -u
. "$(dirname "$0")/lib.sh"
hb=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/data

# key,shown of the verdict numbers of a run whose key matches a regex.
shown() {
    "$hb" verdict --format csv "$1" | awk -f "$root/plots/csv.awk" -v re="$2" -f <(printf '%s\n' '
        NR == 1 { csv_header($0); next }
        { csv_split($0, f) }
        csv_col(f, "key") ~ re { print csv_col(f, "key") "|" csv_col(f, "shown") "|" csv_col(f, "lo") "|" csv_col(f, "hi") }')
}

# Expect: 72 columns; the measured line names the CPU, the nodes and the
# command; a row per strategy in both init tables with the verdict's text;
# a line per state scan; a boundary line per kind.
case_answers() {
    local run=$data/run_verdict key s v lo hi strat what line
    "$hb" letter "$run" >"$tmp/l" 2>"$tmp/err" || { fail answers "exit $?: $(cat "$tmp/err")"; return; }
    line=$(awk 'length($0) > 72' "$tmp/l" | head -n 1)
    [ -z "$line" ] || { fail answers "wider than 72 columns: $line"; return; }
    grep -q '^Measured: heapbench ' "$tmp/l" && grep -q 'NUMA node' "$tmp/l" &&
        grep -qF "on $(sed -n 's/^cpu_model,//p' "$run/environment.csv") (" "$tmp/l" &&
        grep -q '`heapbench bench' "$tmp/l" || { fail answers "no measured line: $(head -n 3 "$tmp/l")"; return; }
    while IFS='|' read -r key s lo hi; do
        strat=${key#init.}; strat=${strat%%.*}
        grep -E "^  $strat " "$tmp/l" | grep -qF " $s" || { fail answers "no $strat row with $key = $s"; return; }
    done < <(shown "$run" '^init\.[a-z]+\.(boot_per_gib|boot_1tib|deferred_1tib|worst)$')
    while IFS='|' read -r key s lo hi; do
        what=${key#state.}; what=${what%%.*}
        grep -qF "$s" "$tmp/l" && grep -qE "^  $what, " "$tmp/l" || { fail answers "no scan line for $key = $s"; return; }
    done < <(shown "$run" '^state\.[a-z]+\.[a-z]+\.scan_1tib$')
    for what in natural unaligned; do
        grep -qE "^  $what " "$tmp/l" || { fail answers "no boundary line for $what"; return; }
    done
    ok "answers ($(wc -l <"$tmp/l") lines, widest $(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$tmp/l"))"
}

# Expect: the measured line gives the processes a benchmark as run: "N
# processes" when every one got --processes; "8 to 9 processes a benchmark
# (of up to 10)" where the rule or the budget cut them; a dirty build says
# so.  (The words are normalised: the line wraps at 72 columns.)
case_processes() {
    local run=$tmp/procs
    cp -r "$data/run_verdict" "$run"
    "$hb" letter "$run" | tr '\n' ' ' | tr -s ' ' >"$tmp/p1" || { fail processes "letter failed"; return; }
    grep -qE "[0-9]+ processes x [0-9]+ repetitions each" "$tmp/p1" || { fail processes "fixed: $(head -c 400 "$tmp/p1")"; return; }
    sed -i -e '/^processes,/d' -e '/^sampling_processes_m..,/d' -e '/^heapbench_dirty,/d' "$run/environment.csv"
    printf '%s\n' processes,10 sampling_processes_min,8 sampling_processes_max,9 heapbench_dirty,yes >>"$run/environment.csv"
    "$hb" letter "$run" | tr '\n' ' ' | tr -s ' ' >"$tmp/p2" || { fail processes "letter failed"; return; }
    grep -qF "8 to 9 processes a benchmark (of up to 10) x " "$tmp/p2" || { fail processes "cut: $(head -c 400 "$tmp/p2")"; return; }
    grep -qE "^Measured: heapbench [^ ]+ with uncommitted changes," "$tmp/p2" || { fail processes "dirty: $(head -c 200 "$tmp/p2")"; return; }
    ok processes
}

# Expect: a ratio whose interval holds 1 is "not detected (+/-X %)" with X
# the larger distance of its ends from 1, in %; one that excludes 1 shows
# the verdict's text.
case_not_detected() {
    local key s lo hi kind x
    # the largest ratio of each kind, as the letter shows it
    while IFS='|' read -r key s lo hi; do
        kind=${key#free.}; kind=${kind%%.*}
        if awk -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(lo <= 1 && hi >= 1) }'; then
            x=$(awk -v lo="$lo" -v hi="$hi" 'BEGIN { a = (1 - lo) * 100; b = (hi - 1) * 100; m = a > b ? a : b; printf (m < 9.95 ? "%.1f" : "%.0f"), m }')
            grep -qE "^  $kind .*not detected \(\+/-$x %\)" "$tmp/l" \
                || { fail not_detected "$key ($s) holds 1: $(grep "^  $kind" "$tmp/l")"; return; }
        else
            grep "^  $kind" "$tmp/l" | grep -qF "$s" || { fail not_detected "$key: no $s"; return; }
        fi
    done < <(shown "$data/run_verdict" '^free\.(natural|unaligned)\.order[0-9]+\.ratio$' |
             awk -F'|' '{ split($1, p, "."); v = substr($2, 1, index($2, "x") - 1) + 0
                          if (!(p[2] in best) || v > bv[p[2]]) { best[p[2]] = $0; bv[p[2]] = v } }
                        END { for (b in best) print best[b] }')
    ok not_detected
}

# Expect: with a base, a change line per init number both runs have, each
# with "->" and a change or "not detected"; still 72 columns.
case_base() {
    local n want
    "$hb" letter "$data/run_verdict" "$data/run_verdict" >"$tmp/lb" 2>"$tmp/err" \
        || { fail base "exit $?: $(cat "$tmp/err")"; return; }
    [ -z "$(awk 'length($0) > 72' "$tmp/lb")" ] || { fail base "wider than 72 columns"; return; }
    grep -q '^Changes from the base run' "$tmp/lb" || { fail base "no changes section"; return; }
    want=$(shown "$data/run_verdict" '^init\.[a-z]+\.(boot_per_gib|deferred_1tib|worst)$' | wc -l)
    n=$(grep -cE '^  [a-z]+ (boot/GiB|after@1TiB|worst) .* -> ' "$tmp/lb")
    [ "$n" -eq "$want" ] || { fail base "$n init change lines, want $want"; return; }
    # a run against itself: no change is detected
    ! grep -E ' -> ' "$tmp/lb" | grep -vq 'not detected\|no interval\|n/a' \
        || { fail base "a change detected between a run and itself: $(grep ' -> ' "$tmp/lb" | grep -v 'not detected' | head -n 1)"; return; }
    ok "base ($n init changes)"
}

# Expect: tests/data/run_a -> run_b (chunked's init 20 % faster, nothing
# else changed): every chunked change holds -20 % in its interval, every
# other change is not detected; each change is the text `verdict BASE NEW`
# prints for the same number (the same function); 72 columns.
case_pair() {
    local row label c words want
    "$hb" letter "$data/run_b" "$data/run_a" >"$tmp/lp" 2>"$tmp/err" \
        || { fail pair "exit $?: $(cat "$tmp/err")"; return; }
    [ -z "$(awk 'length($0) > 72' "$tmp/lp")" ] || { fail pair "wider than 72 columns"; return; }
    "$hb" verdict "$data/run_a" "$data/run_b" >"$tmp/vd" || { fail pair "verdict BASE NEW failed"; return; }
    grep -qE '^  chunked .* -> ' "$tmp/lp" || { fail pair "no chunked change"; return; }
    while IFS= read -r row; do
        label=$(awk -F'  +' '{ print $2 }' <<<"$row")
        c=$(sed -E 's/.* -> +[^ ]+( [a-z]+)? +//' <<<"$row")
        case $label in
        chunked*)
            awk -v c="$c" 'BEGIN {
                if (match(c, /^not detected \(\+\/-[0-9.]+ %\)$/)) { split(c, p, "-"); exit !(p[2] + 0 >= 20) }
                if (c ~ /^not detected/) exit 0       # a difference: no % to compare
                if (!match(c, /^-[0-9.]+ % \(-[0-9.]+ to [-+][0-9.]+\)$/)) exit 1
                gsub(/[()%]/, "", c); split(c, p, " ")
                exit !(p[2] + 0 <= -20 && p[4] + 0 >= -20) }' \
                || { fail pair "chunked: -20 % not in the interval: $row"; return; } ;;
        *)
            case $c in "not detected"*|"unchanged"*) ;;
            *) fail pair "a change detected where none was made: $row"; return ;; esac ;;
        esac
    done < <(grep -E '^  [a-z].* -> ' "$tmp/lp")
    for label in "chunked worst|chunked: worst call after boot" "lazy boot/GiB|lazy: boot time per GiB"; do
        words=${label#*|}; label=${label%|*}
        c=$(grep -E "^  $label " "$tmp/lp" | sed -E 's/.* -> +[^ ]+( [a-z]+)? +//')
        want=$(grep -F -- "- $words: " "$tmp/vd" | sed 's/.*): //')
        [ -n "$c" ] && [ "$c" = "$want" ] || { fail pair "$label: letter '$c', verdict '$want'"; return; }
    done
    ok "pair ($(grep -c ' -> ' "$tmp/lp") changes; chunked worst: $(grep -E '^  chunked worst' "$tmp/lp" | sed -E 's/.* -> +[^ ]+( [a-z]+)? +//'))"
}

case_bad() {
    local rc
    "$hb" letter "$tmp" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF "$tmp" "$tmp/err" && [ ! -s "$tmp/out" ] \
        || { fail bad "exit $rc: $(cat "$tmp/err")"; return; }
    "$hb" letter --width 80 "$data/run_verdict" >/dev/null 2>"$tmp/err"; rc=$?
    [ "$rc" -eq 2 ] && grep -q 'unknown option: --width' "$tmp/err" || { fail bad "option: exit $rc"; return; }
    ok bad
}

case_answers
case_processes
case_not_detected
case_base
case_pair
case_bad
finish
