#!/usr/bin/env bash
# xen/build.sh - Xen 4.17 hypervisors built from Debian's source, one tree
# per variant: "stock" (the source as Debian ships it), NAME (stock with
# xen/patches/NAME.patch) or a user's patch (user:PATH, named user-BASENAME).
# The source comes through a private apt configuration under BUILD/xen/apt
# (its own deb-src entry; the host's apt sources are not read or changed),
# is unpacked once, and each variant's tree starts as a copy of the built
# stock tree, so its first build recompiles only what its patch touches.
# A tree remembers the patch it carries; a changed patch is reversed and the
# new one applied, so rebuilds stay incremental.
#
# Usage: xen/build.sh BUILD VARIANT...    or    xen/build.sh BUILD --source
# Prints one line per variant: NAME XEN XEN_SYMS (paths); progress, build
# times and errors go to stderr.  --source fetches and unpacks only, and
# prints the source tree's path.  Exit 2 on a bad variant or a patch that
# does not apply, 1 when a fetch or build fails.
set -u
build=${1:?usage: xen/build.sh BUILD VARIANT...}
shift
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/xen" || exit 1
top=$(cd "$build/xen" && pwd)
version=${XEN_DEB_VERSION:-4.17.5+72-g01140da4e8-1}
suite=${XEN_DEB_SUITE:-bookworm}
mirror=${XEN_DEB_MIRROR:-http://deb.debian.org/debian}
jobs=${XEN_JOBS:-$(nproc)}

say() { echo "xen-build: $*" >&2; }
die() { say "$1"; exit "${2:-1}"; }

# ------------------------------------------------------------------ source
apt_private() {
    local a=$top/apt
    mkdir -p "$a/parts" "$a/lists/partial" "$a/cache/archives/partial" || return 1
    printf 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
        "$mirror" "$suite" >"$a/sources.list"
    apt_opts=(-o "Dir::Etc::sourcelist=$a/sources.list" -o "Dir::Etc::sourceparts=$a/parts"
              -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache")
}

fetch_source() {
    [ -d "$top/src/tree" ] && return 0
    local dl=$top/src/dl log=$top/src/fetch.log
    apt_private || die "cannot make $top/apt"
    mkdir -p "$dl" || die "cannot make $dl"
    say "fetching Debian's xen $version source ($suite, private apt lists in $top/apt)"
    apt-get "${apt_opts[@]}" update >"$log" 2>&1 &&
        (cd "$dl" && apt-get "${apt_opts[@]}" source --download-only "xen=$version") >>"$log" 2>&1 ||
        die "apt-get source xen=$version failed; see $log"
    rm -rf "$top/src/tree.tmp"
    (cd "$dl" && dpkg-source -x ./*.dsc "$top/src/tree.tmp") >>"$log" 2>&1 ||
        die "dpkg-source -x failed; see $log"
    mv "$top/src/tree.tmp" "$top/src/tree"
}

# ------------------------------------------------------------------ trees
# NAME and PATCH ("" for stock) of a variant argument.
resolve() {
    local v=$1 b
    case $v in
        stock) name=stock patch= ;;
        user:*)
            patch=${v#user:}
            [ -f "$patch" ] || die "XEN_PATCH: no such file: $patch" 2
            patch=$(cd "$(dirname "$patch")" && pwd)/$(basename "$patch")   # used from the trees
            b=$(basename "$patch"); b=${b%.patch}; b=${b%.diff}
            name=user-$(tr -c 'A-Za-z0-9_.\n-' '_' <<<"$b") ;;
        *)
            [[ $v =~ ^[A-Za-z0-9_-]+$ ]] && [ -f "$here/patches/$v.patch" ] ||
                die "no variant '$v' (no xen/patches/$v.patch)" 2
            name=$v patch=$here/patches/$v.patch ;;
    esac
}

built() { [ -s "$1/xen/xen" ] && [ -s "$1/xen/xen-syms" ]; }

apply() {   # apply [-R] PATCH in tree $1; dry run first, so all or nothing
    local dir=$1; shift
    (cd "$dir" && patch -p1 -s -f --dry-run --no-backup-if-mismatch "$@" >/dev/null &&
        patch -p1 -s -f --no-backup-if-mismatch "$@" >/dev/null)
}

# Make $dir carry $patch (the stock tree carries none); fresh=1 when the
# tree was made anew (a copy of the built stock tree, or of the source).
prepare() {
    local dir=$1 patch=$2 mark=$1/.heapbench.patch from
    if [ -d "$dir" ] && [ -f "$mark" ] && cmp -s "$mark" "${patch:-/dev/null}"; then
        return 0
    fi
    if [ -d "$dir" ] && [ -f "$mark" ] && keep_times "$dir" "$mark" "$patch" &&
        apply "$dir" -R -i "$mark"; then
        : > "$mark"     # back to stock; the new patch follows
    else
        from=$top/src/tree
        [ "$dir" != "$top/stock" ] && built "$top/stock" && from=$top/stock
        fresh=1
        rm -rf "$dir" "$dir.tmp"
        cp -a "$from" "$dir.tmp" && rm -f "$dir.tmp/.heapbench.patch" &&
            : > "$dir.tmp/.heapbench.patch" && mv "$dir.tmp" "$dir" ||
            die "cannot copy $from to $dir"
    fi
    if [ -n "$patch" ]; then
        apply "$dir" -i "$patch" ||
            die "$patch does not apply to Xen $version (patch -p1 in the source root)" 2
        cp "$patch" "$mark"
    fi
    restore_times "$dir"
}

# Reversing a patch and applying the next touches every file of both, also
# those that end up as they were (a header both patches change alike):
# keep copies with their times, and give an unchanged file its time back,
# so that make rebuilds only what changed.
keep_times() {
    local dir=$1 f p
    local -a pats=()
    for p in "${@:2}"; do [ -n "$p" ] && pats+=("$p"); done
    kept=$(mktemp -d) || return 1
    for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "${pats[@]}" | sort -u); do
        [ -f "$dir/$f" ] || continue
        mkdir -p "$kept/$(dirname "$f")" && cp -p "$dir/$f" "$kept/$f" || return 1
    done
}
restore_times() {
    local dir=$1 f
    [ -n "${kept:-}" ] || return 0
    (cd "$kept" && find . -type f) | while read -r f; do
        cmp -s "$kept/$f" "$dir/$f" && touch -r "$kept/$f" "$dir/$f"
    done
    rm -rf "$kept"
    kept=
}

compile() {
    local dir=$1 name=$2 log=$1/build.log t0 t1 kind=incremental
    [ -n "$fresh" ] && kind="first (tree copied from stock)"
    built "$dir" || kind=first
    t0=$(date +%s.%N)
    { [ -f "$dir/xen/.config" ] || make -C "$dir/xen" defconfig; } >"$log" 2>&1 &&
        make -C "$dir/xen" -j"$jobs" >>"$log" 2>&1 || {
        tail -n 20 "$log" >&2
        die "$name: build failed; see $log"
    }
    t1=$(date +%s.%N)
    say "$name: $kind build $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}') s wall"
}

[ $# -gt 0 ] || die "no variant given" 2
if [ "$1" = --source ]; then
    exec 9>"$top/.lock" && flock 9 || die "cannot lock $top/.lock"
    fetch_source
    echo "$top/src/tree"
    exit 0
fi
for v in "$@"; do resolve "$v"; done     # refuse bad arguments before any work
# One build at a time in BUILD/xen: two makes in one tree would break it.
exec 9>"$top/.lock" && flock 9 || die "cannot lock $top/.lock"
fetch_source
# Every patch must apply to the pristine source before anything is built.
for v in "$@"; do
    resolve "$v"
    [ -z "$patch" ] || (cd "$top/src/tree" && patch -p1 -s -f --dry-run -i "$patch" >/dev/null) ||
        die "$patch does not apply to Xen $version (patch -p1 in the source root)" 2
done
# Stock first: the other trees start as copies of it.
for v in stock "$@"; do
    resolve "$v"
    [ "$v" = stock ] && [ -n "${done_stock:-}" ] && continue
    fresh=
    prepare "$top/$name" "$patch"
    compile "$top/$name" "$name"
    [ "$name" = stock ] && done_stock=1
    case " $* " in *" $v "*) echo "$name $top/$name/xen/xen $top/$name/xen/xen-syms" ;; esac
done
