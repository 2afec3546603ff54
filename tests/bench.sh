#!/usr/bin/env bash
# tests/bench.sh: the speed and memory targets, measured (never asserted by unit tests).
# Runs the one-million-payment at-least-once scenario with 1% loss on every link three
# times and reports events per second, wall time and peak memory of the best run.
set -eu
cd "$(dirname "$0")/.."
make -s eosim
for i in 1 2 3; do
    /usr/bin/time -f "peak memory: %M KB" ./eosim run --quiet --stats tests/bench/million.scn 2>&1
done | awk '/^stats:/ { if (best == "" || $7 < best) { best = $7; line = $0 } }
            /^peak memory/ { mem = $0 }
            END { print line; print mem }'
