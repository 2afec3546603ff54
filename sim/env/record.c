/* record.c: the set of reaches of one run, kept in first-met order. */
#include "env/record.h"

#include <stdlib.h>
#include <string.h>

#include "base/check.h"

static uint64_t key_of(enum reach_what what, uint8_t where, uint8_t step, uint32_t payment)
{
    /* the top bit keeps every key non-zero, so 0 marks an empty slot */
    return 1ull << 63 | (uint64_t)what << 56 | (uint64_t)where << 48 | (uint64_t)step << 40 |
           payment;
}

static size_t slot_of(uint64_t key, size_t cap)
{
    uint64_t h = key * 0x9e3779b97f4a7c15u;
    return (size_t)(h >> 32) & (cap - 1);
}

/* Inserts key; false if it was there already. */
static bool set_insert(struct recording *r, uint64_t key)
{
    if (2 * (r->len + 1) > r->set_cap) {
        size_t cap = r->set_cap ? 2 * r->set_cap : 64;
        uint64_t *set = sim_alloc(cap, sizeof *set);
        for (size_t i = 0; i < r->set_cap; i++) {
            if (!r->set[i])
                continue;
            size_t s = slot_of(r->set[i], cap);
            while (set[s])
                s = (s + 1) & (cap - 1);
            set[s] = r->set[i];
        }
        free(r->set);
        r->set = set;
        r->set_cap = cap;
    }
    size_t s = slot_of(key, r->set_cap);
    for (; r->set[s]; s = (s + 1) & (r->set_cap - 1))
        if (r->set[s] == key)
            return false;
    r->set[s] = key;
    return true;
}

void recording_add(struct recording *r, enum reach_what what, uint8_t where, uint8_t step,
                   uint32_t payment, sim_time t)
{
    if (!set_insert(r, key_of(what, where, step, payment)))
        return;
    if (r->len == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->items = sim_realloc(r->items, r->cap, sizeof *r->items);
    }
    r->items[r->len++] = (struct reach){ (uint8_t)what, where, step, payment, t };
}

void recording_fini(struct recording *r)
{
    free(r->items);
    free(r->set);
    memset(r, 0, sizeof *r);
}
