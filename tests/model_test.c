/* model_test.c: protocol outcomes, one mechanism at a time, through small scenarios
 * whose counts can be worked out by hand. */
#include <stdlib.h>

#include "lang/scenario.h"
#include "run/sim.h"
#include "test.h"

/* Runs a scenario body (with a 1ms gateway) under one strategy. */
static struct run_result outcome(const char *body, const char *strategy)
{
    char text[2048];
    struct run_result r;
    snprintf(text, sizeof text, "scenario model\nset gateway.latency 1ms\n%s", body);
    test_run(text, strategy, &r);
    return r;
}

static void test_model_clean_run_charges_once(void)
{
    const char *names[] = { "at-most-once", "at-least-once", "idempotent", "transactional" };
    for (int i = 0; i < 4; i++) {
        struct run_result r = outcome("payments 100 every 1ms amount 7\n", names[i]);
        CHECK_EQ(r.charges, 100);
        CHECK_EQ(r.lost + r.duplicated + r.pending, 0);
        CHECK_EQ(r.log_copies, 100);
        CHECK_EQ(r.ledger_rows, 100);
        CHECK_EQ(r.amount_charged, 700);
        CHECK(r.latency_p50 > 0 && r.latency_p50 <= r.latency_p99);
        CHECK(r.latency_p99 <= r.latency_max);
    }
}

static void test_model_lost_ack_duplicates_only_without_idempotence(void)
{
    const char *body = "payments 20 every 1ms\n"
                       "drop broker->producer on ack payment 5\n"
                       "set producer.request-timeout 100ms\n";
    struct run_result alo = outcome(body, "at-least-once");
    CHECK_EQ(alo.log_copies, 21);
    CHECK_EQ(alo.duplicated, 1);
    CHECK_EQ(alo.duplicates_in_log, 1);
    struct run_result idem = outcome(body, "idempotent");
    CHECK_EQ(idem.log_copies, 20);
    CHECK_EQ(idem.duplicated, 0);
    struct run_result amo = outcome(body, "at-most-once");
    CHECK_EQ(amo.log_copies, 20); /* no retry: the lost ack costs nothing */
}

static void test_model_lost_produce_lost_only_without_retries(void)
{
    const char *body = "payments 20 every 1ms\n"
                       "drop producer->broker on produce payment 3\n"
                       "set producer.request-timeout 100ms\n";
    CHECK_EQ(outcome(body, "at-most-once").lost, 1);
    CHECK_EQ(outcome(body, "at-least-once").lost, 0);
    struct run_result idem = outcome(body, "idempotent"); /* 4..7 refused, then re-sent */
    CHECK_EQ(idem.lost, 0);
    CHECK_EQ(idem.log_copies, 20);
    CHECK_EQ(outcome(body, "transactional").lost, 0);
}

static void test_model_gateway_response_lost(void)
{
    const char *body = "payments 20 every 1ms\n"
                       "drop gateway->consumer on response payment 9\n"
                       "set consumer.gateway-timeout 50ms\n";
    CHECK_EQ(outcome(body, "at-least-once").duplicated, 1);
    CHECK_EQ(outcome(body, "transactional").duplicated, 1); /* the HTTP call is outside */
    struct run_result idem = outcome(body, "idempotent");
    CHECK_EQ(idem.duplicated, 0);
    CHECK_EQ(idem.absorbed, 1); /* the saved result of key pay-9 */
    struct run_result amo = outcome(body, "at-most-once");
    CHECK_EQ(amo.duplicated + amo.lost, 0);
    CHECK_EQ(amo.ledger_rows, 19); /* it gave up without knowing the charge happened */
}

static void test_model_per_attempt_key_is_no_protection(void)
{
    const char *body = "payments 20 every 1ms\n"
                       "drop gateway->consumer on response payment 9\n"
                       "set consumer.gateway-timeout 50ms\n"
                       "strategy new-key from idempotent gateway.key=per-attempt\n";
    CHECK_EQ(outcome(body, "new-key").duplicated, 1);
}

static void test_model_duplicating_link(void)
{
    const char *body = "payments 50 every 1ms\nlink consumer->gateway duplicate 100%\n";
    CHECK_EQ(outcome(body, "at-least-once").charges, 100);
    struct run_result idem = outcome(body, "idempotent");
    CHECK_EQ(idem.charges, 50); /* the copy arrives while the first executes or after */
}

