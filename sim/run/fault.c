/* fault.c: scripted faults and operator actions. Time-triggered ones are events;
 * point-triggered ones wait in the scenario's list until a node reaches their protocol
 * point (for their payment, if they name one), and fire once. A recurring fault
 * (`pauses`, `crashes`) is a weak event that schedules its next firing a drawn gap
 * later: it never keeps a run alive on its own. Drawn lengths and gaps come from a
 * stream of their own per fault and firing, so no fault changes another's draws. */
#include <stdio.h>

#include "run/fault.h"

/* A draw for firing `firing` of fault `index`: its length, or the gap before it. */
static sim_time fault_draw(const struct world *w, uint32_t index, uint64_t firing,
                           const struct dist *d, const char *what)
{
    char name[64];
    snprintf(name, sizeof name, "fault:%u:%llu:%s", index, (unsigned long long)firing, what);
    struct rng r;
    rng_seed(&r, w->env.seed, name);
    return dist_draw(d, &r);
}

static sim_time length(const struct world *w, uint32_t index, uint64_t firing)
{
    const struct fault *f = &w->env.sc->faults[index];
    if (f->length.kind != DIST_FIXED)
        return fault_draw(w, index, firing, &f->length, "length");
    return f->duration == UINT64_MAX ? w->env.pm->restart_delay : f->duration;
}

static void schedule_firing(struct world *w, uint32_t index, uint64_t firing)
{
    const struct fault *f = &w->env.sc->faults[index];
    struct event ev = { .type = EV_FAULT, .id = index, .x = firing };
    if (!fault_recurs(f)) {
        engine_schedule(&w->env.eng, f->at, &ev);
        return;
    }
    ev.flags = EV_WEAK;
    sim_time gap = fault_draw(w, index, firing, &f->every, "gap");
    env_schedule(&w->env, gap ? gap : 1, &ev); /* an exponential can draw 0ns: time moves on */
}

static void pause_node(struct world *w, uint8_t node, sim_time length)
{
    struct node_status *n = &w->env.nodes[node];
    if (n->up && w->env.eng.now + length > n->paused_until)
        n->paused_until = w->env.eng.now + length;
}

/* The operator stops the group, resets its offsets and starts it again at once. */
static void reset_offsets(struct world *w, const struct fault *f)
{
    broker_reset_offsets(&w->broker, f);
    for (uint32_t k = 0; k < w->env.sc->consumers; k++)
        if (w->env.nodes[NODE_CONSUMER(k)].up)
            node_crash(w, NODE_CONSUMER(k), true, 0);
}

void fault_fire(struct world *w, uint32_t index, uint64_t firing)
{
    const struct fault *f = &w->env.sc->faults[index];
    if (fault_recurs(f))
        schedule_firing(w, index, firing + 1);
    env_fault_taken(&w->env, index);
    env_note(&w->env, TRACE_FAULT, f->kind == FAULT_RESET ? NODE_BROKER : f->node, UINT32_MAX,
             index,
             f->kind);
    switch (f->kind) {
    case FAULT_CRASH:
        if (w->env.nodes[f->node].up)
            node_crash(w, f->node, f->restart, length(w, index, firing));
        break;
    case FAULT_PAUSE: pause_node(w, f->node, length(w, index, firing)); break;
    case FAULT_RESET: reset_offsets(w, f); break;
    default: break;
    }
}

static void fire_point(struct env *e, enum point_id pt, uint32_t payment)
{
    fault_at_point(world_of(e), pt, payment);
}

static bool on_link(const struct fault *f)
{
    return f->kind == FAULT_CUT || f->kind == FAULT_DROP || f->kind == FAULT_DELAY ||
           f->kind == FAULT_DUPLICATE;
}

void fault_arm(struct world *w)
{
    w->env.fire_point = fire_point;
    for (uint32_t i = 0; i < w->env.sc->nfaults; i++) {
        const struct fault *f = &w->env.sc->faults[i];
        if (on_link(f))
            w->env.link_has_faults[f->link] = true;
        else if (f->point)
            w->env.point_armed[f->point] = true;
    }
}

void fault_schedule_timed(struct world *w)
{
    for (uint32_t i = 0; i < w->env.sc->nfaults; i++) {
        const struct fault *f = &w->env.sc->faults[i];
        if (!on_link(f) && !f->point)
            schedule_firing(w, i, 0);
    }
}

void fault_at_point(struct world *w, enum point_id pt, uint32_t payment)
{
    for (uint32_t i = 0; i < w->env.sc->nfaults; i++) {
        const struct fault *f = &w->env.sc->faults[i];
        if (f->point == pt && !w->env.fault_done[i] &&
            (f->payment == ANY_PAYMENT || f->payment == payment))
            fault_fire(w, i, 0);
    }
}

void node_crash(struct world *w, uint8_t node, bool restart, sim_time delay)
{
    struct node_status *n = &w->env.nodes[node];
    n->up = false;
    n->incarnation++;
    n->paused_until = 0;
    n->restarting = restart;
    if (node == NODE_PRODUCER || node == NODE_RELAY)
        producer_crash(&w->producer, node);
    else if (node == NODE_BROKER)
        broker_crash(&w->broker);
    else if (node >= NODE_CONSUMER_1)
        consumer_crash(&w->consumers[node - NODE_CONSUMER_1]);
    if (restart) {
        struct event ev = { .type = EV_RESTART, .node = node };
        env_schedule(&w->env, delay, &ev);
    }
}

void node_restart(struct world *w, uint8_t node)
{
    w->env.nodes[node].up = true;
    w->env.nodes[node].restarting = false;
    if (node == NODE_PRODUCER || node == NODE_RELAY)
        producer_restart(&w->producer, node);
    else if (node == NODE_BROKER)
        broker_restart(&w->broker);
    else if (node == NODE_GATEWAY)
        gateway_restart(&w->gateway);
    else if (node >= NODE_CONSUMER_1)
        consumer_start(&w->consumers[node - NODE_CONSUMER_1]);
}
