# skipped.awk - the report's list of benchmarks that could not run here,
# from skipped.csv (benchmark,reason; after csv.awk).  -v fmt=md|html.
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
{ sub(/\r$/, "") }
NR == 1 {
    if (fmt == "html") print "<table><tr><th class=n>benchmark</th><th class=n>why</th></tr>"
    else print "| benchmark | why |\n|---|---|"
    next
}
NF {
    csv_split($0, c); n++
    if (fmt == "html") printf "<tr><td class=n>%s</td><td class=n>%s</td></tr>\n", esc(c[1]), esc(c[2])
    else { gsub(/\|/, "\\|", c[2]); printf "| `%s` | %s |\n", c[1], c[2] }
}
END {
    if (fmt == "html") printf "</table>\n<p>%d benchmarks skipped.</p>\n", n
    else printf "\n%d benchmarks skipped.\n", n
}
