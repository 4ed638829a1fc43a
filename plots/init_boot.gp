# report: 15 init: Boot time (end_boot_allocator) per GiB of RAM of every strategy against RAM size, both axes log scale: the sizes measured (points, bars: the 95 % confidence interval over processes), the verdict's straight line through them (solid) and its extrapolation to 1 TiB (dashed, ending in an open circle: not measured).
# init_boot.gp - what the verdict's boot-time answer rests on: boot_ns of
# the init "heap" rows divided by the RAM size, per strategy, against the
# RAM size; the least-squares line boot_ns = c + b * GiB through the
# medians (the verdict's own fit, bench/compare/verdict_init.c), drawn as
# (c + b * GiB) / GiB over the sizes measured and dashed from the largest
# size to 1 TiB, where its value is marked.  The series is the one measured
# at the most sizes (the verdict's too).  From init_summary.csv.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/init_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
if (!hascol(f, "boot_ns_median")) { print "skipped: no boot_ns_median column in ".f; exit status 3 }
whats = distinct(f, "what", "")
hsel = (whats eq "all" || strstrt(whats, "what=heap ") == 0) ? "" : "what=heap"
# the fixed parameters measured at the most sizes
fixes = distinct(f, params(f, "strategy;ram_gib;what"), hsel)
fix = word(fixes, 1); most = 0
do for [k in fixes] {
    n = words(distinct(f, "ram_gib", hsel.";".filt(k)))
    if (n > most) { most = n; fix = k }
}
base = hsel.";".filt(fix)
series = distinct(f, "strategy", base)
N = words(series)
TIB = 1024.0
array C[N]; array B[N]; array X0[N]; array X1[N]
do for [i=1:N] {
    stats sel(f, base.";".word(series, i)) using "ram_gib":"boot_ns_median" nooutput
    X0[i] = STATS_min_x; X1[i] = STATS_max_x
    B[i] = STATS_records >= 2 ? STATS_slope : NaN
    C[i] = STATS_records >= 2 ? STATS_intercept : NaN
}
stats sel(f, base) using "ram_gib" nooutput
xlo = STATS_min / 1.4
# the line's boot time per GiB, ms/GiB; a time is never below zero
line(i, x) = (C[i] + B[i] * x) / x / 1e6 > 0 ? (C[i] + B[i] * x) / x / 1e6 : NaN

set title sprintf("Boot time per GiB of RAM against RAM size, by strategy\n(%s; measured, fitted and extrapolated to 1 TiB)", pretty(fix))
set tmargin 5
set xlabel "modelled RAM (GiB, log scale)"
set ylabel "boot time per GiB of RAM (ms/GiB, log scale)"
set logscale x 2
set logscale y 10
set xrange [xlo : TIB * 1.4]
set format y "%g"
set key outside right top
set samples 200
set arrow 2 from TIB, graph 0 to TIB, graph 1 nohead dt 3 lc rgb "#999999"
set label 2 "1 TiB " at TIB, graph 0.97 right font ",10" textcolor rgb "#555555"
@CINOTE
ms(c) = column(c) / column("ram_gib") / 1e6
PLOT = 'plot for [i=1:N] sel(f, base.";".word(series, i)) \
         using "ram_gib":(ms("boot_ns_median")):(ms("boot_ns_ci_lo")):(ms("boot_ns_ci_hi")) \
         with yerrorbars ls i title (pretty(word(series, i))), \
     for [i=1:N] [X0[i]:X1[i]] line(i, x) with lines ls i dt 1 notitle, \
     for [i=1:N] [X1[i]:TIB] line(i, x) with lines ls i dt 2 notitle, \
     for [i=1:N] "+" using (TIB):(line(i, TIB)) every ::0::0 with points ls i pt 6 ps 1.6 notitle'
@SVG
@PLOT
@PNG
@PLOT
unset output
