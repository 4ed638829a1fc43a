# report: 30 init: The tail: the worst single allocation or free after boot, per strategy.
# init_tail.gp - the tail: the worst single call per strategy against RAM
# size (for eager strategies the one boot call; for lazy the slowest first
# free or allocation that had to initialise; for deferred the longest wait
# on the background threads), in microseconds, log-log.  The family's
# counter worst_ns, median with min-max over the repetitions, from
# init_summary.csv.
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

set title sprintf("Worst single call per strategy%s", fix eq "all" ? "" : " (".pretty(fix).")")
set xlabel "modelled RAM (GiB)"
set ylabel "worst call (µs)"
set logscale x 2
set logscale y 10
set format y "%g"
set key top left
us(c) = column(c) / 1e3
@SVG
plot for [s in series] sel(f, base.";".s) \
     using "ram_gib":(us("worst_ns_median")):(us("worst_ns_min")):(us("worst_ns_max")) \
     with yerrorlines title pretty(s)
@PNG
replot
unset output