static void test_model_dedup_memory_forgets_on_crash(void)
{
    /* A crash after payment 12's charge and before the batch commit: the batch is
     * redelivered. The memory set died with the process; the ledger's did not, so
     * only payment 12 (charged, not yet recorded) is charged again. */
    const char *body = "payments 30 every 1us\n"
                       "pause consumer at 0s for 1s\n"
                       "crash consumer on after-effect payment 12 restart after 1s\n"
                       "strategy memory from at-least-once consumer.dedup=memory\n"
                       "strategy table from at-least-once consumer.dedup=ledger\n";
    CHECK_EQ(outcome(body, "at-least-once").duplicated, 13);
    CHECK_EQ(outcome(body, "memory").duplicated, 13);
    CHECK_EQ(outcome(body, "table").duplicated, 1);
    CHECK_EQ(outcome(body, "idempotent").duplicated, 0);
    CHECK_EQ(outcome(body, "transactional").duplicated, 1);
}

static void test_model_dedup_ttl_lets_late_copies_through(void)
{
    const char *body = "payments 30 every 1us\n"
                       "pause consumer at 0s for 1s\n"
                       "crash consumer on after-effect payment 12 restart after 10s\n"
                       "strategy short from at-least-once consumer.dedup=ledger consumer.dedup-ttl=5s\n"
                       "strategy long from at-least-once consumer.dedup=ledger consumer.dedup-ttl=1h\n";
    CHECK_EQ(outcome(body, "short").duplicated, 13);
    CHECK_EQ(outcome(body, "long").duplicated, 1);
}

static void test_model_read_committed_skips_aborted(void)
{
    /* The producer dies inside a transaction; its restart bumps the epoch and aborts
     * the open transaction. read_committed consumers never see the aborted records. */
    const char *body = "payments 40 every 1ms\n"
                       "set producer.transaction-records 10\n"
                       "crash producer on ack payment 23 restart after 1s\n"
                       "strategy dirty from transactional consumer.isolation=read-uncommitted\n";
    struct run_result clean = outcome(body, "transactional");
    struct run_result dirty = outcome(body, "dirty");
    CHECK(clean.log_aborted > 0);
    CHECK_EQ(clean.log_aborted, dirty.log_aborted);
    CHECK_EQ(clean.deliveries, clean.log_copies - clean.log_aborted);
    CHECK_EQ(dirty.deliveries, dirty.log_copies);    /* aborted reads */
    CHECK_EQ(dirty.aborted_reads, dirty.log_aborted);
    CHECK_EQ(clean.aborted_reads, 0);
    CHECK_EQ(clean.hanging, 0);
    CHECK(dirty.charges > clean.charges);
    CHECK(clean.lost > 0); /* the aborted records died with the producer's memory */
}

static void test_model_producer_crash_loses_unacked(void)
{
    const char *body = "payments 100 every 1ms\n"
                       "link broker->producer delay 50ms\n"
                       "crash producer at 30ms restart after 10ms\n";
    struct run_result r = outcome(body, "at-least-once");
    CHECK_EQ(r.lost, 0);  /* in the log already; only the acks were pending */
    struct run_result cut = outcome("payments 100 every 1ms\n"
                                    "link producer->broker delay 50ms\n"
                                    "crash producer at 30ms restart after 10ms\n"
                                    "cut producer->broker at 0s for 40ms\n", "at-least-once");
    /* payments 0..29 were only in the producer's memory; payment 30's intent comes at
     * the crash's instant but after it (scheduled later), so it waits for the restart */
    CHECK_EQ(cut.lost, 30);
}

static void test_model_pause_delays_but_keeps(void)
{
    const char *body = "payments 20 every 1ms\n"
                       "pause consumer on before-effect payment 4 for 10s\n";
    struct run_result r = outcome(body, "at-least-once");
    CHECK_EQ(r.charges, 20);
    CHECK(r.latency_max >= 10000000000ull);
}

static void test_model_cut_then_recover(void)
{
    const char *body = "payments 50 every 1ms\n"
                       "cut consumer->gateway at 10ms for 3s\n";
    struct run_result r = outcome(body, "at-least-once");
    CHECK_EQ(r.lost, 0);
    CHECK_EQ(r.duplicated, 0);
    /* the 3s cut swallows two charges, one per 2s gateway timeout, and nobody retries */
    CHECK_EQ(outcome(body, "at-most-once").lost, 2);
}

