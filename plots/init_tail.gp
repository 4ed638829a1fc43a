# report: 30 init: The tail: the worst single allocation or free after boot, per strategy (both axes log scale; strategies spread a little along the size axis so that none hides another). Bars: the 95 % confidence interval over processes, as in the verdict.
# init_tail.gp - the tail: the worst single call per strategy against RAM
# size (for eager strategies the one boot call; for lazy the slowest first
# free or allocation that had to initialise; for deferred the longest wait
# on the background threads), in microseconds, log-log.  The family's
# counter worst_ns, median with its 95 % confidence interval over
# processes, from init_summary.csv.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/init_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
if (!hascol(f, "worst_ns_median")) { print "skipped: no worst_ns_median column in ".f; exit status 3 }
whats = distinct(f, "what", "")
# the "total" rows if "what" varies, else whatever the one kind of row is
W0 = whats eq "all" ? "" : strstrt(whats, "what=total ") ? "total" : word(whats, 1)[6:]
wsel = W0 eq "" ? "" : "what=".W0
fix = word(distinct(f, params(f, "strategy;ram_gib"), wsel), 1)
base = wsel.";".filt(fix)
series = distinct(f, "strategy", base)

set title sprintf("The worst single allocation or free after boot, by strategy%s", \
                  fix eq "all" ? "" : "\n(".pretty(fix).")")
set xlabel "modelled RAM (GiB, log scale)"
set ylabel "worst call (µs, log scale)"
set logscale x 2
set logscale y 10
set format y "%g"
set key outside right top
stats sel(f, base) using "ram_gib" nooutput
set xrange [STATS_min / 1.25 : STATS_max * 1.25]
N = words(series)
nudge(i) = 2 ** ((i - (N + 1) / 2.0) * 0.03)
@CINOTE
us(c) = column(c) / 1e3
@SVG
plot for [i=1:N] sel(f, base.";".word(series, i)) \
     using (column("ram_gib") * nudge(i)):(us("worst_ns_median")):(us("worst_ns_ci_lo")):(us("worst_ns_ci_hi")) \
     with yerrorlines ls i title (pretty(word(series, i)))
@PNG
replot
unset output
