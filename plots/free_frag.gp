# report: 70 free: Fragmentation at a node boundary: free blocks on each side after a free.
# free_frag.gp - fragmentation at a node boundary: after freeing a block of
# each order at the boundary, how many free blocks lie on each side of it
# (one block per side is the best a boundary allows; more is
# fragmentation).  The family's counters left_blocks and right_blocks,
# their medians from free_summary.csv; left side drawn solid, right side
# dashed, one colour per boundary alignment and variant, each moved a
# little along x so that none hides another.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/free_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
do for [c in "where left_blocks_median right_blocks_median"] {
    if (!hascol(f, c)) { print "skipped: no ".c." column in ".f; exit status 3 }
}
fsel = "what=frag;where=boundary"
series = distinct(f, params(f, "order;where"), fsel)
if (series eq "") { print "skipped: no what=frag, where=boundary rows in ".f; exit status 3 }

set title "Free blocks on each side of a node boundary after a free, by order (chunked)\n(counts, the same in every process: no interval)"
set xlabel "block order (2^order pages)"
set ylabel "free blocks (count)"
set xtics 0, 3
set xrange [-1:19]
set tmargin 5
set mxtics 3
NS = words(series)
# series moved a little along x so that equal counts do not hide each other
nudge(i) = (i - (NS + 1) / 2.0) * 0.12
set key outside right top
@SVG
plot for [i=1:words(series)] sel(f, fsel.";".filt(word(series, i))) \
         using (column("order") + nudge(i)):"left_blocks_median" with linespoints ls i dt 1 \
         title "left, ".pretty(word(series, i)), \
     for [i=1:words(series)] sel(f, fsel.";".filt(word(series, i))) \
         using (column("order") + nudge(i)):"right_blocks_median" with linespoints ls i dt 2 \
         title "right, ".pretty(word(series, i))
@PNG
replot
unset output
