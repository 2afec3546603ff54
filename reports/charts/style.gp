# style.gp: the look of every eosim chart, loaded by each NAME.CHART.gp script.
# eosim writes this file only when it is missing: edit it freely, then re-render
# with `make report` (or `gnuplot NAME.CHART.gp` in this directory).
if (!exists("tmp")) { tmp = "" }  # eosim renders to hidden names, then renames
set encoding utf8
png_terminal = (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) ? \
    "pngcairo size 1000,600 noenhanced font 'Sans,11'" : \
    "png truecolor size 1000,600 noenhanced"
svg_terminal = "svg size 1000,600 noenhanced font 'Sans,11' background rgb 'white'"
# one colour per strategy, in the order the scenario runs them; the dashes let a
# line show through another that has the same values
set style line 1 lc rgb '#1f77b4' lw 2 pt 7 ps 0.8 dt 1
set style line 2 lc rgb '#d62728' lw 2 pt 5 ps 0.8 dt 1
set style line 3 lc rgb '#2ca02c' lw 2 pt 9 ps 0.9 dt 1
set style line 4 lc rgb '#9467bd' lw 2 pt 11 ps 0.9 dt 2
set style line 5 lc rgb '#ff7f0e' lw 2 pt 13 ps 0.9 dt 3
set style line 6 lc rgb '#8c564b' lw 2 pt 4 ps 0.8 dt 4
set style line 7 lc rgb '#e377c2' lw 2 pt 6 ps 0.8 dt 5
set style line 8 lc rgb '#7f7f7f' lw 2 pt 8 ps 0.8 dt 2
# the four boundaries of the copies chart: log, deliveries, ledger, charges
set style line 11 lc rgb '#4e79a7' lw 1
set style line 12 lc rgb '#76b7b2' lw 1
set style line 13 lc rgb '#f28e2b' lw 1
set style line 14 lc rgb '#e15759' lw 1
# the three panels of the cost chart
set style line 21 lc rgb '#4e79a7' lw 1
set style line 22 lc rgb '#f28e2b' lw 1
set style line 23 lc rgb '#59a14f' lw 1
set border 3
set tics nomirror
set grid ytics lc rgb '#e0e0e0' lw 1 dt 1
set key noenhanced
band_fill = 'transparent solid 0.15 noborder'
# the panels of a cost chart sit above one shared legend
panel_bottom = 0.07
panel_height = 0.84
panel_key = 'at screen 0.5,0.01 center bottom horizontal maxrows 1'
bar_fill = 'solid 0.85 border -1'
