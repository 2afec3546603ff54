/* sim.h: run one scenario under one strategy and one seed. */
#ifndef EOSIM_SIM_H
#define EOSIM_SIM_H

#include <stdint.h>

#include "env/record.h"
#include "lang/scenario.h"
#include "env/tally.h"

#include "env/trace.h"

/* Runs to quiescence or the horizon and fills r. A pure function of its arguments. */
void sim_run(const struct scenario *sc, uint32_t strategy, uint64_t seed, struct run_result *r);
struct sim_options {
    struct trace *trace;     /* record every event (which does not change the run), or NULL */
    int spare_link;          /* a counterfactual: the spare_message-th message put on this */
    uint64_t spare_message;  /* link is delivered even if its loss draw says lost; -1: none */
    struct recording *record; /* note every point reached and message sent, or NULL */
    sim_time *fired_at;      /* filled per scripted fault: when it fired, or SIM_NEVER */
    uint32_t sample_from;    /* anomaly samples keep the smallest ids from this one up */
};

/* The same, with options (NULL: none). */
void sim_run_with(const struct scenario *sc, uint32_t strategy, uint64_t seed,
                  const struct sim_options *options, struct run_result *r);

#endif
