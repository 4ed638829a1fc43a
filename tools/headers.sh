#!/usr/bin/env bash
# headers.sh [LIMIT] - the length of each source file's header comment
# (the first comment block: /* ... */ for C, leading # lines after a
# shebang for scripts), for files whose header is longer than LIMIT (15).
limit=${1:-15}
cd "$(dirname "$0")/.." || exit 1
{ find alloc bench tests plots tools -type f \( -name '*.c' -o -name '*.h' -o -name '*.cc' \
       -o -name '*.sh' -o -name '*.py' -o -name '*.gp' -o -name '*.awk' \) -not -path 'tests/data/*'
  ls xen/*.c 2>/dev/null; } | sort -u |
while read -r f; do
    awk -v f="$f" -v limit="$limit" '
        NR == 1 && /^#!/ { next }
        !started && /^[ \t]*$/ { next }
        !started && /^\/\*/ { started = 1; mode = "c" }
        !started && /^#/ && !/^#(include|define|ifndef|if|pragma)/ { started = 1; mode = "h" }
        !started && /^"""/ { started = 1; mode = "py" }
        !started { exit }
        mode == "c" { n++; if (/\*\//) exit; next }
        mode == "h" { if (/^#/) { n++; next } exit }
        mode == "py" { n++; if (n > 1 && /"""/) exit; next }
        END { if (n > limit) printf "%4d %s\n", n, f }' "$f"
done | sort -rn
