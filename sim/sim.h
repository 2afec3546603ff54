/* sim.h: run one scenario under one strategy and one seed. */
#ifndef EOSIM_SIM_H
#define EOSIM_SIM_H

#include <stdint.h>

#include "scenario.h"
#include "tally.h"

#include "trace.h"

/* Runs to quiescence or the horizon and fills r. A pure function of its arguments. */
void sim_run(const struct scenario *sc, uint32_t strategy, uint64_t seed, struct run_result *r);
/* The same, recording every event into trace (which does not change the run). */
void sim_run_traced(const struct scenario *sc, uint32_t strategy, uint64_t seed,
                    struct trace *trace, struct run_result *r);

#endif
