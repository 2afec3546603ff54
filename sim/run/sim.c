/* sim.c: one run's life: set the world up, pop events until quiescence or the horizon,
 * hand each event to the node it targets, and fold the tally.
 *
 * Quiescence: no strong event is pending and every live consumer's fetch is parked at
 * the broker with nothing to read. Consumer fetch timers are weak events: they would
 * go on firing forever in an idle system, so they never keep a run alive by themselves. */
#include "run/sim.h"

#include <stdio.h>
#include <string.h>

#include "base/check.h"
#include "run/account.h"
#include "run/fault.h"
#include "run/world.h"

static void dispatch(struct world *w, const struct event *ev)
{
    struct env *e = &w->env;
    if (e->trace)
        env_trace(e, TRACE_EVENT, e->eng.current, ev->node, ev, event_payment(ev), ev->x);
    switch (ev->type) {
    case EV_FAULT: fault_fire(w, ev->id, ev->x); return;
    case EV_RESTART: node_restart(w, ev->node); return;
    case EV_INTENT: producer_on_intent(&w->producer, ev->payment); return;
    default: break;
    }
    if (ev->node == NODE_LEDGER) { /* the ledger's own rules: it rolls back, holds, answers */
        ledger_on_event(&w->ledger, &w->consumers[ev->from - NODE_CONSUMER_1], ev);
        return;
    }
    struct node_status *n = &e->nodes[ev->node];
    if (!n->up) { /* a message to a dead node is lost; its timers died with it */
        if (e->trace && ev->type == EV_MSG)
            env_trace(e, TRACE_DEAD, 0, ev->node, ev, event_payment(ev), 0);
        return;
    }
    if (ev->type != EV_MSG && ev->incarnation != n->incarnation)
        return; /* a timer or resume of an earlier incarnation */
    if (n->paused_until > e->eng.now) {
        engine_schedule(&e->eng, n->paused_until, ev); /* the world waits for nobody */
        return;
    }
    if (ev->node == NODE_PRODUCER || ev->node == NODE_RELAY)
        producer_on_event(&w->producer, ev);
    else if (ev->node == NODE_BROKER)
        broker_on_event(&w->broker, ev);
    else if (ev->node == NODE_GATEWAY)
        gateway_on_event(&w->gateway, ev);
    else
        consumer_on_event(&w->consumers[ev->node - NODE_CONSUMER_1], ev);
}

/* Nothing is left to do: every live member waits on a fetch the broker holds for lack
 * of records, and no partition has records the group has yet to read. */
static bool idle(const struct world *w)
{
    const struct env *e = &w->env;
    bool anyone = false;
    for (uint32_t k = 0; k < e->sc->consumers; k++) {
        if (!e->nodes[NODE_CONSUMER(k)].up)
            continue;
        anyone = true;
        uint32_t request;
        bool polling = consumer_polling(&w->consumers[k], &request);
        if (polling && request == 0)
            continue;
        const struct parked_fetch *f = &w->broker.parked[k];
        if (!polling || !f->parked || f->request != request || !e->nodes[NODE_BROKER].up)
            return false;
    }
    for (uint32_t part = 0; anyone && part < e->sc->partitions; part++)
        if (account_cursor(w, part) < broker_readable_end(&w->broker, part))
            return false;
    return true;
}

void sim_run(const struct scenario *sc, uint32_t strategy, uint64_t seed, struct run_result *r)
{
    sim_run_with(sc, strategy, seed, NULL, r);
}

void sim_run_with(const struct scenario *sc, uint32_t strategy, uint64_t seed,
                  const struct sim_options *options, struct run_result *r)
{
    struct world *w = sim_alloc(1, sizeof *w);
    world_init(w, sc, strategy, seed);
    struct env *e = &w->env;
    if (options) {
        e->trace = options->trace;
        e->spare_link = options->spare_link;
        e->spare_message = options->spare_message;
        e->rec = options->record;
        e->sample_from = options->sample_from;
    }
    fault_arm(w);
    producer_start(&w->producer); /* its first request can meet the armed faults */
    fault_schedule_timed(w);
    struct event intent = { .type = EV_INTENT, .payment = 0 };
    engine_schedule(&e->eng, 0, &intent);
    for (uint32_t k = 0; k < sc->consumers; k++)
        consumer_start(&w->consumers[k]);

    sim_time horizon = sc->until ? sc->until : sc->params.max_time;
    bool early = false, limit = false;
    struct event ev;
    while (e->eng.len > 0) {
        if (e->eng.strong == 0 && idle(w))
            break;
        /* the work bound, and a heap that keeps room for what one handler schedules */
        if (e->eng.executed >= sc->params.max_events || e->eng.len > EVENTS_PENDING_STOP) {
            early = limit = true;
            break;
        }
        if (engine_peek_time(&e->eng) > horizon) {
            early = true;
            e->eng.now = horizon;
            break;
        }
        engine_pop(&e->eng, &ev);
        dispatch(w, &ev);
    }
    account_result(w, early, r);
    r->event_limit = limit;
    if (options && options->fired_at)
        for (uint32_t i = 0; i < sc->nfaults; i++)
            options->fired_at[i] = e->fault_done[i] ? e->fault_time[i] : SIM_NEVER;
    if (e->rec)
        e->rec->end = e->eng.now;
    world_fini(w);
    free(w);
}
