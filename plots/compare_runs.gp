# compare_runs.gp - the two runs side by side, from compare.csv: for each
# benchmark in both, each run's estimate (geometric mean of per-process medians) with min-max, divided by the base
# estimate (so benchmarks from ns to s share one axis).  Drawn by
# plots/compare.sh: csv, out (the name without .svg/.png), base and new
# (the names in the title).
if (!exists("csv") || !exists("out")) { print "usage: gnuplot -e \"csv='compare.csv'; out='BASENAME'\" compare_runs.gp"; exit status 2 }
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
set title sprintf("Each run relative to the base estimate\nbase: %s\nnew: %s", base, new) noenhanced

set format x "%.2f"
# a log axis when the ratios span more than a factor of 3, else linear
stats csv using (strcol("benchmark") eq "geomean" ? NaN : column("new_min_ns")/column("base_mean_ns")) nooutput name "LO"
stats csv using (strcol("benchmark") eq "geomean" ? NaN : column("new_max_ns")/column("base_mean_ns")) nooutput name "HI"
if (HI_max / LO_min > 3) { set logscale x 10; set format x "%g"; set xtics add (0.25, 0.5, 0.75, 1.5, 2, 4) }
LOGX = HI_max / LO_min > 3 ? ", log scale" : ""
set xlabel sprintf("time relative to the base estimate (each run's estimate, bars: its min-max%s)", LOGX)
if (N > 60) { set ylabel "benchmark (row of compare.csv)" }
set bmargin 7
set yrange [N:-1]
set ytics scale 0 font ",9" noenhanced
set grid xtics mxtics lc rgb "#dddddd"
set key below horizontal
set autoscale xfix
set offsets graph 0.08, graph 0.08, 0, 0
set errorbars small
isrow = 'strcol("benchmark") ne "geomean"'
lab(c) = N <= 60 ? short(strcol("benchmark")) : (int(c) % 10 == 0 ? sprintf("%d", int(c)) : "")
rel(c) = column(c) / column("base_mean_ns")
PLOT = 'plot csv using (@isrow ? rel("base_mean_ns") : NaN):($0 - 0.15):(rel("base_min_ns")):(rel("base_max_ns")):yticlabels(lab($0)) with xerrorbars pt 7 ps 0.6 lc rgb "#888888" title "base", csv using (@isrow ? rel("new_mean_ns") : NaN):($0 + 0.15):(rel("new_min_ns")):(rel("new_max_ns")) with xerrorbars pt 5 ps 0.6 lc rgb "#2166ac" title "new"'
set terminal svg size W,H dynamic noenhanced font "Sans,12" background rgb "white"
set output out.".svg"
@PLOT
set terminal pngcairo size W,H noenhanced font "Sans,11" background rgb "white"
set output out.".png"
@PLOT
unset output
