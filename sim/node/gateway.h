/* gateway.h: the external payment gateway and its idempotency-key table (see
 * gateway.c) */
#ifndef EOSIM_GATEWAY_H
#define EOSIM_GATEWAY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/engine.h"
#include "base/limits.h"
#include "base/rng.h"
#include "env/env.h"

enum key_state { KEY_FREE, KEY_EXECUTING, KEY_SAVED };

struct gateway {                      /* the idempotency-key table, per payment */
    struct env *env;
    struct rng rng;                   /* node:gateway: errors and execution times */
    uint8_t *key_state;               /* enum key_state */
    uint8_t *key_result;              /* saved: CHARGE_DONE or CHARGE_FAILED */
    uint64_t *key_amount;             /* the parameters the key was first used with */
    sim_time *key_saved_at;
};

void gateway_init(struct gateway *g, struct env *e);
void gateway_fini(struct gateway *g);
void gateway_on_event(struct gateway *g, const struct event *ev);
void gateway_restart(struct gateway *g);

#endif
