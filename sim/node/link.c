/* link.c: one-way lossy links. A message put on a link may be cut off by a network
 * partition, dropped by a targeted `drop` (or held back by a targeted `delay`), lost by
 * the link's loss draw, delayed by a
 * draw from its delay range (so a spread reorders), and duplicated by its duplicate
 * draw (the copy takes its own delay). Every draw comes from the link's own stream. */
#include "node/link.h"

/* The index of a cut in force on the link now, or -1. */
static int cut_now(const struct env *e, enum link_id l)
{
    for (uint32_t f = 0; f < e->sc->nfaults; f++) {
        const struct fault *ft = &e->sc->faults[f];
        if (ft->kind == FAULT_CUT && ft->link == l && e->eng.now >= ft->at &&
            e->eng.now - ft->at < ft->duration)
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

static bool message_holds(const struct env *e, const struct event *msg, uint32_t payment)
{
    if (payment == ANY_PAYMENT)
        return true;
    switch (carries(msg)) {
    case CARRIES_NONE: return false;
    case CARRIES_ONE: return msg->payment == payment;
    default: break;
    }
    uint32_t n; /* records carry their body in y, a worker's batch in id */
    const uint64_t *words = env_body(e, msg->kind == MSG_RECORDS ? (uint32_t)msg->y : msg->id, &n);
    for (uint32_t i = 0; i < n; i++)
        if (RECORD_PAYMENT(words[i]) == payment)
            return true;
    return false;
}

/* For eosim check: the message, with every payment it carries. */
static void record_message(struct env *e, enum link_id l, const struct event *msg)
{
    enum carry c = carries(msg);
    if (c != CARRIES_BATCH) {
        recording_add(e->rec, REACH_MESSAGE, (uint8_t)l, msg->kind,
                      c == CARRIES_ONE ? msg->payment : UINT32_MAX, e->eng.now);
        return;
    }
    for (uint32_t p = 0; p < e->sc->payments; p++)
        if (message_holds(e, msg, p))
            recording_add(e->rec, REACH_MESSAGE, (uint8_t)l, msg->kind, p, e->eng.now);
}

/* A targeted `drop`, `delay` or `duplicate` takes exactly one message: the first that matches.
 * Returns the fault's index, or -1. */
static int targeted(struct env *e, enum fault_kind kind, enum link_id l,
                    const struct event *msg)
{
    for (uint32_t f = 0; f < e->sc->nfaults; f++) {
        const struct fault *ft = &e->sc->faults[f];
        if (ft->kind == kind && !e->fault_done[f] && ft->link == l &&
            ft->msg_kind == msg->kind && message_holds(e, msg, ft->payment)) {
            env_fault_taken(e, f);
            return (int)f;
        }
    }
    return -1;
}

static void note(struct env *e, enum trace_what what, const struct event *msg, uint64_t x)
{
    uint64_t id = what == TRACE_SEND || what == TRACE_DUPLICATE || what == TRACE_COPY
                      ? e->eng.sequence : 0;
    env_trace(e, what, id, msg->node, msg, event_payment(msg), x);
}

static void put(struct env *e, const struct event *msg)
{
    enum link_id l = msg_link((enum msg_kind)msg->kind, msg->from, msg->node);
    const struct link_config *c = &e->sc->links[l];
    struct rng *r = &e->link_rng[l];
    e->tally.messages++;
    e->tally.link_messages[l]++;
    if (e->rec)
        record_message(e, l, msg);
    sim_time held = 0;
    if (e->link_has_faults[l]) {
        int cut = cut_now(e, l), drop = cut < 0 ? targeted(e, FAULT_DROP, l, msg) : -1;
        if (cut >= 0 && !e->fault_done[cut])
            env_fault_taken(e, (uint32_t)cut); /* it fired: its first message taken */
        if (cut >= 0 || drop >= 0) {
            if (e->trace) /* x: the fault's index */
                note(e, cut >= 0 ? TRACE_CUT : TRACE_DROP, msg, (uint64_t)(cut >= 0 ? cut : drop));
            return;
        }
        int d = targeted(e, FAULT_DELAY, l, msg);
        held = d >= 0 ? e->sc->faults[d].duration : 0;
        if (e->trace && d >= 0)
            note(e, TRACE_HOLD, msg, (uint64_t)d);
    }
    if (rng_chance(r, c->loss_ppm) &&
        !((int)l == e->spare_link && e->tally.link_messages[l] == e->spare_message)) {
        if (e->trace)
            note(e, TRACE_LOSS, msg, c->loss_ppm);
        return;
    }
    sim_time delay = held + dist_draw(&c->delay, r);
    env_schedule(e, delay, msg);
    if (e->trace)
        note(e, TRACE_SEND, msg, 0);
    int copy = e->link_has_faults[l] ? targeted(e, FAULT_DUPLICATE, l, msg) : -1;
    if (copy >= 0) { /* the copy arrives with the original: no draw of its own */
        env_schedule(e, delay, msg);
        if (e->trace)
            note(e, TRACE_COPY, msg, (uint64_t)copy);
    }
    if (rng_chance(r, c->duplicate_ppm)) {
        env_schedule(e, dist_draw(&c->delay, r), msg);
        if (e->trace)
            note(e, TRACE_DUPLICATE, msg, c->duplicate_ppm);
    }
}

void link_send(struct env *e, uint8_t from, uint8_t to, uint8_t kind, uint32_t payment,
               uint32_t id, uint64_t x, uint64_t y)
{
    struct event m = { .type = EV_MSG, .node = to, .kind = kind, .from = from,
                       .incarnation = e->nodes[from].incarnation,
                       .payment = payment, .id = id, .x = x, .y = y };
    put(e, &m);
}

void link_reply(struct env *e, const struct event *request, uint8_t kind, uint64_t x,
                uint64_t y)
{
    struct event m = { .type = EV_MSG, .node = request->from, .kind = kind,
                       .from = request->node, .incarnation = e->nodes[request->node].incarnation,
                       .payment = request->payment, .id = request->id, .x = x, .y = y };
    put(e, &m);
}
