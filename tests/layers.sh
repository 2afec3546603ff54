#!/bin/bash
# layers.sh: checks the house rule of sim/README.md from the code itself. A file may
# include and call only its own layer and the layers below it (base < lang < env <
# node < run < out < cli); a node module (node/NAME.c, node/NAME_*.c and node/NAME.h)
# may use no other node, only the link; and the modules, drawn from their includes
# and calls, form no loop. Prints each breach and exits 1 if there is one.
# Usage: tests/layers.sh [DIR]
cd "${1:-$(dirname "$0")/../sim}" || exit 2 # the tree to check: sim/, or a copy
awk '
function layer(path,   d) { d = path; sub(/\/.*/, "", d); return rank[d] }
function module(path,   m) { m = path; sub(/\.[ch]$/, "", m); return m }
# node/broker_group -> node/broker: one node, several files
function unit(path,   m) { m = module(path); if (m ~ /^node\//) sub(/_.*/, "", m); return m }
function edge(from, to, why) {
    if (unit(from) == unit(to)) return
    if (layer(to) > layer(from))
        bad[++nbad] = from ": " why " runs up from " dir(from) " to " dir(to)
    else if (from ~ /^node\// && to ~ /^node\// && unit(to) != "node/link")
        bad[++nbad] = from ": " why " reaches into another node, " unit(to)
    if (!((unit(from), unit(to)) in dep)) { dep[unit(from), unit(to)] = 1; out[unit(from)] = out[unit(from)] " " unit(to) }
}
function dir(path,   d) { d = path; sub(/\/.*/, "", d); return d }
function visit(u,   n, i, list) {
    state[u] = 1; stack[++depth] = u
    n = split(out[u], list, " ")
    for (i = 1; i <= n; i++) {
        if (state[list[i]] == 1) { loop = list[i]; for (j = depth; j >= 1 && stack[j] != list[i]; j--) loop = stack[j] " -> " loop; bad[++nbad] = "loop: " list[i] " -> " loop }
        else if (!state[list[i]]) visit(list[i])
    }
    state[u] = 2; depth--
}
BEGIN { split("base lang env node run out cli", names, " "); for (i in names) rank[names[i]] = i }
FNR == 1 { incomment = 0 }
{
    line = $0
    # drop comments and string literals, so that only code is read
    if (incomment) { if (sub(/.*\*\//, "", line)) incomment = 0; else next }
    gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, "", line)
    if (sub(/\/\*.*/, "", line)) incomment = 1
    if (match(line, /^#include "[a-z]+\/[a-z_]+\.h"/)) {
        inc = substr(line, 11, RLENGTH - 11); incs[FILENAME] = incs[FILENAME] " " inc; next
    }
    gsub(/"([^"\\]|\\.)*"/, "\"\"", line)
    if (FILENAME ~ /\.c$/ && line ~ /^[a-z].*[a-z_0-9]\(/ && line !~ /^static/ && line !~ /;[ \t]*$/) {
        name = line; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name); defined[name] = FILENAME
    }
    code[FILENAME] = code[FILENAME] "\n" line
}
END {
    for (f in code) {
        n = split(incs[f], list, " ")
        for (i = 1; i <= n; i++) edge(f, list[i], "includes " list[i])
        s = f ~ /\.h$/ ? "" : code[f] # a header declares; its module is its .c
        while (match(s, /[A-Za-z_][A-Za-z_0-9]*\(/)) {
            name = substr(s, RSTART, RLENGTH - 1); s = substr(s, RSTART + RLENGTH)
            if ((name in defined) && defined[name] != f) edge(f, defined[name], "calls " name "()")
        }
    }
    for (u in out) if (!state[u]) visit(u)
    for (i = 1; i <= nbad; i++) print bad[i]
    exit nbad > 0
}' $(ls */*.[ch])
