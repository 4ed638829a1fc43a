#!/usr/bin/env bash
# run.sh - build the heap fuzzer with clang (libFuzzer, ASan, UBSan, the
# top debug level) and run it for SECONDS on a working copy of the seed
# corpus in $BUILD/fuzz/ (BUILD defaults to build), so the repository's
# corpus is never flooded and parallel build folders do not collide.  Ends
# with "fuzz: N passed, N failed": 1 passed for a clean run, 1 failed for a
# crash (the crash file stays in build/fuzz/ and its path is printed) or a
# missing clang/libFuzzer.
# Usage: tests/fuzz/run.sh [SECONDS]   (default 60)
#   FZ_CFLAGS="-DFZ_AVOID_MFN0_PENDING=0"  extra flags, e.g. to hunt a known bug
#   FZ_ARGS="-jobs=2"                      extra libFuzzer options
set -u
secs=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/${BUILD:-build}/fuzz
bin=$out/fuzz_heap
work=$out/corpus
log=$out/last-run.log

summary() { echo "fuzz: $1 passed, $2 failed"; exit $(( $2 > 0 )); }

cd "$root" || summary 0 1
mkdir -p "$out" "$work"
if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz: clang not found (apt-get install clang)" >&2
    summary 0 1
fi
# The target and the sources of alloc/, -O1 -g at the top debug level.
# Coverage: edges everywhere, but no comparison tracing (trace-cmp), and
# none at all in the checker (check.c): it runs after every call, and its
# instrumented loops would take most of the time for no useful feedback.
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=gnu11 -Wall -Wextra -Wshadow -Wno-unused-parameter -DPA_DEBUG=3 -g -O1 -I. ${FZ_CFLAGS:-}"
cov="-fsanitize=fuzzer-no-link -fno-sanitize-coverage=trace-cmp"
build() {
    mkdir -p "$out/obj" || return 1
    local objs="" src o
    for src in tests/fuzz/*.c alloc/*.c; do
        o=$out/obj/$(basename "$src" .c).o
        if [ "$src" = alloc/check.c ]; then
            clang $cflags $san -c "$src" -o "$o" || return 1
        else
            clang $cflags $san $cov -c "$src" -o "$o" || return 1
        fi
        objs="$objs $o"
    done
    clang -fsanitize=fuzzer,address,undefined $objs -lpthread -o "$bin"
}
if ! build 2>"$out/build.log"; then
    if grep -q 'clang_rt.fuzzer\|fuzzer.*not found\|unsupported.*fuzzer' "$out/build.log"; then
        echo "fuzz: clang has no libFuzzer (Debian: apt-get install clang)" >&2
    else
        echo "fuzz: build failed:" >&2
    fi
    cat "$out/build.log" >&2
    summary 0 1
fi
# Seeds join the working corpus, which keeps what earlier runs learned.
cp -n tests/fuzz/corpus/* "$work"/ 2>/dev/null
before=$(ls "$out" | grep -c '^crash-\|^leak-\|^timeout-\|^oom-')
echo "fuzz: running $bin for ${secs}s on $work"
# The checker callocs a bitmap on every call; ASan's default 256 MiB
# quarantine makes each one fresh memory, and page faults then cost more
# than the run itself.  A small quarantine still catches use after free.
# shellcheck disable=SC2086
FZ_SAVE=${FZ_SAVE:-$out/crash-input} ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16} "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=60 \
    -artifact_prefix="$out/" ${FZ_ARGS:-} "$work" >"$log" 2>&1
rc=$?
grep -E '^stat::|^Done|^#[0-9]+.*(DONE|INITED)' "$log"
if [ "$rc" -ne 0 ]; then
    grep -E '^fuzz_heap:|ERROR|SUMMARY' "$log" | head -n 5
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    [ -z "$crash" ] && crash=$(sed -n 's/^fuzz_heap: input saved to \(.*\)$/\1/p' "$log" | tail -n 1)
    echo "fuzz: crash (exit $rc), input kept at ${crash:-?}, log at $log"
    echo "fuzz: reproduce with FZ_TRACE=1 $bin ${crash:-CRASH_FILE}"
    summary 0 1
fi
after=$(ls "$out" | grep -c '^crash-\|^leak-\|^timeout-\|^oom-')
[ "$after" -eq "$before" ] || echo "fuzz: note: new artifact files in $out"
summary 1 0
