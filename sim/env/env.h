/* env.h: what a node may use besides its own state: the run's clock and queue, the
 * up/down record of every node, node-local timers, request ids, the trace and the
 * tally's counters, protocol points, and the bodies that messages carry. The run
 * (run/world.c) owns the env and hands each node a pointer to it; a node never sees
 * another node. */
#ifndef EOSIM_ENV_H
#define EOSIM_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/engine.h"
#include "base/limits.h"
#include "base/rng.h"
#include "env/record.h"
#include "env/tally.h"
#include "env/trace.h"
#include "lang/model.h"
#include "lang/scenario.h"

struct node_status {
    bool up;
    bool restarting;      /* down, with a restart scheduled */
    uint16_t incarnation;
    sim_time paused_until;
};

/* What a message carries beyond its fixed fields (a record batch, a fetch's partition
 * positions), kept whole for the run: a late copy of the message still names it. */
struct bodies {
    uint64_t *words;
    size_t len, cap;
    size_t *at;           /* per body: its first word; body i ends where i + 1 starts */
    uint32_t n, cap_n;
};
#define NO_BODY UINT32_MAX

struct env {
    const struct scenario *sc;
    const struct strategy *st;
    const struct params *pm;
    uint64_t seed;
    struct engine eng;
    struct node_status nodes[NODE_FIXED + CONSUMERS_MAX];
    uint32_t nnodes;
    struct rng link_rng[LINK_COUNT];
    bool link_has_faults[LINK_COUNT];
    bool point_armed[POINT_COUNT];
    bool fault_done[FAULTS_MAX];
    sim_time fault_time[FAULTS_MAX]; /* when each fired (set with fault_done) */
    struct tally tally;
    struct bodies bodies;
    struct trace *trace;     /* NULL: nothing is recorded */
    int spare_link;          /* see struct sim_options */
    uint64_t spare_message;
    struct recording *rec;   /* eosim check: what the run reached, or NULL */
    sim_time *arrival_at;    /* drawn gaps between payments: when each is taken, or NULL */
    uint32_t sample_from;    /* anomaly samples keep payments from this id up */
    uint32_t next_request;
    /* The run's answer to an armed protocol point: fires the faults waiting there. */
    void (*fire_point)(struct env *e, enum point_id pt, uint32_t payment);
};

void env_init(struct env *e, const struct scenario *sc, uint32_t strategy, uint64_t seed);
void env_fini(struct env *e);
/* When the service takes payment i. */
static inline sim_time env_payment_time(const struct env *e, uint32_t i)
{
    return e->arrival_at ? e->arrival_at[i] : scenario_payment_time(e->sc, i);
}
void env_schedule(struct env *e, sim_time delay, const struct event *ev);
/* A node-local timer: dropped if the node crashed in between; cancel it with
 * engine_cancel when what it waits for has come. */
event_handle env_timer(struct env *e, uint8_t node, uint8_t kind, sim_time delay,
                       uint32_t payment, uint32_t id, uint64_t x, bool weak);
uint32_t env_request_id(struct env *e);
/* Records something that happened now, caused by the event being handled. Call only
 * when e->trace is set. */
void env_trace(struct env *e, enum trace_what what, uint64_t id, uint8_t node,
               const struct event *about, uint32_t payment, uint64_t x);
/* Records an effect at a node (a charge, a ledger row...): a no-op without a trace. */
void env_note(struct env *e, enum trace_what what, uint8_t node, uint32_t payment,
              uint32_t req, uint64_t x);
/* The executing node reached protocol point pt (for payment, or UINT32_MAX). Fires the
 * faults waiting for it. True if the node may go on; false if it crashed (its work is
 * gone) or was paused, in which case `resume` (if not NULL) is re-delivered with
 * `stage` when the pause ends. */
bool env_point(struct env *e, uint8_t node, enum point_id pt, uint32_t payment,
               const struct event *resume, uint8_t stage);
/* The first half of env_point, for a step whose faults can strike another node than the
 * one going on: reach the point and fire its faults, nothing more. */
void env_reach(struct env *e, uint8_t node, enum point_id pt, uint32_t payment);
/* Fault `index` has taken effect now: it fires no more (unless it recurs; its time is its
 * first firing's). */
void env_fault_taken(struct env *e, uint32_t index);
/* A new message body of n words, to be filled in now; its index goes in *index. */
uint64_t *env_body_new(struct env *e, uint32_t n, uint32_t *index);
/* Stores a message body of n words; returns its index, for the message to carry. */
uint32_t env_body_put(struct env *e, const uint64_t *words, uint32_t n);
/* Body `index`: its words, and their count in *n. */
const uint64_t *env_body(const struct env *e, uint32_t index, uint32_t *n);

#endif
