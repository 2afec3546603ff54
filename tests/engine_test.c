/* engine_test.c: the event queue's order and the random streams' independence. */
#include <stdlib.h>

#include "base/engine.h"
#include "base/rng.h"
#include "test.h"

static struct event ev_id(uint32_t id)
{
    return (struct event){ .type = EV_TIMER, .id = id };
}

static void test_engine_orders_by_time(void)
{
    struct engine e;
    engine_init(&e);
    const sim_time times[] = { 50, 10, 40, 20, 30 };
    for (uint32_t i = 0; i < 5; i++) {
        struct event ev = ev_id(i);
        engine_schedule(&e, times[i], &ev);
    }
    struct event out;
    sim_time last = 0;
    for (int i = 0; i < 5; i++) {
        CHECK(engine_pop(&e, &out));
        CHECK(e.now >= last);
        CHECK_EQ(e.now, times[out.id]);
        last = e.now;
    }
    CHECK(!engine_pop(&e, &out));
    engine_fini(&e);
}

static void test_engine_fifo_same_time(void)
{
    struct engine e;
    engine_init(&e);
    for (uint32_t i = 0; i < 1000; i++) {
        struct event ev = ev_id(i);
        engine_schedule(&e, 7, &ev);
    }
    struct event out;
    for (uint32_t i = 0; i < 1000; i++) {
        CHECK(engine_pop(&e, &out));
        CHECK_EQ(out.id, i);
    }
    engine_fini(&e);
}

/* Interleaved pushes and pops with many ties, against a reference that finds the
 * minimum (time, insertion order) by linear search. */
static void test_engine_matches_reference(void)
{
    struct engine e;
    engine_init(&e);
    struct rng r;
    rng_seed(&r, 42, "test");
    enum { ROUNDS = 20000 };
    static sim_time ref_time[ROUNDS];
    static bool ref_live[ROUNDS];
    uint32_t next_id = 0, live = 0;
    for (int round = 0; round < ROUNDS; round++) {
        if (live == 0 || rng_below(&r, 3) != 0) {
            struct event ev = ev_id(next_id);
            ref_time[next_id] = e.now + rng_below(&r, 8);
            ref_live[next_id] = true;
            engine_schedule(&e, ref_time[next_id++], &ev);
            live++;
            continue;
        }
        uint32_t best = UINT32_MAX;
        for (uint32_t i = 0; i < next_id; i++)
            if (ref_live[i] && (best == UINT32_MAX || ref_time[i] < ref_time[best]))
                best = i;
        struct event out;
        CHECK(engine_pop(&e, &out));
        CHECK_EQ(out.id, best);
        CHECK_EQ(e.now, ref_time[best]);
        ref_live[best] = false;
        live--;
    }
    CHECK_EQ(e.len, live);
    engine_fini(&e);
}

static void test_engine_weak_events_counted(void)
{
    struct engine e;
    engine_init(&e);
    struct event strong = ev_id(1), weak = ev_id(2);
    weak.flags = EV_WEAK;
    engine_schedule(&e, 5, &strong);
    engine_schedule(&e, 1, &weak);
    CHECK_EQ(e.strong, 1);
    struct event out;
    engine_pop(&e, &out);
    CHECK_EQ(out.id, 2);
    CHECK_EQ(e.strong, 1);
    engine_pop(&e, &out);
    CHECK_EQ(e.strong, 0);
    engine_fini(&e);
}

static void test_engine_reuses_slots(void)
{
    struct engine e;
    engine_init(&e);
    for (int round = 0; round < 100000; round++) {
        struct event ev = ev_id((uint32_t)round), out;
        engine_schedule(&e, e.now + 1, &ev);
        engine_pop(&e, &out);
        CHECK_EQ(out.id, (uint32_t)round);
    }
    CHECK_EQ(e.cap, 1024); /* steady state: nothing grew */
    engine_fini(&e);
}

