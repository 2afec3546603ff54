/* link.c: one-way lossy links. A message put on a link may be cut off by a network
 * partition, dropped by a targeted `drop` (or held back by a targeted `delay`), lost by
 * the link's loss draw, delayed by a
 * draw from its delay range (so a spread reorders), and duplicated by its duplicate
 * draw (the copy takes its own delay). Every draw comes from the link's own stream. */
#include "run/world.h"

/* The index of a cut in force on the link now, or -1. */
static int cut_now(const struct world *w, enum link_id l)
{
    for (uint32_t f = 0; f < w->sc->nfaults; f++) {
        const struct fault *ft = &w->sc->faults[f];
        if (ft->kind == FAULT_CUT && ft->link == l && w->eng.now >= ft->at &&
            w->eng.now - ft->at < ft->duration)
            return (int)f;
    }
    return -1;
}

/* What a message carries that a targeted fault can match: no payment (it names
 * partitions or transactions), one payment, or a batch of them. */
enum carry { CARRIES_NONE, CARRIES_ONE, CARRIES_BATCH };

static enum carry carries(const struct event *msg)
{
    if (msg->kind == MSG_RECORDS || (msg->kind == MSG_PRODUCE && msg->from >= NODE_CONSUMER_1) ||
        (msg->kind == MSG_ACK && msg->node >= NODE_CONSUMER_1)) /* a worker's batch */
        return CARRIES_BATCH;
    if (msg->kind == MSG_FETCH || msg->kind == MSG_OFFSET_FETCH || msg->kind == MSG_OFFSETS ||
        msg->kind == MSG_COMMIT || msg->kind == MSG_COMMIT_ACK || msg->kind == MSG_END_TXN ||
        msg->kind == MSG_END_TXN_ACK || msg->kind >= MSG_JOIN)
        return CARRIES_NONE;
    return CARRIES_ONE;
}

static bool message_holds(const struct world *w, const struct event *msg, uint32_t payment)
{
    if (payment == ANY_PAYMENT)
        return true;
    switch (carries(msg)) {
    case CARRIES_NONE: return false;
    case CARRIES_ONE: return msg->payment == payment;
    default: break;
    }
    if (msg->kind == MSG_RECORDS)
        return broker_records_hold(w, msg->payment, msg->x, msg->y, payment);
    return output_batch_holds(w, msg->id, payment);
}

/* For eosim check: the message, with every payment it carries. */
static void record_message(struct world *w, enum link_id l, const struct event *msg)
{
    enum carry c = carries(msg);
    if (c != CARRIES_BATCH) {
        recording_add(w->rec, REACH_MESSAGE, (uint8_t)l, msg->kind,
                      c == CARRIES_ONE ? msg->payment : UINT32_MAX, w->eng.now);
        return;
    }
    for (uint32_t p = 0; p < w->sc->payments; p++)
        if (message_holds(w, msg, p))
            recording_add(w->rec, REACH_MESSAGE, (uint8_t)l, msg->kind, p, w->eng.now);
}

/* A targeted `drop`, `delay` or `duplicate` takes exactly one message: the first that matches.
 * Returns the fault's index, or -1. */
static int targeted(struct world *w, enum fault_kind kind, enum link_id l,
                    const struct event *msg)
{
    for (uint32_t f = 0; f < w->sc->nfaults; f++) {
        const struct fault *ft = &w->sc->faults[f];
        if (ft->kind == kind && !w->fault_done[f] && ft->link == l &&
            ft->msg_kind == msg->kind && message_holds(w, msg, ft->payment)) {
            fault_mark(w, f);
            return (int)f;
        }
    }
    return -1;
}

static void note(struct world *w, enum trace_what what, const struct event *msg, uint64_t x)
{
    uint64_t id = what == TRACE_SEND || what == TRACE_DUPLICATE || what == TRACE_COPY
                      ? w->eng.sequence : 0;
    sim_trace(w, what, id, msg->node, msg, event_payment(msg), x);
}

static void put(struct world *w, const struct event *msg)
{
    enum link_id l = msg_link((enum msg_kind)msg->kind, msg->from, msg->node);
    const struct link_config *c = &w->sc->links[l];
    struct rng *r = &w->link_rng[l];
    w->tally.messages++;
    w->tally.link_messages[l]++;
    if (w->rec)
        record_message(w, l, msg);
    sim_time held = 0;
    if (w->link_has_faults[l]) {
        int cut = cut_now(w, l), drop = cut < 0 ? targeted(w, FAULT_DROP, l, msg) : -1;
        if (cut >= 0 && !w->fault_done[cut])
            fault_mark(w, (uint32_t)cut); /* it fired: its first message taken */
        if (cut >= 0 || drop >= 0) {
            if (w->trace) /* x: the fault's index */
                note(w, cut >= 0 ? TRACE_CUT : TRACE_DROP, msg, (uint64_t)(cut >= 0 ? cut : drop));
            return;
        }
        int d = targeted(w, FAULT_DELAY, l, msg);
        held = d >= 0 ? w->sc->faults[d].duration : 0;
        if (w->trace && d >= 0)
            note(w, TRACE_HOLD, msg, (uint64_t)d);
    }
    if (rng_chance(r, c->loss_ppm) &&
        !((int)l == w->spare_link && w->tally.link_messages[l] == w->spare_message)) {
        if (w->trace)
            note(w, TRACE_LOSS, msg, c->loss_ppm);
        return;
    }
    sim_time delay = held + rng_range(r, c->delay_min, c->delay_max);
    sim_schedule(w, delay, msg);
    if (w->trace)
        note(w, TRACE_SEND, msg, 0);
    int copy = w->link_has_faults[l] ? targeted(w, FAULT_DUPLICATE, l, msg) : -1;
    if (copy >= 0) { /* the copy arrives with the original: no draw of its own */
        sim_schedule(w, delay, msg);
        if (w->trace)
            note(w, TRACE_COPY, msg, (uint64_t)copy);
    }
    if (rng_chance(r, c->duplicate_ppm)) {
        sim_schedule(w, rng_range(r, c->delay_min, c->delay_max), msg);
        if (w->trace)
            note(w, TRACE_DUPLICATE, msg, c->duplicate_ppm);
    }
}

void link_send(struct world *w, uint8_t from, uint8_t to, uint8_t kind, uint32_t payment,
               uint32_t id, uint64_t x, uint64_t y)
{
    struct event m = { .type = EV_MSG, .node = to, .kind = kind, .from = from,
                       .incarnation = w->nodes[from].incarnation,
                       .payment = payment, .id = id, .x = x, .y = y };
    put(w, &m);
}

void link_reply(struct world *w, const struct event *request, uint8_t kind, uint64_t x,
                uint64_t y)
{
    struct event m = { .type = EV_MSG, .node = request->from, .kind = kind,
                       .from = request->node, .incarnation = w->nodes[request->node].incarnation,
                       .payment = request->payment, .id = request->id, .x = x, .y = y };
    put(w, &m);
}
