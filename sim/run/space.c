/* space.c: from a recording to the faults a run could meet (see space.h). */
#include "run/space.h"

#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "env/record.h"
#include "run/sim.h"

/* The timeout that guards a message of this kind: a delay past it makes it late. */
static sim_time guard_of(const struct params *pm, enum msg_kind kind)
{
    switch (kind) {
    case MSG_PRODUCE: case MSG_ACK: case MSG_END_TXN: case MSG_END_TXN_ACK:
        return pm->producer_request_timeout;
    case MSG_INIT_PID: case MSG_PID: /* the producer's, or a worker's: late for both */
        return pm->producer_request_timeout > pm->consumer_request_timeout
                   ? pm->producer_request_timeout : pm->consumer_request_timeout;
    case MSG_CHARGE: case MSG_RESPONSE:
        return pm->consumer_gateway_timeout;
    case MSG_HEARTBEAT: case MSG_HEARTBEAT_ACK:
        return pm->consumer_session_timeout;
    default:
        return pm->consumer_request_timeout;
    }
}

static void add(struct fault_space *sp, const struct fault *f, sim_time t)
{
    if (sp->n == sp->cap) {
        sp->cap = sp->cap ? 2 * sp->cap : 64;
        sp->faults = sim_realloc(sp->faults, sp->cap, sizeof *sp->faults);
        sp->first = sim_realloc(sp->first, sp->cap, sizeof *sp->first);
    }
    sp->faults[sp->n] = *f;
    sp->first[sp->n++] = t;
}

/* books: the strategy writes ledger rows (not consume-transform-produce). */
static void add_point(struct fault_space *sp, const struct scenario *sc, const struct reach *r,
                      bool books)
{
    struct fault f = { .kind = FAULT_CRASH, .node = r->where, .point = r->step,
                       .restart = 1, .payment = r->payment, .duration = UINT64_MAX };
    add(sp, &f, r->t);
    if ((r->step == POINT_WRITE || r->step == POINT_COMMIT) && books) {
        /* The ledger at a worker's transaction: crashed at the write, the transaction
         * rolls back; at the commit, its answer is lost; paused at the write past the
         * worker's timeout, the commit lands after the worker gave up waiting. */
        struct fault db = f;
        db.node = NODE_LEDGER;
        add(sp, &db, r->t);
        if (r->step == POINT_WRITE) {
            db.kind = FAULT_PAUSE;
            db.restart = 0;
            db.duration = sc->params.consumer_ledger_timeout + sc->params.ledger_latency.lo +
                          SIM_MS;
            add(sp, &db, r->t);
        }
    }
    if (r->where < NODE_CONSUMER_1)
        return;
    /* Evicted for sure: the last heartbeat received was at most one interval before the
     * pause, and a second interval covers the heartbeat in flight. */
    f.kind = FAULT_PAUSE;
    f.restart = 0;
    f.duration = sc->params.consumer_session_timeout + 2 * sc->params.consumer_heartbeat_interval;
    add(sp, &f, r->t);
}

static void add_message(struct fault_space *sp, const struct scenario *sc, const struct reach *r)
{
    struct fault f = { .kind = FAULT_DROP, .link = r->where, .msg_kind = r->step,
                       .payment = r->payment };
    add(sp, &f, r->t);
    f.kind = FAULT_DUPLICATE;
    add(sp, &f, r->t);
    f.kind = FAULT_DELAY;
    f.duration = guard_of(&sc->params, (enum msg_kind)r->step) + SIM_MS;
    add(sp, &f, r->t);
}

void space_build(const struct scenario *sc, uint32_t strategy, uint64_t seed,
                 struct fault_space *sp, struct run_result *base)
{
    struct recording rec;
    memset(&rec, 0, sizeof rec);
    memset(sp, 0, sizeof *sp);
    struct sim_options opt = { .spare_link = -1, .spare_message = UINT64_MAX, .record = &rec };
    sim_run_with(sc, strategy, seed, &opt, base);
    for (size_t i = 0; i < rec.len; i++) {
        if (rec.items[i].what == REACH_POINT)
            add_point(sp, sc, &rec.items[i],
                      sc->strategies[strategy].commit != COMMIT_IN_TRANSACTION);
        else
            add_message(sp, sc, &rec.items[i]);
    }
    sim_time after = (rec.end / SIM_SEC + 2) * SIM_SEC; /* a whole second, past the end */
    struct fault reset = { .kind = FAULT_RESET, .reset_mode = RESET_SHIFT, .shift = -1,
                           .payment = ANY_PAYMENT, .at = after };
    add(sp, &reset, after);
    recording_fini(&rec);
}

void space_fini(struct fault_space *sp)
{
    free(sp->faults);
    free(sp->first);
    memset(sp, 0, sizeof *sp);
}

bool space_repeatable(const struct fault *f)
{
    return f->kind == FAULT_DROP || f->kind == FAULT_DUPLICATE || f->kind == FAULT_DELAY;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t space_placements(const struct fault_space *sp, uint32_t depth)
{
    uint64_t ways[16] = { 1 }; /* ways[d]: placements of d faults among the faults seen */
    SIM_ASSERT(depth < 16);
    for (uint32_t i = 0; i < sp->n; i++) {
        bool rep = space_repeatable(&sp->faults[i]);
        for (uint32_t d = depth; d > 0; d--) /* high to low: ways[d - j] are still old */
            for (uint32_t j = 1; j <= d && (rep || j == 1); j++)
                ways[d] = sat_add(ways[d], ways[d - j]);
    }
    uint64_t total = 0;
    for (uint32_t d = 1; d <= depth; d++)
        total = sat_add(total, ways[d]);
    return total;
}

/* Fills idx[from..k) with the smallest values allowed after idx[from - 1]. */
static bool fill(const struct fault_space *sp, uint32_t *idx, uint32_t from, uint32_t k)
{
    for (uint32_t i = from; i < k; i++) {
        idx[i] = idx[i - 1] + !space_repeatable(&sp->faults[idx[i - 1]]);
        if (idx[i] >= sp->n)
            return false;
    }
    return true;
}

bool space_first(const struct fault_space *sp, uint32_t *idx, uint32_t k)
{
    idx[0] = 0;
    return sp->n > 0 && fill(sp, idx, 1, k);
}

bool space_next(const struct fault_space *sp, uint32_t *idx, uint32_t k)
{
    for (uint32_t j = k; j-- > 0;) {
        if (++idx[j] >= sp->n)
            continue;
        if (fill(sp, idx, j + 1, k))
            return true;
    }
    return false;
}
