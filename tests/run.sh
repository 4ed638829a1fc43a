#!/usr/bin/env bash
# Run every test suite and print one summary line: "N passed, N failed".
# Usage: tests/run.sh UNIT_RUNNER HEAPBENCH   (HEAPBENCH's folder is the
# build folder: the NUMA guests take their binaries from there)
set -u
runner=$1 heapbench=$2
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
tally() {   # read "...: N passed, M failed" from a suite's last line
    local line=$1
    local p f
    p=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/p' <<<"$line")
    f=$(sed -n 's/.*[^0-9]\([0-9][0-9]*\) failed.*/\1/p' <<<"$line")
    if [ -z "$p" ] || [ -z "$f" ]; then
        echo "tests/run.sh: a suite ended without a summary line" >&2
        failed=$((failed + 1)); return
    fi
    passed=$((passed + p)); failed=$((failed + f))
}
out=$(mktemp); trap 'rm -f "$out"' EXIT
ASAN_OPTIONS=detect_leaks=1 "$runner" 2>&1 | tee "$out"
tally "$(grep -E '^unit: ' "$out" | tail -n 1)"
for suite in "$here"/cli/cli_*.sh; do
    [ -e "$suite" ] || continue
    bash "$suite" "$heapbench" 2>&1 | tee "$out"
    tally "$(grep -E ': [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)"
done
# Multi-node guests under QEMU (tests/numa/run.sh), when QEMU, a kernel and
# busybox are installed; otherwise one line says why they were skipped.
build=$(dirname "$heapbench")
bash "$here/numa/run.sh" --if-possible "$build" 2>&1 | tee "$out"
tally "$(grep -E '^numa: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)"
# Real Xen as the oracle (xen/xen-check.sh) on one layout, when QEMU, gdb
# and valgrind are installed and Debian's Xen packages can be fetched:
# the free blocks must be Xen's, block for block, and every instruction
# ratio within 0.90-1.10, as make xen-check asserts.
bash "$here/../xen/xen-check.sh" --if-possible --csv "$build/xen/fidelity-test.csv" \
    "$build" "${XEN_TEST_LAYOUT:-2x2G}" 2>&1 | tee "$out"
tally "$(grep -E '^xen-check: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)"
# Real Xen's variants (tests/xen/variants.sh): stock and one variant built
# from Debian's source and counted, when the tools and the source are there.
bash "$here/xen/variants.sh" --if-possible "$build" 2>&1 | tee "$out"
tally "$(grep -E '^xen-variants: [0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
