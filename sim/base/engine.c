/* engine.c: 4-ary min-heap of (time, sequence|slot) keys over a slab of event bodies,
 * with each slot's place in the heap kept, so a cancelled event leaves it at once. */
#include "base/engine.h"

#include <string.h>

#include "base/check.h"
#include "base/limits.h"

#define SLOT_BITS 24u
#define SLOT_MASK ((1u << SLOT_BITS) - 1u)

static bool key_less(struct event_key a, struct event_key b)
{
    return a.time < b.time || (a.time == b.time && a.order < b.order);
}

void engine_init(struct engine *e)
{
    memset(e, 0, sizeof *e);
}

void engine_fini(struct engine *e)
{
    free(e->heap);
    free(e->slab);
    free(e->generation);
    free(e->cause);
    free(e->free_slots);
    free(e->pos);
    memset(e, 0, sizeof *e);
}

/* Doubles the heap, the slab and the free list together: slots never outnumber keys. */
static void grow(struct engine *e)
{
    uint32_t cap = e->cap ? e->cap * 2 : 1024;
    if (cap > EVENT_SLOTS_MAX)
        SIM_PANIC("too many pending events (limit is %u)", EVENT_SLOTS_MAX);
    e->heap = sim_realloc(e->heap, cap, sizeof *e->heap);
    e->slab = sim_realloc(e->slab, cap, sizeof *e->slab);
    e->generation = sim_realloc(e->generation, cap, sizeof *e->generation);
    e->cause = sim_realloc(e->cause, cap, sizeof *e->cause);
    memset(e->generation + e->cap, 0, (cap - e->cap) * sizeof *e->generation);
    e->free_slots = sim_realloc(e->free_slots, cap, sizeof *e->free_slots);
    e->pos = sim_realloc(e->pos, cap, sizeof *e->pos);
    for (uint32_t s = cap; s > e->cap; s--)
        e->free_slots[e->nfree++] = s - 1;
    e->cap = cap;
}

static uint32_t slot_of(struct event_key k)
{
    return (uint32_t)(k.order & SLOT_MASK);
}

static void place(struct engine *e, uint32_t i, struct event_key k)
{
    e->heap[i] = k;
    e->pos[slot_of(k)] = i;
}

/* Puts k at hole i or above it, moving larger parents down. */
static void sift_up(struct engine *e, uint32_t i, struct event_key k)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 4;
        if (!key_less(k, e->heap[parent]))
            break;
        place(e, i, e->heap[parent]);
        i = parent;
    }
    place(e, i, k);
}

/* Puts k at hole i or below it, moving smaller children up. */
static void sift_down(struct engine *e, uint32_t i, struct event_key k)
{
    for (uint32_t n = e->len;;) { /* four children a node: half the levels of two */
        uint32_t first = 4 * i + 1, child = first;
        if (first >= n)
            break;
        for (uint32_t c = first + 1; c < first + 4 && c < n; c++)
            if (key_less(e->heap[c], e->heap[child]))
                child = c;
        if (!key_less(e->heap[child], k))
            break;
        place(e, i, e->heap[child]);
        i = child;
    }
    place(e, i, k);
}

/* Takes the key at heap index i out and frees its slot (its handles go stale). */
static void remove_at(struct engine *e, uint32_t i)
{
    uint32_t slot = slot_of(e->heap[i]);
    e->generation[slot]++;
    e->free_slots[e->nfree++] = slot;
    struct event_key last = e->heap[--e->len];
    if (i == e->len)
        return;
    if (i > 0 && key_less(last, e->heap[(i - 1) / 4]))
        sift_up(e, i, last);
    else
        sift_down(e, i, last);
}

event_handle engine_schedule(struct engine *e, sim_time at, const struct event *ev)
{
    SIM_ASSERT(at >= e->now);
    if (e->nfree == 0)
        grow(e);
    uint32_t slot = e->free_slots[--e->nfree];
    e->slab[slot] = *ev;
    e->cause[slot] = e->current;
    if (!(ev->flags & EV_WEAK))
        e->strong++;
    struct event_key key = { at, (e->sequence++ << SLOT_BITS) | slot };
    sift_up(e, e->len++, key);
    return ((uint64_t)e->generation[slot] + 1) << SLOT_BITS | slot; /* never 0 */
}

void engine_cancel(struct engine *e, event_handle h)
{
    uint32_t slot = (uint32_t)(h & SLOT_MASK);
    if (slot >= e->cap || (uint64_t)e->generation[slot] + 1 != h >> SLOT_BITS)
        return; /* it ran (or was cancelled) and the slot moved on */
    if (!(e->slab[slot].flags & EV_WEAK))
        e->strong--;
    remove_at(e, e->pos[slot]);
}

bool engine_pop(struct engine *e, struct event *out)
{
    if (e->len == 0)
        return false;
    struct event_key top = e->heap[0];
    uint32_t slot = slot_of(top);
    *out = e->slab[slot];
    e->current = (top.order >> SLOT_BITS) + 1;
    e->current_cause = e->cause[slot];
    remove_at(e, 0);
    if (!(out->flags & EV_WEAK))
        e->strong--;
    e->now = top.time;
    e->executed++;
    return true;
}

sim_time engine_peek_time(const struct engine *e)
{
    SIM_ASSERT(e->len > 0);
    return e->heap[0].time;
}
