#!/usr/bin/env bash
# cli_make.sh - what the Makefile promises around the build: a user's
# CFLAGS add to the project's flags (the version header's -I and the
# warnings stay), and the latest run is the last complete, stamped folder
# in name order (tools/latest.sh), never a temporary or foreign one.
. "$(dirname "$0")/lib.sh"
root=$lib_root

# --- user CFLAGS -----------------------------------------------------------
# A dry run of main.o's compile with a user flag: both the user's flag and
# the project's own per-target -I must be on the command line.
cmd=$(make -C "$root" --no-print-directory -n -B HB_INNER=1 V=1 \
        BUILD="$tmp/b" CFLAGS=-DHB_USER_FLAG=1 "$tmp/b/bench/cmd/main.o" 2>&1 |
      grep -E ' -c -o [^ ]*main\.o')
case $cmd in
    *-DHB_USER_FLAG=1*) ok make_user_cflags_kept ;;
    *) fail make_user_cflags_kept "no user flag in: $cmd" ;;
esac
case $cmd in
    *"-I$tmp/b "*) ok make_user_cflags_add ;;
    *) fail make_user_cflags_add "the project's -I\$(BUILD) is gone: $cmd" ;;
esac
case $cmd in
    *-Wall*-DHB_USER_FLAG=1*) ok make_user_cflags_last ;;
    *) fail make_user_cflags_last "user flags do not come after the project's: $cmd" ;;
esac

# --- the latest run ----------------------------------------------------------
#   r/20261207T091010Z-b/        complete, older stamp
#   r/20261207T101010Z-a/        complete
#   r/20261207T101010Z-a-2/      complete, same stamp, second run    <- latest
#   r/.tmp-20271207T101010Z-a-1/ being written (newer stamp)
#   r/20271207T101010Z-x/        no environment.csv (not a whole run)
#   r/2notarun/                  not a stamp
r=$tmp/r
for d in 20261207T091010Z-b 20261207T101010Z-a 20261207T101010Z-a-2 \
         .tmp-20271207T101010Z-a-1 20271207T101010Z-x 2notarun; do
    mkdir -p "$r/$d"
    case $d in 20271207T101010Z-x) ;; *) : > "$r/$d/environment.csv" ;; esac
done
got=$(LC_ALL=en_US.UTF-8 bash "$root/tools/latest.sh" "$r" 2>/dev/null)
[ "$got" = "$r/20261207T101010Z-a-2" ] && ok latest_name_order ||
    fail latest_name_order "expected $r/20261207T101010Z-a-2, seen '$got'"
if bash "$root/tools/latest.sh" "$tmp/none" >/dev/null 2>&1; then
    fail latest_none "a folder without runs gave a run"
else
    ok latest_none
fi
finish
