/* session_test.c: the group coordinator's deadlines are exact. A member is removed iff
 * the gap between two heartbeats it received exceeds consumer.session-timeout, at the
 * instant its deadline passes; checked right after a heartbeat, at a late phase, and
 * statistically over random phases against the closed form. */
#include <math.h>
#include <stdlib.h>

#include "base/rng.h"
#include "lang/scenario.h"
#include "run/sim.h"
#include "test.h"
#include "env/trace.h"

#define S (10 * SIM_SEC)   /* consumer.session-timeout */
#define H (3 * SIM_SEC)    /* consumer.heartbeat-interval */

static struct scenario sc;

/* Two payments, two minutes apart, so the run lives past any pause tried here; the pause
 * is the scenario's last fault, its length a duration or a distribution. */
static void build(sim_time pause_at, const char *length)
{
    char text[512];
    snprintf(text, sizeof text,
             "scenario sessions\npayments 2 every 120s\nset consumer.session-timeout 10s\n"
             "set consumer.heartbeat-interval 3s\npause consumer at %lluns for %s\n"
             "strategies at-least-once\n", (unsigned long long)pause_at, length);
    test_scenario(text, "at-least-once", &sc);
}

/* Runs the scenario under a seed with a pause at pause_at, keeping its trace in t. */
static void traced(sim_time pause_at, const char *length, uint64_t seed, struct trace *t)
{
    build(pause_at, length);
    struct run_result r;
    sim_run_with(&sc, (uint32_t)sc.run_list[0], seed,
                 &(struct sim_options){ .trace = t, .spare_link = -1,
                                        .spare_message = UINT64_MAX }, &r);
    trace_end(t);
}

/* Whether the consumer was removed from the group: it had to join again after the pause
 * began (it joins twice at the start already: its first heartbeat overtakes its join). */
static bool evicted_by(sim_time pause_at, const char *length, uint64_t seed)
{
    struct trace t = { .keep = true };
    traced(pause_at, length, seed, &t);
    int joins = 0;
    for (size_t i = 0; i < t.len; i++)
        joins += t.recs[i].what == TRACE_EVENT && t.recs[i].type == EV_MSG &&
                 t.recs[i].kind == MSG_JOIN && t.recs[i].t > pause_at;
    trace_fini(&t);
    return joins > 0;
}

static bool evicted(sim_time pause_at, sim_time length)
{
    char ns[32];
    snprintf(ns, sizeof ns, "%lluns", (unsigned long long)length);
    return evicted_by(pause_at, ns, 1);
}

/* When the consumer sends its first heartbeat at or after t0 in the plain schedule (a
 * pause after everything): the times a pause can be placed against. */
static sim_time heartbeat_after(sim_time t0)
{
    struct trace t = { .keep = true };
    traced(200 * SIM_SEC, "1ns", 1, &t);
    sim_time found = 0;
    for (size_t i = 0; i < t.len && !found; i++)
        if (t.recs[i].what == TRACE_SEND && t.recs[i].kind == MSG_HEARTBEAT && t.recs[i].t >= t0)
            found = t.recs[i].t;
    trace_fini(&t);
    return found;
}

static void test_session_deadline_right_after_a_heartbeat(void)
{
    sim_time hb = heartbeat_after(30 * SIM_SEC);
    CHECK(hb >= 30 * SIM_SEC);
    /* the pause starts 1ns after the heartbeat went out; the next one leaves when it
     * ends, so the gap the coordinator sees is the pause plus 1ns */
    CHECK(!evicted(hb + 1, S - SIM_MS));
    CHECK(evicted(hb + 1, S + SIM_MS));
    CHECK(!evicted(hb + 1, S - 1)); /* a gap of exactly S is still in time */
    CHECK(evicted(hb + 1, S));      /* S + 1ns is not */
}

/* A pause between S - h and S is fatal late in the heartbeat period, harmless early. The
 * old periodic check could miss the late one by up to a heartbeat interval. */
static void test_session_deadline_at_a_late_phase(void)
{
    sim_time hb = heartbeat_after(30 * SIM_SEC), x = S - H / 2; /* 8.5s */
    CHECK(evicted(hb + 29 * H / 30, x));  /* 2.9s after the heartbeat: a gap of 11.4s */
    CHECK(!evicted(hb + H / 30, x));      /* 0.1s after it: 8.6s */
}

/* Over phases uniform in one heartbeat period, a pause of X in (S - h, S) evicts the
 * member with probability (X - (S - h)) / h: the gap is the phase plus X, and it exceeds
 * S for phases above S - X. With X = S - h/4 that is 3/4; 2000 phases give a standard
 * error of sqrt(3/16/2000) = 0.0097, so the 99% interval is 0.75 +- 0.025. */
static void test_session_eviction_fraction_matches_closed_form(void)
{
    struct rng r;
    rng_seed(&r, 7, "test:phases");
    sim_time start = heartbeat_after(30 * SIM_SEC), x = S - H / 4;
    const int n = 2000;
    int count = 0;
    for (int i = 0; i < n; i++)
        count += evicted(start + rng_range(&r, 0, H - 1), x);
    double p = (double)count / n, want = (double)(x - (S - H)) / (double)H;
    if (p < want - 0.025 || p > want + 0.025)
        fprintf(stderr, "  eviction fraction %.4f, expected %.4f +- 0.025\n", p, want);
    CHECK(p >= want - 0.025 && p <= want + 0.025);
}

/* A GC pause of exponential length, mean m, at a phase uniform over the heartbeat
 * period. Given its length x the member is evicted with probability
 * clamp((x - (S - h)) / h, 0, 1) (the test above), so over x ~ Exp(m):
 *   P = integral from S-h to S of (x - (S - h))/h e^(-x/m)/m dx + e^(-S/m)
 *     = (m/h) (e^(-(S - h)/m) - e^(-S/m)).
 * With S = 10s, h = 3s, m = 5s that is (5/3)(e^-1.4 - e^-2) = 0.18544; 2000 pauses (each
 * seed draws its own length) give a standard error of 0.0087, so the 99% interval is
 * 0.1854 +- 0.0224. */
static void test_session_exponential_pause_eviction_closed_form(void)
{
    struct rng r;
    rng_seed(&r, 11, "test:phases");
    sim_time start = heartbeat_after(30 * SIM_SEC);
    const int n = 2000;
    const double m = 5, s = 10, h = 3;
    int count = 0;
    for (int i = 0; i < n; i++)
        count += evicted_by(start + rng_range(&r, 0, H - 1), "exp 5s", (uint64_t)i + 1);
    double p = (double)count / n, want = m / h * (exp(-(s - h) / m) - exp(-s / m));
    double half = 2.576 * sqrt(want * (1 - want) / n);
    if (fabs(p - want) > half)
        fprintf(stderr, "  eviction fraction %.4f, expected %.4f +- %.4f\n", p, want, half);
    CHECK(fabs(p - want) <= half);
}

const struct test session_tests[] = {
    { "session_exponential_pause_eviction_closed_form",
      test_session_exponential_pause_eviction_closed_form },
    { "session_deadline_right_after_a_heartbeat", test_session_deadline_right_after_a_heartbeat },
    { "session_deadline_at_a_late_phase", test_session_deadline_at_a_late_phase },
    { "session_eviction_fraction_matches_closed_form",
      test_session_eviction_fraction_matches_closed_form },
    { NULL, NULL },
};
