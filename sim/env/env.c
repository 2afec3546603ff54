/* env.c: the services every node uses (see env.h). */
#include "env/env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/check.h"

void env_init(struct env *e, const struct scenario *sc, uint32_t strategy, uint64_t seed)
{
    memset(e, 0, sizeof *e);
    e->sc = sc;
    e->st = &sc->strategies[strategy];
    e->pm = &sc->params;
    e->seed = seed;
    e->spare_link = -1;
    engine_init(&e->eng);
    e->nnodes = NODE_FIXED + sc->consumers;
    for (uint32_t n = 0; n < e->nnodes; n++)
        e->nodes[n].up = true;
    for (int l = 0; l < LINK_COUNT; l++) {
        char stream[64];
        snprintf(stream, sizeof stream, "link:%s", link_names[l]);
        rng_seed(&e->link_rng[l], seed, stream);
    }
    tally_init(&e->tally, sc->payments);
    if (scenario_drawn_arrivals(sc)) {
        e->arrival_at = sim_alloc(sc->payments, sizeof *e->arrival_at);
        scenario_arrivals(sc, seed, e->arrival_at);
    }
}

void env_fini(struct env *e)
{
    free(e->bodies.words);
    free(e->bodies.at);
    free(e->arrival_at);
    tally_fini(&e->tally);
    engine_fini(&e->eng);
}

void env_schedule(struct env *e, sim_time delay, const struct event *ev)
{
    engine_schedule(&e->eng, e->eng.now + delay, ev);
}

event_handle env_timer(struct env *e, uint8_t node, uint8_t kind, sim_time delay,
                       uint32_t payment, uint32_t id, uint64_t x, bool weak)
{
    struct event ev = { .type = EV_TIMER, .node = node, .kind = kind,
                        .flags = weak ? EV_WEAK : 0,
                        .incarnation = e->nodes[node].incarnation,
                        .payment = payment, .id = id, .x = x };
    return engine_schedule(&e->eng, e->eng.now + delay, &ev);
}

uint32_t env_request_id(struct env *e)
{
    return ++e->next_request;
}

void env_trace(struct env *e, enum trace_what what, uint64_t id, uint8_t node,
               const struct event *about, uint32_t payment, uint64_t x)
{
    enum link_id l = msg_link((enum msg_kind)about->kind, about->from, about->node);
    struct trace_record r = {
        .id = id, .cause = what == TRACE_EVENT ? e->eng.current_cause : e->eng.current,
        .t = e->eng.now, .x = x, .payment = payment, .req = about->id, .what = what,
        .node = node, .from = about->from, .type = about->type, .kind = about->kind,
        .link = (uint8_t)l, .n = e->tally.link_messages[l],
    };
    trace_add(e->trace, &r);
}

void env_note(struct env *e, enum trace_what what, uint8_t node, uint32_t payment,
              uint32_t req, uint64_t x)
{
    if (!e->trace)
        return;
    struct event about = { .type = EV_TIMER, .node = node, .from = node, .id = req };
    env_trace(e, what, 0, node, &about, payment, x);
}

void env_reach(struct env *e, uint8_t node, enum point_id pt, uint32_t payment)
{
    if (e->rec)
        recording_add(e->rec, REACH_POINT, node, (uint8_t)pt,
                      point_has_payment(pt) ? payment : UINT32_MAX, e->eng.now);
    if (e->point_armed[pt])
        e->fire_point(e, pt, payment);
}

/* Whether `node` may go on after a point; if it is paused, `resume` waits for it. */
static bool go_on(struct env *e, uint8_t node, const struct event *resume, uint8_t stage)
{
    const struct node_status *n = &e->nodes[node];
    if (!n->up)
        return false;
    if (n->paused_until <= e->eng.now)
        return true;
    if (resume) {
        struct event ev = *resume;
        ev.type = EV_RESUME;
        ev.flags = 0;
        ev.node = node;
        ev.incarnation = n->incarnation;
        ev.stage = stage;
        engine_schedule(&e->eng, n->paused_until, &ev);
    }
    return false;
}

bool env_point(struct env *e, uint8_t node, enum point_id pt, uint32_t payment,
               const struct event *resume, uint8_t stage)
{
    env_reach(e, node, pt, payment);
    return go_on(e, node, resume, stage);
}

void env_fault_taken(struct env *e, uint32_t index)
{
    if (!e->fault_done[index]) /* a recurring fault is known by its first firing */
        e->fault_time[index] = e->eng.now;
    e->fault_done[index] = true;
}

uint64_t *env_body_new(struct env *e, uint32_t n, uint32_t *index)
{
    struct bodies *b = &e->bodies;
    if (b->n + 1 >= b->cap_n) {
        b->cap_n = b->cap_n ? 2 * b->cap_n : 64;
        b->at = sim_realloc(b->at, b->cap_n, sizeof *b->at);
    }
    if (b->len + n > b->cap) {
        b->cap = b->len + n > 2 * b->cap ? b->len + n : 2 * b->cap;
        b->words = sim_realloc(b->words, b->cap, sizeof *b->words);
    }
    b->at[b->n] = b->len;
    b->len += n;
    b->at[b->n + 1] = b->len;
    *index = b->n++;
    return b->words + b->at[*index];
}

uint32_t env_body_put(struct env *e, const uint64_t *words, uint32_t n)
{
    uint32_t index;
    uint64_t *to = env_body_new(e, n, &index);
    if (n)
        memcpy(to, words, n * sizeof *words);
    return index;
}

const uint64_t *env_body(const struct env *e, uint32_t index, uint32_t *n)
{
    const struct bodies *b = &e->bodies;
    *n = (uint32_t)(b->at[index + 1] - b->at[index]);
    return b->words + b->at[index];
}
