# report: 40 free: The uninit encoding's cost on the hot path: time per free against legacy on the same block and heap, by order. Bars: from the ends of the two 95 % confidence intervals over processes (uninit, legacy), as in the verdict.
# free_encoding.gp - the uninit encoding's cost on the hot path: real_ns of a
# block free on a heap in the uninit encoding over the same free on a heap
# in the legacy encoding (same block, layout and order; plots/pairs.awk),
# as time added in %, by order, at a natural boundary and away from it.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/free_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
if (!hascol(f, "encoding")) { print "skipped: no encoding column in ".f; exit status 3 }
if (!strstrt(distinct(f, "encoding", "what=block"), "uninit")) { print "skipped: no uninit block frees in ".f; exit status 3 }
wheres = distinct(f, "where", "what=block;encoding=uninit")
src(w) = pairs(f, "encoding", "uninit", "legacy", "real_ns", "what=block;boundary=natural;variant=node_check;".w)
set title "Time the uninit encoding adds to one free, against legacy on the same block"
set xlabel "order of the freed block (2^order pages)"
set ylabel "time added per free (%)"
set xtics 0, 9, 18
set xrange [-2:20]
set key outside right top
set label 101 "bars: from the ends of the two 95 % confidence intervals over processes" \
    at screen 0.99, screen 0.975 right font ',9' textcolor rgb '#555555'

pct(c) = (column(c) - 1) * 100
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead dt 2 lc rgb "#777777"
@SVG
plot for [w in wheres] src(filt(w)) using ($0 * 0 + column("order") + (strstrt(w, "away") ? -0.25 : 0.25)):(pct("ratio")):(pct("ratio_lo")):(pct("ratio_hi")) \
         with yerrorbars pt 7 ps 1.2 title (w eq "all" ? "" : strstrt(w, "away") ? "away from a boundary" : "at a natural boundary")

@PNG
replot
unset output
