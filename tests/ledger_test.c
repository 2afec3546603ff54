/* ledger_test.c: ledger faults. A commit whose answer is lost is retried as a second
 * insert unless a key or the processed ids stop it; a crash rolls back the transaction
 * open in the ledger; a pause holds commits, and the worker's timeout is exact. */
#include <stdlib.h>

#include "env/trace.h"
#include "lang/scenario.h"
#include "run/sim.h"
#include "test.h"

#define STRATEGIES "strategy unique from at-least-once ledger.unique=on\n" \
                   "strategy no-retry from at-least-once consumer.ledger-retries=off\n" \
                   "strategy rf-no-retry from no-retry consumer.order=record-first\n" \
                   "strategy rf-dedup from at-least-once consumer.order=record-first " \
                   "consumer.dedup=ledger\n"

/* Ten payments 100ms apart, a 1s ledger timeout, the faults and the strategies above. */
static const char *text_of(const char *faults)
{
    static char text[1024];
    snprintf(text, sizeof text, "scenario t\npayments 10 every 100ms\n"
             "set consumer.ledger-timeout 1s\n%s" STRATEGIES, faults);
    return text;
}

static struct run_result outcome(const char *faults, const char *strategy)
{
    const char *text = text_of(faults);
    struct run_result r;
    test_run(text, strategy, &r);
    return r;
}

/* When each ledger row of the payment was committed, in order; how many in *n. */
static size_t row_times(const char *faults, const char *strategy, uint32_t payment,
                        sim_time *at, size_t max)
{
    static struct scenario sc;
    int s = test_scenario(text_of(faults), strategy, &sc);
    if (s < 0)
        return 0;
    struct trace t = { .keep = true };
    struct run_result r;
    sim_run_with(&sc, (uint32_t)s, sc.seed, &(struct sim_options){ .trace = &t, .spare_link = -1 },
                 &r);
    size_t n = 0;
    for (size_t i = 0; i < t.len; i++)
        if (t.recs[i].what == TRACE_ROW && t.recs[i].payment == payment && n < max)
            at[n++] = t.recs[i].t;
    trace_fini(&t);
    return n;
}

static void test_ledger_lost_answer_inserts_twice(void)
{
    const char *f = "crash ledger on commit payment 3 restart after 0s\n";
    struct run_result r = outcome(f, "at-least-once");
    CHECK_EQ(r.ledger_rows, 11);
    CHECK_EQ(r.charges, 10); /* the insert is retried, not the charge */
    CHECK_EQ(r.disagreements, 1);
    CHECK_EQ(outcome(f, "unique").ledger_rows, 10);
    CHECK_EQ(outcome(f, "idempotent").ledger_rows, 10); /* the processed id is found */
    CHECK_EQ(outcome(f, "no-retry").ledger_rows, 10);   /* the first commit took effect */
    /* Without the fault, nobody waits: */
    CHECK_EQ(outcome("", "at-least-once").ledger_rows, 10);
}

static void test_ledger_retry_comes_exactly_at_the_timeout(void)
{
    /* The row commits at t, the answer dies with the ledger, and the worker's retry
     * writes again at t + ledger-timeout (1s) + ledger.latency (1ms): the timeout runs
     * from when the commit was asked for, one latency before t. */
    sim_time at[4];
    size_t n = row_times("crash ledger on commit payment 3 restart after 0s\n", "at-least-once",
                         3, at, 4);
    CHECK_EQ(n, 2);
    if (n == 2)
        CHECK_EQ(at[1] - at[0], 1 * SIM_SEC);
}

static void test_ledger_crash_at_write_rolls_back(void)
{
    /* The transaction open when the ledger crashes never commits: a retry writes the
     * row once; a worker that gives up leaves the charge unrecorded. */
    const char *f = "crash ledger on write payment 3 restart after 0s\n";
    struct run_result r = outcome(f, "at-least-once");
    CHECK_EQ(r.ledger_rows, 10);
    CHECK_EQ(r.disagreements, 0);
    r = outcome(f, "no-retry");
    CHECK_EQ(r.ledger_rows, 9);
    CHECK_EQ(r.disagreements, 1);
    CHECK_EQ(r.lost + r.duplicated, 0);
}

