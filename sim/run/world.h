/* world.h: the state of one run, for one (scenario, strategy, seed): the services the
 * nodes share (env) and each node's own state side by side. Each node's state is
 * declared and owned by its module; only the run (run/) sees them all. */
#ifndef EOSIM_WORLD_H
#define EOSIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "env/env.h"
#include "node/broker.h"
#include "node/consumer.h"
#include "node/gateway.h"
#include "node/producer.h"

struct world {
    struct env env;          /* first: see world_of */
    struct producer producer;
    struct broker broker;
    struct consumer consumers[CONSUMERS_MAX];
    struct gateway gateway;
    struct ledger ledger;
};

/* The world an env belongs to: the env is its first member. */
static inline struct world *world_of(struct env *e)
{
    return (struct world *)e;
}

/* Sets up every node for one (scenario, strategy, seed), nothing scheduled yet but the
 * nodes' own timers; sim_run starts the workload. Unit tests drive one node this way. */
void world_init(struct world *w, const struct scenario *sc, uint32_t strategy,
                uint64_t seed);
void world_fini(struct world *w);

#endif
