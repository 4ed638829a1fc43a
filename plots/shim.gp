# report: 90 shim: Overhead of the C shim over Google Benchmark, per loop iteration. Bars: the 95 % confidence interval over processes, as in the verdict.
# shim.gp - cost per iteration of the empty benchmark loop: written
# directly in C++ against Google Benchmark, through the C shim with batched
# keep-running calls, and through the shim one iteration per call.  The
# gaps are the shim's overhead.  Median with its 95 % confidence interval
# over processes from shim_summary.csv.
load system("dirname '".ARG0."'")."/common.gp"
f = run."/shim_summary.csv"
if (!have(f)) { print "skipped: no ".f; exit status 3 }

set title "Benchmark loop overhead per iteration: C shim against direct C++"
set xlabel "loop"
set ylabel "time per iteration (ns)"
set style fill solid 0.6 border -1
set boxwidth 0.6
set yrange [0:*]
set offsets 0.6, 0.6, graph 0.12, 0
set xtics scale 0
set grid noxtics
set key off
@CINOTE
@SVG
plot f using 0:"real_ns_median":"real_ns_ci_lo":"real_ns_ci_hi":(0.3):xticlabels(strcol("what")) \
       with boxerrorbars lc rgb "#2166ac", \
     f using 0:"real_ns_ci_hi":(sprintf("%.2f ns", column("real_ns_median"))) \
       with labels offset 0,1 font ",11"
@PNG
replot
unset output
