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
#include "run/world.h"

#define PER_PAYMENT_KEY(key) ((key) != 0 && !((key) >> 63))

void gateway_init(struct world *w)
{
    struct gateway *g = &w->gateway;
    memset(g, 0, sizeof *g);
    if (w->st->gateway_key == KEY_PER_PAYMENT) {
        g->key_state = sim_alloc(w->sc->payments, 1);
        g->key_result = sim_alloc(w->sc->payments, 1);
        g->key_amount = sim_alloc(w->sc->payments, sizeof *g->key_amount);
        g->key_saved_at = sim_alloc(w->sc->payments, sizeof *g->key_saved_at);
    }
}

void gateway_fini(struct world *w)
{
    free(w->gateway.key_state);
    free(w->gateway.key_result);
    free(w->gateway.key_amount);
    free(w->gateway.key_saved_at);
}

static void respond(struct world *w, const struct event *req, enum charge_status status)
{
    link_reply(w, req, MSG_RESPONSE, req->x, status);
    sim_point(w, NODE_GATEWAY, POINT_RESPOND, req->payment, NULL, 0);
}

/* Looks the request's key up: returns the answer to give at once, or CHARGE_DONE when
 * the request should execute (its key is now marked executing). */
static enum charge_status check_key(struct world *w, const struct event *ev)
{
    struct gateway *g = &w->gateway;
    uint32_t p = ev->payment;
    if (g->key_state[p] == KEY_SAVED &&
        w->eng.now - g->key_saved_at[p] >= w->pm->gateway_key_retention)
        g->key_state[p] = KEY_FREE; /* pruned: the key is new again */
    if (g->key_state[p] != KEY_FREE && g->key_amount[p] != ev->y)
        return CHARGE_MISMATCH;
    if (g->key_state[p] == KEY_EXECUTING)
        return CHARGE_CONFLICT;
    if (g->key_state[p] == KEY_SAVED) {
        w->tally.absorbed++;
        sim_note(w, TRACE_SAVED, NODE_GATEWAY, p, ev->id, ev->x);
        return g->key_result[p] == CHARGE_DONE ? CHARGE_SAVED : CHARGE_SAVED_FAILED;
    }
    g->key_state[p] = KEY_EXECUTING;
    g->key_amount[p] = ev->y;
    return CHARGE_DONE;
}

static void on_charge(struct world *w, const struct event *ev)
{
    if (PER_PAYMENT_KEY(ev->x)) {
        enum charge_status answer = check_key(w, ev);
        if (answer != CHARGE_DONE) {
            respond(w, ev, answer);
            return;
        }
    }
    struct event exec = *ev;
    exec.type = EV_TIMER;
    exec.kind = TIMER_EXECUTE;
    exec.node = NODE_GATEWAY;
    exec.incarnation = w->nodes[NODE_GATEWAY].incarnation;
    const sim_time *lat = w->pm->gateway_latency;
    sim_schedule(w, rng_range(&w->gateway_rng, lat[0], lat[1]), &exec);
}

static void on_execute(struct world *w, const struct event *ev)
{
    bool failed = false;
    if (ev->stage == 0) {
        failed = rng_chance(&w->gateway_rng, w->pm->gateway_error_ppm);
        if (!failed) {
            tally_charge(&w->tally, ev->payment, w->eng.now);
            sim_note(w, TRACE_CHARGE, NODE_GATEWAY, ev->payment, ev->id, ev->x);
        }
        if (PER_PAYMENT_KEY(ev->x)) {
            w->gateway.key_state[ev->payment] = KEY_SAVED;
            w->gateway.key_result[ev->payment] = failed ? CHARGE_FAILED : CHARGE_DONE;
            w->gateway.key_saved_at[ev->payment] = w->eng.now;
        }
        if (!failed && !sim_point(w, NODE_GATEWAY, POINT_CHARGE, ev->payment, ev, 1))
            return;
    }
    respond(w, ev, failed ? CHARGE_FAILED : CHARGE_DONE);
}

void gateway_on_event(struct world *w, const struct event *ev)
{
    if (ev->kind == MSG_CHARGE)
        on_charge(w, ev);
    else if (ev->kind == TIMER_EXECUTE)
        on_execute(w, ev);
    else
        SIM_PANIC("gateway got kind %u", ev->kind);
}

/* Requests that were executing when the gateway went down never finished: their keys
 * were not saved, so a retry executes afresh. */
void gateway_restart(struct world *w)
{
    if (!w->gateway.key_state)
        return;
    for (uint32_t p = 0; p < w->sc->payments; p++)
        if (w->gateway.key_state[p] == KEY_EXECUTING)
            w->gateway.key_state[p] = KEY_FREE;
}