static void test_model_reset_offsets_replays(void)
{
    const char *body = "payments 50 every 1ms\nreset-offsets to earliest at 5s\n";
    CHECK_EQ(outcome(body, "at-least-once").duplicated, 50);
    CHECK_EQ(outcome(body, "idempotent").duplicated, 0);
    /* offsets stored in the ledger: the broker-side reset does not touch them */
    CHECK_EQ(outcome(body, "transactional").duplicated, 0);
}

static void test_model_horizon_reports_pending(void)
{
    struct run_result r = outcome("payments 100 every 10ms\nuntil 500ms\n", "at-least-once");
    CHECK(r.pending > 0);
    CHECK_EQ(r.lost, 0);
    CHECK_EQ(r.charges + r.pending, 100);
    CHECK(r.horizon);
}

static void test_model_same_seed_same_result(void)
{
    const char *body = "payments 2000 every 1ms\nlink gateway->consumer loss 3%\n"
                       "link producer->broker loss 2% delay 1ms..9ms duplicate 1%\nseed 5\n";
    struct run_result a = outcome(body, "at-least-once"), b = outcome(body, "at-least-once");
    CHECK(memcmp(&a, &b, sizeof a) == 0);
}


static void test_gateway_key_retention_edge(void)
{
    /* Payment 3's response is lost; the retry reaches the gateway 599ms after the
     * charge executed (600ms timeout, 1ms links, 1ms latency). */
    const char *fmt = "payments 10 every 1ms\n"
                      "drop gateway->consumer on response payment 3\n"
                      "set consumer.gateway-timeout 600ms\n"
                      "set gateway.key-retention %s\n";
    char body[512];
    snprintf(body, sizeof body, fmt, "599ms");
    CHECK_EQ(outcome(body, "idempotent").duplicated, 1); /* pruned: a new key */
    snprintf(body, sizeof body, fmt, "600ms");
    CHECK_EQ(outcome(body, "idempotent").duplicated, 0);
}

static void test_gateway_conflict_while_executing(void)
{
    /* The charge takes 500ms; the client gives up after 100ms and retries with the same
     * key: 409 until the first finishes, then its saved result. */
    const char *body = "payments 5 every 1ms\n"
                       "set gateway.latency 500ms\n"
                       "set consumer.gateway-timeout 100ms\n";
    struct run_result idem = outcome(body, "idempotent");
    CHECK_EQ(idem.charges, 5);
    CHECK(idem.absorbed >= 5);
    CHECK(outcome(body, "at-least-once").charges > 5); /* no key: every retry charges */
}

static void test_gateway_mismatch_refused(void)
{
    const char *body = "payments 10 every 1ms\n"
                       "drop gateway->consumer on response payment 3\n"
                       "set consumer.gateway-timeout 50ms\n"
                       "strategy fee from idempotent consumer.retry-amount=plus-fee\n";
    struct run_result r = outcome(body, "fee");
    CHECK_EQ(r.charges, 10);          /* the retry with another amount charged nothing */
    CHECK_EQ(r.ledger_rows, 9);       /* and the consumer gave payment 3 up */
    CHECK_EQ(r.disagreements, 1);
}

static void test_gateway_saved_error_is_final(void)
{
    /* Errors are saved under the key too: a retry with the same key gets the same
     * error. Without a key, retries try again and succeed. */
    const char *body = "payments 500 every 1ms\nset gateway.error-rate 10%\nseed 3\n";
    struct run_result idem = outcome(body, "idempotent");
    CHECK(idem.lost > 20 && idem.lost < 90);  /* about 10% of 500 */
    CHECK_EQ(idem.duplicated, 0);
    CHECK_EQ(outcome(body, "at-least-once").lost, 0);
}

static void test_ledger_record_first_crash_window(void)
{
    /* Record first, then charge: a crash between the ledger commit and the charge.
     * The dedup table says "done", so nobody ever charges payment 5. */
    const char *body = "payments 10 every 1ms\n"
                       "crash consumer on commit payment 5 restart after 1s\n"
                       "strategy record-first from idempotent consumer.order=record-first\n"
                       "strategy naive-record-first from at-least-once consumer.order=record-first\n";
    struct run_result r = outcome(body, "record-first");
    CHECK_EQ(r.lost, 1);
    CHECK_EQ(r.disagreements, 1);
    struct run_result naive = outcome(body, "naive-record-first");
    /* redelivered from the batch's start: every redone record gets a second row, and
     * all but payment 5 (never charged before the crash) a second charge */
    CHECK_EQ(naive.lost, 0);
    CHECK(naive.ledger_rows > 11);
    CHECK_EQ(naive.duplicated + 1, naive.ledger_rows - 10);
}

