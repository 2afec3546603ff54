/* broker_group.c: the consumer group coordinator, part of the broker.
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

#include "node/broker.h"
#include "node/link.h"

static void rebalance(struct broker *b)
{
    struct group *g = &b->group;
    uint8_t members[CONSUMERS_MAX];
    uint32_t n = 0;
    for (uint32_t k = 0; k < b->env->sc->consumers; k++)
        if (g->member[k])
            members[n++] = (uint8_t)k;
    g->generation++;
    for (uint32_t part = 0; part < b->env->sc->partitions; part++)
        g->owner[part] = n ? members[part % n] : NO_MEMBER;
    if (n == 0 && !g->empty) {
        g->empty = true;
        g->empty_since = b->env->eng.now;
    } else if (n > 0) {
        g->empty = false;
    }
}

/* The instant member k is late: one nanosecond past its last heartbeat plus the session
 * timeout (a gap of exactly the timeout is still in time), or past its last poll plus
 * max.poll.interval. */
static sim_time deadline(const struct broker *b, uint32_t k)
{
    const struct group *g = &b->group;
    sim_time session = g->last_heartbeat[k] + b->env->pm->consumer_session_timeout;
    sim_time poll = g->last_poll[k] + b->env->pm->consumer_max_poll_interval;
    return (session < poll ? session : poll) + 1;
}

/* One live timer per member, numbered so that an older one is recognised and dropped.
 * Heartbeats only move the deadline; the timer, when it fires early, re-arms for the
 * new one, so a heartbeat costs no event. Weak: a deadline alone keeps no run alive. */
static void arm(struct broker *b, uint32_t k)
{
    struct group *g = &b->group;
    env_timer(b->env, NODE_BROKER, TIMER_SESSIONS, deadline(b, k) - b->env->eng.now, 0, k,
              ++g->deadline_timer[k], true);
}

void group_init(struct broker *b)
{
    struct group *g = &b->group;
    memset(g, 0, sizeof *g);
    memset(g->owner, NO_MEMBER, sizeof g->owner);
    g->empty = true;
}

void group_restart(struct broker *b)
{
    for (uint32_t k = 0; k < b->env->sc->consumers; k++)
        if (b->group.member[k])
            arm(b, k); /* the old timers died with the broker */
}

uint8_t group_owner(const struct broker *b, uint32_t partition)
{
    return b->group.owner[partition];
}

bool group_has_committed(const struct broker *b, uint32_t partition)
{
    const struct group *g = &b->group;
    if (g->empty && b->env->eng.now - g->empty_since >= b->env->pm->broker_offsets_retention)
        return false;
    return b->parts[partition].has_committed;
}

static uint64_t assignment(const struct broker *b, uint32_t k)
{
    uint64_t mask = 0;
    for (uint32_t part = 0; part < b->env->sc->partitions; part++)
        if (b->group.owner[part] == k)
            mask |= (uint64_t)1 << part;
    return mask;
}

static void on_join(struct broker *b, const struct event *ev)
{
    struct group *g = &b->group;
    uint32_t k = ev->from - NODE_CONSUMER_1;
    g->last_heartbeat[k] = g->last_poll[k] = b->env->eng.now;
    /* the empty group's offsets expired: they are gone for good */
    if (g->empty && b->env->eng.now - g->empty_since >= b->env->pm->broker_offsets_retention)
        for (uint32_t part = 0; part < b->env->sc->partitions; part++)
            b->parts[part].has_committed = false;
    if (!g->member[k]) {
        g->member[k] = true;
        rebalance(b);
        arm(b, k);
    }
    link_reply(b->env, ev, MSG_JOINED, assignment(b, k), g->generation);
}

static void on_heartbeat(struct broker *b, const struct event *ev)
{
    struct group *g = &b->group;
    uint32_t k = ev->from - NODE_CONSUMER_1;
    bool current = g->member[k] && ev->x == g->generation;
    if (g->member[k])
        g->last_heartbeat[k] = b->env->eng.now;
    link_reply(b->env, ev, MSG_HEARTBEAT_ACK, 0, current ? ACK_OK : ACK_REBALANCE);
}

bool group_current(const struct broker *b, uint32_t k, uint32_t generation)
{
    return b->group.member[k] && generation == b->group.generation;
}

/* OffsetCommit: only from a member of the current generation (KIP-447 fences
 * transactional offset commits the same way: see broker.c). */
static void on_commit(struct broker *b, const struct event *ev)
{
    uint32_t k = ev->from - NODE_CONSUMER_1;
    if (!group_current(b, k, (uint32_t)ev->y)) {
        link_reply(b->env, ev, MSG_COMMIT_ACK, ev->x, ACK_ILLEGAL_GENERATION);
        return;
    }
    struct partition *p = &b->parts[ev->payment];
    p->committed = ev->x;
    p->has_committed = true;
    link_reply(b->env, ev, MSG_COMMIT_ACK, ev->x, ACK_OK);
}

static void on_deadline(struct broker *b, const struct event *ev)
{
    struct group *g = &b->group;
    uint32_t k = ev->id;
    if (!g->member[k] || ev->x != g->deadline_timer[k])
        return; /* left, or an older timer */
    if (b->env->eng.now < deadline(b, k)) {
        arm(b, k); /* a heartbeat or a poll came: not late yet */
        return;
    }
    g->member[k] = false;
    rebalance(b);
}

void group_on_fetch(struct broker *b, uint32_t k)
{
    b->group.last_poll[k] = b->env->eng.now;
}

void group_on_event(struct broker *b, const struct event *ev)
{
    switch (ev->kind) {
    case MSG_JOIN: on_join(b, ev); break;
    case MSG_HEARTBEAT: on_heartbeat(b, ev); break;
    case MSG_COMMIT: on_commit(b, ev); break;
    default: on_deadline(b, ev); break;
    }
}