static void test_ledger_outage_hangs_commits(void)
{
    /* Down from 250ms for 2s: at-least-once retries until it is back; giving up after
     * 1s loses payments 2 and 3's rows (their commits asked at 254ms and about 1.3s). */
    const char *f = "crash ledger at 250ms restart after 2s\n";
    CHECK_EQ(outcome(f, "at-least-once").ledger_rows, 10);
    CHECK_EQ(outcome(f, "no-retry").ledger_rows, 8);
    CHECK_EQ(outcome(f, "at-most-once").ledger_rows, 8);
    /* Record-first gives the charge up with the row: nothing recorded, nothing charged. */
    struct run_result r = outcome(f, "rf-no-retry");
    CHECK_EQ(r.lost, 2);
    CHECK_EQ(r.ledger_rows, 8);
}

static void test_ledger_pause_holds_then_commits(void)
{
    /* A pause shorter than the timeout only delays the answer; a longer one lets the
     * worker write again while the first commit is held, and both land at the wake. */
    CHECK_EQ(outcome("pause ledger on write payment 3 for 900ms\n", "at-least-once").ledger_rows, 10);
    sim_time at[4];
    size_t n = row_times("pause ledger on write payment 3 for 1500ms\n", "at-least-once", 3, at, 4);
    CHECK_EQ(n, 2);
    if (n == 2)
        CHECK_EQ(at[0], at[1]); /* both at the wake */
    CHECK_EQ(outcome("pause ledger on write payment 3 for 1500ms\n", "unique").ledger_rows, 10);
    /* The processed-ids check before the retry finds nothing yet: two rows. */
    CHECK_EQ(outcome("pause ledger on write payment 3 for 1500ms\n", "idempotent").ledger_rows, 11);
}

static void test_ledger_record_first_retry_finds_its_row(void)
{
    /* Record-first with a dedup table: the answer of payment 3's commit is lost; the
     * retry finds the processed id its first commit wrote and takes the record as done,
     * so the charge that was to follow the row never happens. */
    struct run_result r = outcome("crash ledger on commit payment 3 restart after 0s\n",
                                  "rf-dedup");
    CHECK_EQ(r.ledger_rows, 10);
    CHECK_EQ(r.lost, 1);
}

/* The commit is the ledger's: a worker paused while its commit is in flight does not
 * hold the commit back (here a ledger crash later would have rolled it back), and a
 * worker that crashes at the commit point loses what it held in memory. */
static void test_ledger_commit_is_the_ledgers_not_the_workers(void)
{
    struct run_result r = outcome("pause consumer at 254500us for 2s\n"
                                  "crash ledger at 500ms restart after 100ms\n", "no-retry");
    CHECK_EQ(r.ledger_rows, 10);
    CHECK_EQ(r.disagreements, 0);
    r = outcome("crash consumer on commit payment 2 restart after 1s\n"
                "strategy mem from at-least-once consumer.dedup=memory\n", "mem");
    CHECK_EQ(r.duplicated, 1); /* its dedup set died with it: payment 2 is charged again */
}

const struct test ledger_tests[] = {
    { "ledger_commit_is_the_ledgers_not_the_workers",
      test_ledger_commit_is_the_ledgers_not_the_workers },
    { "ledger_lost_answer_inserts_twice", test_ledger_lost_answer_inserts_twice },
    { "ledger_retry_comes_exactly_at_the_timeout", test_ledger_retry_comes_exactly_at_the_timeout },
    { "ledger_crash_at_write_rolls_back", test_ledger_crash_at_write_rolls_back },
    { "ledger_outage_hangs_commits", test_ledger_outage_hangs_commits },
    { "ledger_pause_holds_then_commits", test_ledger_pause_holds_then_commits },
    { "ledger_record_first_retry_finds_its_row", test_ledger_record_first_retry_finds_its_row },
    { NULL, NULL },
};
