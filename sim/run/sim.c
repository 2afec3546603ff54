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
#include "run/world.h"

void sim_schedule(struct world *w, sim_time delay, const struct event *ev)
{
    engine_schedule(&w->eng, w->eng.now + delay, ev);
}

event_handle sim_timer(struct world *w, uint8_t node, uint8_t kind, sim_time delay,
                       uint32_t payment, uint32_t id, uint64_t x, bool weak)
{
    struct event ev = { .type = EV_TIMER, .node = node, .kind = kind,
                        .flags = weak ? EV_WEAK : 0,
                        .incarnation = w->nodes[node].incarnation,
                        .payment = payment, .id = id, .x = x };
    return engine_schedule(&w->eng, w->eng.now + delay, &ev);
}

uint32_t event_payment(const struct event *ev)
{
    if (ev->type == EV_MSG && (ev->from >= NODE_CONSUMER_1 || ev->node >= NODE_CONSUMER_1) &&
        (ev->kind == MSG_PRODUCE || ev->kind == MSG_ACK))
        return UINT32_MAX; /* a worker's output batch: its partition is there */
    switch (ev->type == EV_INTENT ? MSG_PRODUCE : ev->kind) {
    case MSG_PRODUCE: case MSG_ACK: case MSG_CHARGE: case MSG_RESPONSE:
    case TIMER_PRODUCE: case TIMER_RESEND: case TIMER_EXECUTE: case TIMER_ROW:
        return ev->type == EV_FAULT || ev->type == EV_RESTART ? UINT32_MAX : ev->payment;
    default:
        return UINT32_MAX;
    }
}

void sim_trace(struct world *w, enum trace_what what, uint64_t id, uint8_t node,
               const struct event *about, uint32_t payment, uint64_t x)
{
    enum link_id l = msg_link((enum msg_kind)about->kind, about->from, about->node);
    struct trace_record r = {
        .id = id, .cause = what == TRACE_EVENT ? w->eng.current_cause : w->eng.current,
        .t = w->eng.now, .x = x, .payment = payment, .req = about->id, .what = what,
        .node = node, .from = about->from, .type = about->type, .kind = about->kind,
        .link = (uint8_t)l, .n = w->tally.link_messages[l],
    };
    trace_add(w->trace, &r);
}

void sim_note(struct world *w, enum trace_what what, uint8_t node, uint32_t payment,
              uint32_t req, uint64_t x)
{
    if (!w->trace)
        return;
    struct event about = { .type = EV_TIMER, .node = node, .from = node, .id = req };
    sim_trace(w, what, 0, node, &about, payment, x);
}

uint32_t sim_request_id(struct world *w)
{
    return ++w->next_request;
}

bool sim_point(struct world *w, uint8_t node, enum point_id pt, uint32_t payment,
               const struct event *resume, uint8_t stage)
{
    if (w->rec)
        recording_add(w->rec, REACH_POINT, node, (uint8_t)pt,
                      point_has_payment(pt) ? payment : UINT32_MAX, w->eng.now);
    if (w->point_armed[pt])
        fault_at_point(w, pt, payment);
    const struct node *n = &w->nodes[node];
    if (!n->up)
        return false;
    if (n->paused_until <= w->eng.now)
        return true;
    if (resume) {
        struct event ev = *resume;
        ev.type = EV_RESUME;
        ev.flags = 0;
        ev.node = node;
        ev.incarnation = n->incarnation;
        ev.stage = stage;
        engine_schedule(&w->eng, n->paused_until, &ev);
    }
    return false;
}

