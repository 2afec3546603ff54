/* explore.h: `eosim check`. A scenario is the fault-free base; one recorded run per
 * strategy lists every protocol point reached and every message sent, per payment, and
 * that list is the fault space (space.c). Every placement of up to `depth` faults from
 * it is one deterministic run; the verdict per strategy counts the placements that
 * lose a payment, charge one twice, leave ledger and gateway disagreeing or cause a
 * Kafka anomaly, and names the minimal counterexample of each: fewest faults, then the
 * earliest (the one whose last fault fires first). */
#ifndef EOSIM_EXPLORE_H
#define EOSIM_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/scenario.h"

#define CHECK_DEPTH_MAX       3u
#define CHECK_PLACEMENTS_MAX  1000000u  /* runs of one check, over all its strategies */

struct check_request {
    uint32_t depth;          /* 1 .. CHECK_DEPTH_MAX */
    int strategy;            /* index into sc->strategies, or -1: every one the file runs */
    uint64_t seed;
    unsigned jobs;
    const char *out_dir;     /* DIR/<scenario>.check.csv, or NULL */
    bool quiet, progress;
};

/* Runs the check and prints the verdict on `out`, failed expect-all / expect-some lines
 * on stderr. Returns the exit status: 0, 1 (an expectation failed), 2 (the space is
 * too large, or a file could not be written), 3 (a worker failed). */
int explore_command(FILE *out, const struct scenario *sc, const struct check_request *rq);

#endif
