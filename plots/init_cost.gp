# report: 60 init: Heap initialisation cost per strategy against RAM size (ns per page, left; ms per GiB, right; both axes log scale). Bars: the 95 % confidence interval over processes, as in the verdict; the strategies are spread a little along the size axis so that none hides another.
# init_cost.gp - heap initialisation cost per strategy against RAM size,
# log-log: ns per page on the left axis, ms per GiB of RAM on the right
# (the same numbers: 262144 pages per GiB).  One node count, alignment and
# boot-allocation setting (the first the run has), the "total" rows:
# boot plus everything deferred.  Median with its 95 % confidence interval
# over processes from init_summary.csv; each strategy's points are moved a
# few per cent along x so that equal strategies (pagewise and patch) stay
# visible.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/init_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }
whats = distinct(f, "what", "")
# the "total" rows if "what" varies, else whatever the one kind of row is
W0 = whats eq "all" ? "" : strstrt(whats, "what=total ") ? "total" : word(whats, 1)[6:]
wsel = W0 eq "" ? "" : "what=".W0
fix = word(distinct(f, params(f, "strategy;ram_gib"), wsel), 1)
base = wsel.";".filt(fix)
series = distinct(f, "strategy", base)

what = W0 eq "total" ? "boot plus deferred work" : W0 eq "" ? "" : W0
set title sprintf("Heap initialisation cost per page of RAM, by strategy\n(%s%s%s)", \
                  what, what eq "" ? "" : "; ", pretty(fix))
set xlabel "modelled RAM (GiB, log scale)"
set ylabel "time per page of RAM (ns/page, log scale)"
set y2label "time per GiB of RAM (ms/GiB, log scale)"
set logscale x 2
set logscale y 10
set logscale y2 10
set ytics nomirror
set y2tics
set key outside right top
stats sel(f, base) using "ram_gib" nooutput
set xrange [STATS_min / 1.25 : STATS_max * 1.25]
set mxtics 1
N = words(series)
dts(i) = 2 - i % 2
nudge(i) = 2 ** ((i - (N + 1) / 2.0) * 0.03)
PLOT = 'plot for [i=1:N] sel(f, base.";".word(series, i)) \
     using (column("ram_gib") * nudge(i)):"ns_per_page_median":"ns_per_page_ci_lo":"ns_per_page_ci_hi" \
     with yerrorlines ls i dt dts(i) title (pretty(word(series, i)))'
# gnuplot cannot link a log axis: find the range first, then scale it.
set terminal unknown
@PLOT
set yrange [GPVAL_Y_MIN:GPVAL_Y_MAX]
set y2range [GPVAL_Y_MIN*0.262144:GPVAL_Y_MAX*0.262144]
@CINOTE
@SVG
@PLOT
@PNG
replot
unset output
