/* txn_consumer_test.c: consume-transform-produce (consumer.commit=in-transaction): each
 * batch's output records and offsets commit in one Kafka transaction, which makes the
 * output topic exact while the gateway, outside the transaction, still charges twice. */
#include "run/sim.h"
#include "test.h"

#define CTP "strategy ctp from transactional consumer.commit=in-transaction\n"

static struct run_result outcome(const char *body, const char *strategy)
{
    char text[2048];
    snprintf(text, sizeof text, "scenario t\n%s" CTP
             "strategy ctp-random from ctp producer.transactional-id=random\n"
             "strategy ctp-old-client from ctp-random consumer.group-metadata=off\n"
             "strategy ctp-stable-old-client from ctp consumer.group-metadata=off\n", body);
    struct run_result r;
    test_run(text, strategy, &r);
    return r;
}

static void test_ctp_clean_run_outputs_once(void)
{
    struct run_result r = outcome("payments 40 every 1ms\n", "ctp");
    CHECK_EQ(r.output_copies, 40);
    CHECK_EQ(r.charges, 40);
    CHECK_EQ(r.ledger_rows, 0); /* the output topic is where the effect is recorded */
    CHECK_EQ(r.output_duplicates, 0);
    CHECK_EQ(r.disagreements, 0); /* one output per charge */
    CHECK_EQ(r.log_copies, 40); /* output records are not payments-topic copies */
    CHECK_EQ(r.lost + r.duplicated + r.pending, 0);
}

static void test_ctp_crash_mid_batch_aborts_the_outputs(void)
{
    /* The producer sends nothing until InitProducerId is answered (a round trip), and
     * by then all 40 intents wait: its first transaction holds them all, one batch for
     * the member. The crash after charging payment 10 leaves the outputs of 0..9 in an
     * open transaction; the restarted member's InitTransactions aborts it, and it
     * redoes the batch from the committed offset 0: payments 0..10 are charged twice,
     * yet each has exactly one committed output. */
    const char *body = "payments 40 every 1us\n"
                       "crash consumer on after-effect payment 10 restart after 1s\n";
    struct run_result r = outcome(body, "ctp");
    CHECK_EQ(r.output_copies, 40);
    CHECK_EQ(r.duplicated, 11);
    CHECK_EQ(r.disagreements, 11); /* charged twice, recorded once */
}

static void test_ctp_output_retry_keeps_one_copy(void)
{
    /* The ack of payment 5's output is lost; the member re-sends it with the same
     * sequence number and the broker answers with the first copy's offset. */
    struct run_result r = outcome("payments 20 every 1ms\n"
                                  "drop broker->consumer on ack payment 5\n", "ctp");
    CHECK_EQ(r.output_copies, 20);
    CHECK_EQ(r.charges, 20);
}

static void test_ctp_lost_end_txn_is_retried(void)
{
    struct run_result r = outcome("payments 20 every 1ms\n"
                                  "drop consumer->broker on end-txn\n", "ctp");
    CHECK_EQ(r.output_copies, 20);
    CHECK_EQ(r.duplicated, 0);
}

static void test_ctp_lost_add_partitions_is_resent(void)
{
    /* The first AddPartitionsToTxn is lost: the batch's outputs wait at its end until
     * the request is re-sent after consumer.request-timeout (30s), then go once. */
    struct run_result r = outcome("payments 20 every 1ms\n"
                                  "drop consumer->broker on add-partitions\n", "ctp");
    CHECK_EQ(r.output_copies, 20);
    CHECK_EQ(r.duplicated, 0);
    CHECK(r.latency_max >= 30 * SIM_SEC);
    CHECK(outcome("payments 20 every 1ms\n", "ctp").latency_max < 30 * SIM_SEC);
}

static void test_ctp_refused_add_partitions_fails_the_next_send(void)
{
    /* consumer-1 pauses 30s with all 100 records polled and none charged; consumer-2
     * takes the partition over. On waking, the zombie charges payment 0 and its first
     * output asks for the output partition: with a stable id the coordinator refuses
     * (the epoch moved on), and the send after the answer fails, so the zombie charges
     * 0 and 1 only. A random id is refused nothing until its offsets: it charges all. */
    const char *body = "payments 100 every 1us\nconsumers 2\n"
                       "set consumer.session-timeout 10s\n"
                       "pause consumer on poll for 30s\n";
    struct run_result r = outcome(body, "ctp");
    CHECK_EQ(r.duplicated, 2);
    CHECK_EQ(r.output_copies, 100);
    CHECK_EQ(outcome(body, "ctp-random").duplicated, 100);
}

static void test_ctp_end_txn_after_a_timeout_abort_is_refused(void)
{
    /* Batches of 5; the first EndTxn is lost and the 1s transaction timeout aborts the
     * batch before the worker re-sends it 5s later: the re-sent EndTxn is refused and
     * the worker redoes the batch, so every payment ends with one output. */
    struct run_result r = outcome("payments 40 every 1ms\n"
                                  "set broker.transaction-timeout 1s\n"
                                  "set consumer.request-timeout 5s\n"
                                  "set consumer.max-poll-records 5\n"
                                  "drop consumer->broker on end-txn\n", "ctp");
    CHECK_EQ(r.output_copies, 40);
    CHECK_EQ(r.output_duplicates, 0);
    CHECK(r.duplicated > 0); /* the redone batch's charges */
}

