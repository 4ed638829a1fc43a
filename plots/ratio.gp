# report: 80 *: Every benchmark's time as a ratio to the same run's memory baseline (numbers as in the table below; log scale). Bars: the 95 % confidence interval over processes, as in the verdict.
# ratio.gp - every benchmark's time as a ratio to the same run's baseline
# (memset or read of the same frame-table bytes, as the harness chose),
# median with its 95 % confidence interval over processes, one colour per
# family, log scale: 1 is "as fast as the memory allows".  Benchmarks are
# numbered in the order of the report's tables (plots/families.sh).  From every <family>_summary.csv but the
# baseline's own.
load system("dirname '".ARG0."'")."/common.gp"
files = ""
all = system(sprintf("sh '%s/families.sh' '%s'", plotdir, run))
do for [fam in all] {
    if (fam ne "baseline") { files = files." '".run."/".fam."_summary.csv'" }
}
src(fam) = sprintf("< %squery.awk' -v mode=ratio -v fam=%s %s", AWK, fam, files)
rows(fam) = system(sprintf("%squery.awk' -v mode=ratio -v fam=%s %s | wc -l", AWK, fam, files)) + 0
fams = ""
if (files ne "") {
    do for [fam in all] { if (fam ne "baseline" && rows(fam) > 1) { fams = fams." ".fam } }
}
if (fams eq "") { print "skipped: no benchmark with a ratio in ".run; exit status 3 }

set title "Time relative to the same run's memory baseline (1 = bandwidth-bound)"
set xlabel "benchmark (number in the report's table)"
set ylabel "ratio to baseline (time / baseline time, log scale)"
set logscale y 10
set format y "%g"
set key outside right top
@CINOTE
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#555555"
@SVG
plot for [fam in fams] src(fam) using "idx":"ratio_median":"ratio_ci_lo":"ratio_ci_hi" \
     with yerrorbars pt 7 ps 0.5 title fam
@PNG
replot
unset output
