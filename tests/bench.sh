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

# eosim check: every placement of up to two faults over a three-payment scenario under
# the four presets (about 30,000 runs), on every core; the fastest of three.
scn=$(mktemp --suffix=.scn)
out=$(mktemp -d)
trap 'rm -rf "$scn" "$out"' EXIT
printf 'scenario bench-check\npayments 3 every 100ms\nset consumer.gateway-timeout 500ms\n' >"$scn"
for i in 1 2 3; do
    start=$(date +%s.%N)
    ./eosim check --quiet --depth 2 --out "$out" "$scn" 2>/dev/null || true
    end=$(date +%s.%N)
    echo "$start $end $(($(wc -l <"$out/bench-check.check.csv") - 1))"
done | awk '{ wall = $2 - $1; if (best == "" || wall < best) { best = wall; n = $3 } }
            END { printf "check: %d placements in %.3f s, %.0f placements/s\n", n, best, n / best }'