static void test_ledger_unique_clean_but_charged_twice(void)
{
    /* An operator replays the topic: a unique constraint keeps the ledger clean while
     * every payment is charged again before the row is refused. */
    const char *body = "payments 30 every 1ms\nreset-offsets to earliest at 5s\n"
                       "strategy unique from at-least-once ledger.unique=on\n";
    struct run_result r = outcome(body, "unique");
    CHECK_EQ(r.ledger_rows, 30);
    CHECK_EQ(r.duplicated, 30);
    CHECK_EQ(r.amount_ledger * 2, r.amount_charged);
}

static void test_outbox_closes_the_dual_write(void)
{
    /* The idempotent producer keeps five records in flight over a 20ms link, so a queue
     * builds up in the service's memory; the crash loses it. With the outbox the rows
     * are committed and the relay publishes them. */
    const char *body = "payments 200 every 1ms\n"
                       "link producer->broker delay 20ms\n"
                       "link relay->broker delay 20ms\n"
                       "crash producer at 100ms restart after 1s\n"
                       "strategy outbox from idempotent producer.outbox=on\n";
    struct run_result dual = outcome(body, "idempotent");
    CHECK(dual.lost > 0);
    CHECK_EQ(dual.lost + dual.charges, 200);
    struct run_result outbox = outcome(body, "outbox");
    CHECK_EQ(outbox.lost, 0);
    CHECK_EQ(outbox.charges, 200);
}

static void test_outbox_relay_crash_republishes(void)
{
    /* The relay flushed its position at 50ms and crashed at 80ms: it publishes again
     * every row since the flush. Consumers that dedup on the row's id absorb them. */
    const char *body = "payments 100 every 1ms\n"
                       "set relay.flush-interval 50ms\n"
                       "crash relay at 80ms restart after 1s\n"
                       "strategy naive from at-least-once producer.outbox=on\n"
                       "strategy dedup from at-least-once producer.outbox=on consumer.dedup=ledger\n";
    struct run_result naive = outcome(body, "naive");
    CHECK(naive.log_copies > 100);
    CHECK_EQ(naive.duplicated, naive.log_copies - 100);
    CHECK_EQ(naive.lost, 0);
    struct run_result dedup = outcome(body, "dedup");
    CHECK_EQ(dedup.log_copies, naive.log_copies);
    CHECK_EQ(dedup.charges, 100);
}

static void test_group_gc_pause_past_session_timeout(void)
{
    /* consumer-1 reads partition 0 (the even payments) and pauses for 60s right after
     * charging payment 6, its fourth record. After the 45s session timeout consumer-2
     * takes partition 0 from the last committed offset; when consumer-1 wakes it goes
     * on with its batch, then its commit is refused (illegal generation). */
    const char *body = "payments 40 every 1us\npartitions 2\nconsumers 2\n"
                       "pause consumer on after-effect payment 6 for 60s\n"
                       "pause consumer-2 at 0s for 500ms\n";
    /* 4 charged before the pause, charged again by consumer-2; 16 charged by both */
    CHECK_EQ(outcome(body, "at-least-once").duplicated, 20);
    struct run_result idem = outcome(body, "idempotent");
    CHECK_EQ(idem.duplicated, 0);
    /* the zombie's dedup check ran before the pause: payment 6 gets a second row */
    CHECK_EQ(idem.ledger_rows, 41);
    CHECK_EQ(outcome(body, "at-most-once").duplicated, 0); /* it had committed first */
    /* offsets in the ledger: consumer-2 resumes after payment 4; the zombie, never
     * fenced by the database, redoes 6 and charges 8..38 too */
    CHECK_EQ(outcome(body, "transactional").duplicated, 17);
}

static void test_group_short_pause_keeps_membership(void)
{
    const char *body = "payments 40 every 1us\npartitions 2\nconsumers 2\n"
                       "pause consumer on after-effect payment 6 for 10s\n";
    CHECK_EQ(outcome(body, "at-least-once").duplicated, 0);
}

static void test_group_dead_member_partitions_move(void)
{
    /* consumer-2 dies for good; after the session timeout its partition goes to
     * consumer-1 and nothing is lost. */
    const char *body = "payments 40 every 10ms\npartitions 2\nconsumers 2\n"
                       "crash consumer-2 at 50ms restart never\n";
    struct run_result r = outcome(body, "at-least-once");
    CHECK_EQ(r.lost, 0);
    CHECK_EQ(r.pending, 0);
    CHECK(r.latency_max > 45000000000ull);
}