static void test_ctp_late_end_txn_without_the_defence(void)
{
    /* A worker's EndTxn is held 150ms and re-sent; the held copy then ends the worker's
     * next transaction early (KAFKA-17754). Nobody tells the worker: its later outputs
     * of that batch hang, uncommitted, and it charges nothing twice. */
    struct run_result r = outcome("payments 60 every 10ms\n"
                                  "set consumer.request-timeout 100ms\n"
                                  "set consumer.max-poll-records 10\nset gateway.latency 20ms\n"
                                  "set broker.transaction-defense off\n"
                                  "delay consumer->broker on end-txn by 150ms\n", "ctp");
    CHECK_EQ(r.duplicated, 0);
    CHECK(r.output_copies < 60);
    CHECK_EQ(r.output_duplicates, 0);
}

/* consumer-1 owns the only partition and pauses 30s right after charging payment 20;
 * after the 10s session timeout consumer-2 takes the partition from the last committed
 * offset and charges the zombie's unfinished batch again (the gateway's duplicates in
 * every case). What the zombie does on waking depends on what fences it. */
static const char zombie[] = "payments 100 every 10ms\nconsumers 2\n"
                             "set consumer.session-timeout 10s\n"
                             "pause consumer on after-effect payment 20 for 30s\n";

static void test_ctp_zombie_stable_id_is_fenced_by_epoch(void)
{
    /* consumer-2's InitTransactions for the partition's transactional id bumped the
     * epoch and aborted the zombie's transaction; the zombie's outputs, sent at its
     * batch's end, are refused and it gives up its batch. The epoch alone does it:
     * without the group's metadata too. */
    struct run_result r = outcome(zombie, "ctp-stable-old-client");
    CHECK_EQ(r.output_copies, 100);
    CHECK_EQ(r.output_duplicates, 0);
    CHECK(r.duplicated > 0);
    CHECK_EQ(outcome(zombie, "ctp").output_copies, 100);
}

static void test_ctp_zombie_random_id_is_fenced_by_generation(void)
{
    /* A random id fences nobody: the zombie's outputs go in; but its offsets carry the
     * old generation and are refused (KIP-447), so its transaction is aborted. Without
     * the generation the same zombie commits: the generation is what fenced it. Its
     * client sends the outputs at commit, so with either id the zombie learns only at
     * its batch's end, and charges the rest of the batch first. */
    struct run_result r = outcome(zombie, "ctp-random");
    CHECK_EQ(r.output_copies, 100);
    CHECK_EQ(r.output_duplicates, 0);
    CHECK(outcome(zombie, "ctp-old-client").output_copies > 100);
    CHECK_EQ(r.duplicated, outcome(zombie, "ctp").duplicated);
}

static void test_ctp_zombie_random_id_without_kip447_commits(void)
{
    /* An older client: nothing fences the zombie, its transaction commits the outputs
     * consumer-2 also committed, and its stale offset sends the group back over them. */
    struct run_result r = outcome(zombie, "ctp-old-client");
    CHECK(r.output_copies > 100);
    CHECK_EQ(r.output_duplicates, r.output_copies - 100); /* every payment has one at least */
    CHECK(r.duplicated > outcome(zombie, "ctp-random").duplicated);
}

static void test_ctp_new_owner_waits_for_pending_offsets(void)
{
    /* consumer-1's first EndTxn is held 20s on the wire, after its offsets joined the
     * transaction; a cut removes it from the group at 10s. consumer-2 asks for stable
     * offsets (KIP-447) and waits until that transaction commits, so it resumes after
     * payment 0. An older client resumes at 0: when the held EndTxn arrives, payment
     * 0's output is in the topic twice, and more follow as the two collide. */
    const char *body = "payments 20 every 10ms\nconsumers 2\n"
                       "set consumer.session-timeout 10s\n"
                       "delay consumer->broker on end-txn by 20s\n"
                       "cut consumer->broker at 100ms for 15s\n";
    CHECK_EQ(outcome(body, "ctp-random").output_copies, 20);
    CHECK(outcome(body, "ctp-old-client").output_copies > 20);
}

const struct test txn_consumer_tests[] = {
    { "ctp_clean_run_outputs_once", test_ctp_clean_run_outputs_once },
    { "ctp_crash_mid_batch_aborts_the_outputs", test_ctp_crash_mid_batch_aborts_the_outputs },
    { "ctp_output_retry_keeps_one_copy", test_ctp_output_retry_keeps_one_copy },
    { "ctp_lost_end_txn_is_retried", test_ctp_lost_end_txn_is_retried },
    { "ctp_lost_add_partitions_is_resent", test_ctp_lost_add_partitions_is_resent },
    { "ctp_refused_add_partitions_fails_the_next_send",
      test_ctp_refused_add_partitions_fails_the_next_send },
    { "ctp_zombie_stable_id_is_fenced_by_epoch", test_ctp_zombie_stable_id_is_fenced_by_epoch },
    { "ctp_zombie_random_id_is_fenced_by_generation",
      test_ctp_zombie_random_id_is_fenced_by_generation },
    { "ctp_zombie_random_id_without_kip447_commits",
      test_ctp_zombie_random_id_without_kip447_commits },
    { "ctp_new_owner_waits_for_pending_offsets", test_ctp_new_owner_waits_for_pending_offsets },
    { "ctp_late_end_txn_without_the_defence", test_ctp_late_end_txn_without_the_defence },
    { "ctp_end_txn_after_a_timeout_abort_is_refused",
      test_ctp_end_txn_after_a_timeout_abort_is_refused },
    { NULL, NULL },
};
