# report: 10 free: What a node boundary costs a free: time at the boundary over the same free away from it, by order, one panel per boundary alignment (1 = no cost; log scale). Bars: from the ends of the two 95 % confidence intervals over processes (at the boundary, away), as in the verdict; the variants are spread a little along the order axis so that neither hides the other.
# free_cost.gp - what a node boundary costs a free: real_ns of a block free
# at the boundary over the same free away from it (plots/pairs.awk: ratio of
# medians, bars from the ends of the two intervals), by order, one panel per
# boundary alignment, one line per variant; legacy encoding.  1 = no cost.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/free_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
if (!hascol(f, "where") || !hascol(f, "boundary")) { print "skipped: no where/boundary columns in ".f; exit status 3 }
kinds = distinct(f, "boundary", "what=block")
if (kinds eq "" ) { print "skipped: no block frees in ".f; exit status 3 }
# one alignment only: distinct() leaves the column out, so name it
kinds = kinds eq "all" ? "all" : kinds
variants = distinct(f, "variant", "what=block")
src(w) = pairs(f, "where", "boundary", "away", "real_ns", "what=block;encoding=legacy;".w)
N = words(kinds)
W = 1200; H = 520
set xlabel "order of the freed block (2^order pages)"
set logscale y 2
set yrange [*:*]
set xtics 0, 6
set mxtics 2
# one key for all panels, under them, never over the bars
set bmargin 6
set xrange [-1:19]
# one y scale for every panel, so the panels compare at a glance
stats src("") using (column("ratio_lo")) nooutput
ylo = STATS_min
stats src("") using (column("ratio_hi")) nooutput
yhi = STATS_max
set yrange [(ylo < 1 ? ylo : 1) / 1.3 : (yhi > 1 ? yhi : 1) * 1.3]
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#777777"
set tmargin 4
# the verdict's intervals, combined as it combines them
set label 101 "bars: from the ends of the two 95 % confidence intervals over processes" \
    at screen 0.99, screen 0.975 right font ',9' textcolor rgb '#555555'
NV = words(variants)
nudge(j) = (j - (NV + 1) / 2.0) * 0.5
vname(v) = strstrt(v, "=node_check") ? "merges check the node (Xen today)" : \
           strstrt(v, "=reserve_page") ? "a page kept out (before 2010)" : pretty(v)
kname(k) = strstrt(k, "=natural") ? "natural boundary (1 GiB aligned)" : \
           strstrt(k, "=order9") ? "boundary aligned to order 9 (2 MiB)" : \
           strstrt(k, "=unaligned") ? "unaligned boundary (one page off)" : pretty(k)
do for [term in "svg png"] {
    if (term eq "svg") { eval SVG } else { eval PNG }
    set multiplot layout 1, N
    do for [i = 1:N] {
        k = word(kinds, i)
        set title kname(k) font ",12"
        if (i == 1) { set ylabel "time at the boundary / time away (ratio, log scale)" } else { unset ylabel }
        if (i == 1 && variants ne "all") {
            set key at screen 0.5, screen 0.01 center bottom horizontal maxrows 1 font ",11" samplen 2
        } else { unset key }
        plot for [j=1:NV] src(k.";".filt(word(variants, j))) \
                 using (column("order") + nudge(j)):"ratio":"ratio_lo":"ratio_hi" \
                 with yerrorlines ls j title (word(variants, j) eq "all" ? "" : vname(word(variants, j)))
    }
    unset multiplot
    unset output
}
