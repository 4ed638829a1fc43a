# common.gp - loaded first by every figure script.  Inputs, set with
# gnuplot -e "run='results/...'; out='DIR/name'": the run folder and the
# output path without extension.  Figures read <family>_summary.csv: every
# statistic is computed there, by heapbench, and none here.  Provides:
#   sel(file, where)     file's header and the rows matching "col=val;..."
#   distinct(file, cols, where)  the series: space-separated "col=val;..."
#   pairs(file, by, num, den, m, where)  ratios of metric m between rows
#                        whose column by is num and den (plots/pairs.awk)
#   params(file, except) the parameter columns but those named, "a;b"
#   hascol(file, col)    whether the CSV has that column
#   need(file)           exit with status 3 ("skipped: no data") if absent
#   @SVG, @PNG, @CINOTE  the SVG / PNG terminal on out; the intervals' note
# and a caption line at the top: host, date, commit from environment.csv.
if (!exists("run") || !exists("out")) {
    print "usage: gnuplot -e \"run='RUN_DIR'; out='OUT_BASENAME'\" plots/FIGURE.gp"
    exit status 2
}
plotdir = system("dirname '".ARG0."'")
AWK = sprintf("awk -f '%s/csv.awk' -f '%s/", plotdir, plotdir)
sel(file, where) = sprintf("< %sselect.awk' -v where='%s' '%s'", AWK, where, file)
# a ratio per pair of rows differing in column by (plots/pairs.awk)
pairs(file, by, num, den, m, where) = sprintf("< %spairs.awk' -v by='%s' -v num='%s' -v den='%s' -v m='%s' -v where='%s' '%s'", \
                                             AWK, by, num, den, m, where, file)
distinct(file, cols, where) = system(sprintf("%sselect.awk' -v where='%s' '%s' | %squery.awk' -v mode=distinct -v cols='%s'", \
                                     AWK, where, file, AWK, cols))
params(file, except) = system(sprintf("%squery.awk' -v mode=params -v except='%s' '%s'", AWK, except, file))
hascol(file, c) = system(sprintf("%squery.awk' -v mode=hascol -v col='%s' '%s'", AWK, c, file)) eq "1"
have(file) = system(sprintf("test -r '%s' && echo 1 || echo 0", file)) eq "1"
envget(k) = system(sprintf("%squery.awk' -v mode=get -v key=%s '%s/environment.csv' 2>/dev/null", AWK, k, run))
# "a=x;b=" as a legend entry "a x"; "all" when no column varies
pretty(s) = system(sprintf("%squery.awk' -v mode=label -v s='%s' /dev/null", AWK, s))
# a series word as a select.awk filter ("all" filters nothing)
filt(s) = s eq "all" ? "" : s

set datafile separator comma
set datafile columnheaders
set encoding utf8

# environment.csv keys (docs/results-format.md)
host = envget("host"); date = envget("date_utc"); commit = envget("heapbench_commit")
dirty = envget("heapbench_dirty") eq "yes" ? " (dirty tree)" : ""
caption = (host eq "" && commit eq "") ? "no environment.csv in ".run : \
          sprintf("host %s   %s   heapbench %s%s", host, date, commit, dirty)
set label 100 caption at screen 0.01, screen 0.975 left font ",9" textcolor rgb "#555555"
# Every interval drawn is the verdict's: the 95 % confidence interval over
# processes, from the summaries' _ci_lo and _ci_hi; @CINOTE says so on the
# figure, top right.  (Log axes say "log scale" in their label.)
CI_TEXT = "bars: 95 % confidence interval over processes"
CINOTE = "set label 101 CI_TEXT at screen 0.99, screen 0.975 right font ',9' textcolor rgb '#555555'"
set tmargin 4
set grid xtics ytics mxtics mytics lc rgb "#dddddd" lw 1, lc rgb "#eeeeee" lw 0.5
set key box opaque samplen 2 spacing 1.1 font ',11'
set style line 1 lc rgb "#c0392b" lw 2 pt 7 ps 0.8
set style line 2 lc rgb "#2166ac" lw 2 pt 5 ps 0.8
set style line 3 lc rgb "#1b7837" lw 2 pt 9 ps 0.9
set style line 4 lc rgb "#e08214" lw 2 pt 13 ps 0.9
set style line 5 lc rgb "#762a83" lw 2 pt 11 ps 0.9
set style line 6 lc rgb "#35978f" lw 2 pt 3 ps 0.8
set style line 7 lc rgb "#8c510a" lw 2 pt 1 ps 0.8
set style line 8 lc rgb "#4d4d4d" lw 2 pt 6 ps 0.8
set style increment user
set errorbars small
set format y "%g"

need(file) = have(file) ? 1 : 0
W = exists("width") ? width : 1100
H = exists("height") ? height : 680
SVG = "set terminal svg size W,H dynamic noenhanced font 'Sans,13' background rgb 'white'; set output out.'.svg'"
PNG = "set terminal pngcairo size W,H noenhanced font 'Sans,12' background rgb 'white'; set output out.'.png'"