static void test_engine_cancel_is_eager_and_exact(void)
{
    struct engine e;
    engine_init(&e);
    struct event a = ev_id(1), b = ev_id(2), out;
    event_handle ha = engine_schedule(&e, 10, &a);
    engine_schedule(&e, 20, &b);
    engine_cancel(&e, ha);
    engine_cancel(&e, ha); /* twice is harmless */
    engine_cancel(&e, 0);  /* the null handle names nothing */
    CHECK_EQ(e.strong, 1);
    CHECK_EQ(e.len, 1); /* it left the heap */
    CHECK(engine_pop(&e, &out));
    CHECK_EQ(out.id, 2);
    CHECK_EQ(e.executed, 1);
    /* a handle whose event ran does not cancel the slot's next occupant */
    event_handle hb = engine_schedule(&e, 30, &a);
    CHECK(engine_pop(&e, &out));
    engine_schedule(&e, 40, &b);
    engine_cancel(&e, hb);
    CHECK(engine_pop(&e, &out));
    CHECK_EQ(out.id, 2);
    engine_fini(&e);
}

/* A request timer re-armed at every answer, as a consumer's is: the heap holds the live
 * events only, however long the timeout and however many were cancelled, and the other
 * events keep their order. */
static void test_engine_cancelled_timers_take_no_room(void)
{
    struct engine e;
    engine_init(&e);
    struct event tick = ev_id(7), timer = ev_id(9), out;
    event_handle h = 0;
    for (int round = 0; round < 100000; round++) {
        engine_cancel(&e, h);
        h = engine_schedule(&e, e.now + 30 * SIM_SEC, &timer);
        engine_schedule(&e, e.now + 1, &tick);
        CHECK(e.len <= 2);
        CHECK(engine_pop(&e, &out));
        CHECK_EQ(out.id, 7);
    }
    CHECK_EQ(e.cap, 1024);
    CHECK(engine_pop(&e, &out) && out.id == 9 && !engine_pop(&e, &out));
    engine_fini(&e);
}

static void test_rng_streams_independent(void)
{
    /* Drawing from one stream does not move another, and names pick different streams. */
    struct rng a1, a2, b;
    rng_seed(&a1, 7, "link:producer->broker");
    rng_seed(&a2, 7, "link:producer->broker");
    rng_seed(&b, 7, "link:broker->producer");
    for (int i = 0; i < 1000; i++)
        rng_next(&b);
    for (int i = 0; i < 100; i++)
        CHECK_EQ(rng_next(&a1), rng_next(&a2));
    struct rng c, d;
    rng_seed(&c, 7, "link:producer->broker");
    rng_seed(&d, 7, "link:broker->producer");
    int same = 0;
    for (int i = 0; i < 100; i++)
        same += rng_next(&c) == rng_next(&d);
    CHECK_EQ(same, 0);
    rng_seed(&c, 7, "x");
    rng_seed(&d, 8, "x");
    CHECK(rng_next(&c) != rng_next(&d));
}

static void test_rng_known_values(void)
{
    /* Pinned outputs: a change here changes every run of every scenario. */
    struct rng r;
    rng_seed(&r, 1, "node:gateway");
    uint64_t first = rng_next(&r);
    rng_seed(&r, 1, "node:gateway");
    CHECK_EQ(rng_next(&r), first);
    CHECK_EQ(rng_below(&r, 1), 0);
    for (int i = 0; i < 10000; i++) {
        uint64_t v = rng_range(&r, 20, 80);
        CHECK(v >= 20 && v <= 80);
    }
    CHECK(!rng_chance(&r, 0));
    CHECK(rng_chance(&r, 1000000));
}

static void test_rng_chance_rate(void)
{
    /* 1,000,000 draws at 2%: the count is within 99.9% of Binomial(1e6, 0.02). */
    struct rng r;
    rng_seed(&r, 3, "rate");
    uint64_t hits = 0;
    for (int i = 0; i < 1000000; i++)
        hits += rng_chance(&r, 20000);
    /* mean 20000, sd sqrt(1e6 * 0.02 * 0.98) = 140; 3.29 sd = 461 */
    CHECK(hits > 20000 - 461 && hits < 20000 + 461);
}

const struct test engine_tests[] = {
    { "engine_orders_by_time", test_engine_orders_by_time },
    { "engine_fifo_same_time", test_engine_fifo_same_time },
    { "engine_matches_reference", test_engine_matches_reference },
    { "engine_weak_events_counted", test_engine_weak_events_counted },
    { "engine_reuses_slots", test_engine_reuses_slots },
    { "engine_cancel_is_eager_and_exact", test_engine_cancel_is_eager_and_exact },
    { "engine_cancelled_timers_take_no_room", test_engine_cancelled_timers_take_no_room },
    { "rng_streams_independent", test_rng_streams_independent },
    { "rng_known_values", test_rng_known_values },
    { "rng_chance_rate", test_rng_chance_rate },
    { NULL, NULL },
};
