# csv.awk - shared by select.awk and stats.awk: split one CSV record into
# f[1..n] honouring double quotes ("a,b" is one field, "" inside quotes is
# a quote).  POSIX awk (Debian's mawk), no gawk FPAT.  A record whose
# quotes span lines is not split correctly: our CSVs never have one.
function csv_split(line, f,    n, i, c, q, cur) {
    n = 0; cur = ""; q = 0
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) {
            if (c == "\"") {
                if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ }
                else q = 0
            } else cur = cur c
        } else if (c == "\"") q = 1
        else if (c == ",") { f[++n] = cur; cur = "" }
        else cur = cur c
    }
    f[++n] = cur
    return n
}
function csv_quote(s) {
    if (s !~ /[,"]/) return s
    gsub(/"/, "\"\"", s)
    return "\"" s "\""
}
