#!/usr/bin/env bash
# cli_fuzz.sh - the short fuzzing run inside `make test`: about 30 s of the
# heap fuzzer (tests/fuzz/run.sh), relayed as "cli_fuzz: N passed, N failed".
# Usage: tests/cli_fuzz.sh [HEAPBENCH]   (its folder is the build folder:
# the fuzzer goes to BUILD/fuzz, so parallel build folders do not collide)
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] && [ -z "${BUILD:-}" ] && BUILD=$(basename "$(dirname "$1")") && export BUILD
out=$(bash "$here/fuzz/run.sh" "${FUZZ_SECONDS:-30}" 2>&1)
echo "$out" | grep -v '^fuzz: [0-9]* passed, [0-9]* failed$'
line=$(echo "$out" | grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [ -z "$line" ]; then
    echo "cli_fuzz: 0 passed, 1 failed"
    exit 1
fi
echo "cli_${line}"
case $line in *" 0 failed") exit 0 ;; *) exit 1 ;; esac
