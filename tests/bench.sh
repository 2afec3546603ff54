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
