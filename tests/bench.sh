#!/usr/bin/env bash
# tests/bench.sh: the speed and memory targets, measured (never asserted by unit tests).
# Runs the one-million-payment at-least-once scenario with 1% loss on every link three
# times and reports the fastest run: its events per second, wall time and peak memory.
set -eu
cd "$(dirname "$0")/.."
make -s eosim
for i in 1 2 3; do
    /usr/bin/time -f "peak memory: %M KB" ./eosim run --quiet --stats tests/bench/million.scn 2>&1 |
        paste -s -d ' ' -
done | awk '{ wall = $6 + 0; if (best == "" || wall < best) { best = wall; line = $0 } }
            END { sub(/ peak memory/, "\npeak memory", line); print line }'

# The event queue against the floor: the hold model (N pending, each pop schedules one
# more) through a bare 4-ary heap of keys and through eosim's engine, interleaved, the
# best of three each; the ratio is what a noisy machine still measures steadily. The
# million-payment run's events per second is set against the bare loop at its own
# queue size (about 45 pending).
hold=$(mktemp)
trap 'rm -f "$hold"' EXIT
cc -std=c11 -O2 -Isim -o "$hold" tests/bench/hold.c sim/base/engine.c sim/base/check.c
best() { for i in 1 2 3; do "$hold" "$1" "$2" 10000000; done | sort -n | tail -1; }
for pending in 45 1000 65536; do
    bare=$(best bare $pending) engine=$(best engine $pending)
    awk -v p=$pending -v b="$bare" -v e="$engine" 'BEGIN { printf "hold model, %d pending: '\
'bare loop %.1f M events/s, engine %.1f M events/s, ratio %.2f\n", p, b / 1e6, e / 1e6, e / b }'
    [ $pending = 45 ] && bare45=$bare
done
./eosim run --quiet --stats tests/bench/million.scn 2>&1 | awk -v b="$bare45" '/events\/s/ {
    printf "million payments: %.2f of the bare loop'"'"'s events/s at 45 pending\n", $8 * 1e6 / b }'

# eosim check: every placement of up to two faults over a three-payment scenario under
# the four presets (about 30,000 runs), on every core; the fastest of three.
scn=$(mktemp --suffix=.scn)
out=$(mktemp -d)
trap 'rm -rf "$scn" "$out" "$hold"' EXIT
printf 'scenario bench-check\npayments 3 every 100ms\nset consumer.gateway-timeout 500ms\n' >"$scn"
for i in 1 2 3; do
    start=$(date +%s.%N)
    ./eosim check --quiet --depth 2 --out "$out" "$scn" 2>/dev/null || true
    end=$(date +%s.%N)
    echo "$start $end $(($(wc -l <"$out/bench-check.check.csv") - 1))"
done | awk '{ wall = $2 - $1; if (best == "" || wall < best) { best = wall; n = $3 } }
            END { printf "check: %d placements in %.3f s, %.0f placements/s\n", n, best, n / best }'
