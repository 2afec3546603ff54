/* engine.h: the clock and the event queue.
 *
 * Time is an integer count of nanoseconds. Events are ordered by (time, insertion
 * sequence), so equal times run in the order they were scheduled and a run is a pure
 * function of its inputs. The heap holds 16-byte keys; event bodies live in a slab
 * indexed by the key's low 24 bits, recycled through a free list, so a run in steady
 * state allocates nothing per event. */
#ifndef EOSIM_ENGINE_H
#define EOSIM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t sim_time; /* nanoseconds since the start of the run */

#define SIM_NS  ((sim_time)1)
#define SIM_US  ((sim_time)1000)
#define SIM_MS  ((sim_time)1000000)
#define SIM_SEC ((sim_time)1000000000)
#define SIM_NEVER UINT64_MAX /* a time that never comes */

enum event_type {
    EV_MSG = 1,  /* a message arrives at node */
    EV_TIMER,    /* a node's timer fires (kind says which) */
    EV_INTENT,   /* the producer's next payment intent */
    EV_FAULT,    /* a scripted fault or operator action (id = its index) */
    EV_RESTART,  /* a crashed node comes back */
    EV_RESUME,   /* a node paused in the middle of a step continues it */
};

/* A weak event never keeps a run alive on its own (see run/sim.c on quiescence). */
#define EV_WEAK 0x1u

/* Names a scheduled event for engine_cancel: its slot and the slot's reuse count. The
 * handle 0 names nothing, so a zeroed handle can always be cancelled harmlessly. */
typedef uint64_t event_handle;

struct event {
    uint8_t type;         /* enum event_type */
    uint8_t node;         /* target node */
    uint8_t kind;         /* message or timer kind */
    uint8_t flags;        /* EV_WEAK */
    uint16_t incarnation; /* sender's (messages) or owner's (timers, resumes) incarnation */
    uint8_t from;         /* sending node (messages) */
    uint8_t stage;        /* resumes: where the interrupted step goes on */
    uint32_t payment;     /* payment id, or partition for per-partition messages */
    uint32_t id;          /* request id, sequence number, fault index */
    uint64_t x;           /* offset, value */
    uint64_t y;           /* second value */
};

_Static_assert(sizeof(struct event) == 32, "an event body is half a cache line");

struct event_key {
    sim_time time;
    uint64_t order; /* insertion sequence << 24 | slot */
};

/* Every event has an id, 1, 2, 3... in the order it was scheduled, and remembers the
 * id of the event being handled when it was scheduled: its cause (0: the run's set-up).
 * Following causes back from any event tells the story that led to it. */
struct engine {
    sim_time now;
    uint64_t sequence;   /* events ever scheduled: the last id given */
    uint64_t executed;   /* events ever popped */
    uint64_t current;    /* id of the event being handled, 0 during set-up */
    uint64_t current_cause;
    struct event_key *heap;
    struct event *slab;
    uint32_t *generation; /* per slot: bumped each time the slot is freed */
    uint64_t *cause;      /* per slot: the cause of the event in it */
    uint32_t *free_slots;
    uint32_t *pos;        /* per slot: its key's index in the heap */
    uint32_t len, cap, nfree;
    uint32_t strong;     /* pending events without EV_WEAK */
};

void engine_init(struct engine *e);
void engine_fini(struct engine *e);
event_handle engine_schedule(struct engine *e, sim_time at, const struct event *ev);
/* Cancels a pending event: it leaves the heap at once (O(log n)), so the heap holds only
 * live events whatever the timeouts. A handle whose event already ran is ignored. */
void engine_cancel(struct engine *e, event_handle h);
/* Pops the earliest event into *out and advances the clock; false when empty. */
bool engine_pop(struct engine *e, struct event *out);
/* Time of the earliest pending event; only valid when len > 0. */
sim_time engine_peek_time(const struct engine *e);

#endif
