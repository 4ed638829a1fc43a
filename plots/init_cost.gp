# report: 60 init: Heap initialisation cost per strategy against RAM size (ns per page, left; ms per GiB, right).
# init_cost.gp - heap initialisation cost per strategy against RAM size,
# log-log: ns per page on the left axis, ms per GiB of RAM on the right
# (the same numbers: 262144 pages per GiB).  One node count, alignment and
# boot-allocation setting (the first the run has), the "total" rows:
# boot plus everything deferred.  Median with min-max of the repetitions
# from init_summary.csv.
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

set title sprintf("Heap initialisation cost per page (%s%s)", W0 eq "" ? "" : W0."; ", pretty(fix))
set xlabel "modelled RAM (GiB)"
set ylabel "time per page of RAM (ns/page)"
set y2label "time per GiB of RAM (ms/GiB)"
set logscale x 2
set logscale y 10
set logscale y2 10
set ytics nomirror
set y2tics
set key top right
set mxtics 1
PLOT = 'plot for [s in series] sel(f, base.";".s) \
     using "ram_gib":"ns_per_page_median":"ns_per_page_min":"ns_per_page_max" \
     with yerrorlines title pretty(s)'
# gnuplot cannot link a log axis: find the range first, then scale it.
set terminal unknown
@PLOT
set yrange [GPVAL_Y_MIN:GPVAL_Y_MAX]
set y2range [GPVAL_Y_MIN*0.262144:GPVAL_Y_MAX*0.262144]
@SVG
@PLOT
@PNG
replot
unset output