static void test_group_offsets_expire(void)
{
    /* The only member dies; 45s later the group is empty. Seven days after that its
     * committed offsets are gone, and a member back after eight days starts again
     * from auto.offset.reset = earliest: every payment is charged again. */
    const char *fmt = "payments 10 every 1ms\nset run.max-time 300h\n"
                      "crash consumer at 1s restart after %s\n";
    char body[256];
    snprintf(body, sizeof body, fmt, "192h");
    CHECK_EQ(outcome(body, "at-least-once").duplicated, 10);
    snprintf(body, sizeof body, fmt, "167h");
    CHECK_EQ(outcome(body, "at-least-once").duplicated, 0);
}

static void test_producer_id_expiration_lets_a_late_retry_in(void)
{
    /* The only ack is lost and the retry comes two hours later (within the delivery
     * timeout): if the broker has forgotten the producer id by then, the retry is a new
     * record. */
    const char *fmt = "payments 1 every 1ms\n"
                      "drop broker->producer on ack payment 0\n"
                      "set producer.request-timeout 2h\nset producer.delivery-timeout 5h\n"
                      "set broker.producer-id-expiration %s\n";
    char body[256];
    snprintf(body, sizeof body, fmt, "1h");
    CHECK_EQ(outcome(body, "idempotent").log_copies, 2);
    snprintf(body, sizeof body, fmt, "3h");
    CHECK_EQ(outcome(body, "idempotent").log_copies, 1);
}

static void test_auto_commit_async_is_at_most_once(void)
{
    /* One batch of 100 records; auto-commit every 1ms; a crash after payment 30's
     * charge. Processing inside the poll loop, the batch was not committed: 31 charged
     * twice. Handed off to a worker, it was committed when handed over: 69 lost. */
    const char *body = "payments 100 every 1us\n"
                       "pause consumer at 0s for 1s\n"
                       "crash consumer on after-effect payment 30 restart after 1s\n"
                       "set consumer.auto-commit-interval 1ms\n"
                       "strategy auto-sync from at-least-once consumer.commit=auto\n"
                       "strategy auto-async from auto-sync consumer.processing=async\n";
    struct run_result sync = outcome(body, "auto-sync");
    CHECK_EQ(sync.duplicated, 31);
    CHECK_EQ(sync.lost, 0);
    struct run_result async = outcome(body, "auto-async");
    CHECK_EQ(async.lost, 69);
    CHECK_EQ(async.duplicated, 0);
    CHECK_EQ(async.skipped_offsets, 69);
}

static void test_broker_restart_rearms_its_timers(void)
{
    /* The broker's session checks die with it; after its restart they must run again,
     * or consumer-2's partition is never handed over. */
    const char *body = "payments 200 every 10ms\npartitions 2\nconsumers 2\n"
                       "crash broker at 1s restart after 100ms\n"
                       "crash consumer-2 at 1500ms restart never\n";
    struct run_result r = outcome(body, "at-least-once");
    CHECK_EQ(r.lost, 0);
    CHECK_EQ(r.pending, 0);
    CHECK(!r.horizon);
}

