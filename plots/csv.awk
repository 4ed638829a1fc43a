# csv.awk - CSV for every awk script of plots/ and tests/ (POSIX awk,
# Debian's mawk: no gawk FPAT).  A record whose quotes span lines is not
# split correctly: our CSVs never have one.
#   csv_split(line, f)   split one record into f[1..n], honouring double
#                        quotes ("a,b" is one field, "" inside quotes is a
#                        quote); returns n
#   csv_quote(s)         s as one CSV field
#   csv_header(line)     remember a header: csv_pos[name] = its position
#   csv_col(f, name)     field `name` of a record split into f; a column
#                        the header lacks is an error: a line on stderr,
#                        csv_failed = 1 and exit 2, so a test or a figure
#                        never reads the wrong column quietly (an END
#                        block that exits with a status of its own must
#                        exit 2 first if csv_failed is set)
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
function csv_header(line,    n, i, h) {
    sub(/\r$/, "", line)
    n = csv_split(line, h)
    for (i in csv_pos) delete csv_pos[i]
    for (i = 1; i <= n; i++) csv_pos[h[i]] = i
    return n
}
function csv_col(f, name) {
    if (!(name in csv_pos)) {
        printf "csv.awk: %s: no column %s\n", FILENAME, name > "/dev/stderr"
        csv_failed = 1
        exit 2
    }
    return f[csv_pos[name]]
}
