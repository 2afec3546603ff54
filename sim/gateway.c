/* gateway.c: a Stripe-like charge API. A charge takes gateway.latency to execute. With
 * an idempotency key, the first request that starts executing owns the key: its result
 * is saved when it finishes, later requests with the key get the saved result and no
 * new charge, and a request arriving while the first still executes gets a conflict
 * (nothing saved; the client retries). Saved keys are forgotten after the retention
 * window. Per-attempt keys are never seen twice, so they need no table. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "world.h"

#define PER_PAYMENT_KEY(key) ((key) != 0 && !((key) >> 63))

void gateway_init(struct world *w)
{
    struct gateway *g = &w->gateway;
    g->key_state = NULL;
    g->key_saved_at = NULL;
    if (w->st->gateway_key == KEY_PER_PAYMENT) {
        g->key_state = sim_alloc(w->sc->payments, 1);
        g->key_saved_at = sim_alloc(w->sc->payments, sizeof *g->key_saved_at);
    }
}

void gateway_fini(struct world *w)
{
    free(w->gateway.key_state);
    free(w->gateway.key_saved_at);
}

static void respond(struct world *w, const struct event *req, enum charge_status status)
{
    link_send(w, NODE_GATEWAY, req->from, MSG_RESPONSE, req->payment, req->id, req->x, status);
    sim_point(w, NODE_GATEWAY, POINT_RESPOND, req->payment, NULL, 0);
}

static void on_charge(struct world *w, const struct event *ev)
{
    struct gateway *g = &w->gateway;
    if (PER_PAYMENT_KEY(ev->x)) {
        uint32_t p = ev->payment;
        if (g->key_state[p] == KEY_SAVED &&
            w->eng.now - g->key_saved_at[p] >= w->pm->gateway_key_retention)
            g->key_state[p] = KEY_FREE; /* pruned: the key is new again */
        if (g->key_state[p] == KEY_SAVED) {
            w->tally.absorbed++;
            respond(w, ev, CHARGE_SAVED);
            return;
        }
        if (g->key_state[p] == KEY_EXECUTING) {
            respond(w, ev, CHARGE_CONFLICT);
            return;
        }
        g->key_state[p] = KEY_EXECUTING;
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
    if (ev->stage == 0) {
        tally_charge(&w->tally, ev->payment, w->eng.now);
        if (PER_PAYMENT_KEY(ev->x)) {
            w->gateway.key_state[ev->payment] = KEY_SAVED;
            w->gateway.key_saved_at[ev->payment] = w->eng.now;
        }
        if (!sim_point(w, NODE_GATEWAY, POINT_CHARGE, ev->payment, ev, 1))
            return;
    }
    respond(w, ev, CHARGE_DONE);
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
