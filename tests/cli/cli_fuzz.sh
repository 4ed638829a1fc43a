#!/usr/bin/env bash
# cli_fuzz.sh - the short fuzzing run inside `make test`: about 30 s of the
# heap fuzzer (tests/fuzz/run.sh: the incremental checker after every
# operation, the full one every 128), then a sample of inputs (the seed
# corpus and up to FUZZ_SAMPLE more from the working corpus) replayed with
# the full checker after every operation and step (FZ_CHECK_EVERY=1).
# Ends with "cli_fuzz: N passed, N failed" (two tests).
# Usage: tests/cli/cli_fuzz.sh [HEAPBENCH]   (its folder is the build folder:
# the fuzzer goes to BUILD/fuzz, so parallel build folders do not collide)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] && [ -z "${BUILD:-}" ] && BUILD=$(basename "$(dirname "$1")") && export BUILD
passed=0 failed=0
out=$(bash "$here/../fuzz/run.sh" "${FUZZ_SECONDS:-30}" 2>&1)
echo "$out" | grep -v '^fuzz: [0-9]* passed, [0-9]* failed$'
line=$(echo "$out" | grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
case $line in
    *" 0 failed") passed=$((passed + 1)) ;;
    *) failed=$((failed + 1)); echo "FAIL fuzz run" ;;
esac
fz=$root/${BUILD:-build}/fuzz
if [ -x "$fz/fuzz_heap" ]; then
    mapfile -t sample < <( { ls -d "$root"/tests/fuzz/corpus/*; ls -d "$fz"/corpus/* 2>/dev/null |
                              shuf -n "${FUZZ_SAMPLE:-20}"; } )
    if FZ_CHECK_EVERY=1 ASAN_OPTIONS=quarantine_size_mb=16 "$fz/fuzz_heap" "${sample[@]}" \
            >"$fz/full-check.log" 2>&1; then
        echo "ok   full checker on ${#sample[@]} inputs"
        passed=$((passed + 1))
    else
        grep -E '^fuzz_heap:|SUMMARY|Running: ' "$fz/full-check.log" | tail -n 3
        echo "FAIL full checker on a sample (log: $fz/full-check.log)"
        failed=$((failed + 1))
    fi
else
    echo "FAIL full checker on a sample: no fuzzer binary"
    failed=$((failed + 1))
fi
echo "cli_fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
