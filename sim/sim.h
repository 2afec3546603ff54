/* sim.h: run one scenario under one strategy and one seed. */
#ifndef EOSIM_SIM_H
#define EOSIM_SIM_H

#include <stdint.h>

#include "scenario.h"
#include "tally.h"

/* Runs to quiescence or the horizon and fills r. A pure function of its arguments. */
void sim_run(const struct scenario *sc, uint32_t strategy, uint64_t seed, struct run_result *r);

#endif
