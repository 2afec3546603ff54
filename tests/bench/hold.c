/* hold.c: the hold model, for `make bench`: N events pending, each pop schedules one
 * more at now + a pseudo-random delay, so the queue stays at N. Run through a bare
 * binary 4-ary heap of 16-byte keys (no model, no bodies: the floor any event queue is
 * measured against) and through eosim's engine, the ratio of their events per second
 * is what a noisy machine still measures steadily.
 *   usage: hold bare|engine PENDING EVENTS */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/engine.h"

static uint64_t state = 88172645463325252u;

static uint64_t next_delay(void) /* xorshift64: the same delays for both queues */
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return 1 + (state & 0xfffff);
}

struct key {
    uint64_t time, order;
};

static struct key *heap;
static size_t len;

static int less(struct key a, struct key b)
{
    return a.time < b.time || (a.time == b.time && a.order < b.order);
}

static void push(struct key k)
{
    size_t i = len++;
    while (i > 0 && less(k, heap[(i - 1) / 4])) {
        heap[i] = heap[(i - 1) / 4];
        i = (i - 1) / 4;
    }
    heap[i] = k;
}

static struct key pop(void)
{
    struct key top = heap[0], last = heap[--len];
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1, best = c;
        if (c >= len)
            break;
        for (size_t j = c + 1; j < c + 4 && j < len; j++)
            if (less(heap[j], heap[best]))
                best = j;
        if (!less(heap[best], last))
            break;
        heap[i] = heap[best];
        i = best;
    }
    heap[i] = last;
    return top;
}

static uint64_t bare(size_t pending, uint64_t events)
{
    heap = malloc((pending + 1) * sizeof *heap);
    uint64_t seq = 0, sum = 0;
    for (size_t i = 0; i < pending; i++)
        push((struct key){ next_delay(), seq++ });
    for (uint64_t n = 0; n < events; n++) {
        struct key k = pop();
        sum += k.order;
        push((struct key){ k.time + next_delay(), seq++ });
    }
    free(heap);
    return sum;
}

static uint64_t through_engine(size_t pending, uint64_t events)
{
    struct engine e;
    engine_init(&e);
    struct event ev, out;
    memset(&ev, 0, sizeof ev);
    ev.type = EV_TIMER;
    for (size_t i = 0; i < pending; i++)
        engine_schedule(&e, next_delay(), &ev);
    uint64_t sum = 0;
    for (uint64_t n = 0; n < events && engine_pop(&e, &out); n++) {
        sum += e.current;
        engine_schedule(&e, e.now + next_delay(), &ev);
    }
    engine_fini(&e);
    return sum;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    size_t pending = strtoul(argv[2], NULL, 10);
    uint64_t events = strtoull(argv[3], NULL, 10);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    uint64_t sum = strcmp(argv[1], "bare") == 0 ? bare(pending, events)
                                                : through_engine(pending, events);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("%.0f\n", (double)events / s); /* events per second */
    return sum == 42; /* keeps the loop from being optimised away */
}
