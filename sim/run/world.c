/* world.c: sets a run's world up and takes it down: the env, then every node with a
 * pointer to it. */
#include "run/world.h"

#include <string.h>

void world_init(struct world *w, const struct scenario *sc, uint32_t strategy,
                uint64_t seed)
{
    memset(w, 0, sizeof *w);
    struct env *e = &w->env;
    env_init(e, sc, strategy, seed);
    broker_init(&w->broker, e); /* first: the producer asks it for a producer id */
    producer_init(&w->producer, e);
    for (uint32_t k = 0; k < sc->consumers; k++)
        consumer_init(&w->consumers[k], e, &w->ledger, k);
    gateway_init(&w->gateway, e);
    ledger_init(&w->ledger, e);
}

void world_fini(struct world *w)
{
    producer_fini(&w->producer);
    broker_fini(&w->broker);
    for (uint32_t k = 0; k < w->env.sc->consumers; k++)
        consumer_fini(&w->consumers[k]);
    gateway_fini(&w->gateway);
    ledger_fini(&w->ledger);
    env_fini(&w->env);
}

