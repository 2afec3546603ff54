/* fault.c: scripted faults and operator actions. Time-triggered ones are events;
 * point-triggered ones wait in the scenario's list until a node reaches their protocol
 * point (for their payment, if they name one), and fire once. */
#include "run/world.h"

static sim_time restart_delay(const struct world *w, const struct fault *f)
{
    return f->duration == UINT64_MAX ? w->pm->restart_delay : f->duration;
}

static void pause_node(struct world *w, uint8_t node, sim_time length)
{
    struct node *n = &w->nodes[node];
    if (n->up && w->eng.now + length > n->paused_until)
        n->paused_until = w->eng.now + length;
}

void fault_mark(struct world *w, uint32_t index)
{
    w->fault_done[index] = true;
    w->fault_time[index] = w->eng.now;
}

void fault_fire(struct world *w, uint32_t index)
{
    const struct fault *f = &w->sc->faults[index];
    fault_mark(w, index);
    sim_note(w, TRACE_FAULT, f->kind == FAULT_RESET ? NODE_BROKER : f->node, UINT32_MAX, index,
             f->kind);
    switch (f->kind) {
    case FAULT_CRASH:
        if (w->nodes[f->node].up)
            node_crash(w, f->node, f->restart, restart_delay(w, f));
        break;
    case FAULT_PAUSE: pause_node(w, f->node, f->duration); break;
    case FAULT_RESET: broker_reset_offsets(w, f); break;
    default: break;
    }
}

void fault_schedule_all(struct world *w)
{
    for (uint32_t i = 0; i < w->sc->nfaults; i++) {
        const struct fault *f = &w->sc->faults[i];
        if (f->kind == FAULT_CUT || f->kind == FAULT_DROP || f->kind == FAULT_DELAY ||
            f->kind == FAULT_DUPLICATE) {
            w->link_has_faults[f->link] = true;
        } else if (f->point) {
            w->point_armed[f->point] = true;
        } else {
            struct event ev = { .type = EV_FAULT, .id = i };
            engine_schedule(&w->eng, f->at, &ev);
        }
    }
}

void fault_at_point(struct world *w, enum point_id pt, uint32_t payment)
{
    for (uint32_t i = 0; i < w->sc->nfaults; i++) {
        const struct fault *f = &w->sc->faults[i];
        if (f->point == pt && !w->fault_done[i] &&
            (f->payment == ANY_PAYMENT || f->payment == payment))
            fault_fire(w, i);
    }
}

void node_crash(struct world *w, uint8_t node, bool restart, sim_time delay)
{
    struct node *n = &w->nodes[node];
    n->up = false;
    n->incarnation++;
    n->paused_until = 0;
    n->restarting = restart;
    if (node == NODE_PRODUCER || node == NODE_RELAY)
        producer_crash(w, node);
    else if (node == NODE_BROKER)
        broker_crash(w);
    else if (node >= NODE_CONSUMER_1)
        consumer_crash(w, node - NODE_CONSUMER_1);
    if (restart) {
        struct event ev = { .type = EV_RESTART, .node = node };
        sim_schedule(w, delay, &ev);
    }
}

void node_restart(struct world *w, uint8_t node)
{
    w->nodes[node].up = true;
    w->nodes[node].restarting = false;
    if (node == NODE_PRODUCER || node == NODE_RELAY)
        producer_restart(w, node);
    else if (node == NODE_BROKER)
        broker_restart(w);
    else if (node == NODE_GATEWAY)
        gateway_restart(w);
    else
        consumer_start(w, node - NODE_CONSUMER_1);
}
