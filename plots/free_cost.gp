# free_cost.gp - cost of one free by order, next to a node boundary (for
# each boundary alignment and variant) and away from any boundary.  Median
# with min-max of real_ns per free from free_summary.csv.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/free_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
# Block frees only: "frag" rows hold block counts, and "range" rows (the
# lazy range free) have their own scale; both are in the tables.
nofrag = strstrt(distinct(f, "what", "")." ", "what=block ") ? "what=block" : "what!=frag"
byname = hascol(f, "boundary") && hascol(f, "where") && hascol(f, "variant")
series = distinct(f, byname ? "boundary;where;variant" : "what;".params(f, "order"), nofrag)

set title "Cost of freeing one block by order, next to a node boundary and away from one"
set xlabel "order of the freed block (2^order pages)"
set ylabel "time per free (ns)"
set logscale y 10
set xtics 1
set mxtics 1
KEYN = words(series)
set key below maxcols 2 font ",9"
set bmargin 4 + ceil(KEYN / 2.0) * 1.2
dashed(s) = strstrt(s, "where=away") ? 2 : 1
@SVG
plot for [s in series] sel(f, nofrag.";".filt(s)) \
     using "order":"real_ns_median":"real_ns_min":"real_ns_max" \
     with yerrorlines dt dashed(s) title pretty(s)
@PNG
replot
unset output
