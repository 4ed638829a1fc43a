# compare_ratio.gp - the ratio new/base of each benchmark's estimates (geometric
# means of per-process medians) with its interval (level 1 - alpha), significant changes in colour,
# the rest grey; the geometric mean of the ratios as a dashed line.  Drawn
# by plots/compare.sh: csv (compare.csv), out (the name without .svg/.png),
# base and new (the names in the title), alpha.
if (!exists("csv") || !exists("out")) { print "usage: gnuplot -e \"csv='compare.csv'; out='BASENAME'\" compare_ratio.gp"; exit status 2 }
if (!exists("alpha")) { alpha = 0.05 }
set datafile separator comma
set datafile columnheaders
if (!exists("base")) { base = "base" }
if (!exists("new")) { new = "new" }
stats csv using 0 nooutput
N = STATS_records - 1
# names without Google Benchmark's run settings (how, not what); the
# figure as wide as its longest name needs beside the plot
cut(s, p) = strstrt(s, p) ? s[1:strstrt(s, p) - 1] : s
short(s) = cut(cut(cut(cut(s, "/iterations:"), "/min_time:"), "/manual_time"), "/real_time")
stats csv using (strlen(short(strcol("benchmark")))) nooutput name "L"
W = N <= 60 ? 900 + 8 * L_max : 1200
H = N <= 60 ? 260 + 16 * N : 900
geo = real(system(sprintf("awk -F, '$1==\"geomean\"{print $10}' '%s'", csv)))
set title sprintf("new / base (geometric means of per-process medians) with its %g%% interval\nbase: %s\nnew: %s", 100 * (1 - alpha), base, new) noenhanced

set format x "%.2f"
# a log axis when the ratios span more than a factor of 3, else linear
stats csv using (strcol("benchmark") eq "geomean" ? NaN : column("ratio_lo")) nooutput name "LO"
stats csv using (strcol("benchmark") eq "geomean" ? NaN : column("ratio_hi")) nooutput name "HI"
if (HI_max / LO_min > 3) { set logscale x 10; set format x "%g"; set xtics add (0.25, 0.5, 0.75, 1.5, 2, 4) }
LOGX = HI_max / LO_min > 3 ? ", log scale" : ""
set xlabel sprintf("ratio new / base (below 1: faster%s); geometric mean %.3f", LOGX, geo)
if (N > 60) { set ylabel "benchmark (row of compare.csv)" }
set bmargin 7
set yrange [N:-1]
set ytics scale 0 font ",9" noenhanced
set grid xtics mxtics lc rgb "#dddddd"
set key below horizontal
set autoscale xfix
set offsets graph 0.08, graph 0.08, 0, 0
set errorbars small
set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb "#000000"
set arrow 2 from geo, graph 0 to geo, graph 1 nohead dt 2 lw 2 lc rgb "#e08214"
lab(c) = N <= 60 ? short(strcol("benchmark")) : (int(c) % 10 == 0 ? sprintf("%d", int(c)) : "")
sig(want) = strcol("benchmark") ne "geomean" && column("significant") == want
PLOT = 'plot csv using (sig(1) ? column("ratio") : NaN):0:"ratio_lo":"ratio_hi":yticlabels(lab($0)) with xerrorbars pt 7 ps 0.7 lc rgb "#c0392b" title sprintf("significant (p < %g)", alpha), csv using (sig(0) ? column("ratio") : NaN):0:"ratio_lo":"ratio_hi" with xerrorbars pt 6 ps 0.7 lc rgb "#888888" title "not significant", csv using (strcol("benchmark") eq "geomean" ? column("ratio") : NaN):0 with points pt 13 ps 1.5 lc rgb "#e08214" notitle'
set terminal svg size W,H dynamic noenhanced font "Sans,12" background rgb "white"
set output out.".svg"
@PLOT
set terminal pngcairo size W,H noenhanced font "Sans,11" background rgb "white"
set output out.".png"
@PLOT
unset output
