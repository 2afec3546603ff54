/* gateway.c: a Stripe-like charge API. A charge takes gateway.latency to execute and
 * fails with gateway.error-rate, charging nothing. With an idempotency key, the first
 * request that starts executing owns the key and its result is saved when it
 * finishes, errors included: later requests with the key get the saved result and no
 * new charge; a request arriving while the first still executes gets a conflict
 * (nothing saved; the client retries); the same key with another amount is refused
 * and charges nothing. Saved keys are forgotten after gateway.key-retention.
 * Per-attempt keys are never seen twice, so they need no table. */
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "node/gateway.h"
#include "node/link.h"

#define PER_PAYMENT_KEY(key) ((key) != 0 && !((key) >> 63))

void gateway_init(struct gateway *g, struct env *e)
{
    memset(g, 0, sizeof *g);
    g->env = e;
    rng_seed(&g->rng, e->seed, "node:gateway");
    if (g->env->st->gateway_key == KEY_PER_PAYMENT) {
        g->key_state = sim_alloc(g->env->sc->payments, 1);
        g->key_result = sim_alloc(g->env->sc->payments, 1);
        g->key_amount = sim_alloc(g->env->sc->payments, sizeof *g->key_amount);
        g->key_saved_at = sim_alloc(g->env->sc->payments, sizeof *g->key_saved_at);
    }
}

void gateway_fini(struct gateway *g)
{
    free(g->key_state);
    free(g->key_result);
    free(g->key_amount);
    free(g->key_saved_at);
}

static void respond(struct gateway *g, const struct event *req, enum charge_status status)
{
    link_reply(g->env, req, MSG_RESPONSE, req->x, status);
    env_point(g->env, NODE_GATEWAY, POINT_RESPOND, req->payment, NULL, 0);
}

/* Looks the request's key up: returns the answer to give at once, or CHARGE_DONE when
 * the request should execute (its key is now marked executing). */
static enum charge_status check_key(struct gateway *g, const struct event *ev)
{
    uint32_t p = ev->payment;
    if (g->key_state[p] == KEY_SAVED &&
        g->env->eng.now - g->key_saved_at[p] >= g->env->pm->gateway_key_retention)
        g->key_state[p] = KEY_FREE; /* pruned: the key is new again */
    if (g->key_state[p] != KEY_FREE && g->key_amount[p] != ev->y)
        return CHARGE_MISMATCH;
    if (g->key_state[p] == KEY_EXECUTING)
        return CHARGE_CONFLICT;
    if (g->key_state[p] == KEY_SAVED) {
        g->env->tally.absorbed++;
        env_note(g->env, TRACE_SAVED, NODE_GATEWAY, p, ev->id, ev->x);
        return g->key_result[p] == CHARGE_DONE ? CHARGE_SAVED : CHARGE_SAVED_FAILED;
    }
    g->key_state[p] = KEY_EXECUTING;
    g->key_amount[p] = ev->y;
    return CHARGE_DONE;
}

static void on_charge(struct gateway *g, const struct event *ev)
{
    if (PER_PAYMENT_KEY(ev->x)) {
        enum charge_status answer = check_key(g, ev);
        if (answer != CHARGE_DONE) {
            respond(g, ev, answer);
            return;
        }
    }
    struct event exec = *ev;
    exec.type = EV_TIMER;
    exec.kind = TIMER_EXECUTE;
    exec.node = NODE_GATEWAY;
    exec.incarnation = g->env->nodes[NODE_GATEWAY].incarnation;
    env_schedule(g->env, dist_draw(&g->env->pm->gateway_latency, &g->rng), &exec);
}

static void on_execute(struct gateway *g, const struct event *ev)
{
    bool failed = false;
    if (ev->stage == 0) {
        failed = rng_chance(&g->rng, g->env->pm->gateway_error_ppm);
        if (!failed) {
            tally_charge(&g->env->tally, ev->payment, g->env->eng.now);
            env_note(g->env, TRACE_CHARGE, NODE_GATEWAY, ev->payment, ev->id, ev->x);
        }
        if (PER_PAYMENT_KEY(ev->x)) {
            g->key_state[ev->payment] = KEY_SAVED;
            g->key_result[ev->payment] = failed ? CHARGE_FAILED : CHARGE_DONE;
            g->key_saved_at[ev->payment] = g->env->eng.now;
        }
        if (!failed && !env_point(g->env, NODE_GATEWAY, POINT_CHARGE, ev->payment, ev, 1))
            return;
    }
    respond(g, ev, failed ? CHARGE_FAILED : CHARGE_DONE);
}

void gateway_on_event(struct gateway *g, const struct event *ev)
{
    if (ev->kind == MSG_CHARGE)
        on_charge(g, ev);
    else if (ev->kind == TIMER_EXECUTE)
        on_execute(g, ev);
    else
        SIM_PANIC("gateway got kind %u", ev->kind);
}

/* Requests that were executing when the gateway went down never finished: their keys
 * were not saved, so a retry executes afresh. */
void gateway_restart(struct gateway *g)
{
    if (!g->key_state)
        return;
    for (uint32_t p = 0; p < g->env->sc->payments; p++)
        if (g->key_state[p] == KEY_EXECUTING)
            g->key_state[p] = KEY_FREE;
}
