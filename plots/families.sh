#!/bin/sh
# families.sh RUN_DIR - the families of a results folder, one a line, in
# the report's order: every <family>_summary.csv in the folder, by name,
# the baseline family last (it is what the others' ratio is measured
# against).  report.sh numbers its tables in this order and ratio.gp its
# points, so the two always agree.
[ $# -eq 1 ] || { echo "usage: plots/families.sh RUN_DIR" >&2; exit 2; }
for f in "$1"/*_summary.csv; do
    [ -r "$f" ] || continue
    fam=${f##*/}; fam=${fam%_summary.csv}
    [ "$fam" = baseline ] || echo "$fam"
done
[ -r "$1/baseline_summary.csv" ] && echo baseline
exit 0