static void test_ledger_atomic_at_every_crash_point(void)
{
    /* Offsets stored with the ledger row (transactional preset), one batch of 10, a
     * crash on payment 5 at each consumer-side point. Whatever the point, the ledger
     * holds exactly one row per payment afterwards and its stored offset is where the
     * worker resumes: the row and the offset commit together or not at all. */
    static const struct { const char *point; uint64_t duplicated; } cases[] = {
        { "before-effect", 0 }, /* not charged yet: resumes at 5, charges it once */
        { "after-effect", 1 },  /* charged, nothing recorded: charged again */
        { "write", 1 },         /* row written, not committed: rolled back, charged again */
        { "commit", 0 },        /* committed with its offset: resumes at 6 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[256];
        snprintf(body, sizeof body, "payments 10 every 1us\npause consumer at 0s for 1s\n"
                 "crash consumer on %s payment 5 restart after 1s\n", cases[i].point);
        struct run_result r = outcome(body, "transactional");
        CHECK_EQ(r.ledger_rows, 10);
        CHECK_EQ(r.duplicated, cases[i].duplicated);
        CHECK_EQ(r.lost, 0);
    }
}

static void test_kip890_late_end_txn(void)
{
    /* The first EndTxn is held on the wire past its retry and the start of the next
     * transaction. Without the defence it commits that next transaction half-way: its
     * later records hang (pinning the last stable offset), the transaction is torn, and
     * the producer believes the hanging records written. */
    const char *fmt = "payments 400 every 1ms\n"
                      "link producer->broker delay 2ms\nlink broker->producer delay 2ms\n"
                      "set producer.request-timeout 100ms\n"
                      "set producer.transaction-records 50\n"
                      "set broker.transaction-defense %s\n"
                      "delay producer->broker on end-txn by 130ms\n";
    char body[512];
    snprintf(body, sizeof body, fmt, "off");
    struct run_result off = outcome(body, "transactional");
    CHECK(off.hanging > 0);
    CHECK_EQ(off.torn_transactions, 1);
    CHECK_EQ(off.lost_writes, off.hanging);
    CHECK(off.lost > off.hanging); /* everything behind the last stable offset too */
    snprintf(body, sizeof body, fmt, "on");
    struct run_result on = outcome(body, "transactional");
    CHECK_EQ(on.hanging + on.torn_transactions + on.lost_writes + on.lost, 0);
    CHECK_EQ(on.charges, 400);
}

static void test_kip890_late_produce(void)
{
    /* Payment 25's first two sends are dropped and the third is held until just after
     * the producer, past its delivery timeout, aborted the transaction, and before the
     * next transaction's re-sends (see scenarios/kip890-late-produce-off.scn). Without
     * the defence the late record hangs, pinning the last stable offset; the first
     * re-sent record takes its sequence number and is answered as its duplicate. With
     * it, the abort bumped the epoch and the late record is fenced. */
    const char *fmt = "payments 100 every 1ms\n"
                      "link producer->broker delay 2ms\nlink broker->producer delay 2ms\n"
                      "set producer.request-timeout 100ms\nset producer.delivery-timeout 250ms\n"
                      "set producer.transaction-records 10\n"
                      "set broker.transaction-defense %s\n"
                      "drop producer->broker on produce payment 25\n"
                      "drop producer->broker on produce payment 25\n"
                      "delay producer->broker on produce payment 25 by 102ms\n";
    char body[640];
    snprintf(body, sizeof body, fmt, "off");
    struct run_result off = outcome(body, "transactional");
    CHECK_EQ(off.hanging, 1);
    CHECK_EQ(off.lost_writes, 1);
    CHECK_EQ(off.pending, 0); /* a stalled read_committed group is quiescent: lost */
    CHECK(off.lost > 50);
    snprintf(body, sizeof body, fmt, "on");
    struct run_result on = outcome(body, "transactional");
    CHECK_EQ(on.hanging + on.lost_writes + on.lost + on.duplicated, 0);
    /* the aborted transaction's records before the gap (the boundaries follow from the
     * first transaction, which holds what came while InitProducerId was out) */
    CHECK_EQ(on.log_aborted, 3);
}

static void test_end_txn_after_a_timeout_abort_is_refused(void)
{
    /* The first EndTxn is lost; the transaction times out (aborted, epoch bumped)
     * before the producer's re-sent EndTxn arrives. That EndTxn is one epoch behind,
     * like a retry of an EndTxn that succeeded, but the bump was the timeout's: it is
     * refused, and the producer sends the records again instead of believing them
     * written. */
    const char *body = "payments 40 every 1ms\n"
                       "set broker.transaction-timeout 1s\nset producer.request-timeout 5s\n"
                       "set producer.transaction-records 10\n"
                       "drop producer->broker on end-txn\n";
    struct run_result r = outcome(body, "transactional");
    CHECK_EQ(r.lost_writes, 0);
    CHECK_EQ(r.lost, 0);
    CHECK_EQ(r.log_aborted, 2); /* the first transaction: what came while
                                   InitProducerId was out */
    CHECK_EQ(r.charges, 40);
}

static void test_hundreds_of_copies_are_counted(void)
{
    /* A broker paused 25.6s under a producer re-sending every 100ms: 257 copies of the
     * one payment, 256 of them duplicates, and no lost write. */
    const char *body = "payments 1 every 1ms\nset producer.request-timeout 100ms\n"
                       "pause broker at 0ms for 25600ms\n";
    struct run_result r = outcome(body, "at-least-once");
    CHECK_EQ(r.log_copies, 257);
    CHECK_EQ(r.duplicates_in_log, 256);
    CHECK_EQ(r.lost_writes, 0);
}

static void test_transactions_without_the_defence_on_many_partitions(void)
{
    /* No fault at all: without the epoch bump, the sequence numbers carry on from one
     * transaction to the next, and a partition none of whose records was acked yet
     * still starts at 0. */
    const char *body = "payments 200 every 5ms\npartitions 4\n"
                       "set broker.transaction-defense off\n"
                       "set producer.transaction-records 10\n";
    struct run_result r = outcome(body, "transactional");
    CHECK_EQ(r.log_copies, 200);
    CHECK_EQ(r.charges, 200);
    CHECK(r.latency_max < 10 * SIM_SEC);
}

static void test_reordered_first_records_are_not_lost(void)
{
    /* A 1..10ms spread reorders produce requests, and every transaction starts a new
     * epoch at sequence 0 on each partition. A record that overtakes its predecessor
     * is refused and sent again after it; none is taken as written without being so. */
    const char *body = "payments 400 every 5ms\npartitions 4\n"
                       "link producer->broker duplicate 5% delay 1ms..10ms\n"
                       "crash broker on marker restart after 50ms\n";
    struct run_result r = outcome(body, "transactional");
    CHECK_EQ(r.lost_writes, 0);
    CHECK_EQ(r.lost + r.pending, 0);
    CHECK_EQ(r.charges, 400);
}

static void test_exhausted_epoch_takes_a_new_producer_id(void)
{
    /* One record per transaction, and the defence bumps the epoch at each: after
     * 32767 transactions the producer id is exhausted and the coordinator hands out a
     * new one at epoch 0 (a 16-bit epoch would wrap at 65536 and be fenced). */
    const char *body = "payments 66000 every 1ms\nset producer.transaction-records 1\n";
    struct run_result r = outcome(body, "transactional");
    CHECK_EQ(r.lost + r.pending + r.duplicated + r.lost_writes, 0);
    CHECK_EQ(r.charges, 66000);
}

static void test_producer_stops_where_it_crashed_while_catching_up(void)
{
    /* Down from 250ms to 1.25s, the producer takes the waiting payments 3..12 on its
     * restart, and dies for good sending payment 5: 6..19 never leave it. */
    const char *body = "payments 20 every 100ms\n"
                       "crash producer at 250ms restart after 1s\n"
                       "crash producer on send payment 5 restart never\n";
    struct run_result r = outcome(body, "at-most-once");
    CHECK_EQ(r.charges, 6);
    CHECK_EQ(r.lost, 14);
    r = outcome("payments 20 every 100ms\ncrash producer at 250ms restart after 1s\n"
                "pause producer on send payment 5 for 10s\n", "at-most-once");
    CHECK(r.latency_p50 > 9000000000ull); /* the rest waited out the pause */
}

static void test_restart_completes_a_decided_commit(void)
{
    /* The coordinator decided to commit and crashed; the producer restarting meanwhile
     * must not turn that commit into an abort. */
    const char *body = "payments 3 every 100ms\n"
                       "crash broker on txn-commit restart after 5s\n"
                       "crash producer at 10ms restart after 100ms\n";
    struct run_result r = outcome(body, "transactional");
    CHECK_EQ(r.lost, 0);
    CHECK_EQ(r.charges, 3);
}

static void test_restarted_consumer_forgets_its_positions(void)
{
    /* At the horizon the restarted worker has not read its partition again: the records
     * past the committed offset are pending, not lost. */
    const char *body = "payments 20 every 1us\nuntil 2s\n"
                       "crash consumer on after-effect payment 3 restart after 100ms\n"
                       "cut broker->consumer at 50ms for 10s\n";
    struct run_result r = outcome(body, "at-least-once");
    CHECK_EQ(r.lost, 0);
    CHECK_EQ(r.pending, 16);
    CHECK_EQ(r.skipped_offsets, 0);
}

static void test_init_producer_id_is_a_message(void)
{
    /* InitProducerId travels the link like any request: lost, the producer sends
     * nothing until it asks again a request timeout later, so every payment waits; the
     * at-least-once producer (no producer id) does not ask at all. */
    const char *body = "payments 5 every 10ms\nset producer.request-timeout 2s\n"
                       "drop producer->broker on init-producer-id\n";
    struct run_result r = outcome(body, "idempotent");
    CHECK_EQ(r.lost + r.duplicated + r.pending, 0);
    CHECK(r.latency_p50 >= 2 * SIM_SEC - 50 * SIM_MS && r.latency_max < 3 * SIM_SEC);
    CHECK_EQ(r.link_messages[LINK_PRODUCER_BROKER], 2 + 5); /* asked twice, 5 records */
    r = outcome(body, "at-least-once");
    CHECK(r.latency_max < SIM_SEC);
    CHECK_EQ(r.link_messages[LINK_PRODUCER_BROKER], 5);
    r = outcome("payments 5 every 10ms\n", "transactional"); /* asked once, answered */
    CHECK_EQ(r.link_messages[LINK_BROKER_PRODUCER] - r.link_messages[LINK_PRODUCER_BROKER], 0);
}

const struct test model_tests[] = {
    { "init_producer_id_is_a_message", test_init_producer_id_is_a_message },
    { "model_clean_run_charges_once", test_model_clean_run_charges_once },
    { "model_lost_ack_duplicates_only_without_idempotence", test_model_lost_ack_duplicates_only_without_idempotence },
    { "model_lost_produce_lost_only_without_retries", test_model_lost_produce_lost_only_without_retries },
    { "model_gateway_response_lost", test_model_gateway_response_lost },
    { "model_per_attempt_key_is_no_protection", test_model_per_attempt_key_is_no_protection },
    { "model_duplicating_link", test_model_duplicating_link },
    { "model_dedup_memory_forgets_on_crash", test_model_dedup_memory_forgets_on_crash },
    { "model_dedup_ttl_lets_late_copies_through", test_model_dedup_ttl_lets_late_copies_through },
    { "model_read_committed_skips_aborted", test_model_read_committed_skips_aborted },
    { "model_producer_crash_loses_unacked", test_model_producer_crash_loses_unacked },
    { "model_pause_delays_but_keeps", test_model_pause_delays_but_keeps },
    { "model_cut_then_recover", test_model_cut_then_recover },
    { "model_reset_offsets_replays", test_model_reset_offsets_replays },
    { "model_horizon_reports_pending", test_model_horizon_reports_pending },
    { "model_same_seed_same_result", test_model_same_seed_same_result },
    { "gateway_key_retention_edge", test_gateway_key_retention_edge },
    { "gateway_conflict_while_executing", test_gateway_conflict_while_executing },
    { "gateway_mismatch_refused", test_gateway_mismatch_refused },
    { "gateway_saved_error_is_final", test_gateway_saved_error_is_final },
    { "ledger_record_first_crash_window", test_ledger_record_first_crash_window },
    { "ledger_unique_clean_but_charged_twice", test_ledger_unique_clean_but_charged_twice },
    { "outbox_closes_the_dual_write", test_outbox_closes_the_dual_write },
    { "outbox_relay_crash_republishes", test_outbox_relay_crash_republishes },
    { "group_gc_pause_past_session_timeout", test_group_gc_pause_past_session_timeout },
    { "group_short_pause_keeps_membership", test_group_short_pause_keeps_membership },
    { "group_dead_member_partitions_move", test_group_dead_member_partitions_move },
    { "group_offsets_expire", test_group_offsets_expire },
    { "auto_commit_async_is_at_most_once", test_auto_commit_async_is_at_most_once },
    { "broker_restart_rearms_its_timers", test_broker_restart_rearms_its_timers },
    { "ledger_atomic_at_every_crash_point", test_ledger_atomic_at_every_crash_point },
    { "kip890_late_end_txn", test_kip890_late_end_txn },
    { "kip890_late_produce", test_kip890_late_produce },
    { "end_txn_after_a_timeout_abort_is_refused", test_end_txn_after_a_timeout_abort_is_refused },
    { "exhausted_epoch_takes_a_new_producer_id", test_exhausted_epoch_takes_a_new_producer_id },
    { "reordered_first_records_are_not_lost", test_reordered_first_records_are_not_lost },
    { "hundreds_of_copies_are_counted", test_hundreds_of_copies_are_counted },
    { "transactions_without_the_defence_on_many_partitions",
      test_transactions_without_the_defence_on_many_partitions },
    { "producer_stops_where_it_crashed_while_catching_up", test_producer_stops_where_it_crashed_while_catching_up },
    { "restart_completes_a_decided_commit", test_restart_completes_a_decided_commit },
    { "restarted_consumer_forgets_its_positions", test_restarted_consumer_forgets_its_positions },
    { "producer_id_expiration_lets_a_late_retry_in", test_producer_id_expiration_lets_a_late_retry_in },
    { NULL, NULL },
};