void world_init(struct world *w, const struct scenario *sc, uint32_t strategy,
                uint64_t seed)
{
    memset(w, 0, sizeof *w);
    w->sc = sc;
    w->st = &sc->strategies[strategy];
    w->pm = &sc->params;
    w->seed = seed;
    engine_init(&w->eng);
    w->nnodes = NODE_FIXED + sc->consumers;
    for (uint32_t n = 0; n < w->nnodes; n++)
        w->nodes[n].up = true;
    for (int l = 0; l < LINK_COUNT; l++) {
        char stream[64];
        snprintf(stream, sizeof stream, "link:%s", link_names[l]);
        rng_seed(&w->link_rng[l], seed, stream);
    }
    rng_seed(&w->gateway_rng, seed, "node:gateway");
    rng_seed(&w->producer_rng, seed, "node:producer");
    tally_init(&w->tally, sc->payments);
    broker_init(w); /* first: the producer asks it for a producer id */
    producer_init(w);
    for (uint32_t k = 0; k < sc->consumers; k++)
        consumer_init(w, k);
    gateway_init(w);
    ledger_init(w);
}

void world_fini(struct world *w)
{
    producer_fini(w);
    broker_fini(w);
    for (uint32_t k = 0; k < w->sc->consumers; k++)
        consumer_fini(w, k);
    gateway_fini(w);
    ledger_fini(w);
    free(w->outputs.payments);
    free(w->outputs.batches);
    tally_fini(&w->tally);
    engine_fini(&w->eng);
}

static void dispatch(struct world *w, const struct event *ev)
{
    if (w->trace)
        sim_trace(w, TRACE_EVENT, w->eng.current, ev->node, ev, event_payment(ev), ev->x);
    switch (ev->type) {
    case EV_FAULT: fault_fire(w, ev->id); return;
    case EV_RESTART: node_restart(w, ev->node); return;
    case EV_INTENT: producer_on_intent(w, ev->payment); return;
    default: break;
    }
    struct node *n = &w->nodes[ev->node];
    if (!n->up) { /* a message to a dead node is lost; its timers died with it */
        if (w->trace && ev->type == EV_MSG)
            sim_trace(w, TRACE_DEAD, 0, ev->node, ev, event_payment(ev), 0);
        return;
    }
    if (ev->type != EV_MSG && ev->incarnation != n->incarnation)
        return; /* a timer or resume of an earlier incarnation */
    if (n->paused_until > w->eng.now) {
        engine_schedule(&w->eng, n->paused_until, ev); /* the world waits for nobody */
        return;
    }
    if (ev->node == NODE_PRODUCER || ev->node == NODE_RELAY)
        producer_on_event(w, ev);
    else if (ev->node == NODE_BROKER)
        broker_on_event(w, ev);
    else if (ev->node == NODE_GATEWAY)
        gateway_on_event(w, ev);
    else
        consumer_on_event(w, ev->node - NODE_CONSUMER_1, ev);
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
    w->spare_link = -1;
    if (options) {
        w->trace = options->trace;
        w->spare_link = options->spare_link;
        w->spare_message = options->spare_message;
        w->rec = options->record;
        w->sample_from = options->sample_from;
    }
    fault_schedule_all(w);
    struct event intent = { .type = EV_INTENT, .payment = 0 };
    engine_schedule(&w->eng, 0, &intent);
    for (uint32_t k = 0; k < sc->consumers; k++)
        consumer_start(w, k);

    sim_time horizon = sc->until ? sc->until : sc->params.max_time;
    bool early = false, limit = false;
    struct event ev;
    while (w->eng.len > 0) {
        if (w->eng.strong == 0 && consumer_idle(w))
            break;
        /* the work bound, and a heap that keeps room for what one handler schedules */
        if (w->eng.executed >= sc->params.max_events || w->eng.len > EVENTS_PENDING_STOP) {
            early = limit = true;
            break;
        }
        if (engine_peek_time(&w->eng) > horizon) {
            early = true;
            w->eng.now = horizon;
            break;
        }
        engine_pop(&w->eng, &ev);
        dispatch(w, &ev);
    }
    tally_result(w, early, r);
    r->event_limit = limit;
    if (options && options->fired_at)
        for (uint32_t i = 0; i < sc->nfaults; i++)
            options->fired_at[i] = w->fault_done[i] ? w->fault_time[i] : SIM_NEVER;
    if (w->rec)
        w->rec->end = w->eng.now;
    world_fini(w);
    free(w);
}
