/* group.c: the consumer group coordinator, part of the broker.
 *
 * Members join and get a generation and an assignment (partitions dealt round-robin
 * over the members in id order); membership changes bump the generation. A member
 * heartbeats every heartbeat interval; one whose heartbeats stop for longer than the
 * session timeout, or who does not poll within max.poll.interval, is removed the
 * instant its deadline passes (one timer per member, as Kafka keeps), and its
 * partitions go to the others, who resume from the last committed offsets. A removed
 * member learns it only when it next heartbeats (told to rejoin) or commits (refused:
 * illegal generation), after it may have done more work. Committed offsets of a group
 * left empty for offsets-retention are forgotten. */
#include <string.h>

#include "run/world.h"

static void rebalance(struct world *w)
{
    struct group *g = &w->broker.group;
    uint8_t members[CONSUMERS_MAX];
    uint32_t n = 0;
    for (uint32_t k = 0; k < w->sc->consumers; k++)
        if (g->member[k])
            members[n++] = (uint8_t)k;
    g->generation++;
    for (uint32_t part = 0; part < w->sc->partitions; part++)
        g->owner[part] = n ? members[part % n] : NO_MEMBER;
    if (n == 0 && !g->empty) {
        g->empty = true;
        g->empty_since = w->eng.now;
    } else if (n > 0) {
        g->empty = false;
    }
}

/* The instant member k is late: one nanosecond past its last heartbeat plus the session
 * timeout (a gap of exactly the timeout is still in time), or past its last poll plus
 * max.poll.interval. */
static sim_time deadline(const struct world *w, uint32_t k)
{
    const struct group *g = &w->broker.group;
    sim_time session = g->last_heartbeat[k] + w->pm->consumer_session_timeout;
    sim_time poll = g->last_poll[k] + w->pm->consumer_max_poll_interval;
    return (session < poll ? session : poll) + 1;
}

/* One live timer per member, numbered so that an older one is recognised and dropped.
 * Heartbeats only move the deadline; the timer, when it fires early, re-arms for the
 * new one, so a heartbeat costs no event. Weak: a deadline alone keeps no run alive. */
static void arm(struct world *w, uint32_t k)
{
    struct group *g = &w->broker.group;
    sim_timer(w, NODE_BROKER, TIMER_SESSIONS, deadline(w, k) - w->eng.now, 0, k,
              ++g->deadline_timer[k], true);
}

void group_init(struct world *w)
{
    struct group *g = &w->broker.group;
    memset(g, 0, sizeof *g);
    memset(g->owner, NO_MEMBER, sizeof g->owner);
    g->empty = true;
}

void group_restart(struct world *w)
{
    for (uint32_t k = 0; k < w->sc->consumers; k++)
        if (w->broker.group.member[k])
            arm(w, k); /* the old timers died with the broker */
}

uint8_t group_owner(const struct world *w, uint32_t partition)
{
    return w->broker.group.owner[partition];
}

bool group_has_committed(const struct world *w, uint32_t partition)
{
    const struct group *g = &w->broker.group;
    if (g->empty && w->eng.now - g->empty_since >= w->pm->broker_offsets_retention)
        return false;
    return w->broker.parts[partition].has_committed;
}

static uint64_t assignment(const struct world *w, uint32_t k)
{
    uint64_t mask = 0;
    for (uint32_t part = 0; part < w->sc->partitions; part++)
        if (w->broker.group.owner[part] == k)
            mask |= (uint64_t)1 << part;
    return mask;
}

static void on_join(struct world *w, const struct event *ev)
{
    struct group *g = &w->broker.group;
    uint32_t k = ev->from - NODE_CONSUMER_1;
    g->last_heartbeat[k] = g->last_poll[k] = w->eng.now;
    if (g->empty && w->eng.now - g->empty_since >= w->pm->broker_offsets_retention)
        for /* the empty group's offsets expired: they are gone for good */ (uint32_t part = 0; part < w->sc->partitions; part++)
            w->broker.parts[part].has_committed = false;
    if (!g->member[k]) {
        g->member[k] = true;
        rebalance(w);
        arm(w, k);
    }
    link_reply(w, ev, MSG_JOINED, assignment(w, k), g->generation);
}

static void on_heartbeat(struct world *w, const struct event *ev)
{
    struct group *g = &w->broker.group;
    uint32_t k = ev->from - NODE_CONSUMER_1;
    bool current = g->member[k] && ev->x == g->generation;
    if (g->member[k])
        g->last_heartbeat[k] = w->eng.now;
    link_reply(w, ev, MSG_HEARTBEAT_ACK, 0, current ? ACK_OK : ACK_REBALANCE);
}

bool group_current(const struct world *w, uint32_t k, uint32_t generation)
{
    return w->broker.group.member[k] && generation == w->broker.group.generation;
}

/* OffsetCommit: only from a member of the current generation (KIP-447 fences
 * transactional offset commits the same way: see broker.c). */
static void on_commit(struct world *w, const struct event *ev)
{
    uint32_t k = ev->from - NODE_CONSUMER_1;
    if (!group_current(w, k, (uint32_t)ev->y)) {
        link_reply(w, ev, MSG_COMMIT_ACK, ev->x, ACK_ILLEGAL_GENERATION);
        return;
    }
    struct partition *p = &w->broker.parts[ev->payment];
    p->committed = ev->x;
    p->has_committed = true;
    link_reply(w, ev, MSG_COMMIT_ACK, ev->x, ACK_OK);
}

static void on_deadline(struct world *w, const struct event *ev)
{
    struct group *g = &w->broker.group;
    uint32_t k = ev->id;
    if (!g->member[k] || ev->x != g->deadline_timer[k])
        return; /* left, or an older timer */
    if (w->eng.now < deadline(w, k)) {
        arm(w, k); /* a heartbeat or a poll came: not late yet */
        return;
    }
    g->member[k] = false;
    rebalance(w);
}

void group_on_fetch(struct world *w, uint32_t k)
{
    w->broker.group.last_poll[k] = w->eng.now;
}

void group_on_event(struct world *w, const struct event *ev)
{
    switch (ev->kind) {
    case MSG_JOIN: on_join(w, ev); break;
    case MSG_HEARTBEAT: on_heartbeat(w, ev); break;
    case MSG_COMMIT: on_commit(w, ev); break;
    default: on_deadline(w, ev); break;
    }
}
