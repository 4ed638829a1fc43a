# lib.sh - what the command-line suites share; each tests/cli/cli_*.sh
# sources it first (`. "$(dirname "$0")/lib.sh"`).  Its name is not
# cli_*.sh, so tests/run.sh does not run it as a suite.  Each name it
# defines is described where it is defined.

# suite: the suite's name (cli_bench), from its file name.
suite=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
lib_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
passed=0 failed=0
# tmp: a fresh temporary folder, removed on exit (a suite with more to undo
# sets its own EXIT trap, which removes $tmp too).
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# ok NAME, fail NAME WHY: one "ok   NAME" or "FAIL NAME: WHY" line a case,
# counted in passed and failed.
ok()   { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# own_copy BINARY DEST: the binary under test copied to DEST, so that a case
# may time it, break it or kill it without touching the build folder; if it
# cannot be, the suite ends at once with one failure.
own_copy() {
    cp "$1" "$2" && return 0
    echo "$suite: cannot copy $1"
    echo "$suite: 0 passed, 1 failed"
    exit 1
}

# csvawk PROGRAM FILE...: awk with plots/csv.awk's CSV functions.
csvawk() { awk -f "$lib_root/plots/csv.awk" -f <(printf '%s\n' "$1") "${@:2}"; }

# finish: the suite's last line, "cli_x: N passed, N failed"; its status
# (0: none failed) is the suite's exit status.
finish() {
    echo "$suite: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
