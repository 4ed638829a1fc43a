#!/usr/bin/env bash
# tests/xen/variants.sh - real Xen's variants in `make test`: every patch in
# xen/patches applies to Debian's Xen source, bad variants and patches are
# refused, and stock and one variant (XEN_TEST_VARIANT, default "patch")
# are built and counted on one layout (2x1G), with what any correct build
# must show: page-wise init costs more per page than chunked, the first
# free of a never-initialised page costs more under the uninit encoding,
# both heaps hold the same free pages; and the example user patch
# (xen/patches/examples/nr_heap_frees.patch, a page_alloc.c-only rebuild)
# adds one instruction to every free and none to an allocation.  The trees
# are BUILD/xen's, so a second run rebuilds incrementally.
#
# Usage: tests/xen/variants.sh [--if-possible] BUILD
# --if-possible: without QEMU, gdb, flex or bison, or without Debian's
# source (no network), say why and pass.  Ends "xen-variants: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if_possible=0
[ "${1:-}" = --if-possible ] && { if_possible=1; shift; }
build=${1:?usage: tests/xen/variants.sh [--if-possible] BUILD}
variant=${XEN_TEST_VARIANT:-patch}
pass=0 fail=0
ok() { echo "  ok   $1"; pass=$((pass + 1)); }
bad() { echo "  FAIL $1"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1 ($2)"; return 1; fi; }
finish() { echo "xen-variants: $pass passed, $fail failed"; [ $fail -eq 0 ]; exit; }
skip() {
    if [ $if_possible = 1 ]; then
        echo "xen-variants: skipped ($*)"; finish
    fi
    bad "$*"; finish
}

for t in qemu-system-x86_64 gdb nm flex bison patch dpkg-source; do
    command -v $t >/dev/null || skip "no $t (make xen-bench installs it)"
done
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Bad input: one line naming the bad value, exit 2, before any work.
msg=$(bash "$top/xen/build.sh" "$build" no-such-variant 2>&1); rc=$?
check "an unknown variant exits 2" '[ $rc -eq 2 ]'
check "and names it on one line" '[ "$(wc -l <<<"$msg")" -eq 1 ] && grep -q no-such-variant <<<"$msg"'
msg=$(bash "$top/xen/build.sh" "$build" "user:$tmp/none.patch" 2>&1); rc=$?
check "a missing XEN_PATCH exits 2, named" '[ $rc -eq 2 ] && grep -q none.patch <<<"$msg"'

src=$(bash "$top/xen/build.sh" "$build" --source 2>"$tmp/fetch.err") ||
    skip "cannot fetch Debian's xen source: $(tail -n 1 "$tmp/fetch.err")"
for p in "$top"/xen/patches/*.patch "$top"/xen/patches/examples/*.patch; do
    check "$(basename "$p") applies to the source" \
        '(cd "$src" && patch -p1 -s -f --dry-run -i "$p" >/dev/null)'
done
# A patch whose context is not in the source is refused before any build.
printf '%s\n' '--- a/xen/common/page_alloc.c' '+++ b/xen/common/page_alloc.c' \
    '@@ -1,2 +1,2 @@' '-no line of Xen reads like this' '+nor this' ' nor this one' >"$tmp/stale.patch"
msg=$(bash "$top/xen/build.sh" "$build" "user:$tmp/stale.patch" 2>&1); rc=$?
check "a patch that does not apply exits 2, named" '[ $rc -eq 2 ] && grep -q stale.patch <<<"$msg"'

# Build and count one variant and the example user patch on one layout;
# stock, not named, is counted too (the table stands against it).
user=$top/xen/patches/examples/nr_heap_frees.patch
t0=$(date +%s)
XEN_BENCH_CSV=$tmp/variants.csv bash "$top/xen/bench.sh" "$build" 2x1G "$variant" "user:$user" \
    >"$tmp/bench.log" 2>&1
rc=$?
echo "  (stock, $variant and the example built and counted in $(( $(date +%s) - t0 )) s wall)"
check "stock and $variant build and count" '[ $rc -eq 0 ]' ||
    { tail -n 15 "$tmp/bench.log"; finish; }
val() {   # val VARIANT PATH WHERE COLUMN(6 instructions, 7 per_page)
    awk -F, -v v="$1" -v p="$2" -v w="$3" -v c="$4" \
        '$1 == v && $3 == p && $5 == w && ($4 == "-" || $4 == 0) { print $c; exit }' "$tmp/variants.csv"
}
s_eba=$(val stock end_boot_allocator all 7) v_eba=$(val "$variant" end_boot_allocator all 7)
s_boot=$(val stock free_heap_pages boot 6) v_boot=$(val "$variant" free_heap_pages boot 6)
echo "  end_boot_allocator per page: stock $s_eba, $variant $v_eba;" \
     "first free of a boot page: stock $s_boot, $variant $v_boot"
keys() { awk -F, -v v="$1" 'NR > 1 && $1 == v { print $2, $3, $4 }' "$tmp/variants.csv"; }
nonint=$(awk -F, 'NR > 1 && $6 !~ /^[1-9][0-9]*$/' "$tmp/variants.csv")
check "both variants have the same rows" '[ -n "$(keys stock)" ] && [ "$(keys stock)" = "$(keys "$variant")" ]'
check "every count is a positive integer" '[ -z "$nonint" ]'
runs=$build/xen/bench
free_pages() { awk -F, '$1 == "free_pages" { print $2 }' "$runs/$1/2x1G/info.csv"; }
check "stock and $variant leave the same number of free pages" \
    '[ -n "$(free_pages stock)" ] && [ "$(free_pages stock)" = "$(free_pages "$variant")" ]'
# The example adds one instruction (an add to memory) to every free and
# none to an allocation.
plus() { awk -F, -v p="$1" 'NR > 1 && $3 == p && $4 != "-" {
    k = $2 FS $4 FS $5; if ($1 == "stock") s[k] = $6; else if ($1 == "user-nr_heap_frees") u[k] = $6 }
    END { for (k in u) print (k in s) ? u[k] - s[k] : "none" }' "$tmp/variants.csv" | sort -u | tr '\n' ' '; }
check "the example user patch adds 1 to every free" '[ "$(plus free_heap_pages)" = "1 " ]'
check "and nothing to an allocation" '[ "$(plus alloc_heap_pages)" = "0 " ]'
case $variant in
    pagewise|patch)
        check "page-wise init costs more per page than chunked" \
            'awk -v a="$v_eba" -v b="$s_eba" "BEGIN { exit !(a > b) }"' ;;
esac
case $variant in
    patch|lazy)
        check "a never-initialised page's first free goes through init (costs more)" \
            '[ "$v_boot" -gt "$s_boot" ]' ;;
esac
finish
