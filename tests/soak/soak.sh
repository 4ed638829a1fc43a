#!/usr/bin/env bash
# soak.sh - build the soak (tests/soak/soak.c: -O2, PA_DEBUG=1, misuse checks on,
# autocheck off) into $BUILD/soak/ (BUILD defaults to build) and run it.
# Not part of `make test`.
# Usage: tests/soak/soak.sh [OPS] [CHECK_EVERY]   (defaults 20000000, OPS/4)
# Ends with "soak: N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/${BUILD:-build}/soak
cc=${CC:-cc}
mkdir -p "$out"
cd "$root" || exit 1
if ! $cc -std=gnu11 -Wall -Wextra -Wshadow -Wno-unused-parameter -O2 -g \
        -DPA_DEBUG=1 -I. -pthread tests/soak/soak.c alloc/*.c -o "$out/soak" -lpthread; then
    echo "soak: build failed"
    echo "soak: 0 passed, 1 failed"
    exit 1
fi
"$out/soak" "${1:-20000000}" ${2:+"$2"}
rc=$?
# A crash leaves no summary line of its own.
[ "$rc" -le 1 ] || { echo "soak: crashed (exit $rc)"; echo "soak: 0 passed, 1 failed"; }
exit "$rc"
