/* broker_test.c: the broker's mechanisms one at a time, through its API. A test builds
 * a world without starting its workload, hands the broker requests as they would
 * arrive (broker_on_event), and reads its answers off the link; the broker's own timers
 * run as the clock moves on. */
#include "test.h"
#include "run/fault.h"
#include "run/world.h"

static struct scenario sc;
static struct world w;

/* A world of 2 partitions and 2 consumers (who never start) under `strategy`, one of
 * the presets or of the strategies `extra` defines. */
static bool setup(const char *extra, const char *strategy)
{
    char text[1024];
    snprintf(text, sizeof text, "scenario broker\npayments 100 every 1ms\npartitions 2\n"
             "consumers 2\nstrategy rc from at-least-once consumer.isolation=read-committed\n"
             "strategy ctp from transactional consumer.commit=in-transaction\n%s", extra);
    int s = test_scenario(text, strategy, &sc);
    if (s < 0)
        return false;
    world_init(&w, &sc, (uint32_t)s, 1);
    return true;
}

/* setup, then a producer id: an idempotent producer's (tid 0) or a transactional id's. */
static bool start(const char *extra, const char *strategy, uint32_t tid, uint32_t *pid,
                  uint16_t *epoch)
{
    if (!setup(extra, strategy))
        return false;
    broker_init_producer(&w.broker, tid, pid, epoch);
    return true;
}

/* Runs the clock until the next message for `to` arrives, or up to `until`; the
 * broker's timers run on the way, other messages are dropped. */
static bool run_until(uint8_t to, sim_time until, struct event *got)
{
    struct event ev;
    while (w.env.eng.len > 0 && engine_peek_time(&w.env.eng) <= until && engine_pop(&w.env.eng, &ev)) {
        if (ev.node == NODE_BROKER && ev.type != EV_MSG)
            broker_on_event(&w.broker, &ev);
        else if (ev.type == EV_MSG && ev.node == to && got) {
            *got = ev;
            return true;
        }
    }
    if (until > w.env.eng.now)
        w.env.eng.now = until;
    return false;
}

static void wait_for(sim_time d)
{
    run_until(NODE_BROKER, w.env.eng.now + d, NULL);
}

/* A request from `from`, and the broker's answer. */
static struct event ask(uint8_t from, uint8_t kind, uint32_t payment, uint32_t id, uint64_t x,
                        uint64_t y)
{
    struct event req = { .type = EV_MSG, .node = NODE_BROKER, .from = from, .kind = kind,
                         .payment = payment, .id = id, .x = x, .y = y };
    struct event got = { 0 };
    broker_on_event(&w.broker, &req);
    CHECK(run_until(from, UINT64_MAX, &got));
    CHECK_EQ(got.id, id);
    return got;
}

static uint64_t identity(uint32_t pid, uint16_t epoch)
{
    return (uint64_t)pid << 16 | epoch;
}

/* Produce of `payment` (partition payment % 2); answers "status" and the offset. */
static uint8_t produce(uint32_t payment, uint32_t pid, uint16_t epoch, uint32_t txn, int32_t seq,
                       uint64_t *offset)
{
    struct event a = ask(NODE_PRODUCER, MSG_PRODUCE, payment, env_request_id(&w.env),
                         identity(pid, epoch), (uint64_t)txn << 32 | (uint32_t)seq);
    if (offset)
        *offset = a.x;
    return (uint8_t)a.y;
}

static struct event end_txn(uint8_t from, uint32_t pid, uint16_t epoch, uint32_t txn, bool commit)
{
    return ask(from, MSG_END_TXN, 0, txn, identity(pid, epoch), commit);
}

static uint8_t entry(uint32_t part, uint64_t offset)
{
    return w.broker.parts[part].log[offset].state;
}

static void test_broker_idempotent_sequence_numbers(void)
{
    if (!setup("", "at-least-once"))
        return;
    uint32_t pid;
    uint16_t epoch;
    broker_init_producer(&w.broker, 0, &pid, &epoch); /* an idempotent producer: no transactional id */
    uint64_t offset;
    CHECK_EQ(produce(0, pid, epoch, 0, 0, &offset), ACK_OK);
    CHECK_EQ(offset, 0);
    /* a retry: acked with the first copy's offset, not appended */
    CHECK_EQ(produce(0, pid, epoch, 0, 0, &offset), ACK_DUPLICATE);
    CHECK_EQ(offset, 0);
    CHECK_EQ(produce(4, pid, epoch, 0, 2, NULL), ACK_OUT_OF_ORDER); /* seq 1 is missing */
    CHECK_EQ(produce(2, pid, epoch, 0, 1, &offset), ACK_OK);
    CHECK_EQ(offset, 1);
    CHECK_EQ(w.broker.parts[0].len, 2);
    /* a restarted producer has a new id: its re-send is a new record */
    uint32_t pid2;
    broker_init_producer(&w.broker, 0, &pid2, &epoch);
    CHECK(pid2 != pid);
    CHECK_EQ(produce(0, pid2, epoch, 0, 0, &offset), ACK_OK);
    CHECK_EQ(offset, 2);
    world_fini(&w);
}

static void test_broker_new_producer_id_starts_at_zero(void)
{
    /* A reordering link brings a new producer's second record first: it is refused,
     * so the producer cannot take its ack for proof that the first is in the log. */
    uint32_t pid;
    uint16_t epoch;
    if (!start("", "at-least-once", 0, &pid, &epoch))
        return;
    CHECK_EQ(produce(2, pid, epoch, 0, 1, NULL), ACK_OUT_OF_ORDER);
    CHECK_EQ(produce(0, pid, epoch, 0, 0, NULL), ACK_OK);
    CHECK_EQ(produce(2, pid, epoch, 0, 1, NULL), ACK_OK);
    world_fini(&w);
}

static void test_broker_remembers_the_last_five_batches(void)
{
    uint32_t pid;
    uint16_t epoch;
    if (!start("", "at-least-once", 0, &pid, &epoch))
        return;
    for (int32_t seq = 0; seq < 7; seq++)
        CHECK_EQ(produce((uint32_t)seq * 2, pid, epoch, 0, seq, NULL), ACK_OK);
    uint64_t offset;
    CHECK_EQ(produce(6, pid, epoch, 0, 3, &offset), ACK_DUPLICATE); /* 2..6 remembered */
    CHECK_EQ(offset, 3);
    CHECK_EQ(produce(2, pid, epoch, 0, 1, NULL), ACK_OUT_OF_ORDER); /* forgotten */
    CHECK_EQ(w.broker.parts[0].len, 7);
    world_fini(&w);
}

static void test_broker_forgets_an_expired_producer_id(void)
{
    uint32_t pid;
    uint16_t epoch;
    if (!start("set broker.producer-id-expiration 1m\n", "at-least-once", 0, &pid, &epoch))
        return;
    CHECK_EQ(produce(0, pid, epoch, 0, 0, NULL), ACK_OK);
    wait_for(120 * SIM_SEC);
    /* its state is gone: a retry is appended again, any sequence starts afresh */
    CHECK_EQ(produce(0, pid, epoch, 0, 0, NULL), ACK_OK);
    CHECK_EQ(produce(2, pid, epoch, 0, 1, NULL), ACK_OK);
    CHECK_EQ(w.broker.parts[0].len, 3);
    world_fini(&w);
}

static void test_broker_transaction_markers_and_last_stable_offset(void)
{
    uint32_t pid;
    uint16_t epoch;
    if (!start("", "rc", 7, &pid, &epoch))
        return;
    CHECK_EQ(produce(0, pid, epoch, 1, 0, NULL), ACK_OK);
    CHECK_EQ(produce(1, pid, epoch, 1, 0, NULL), ACK_OK); /* the other partition */
    const struct txn_coordinator_entry *t = &w.broker.txns[0];
    CHECK_EQ(t->state, TXN_ONGOING);
    CHECK_EQ(entry(0, 0), ENTRY_OPEN);
    CHECK_EQ(broker_readable_end(&w.broker, 0), 0); /* read_committed stops at the open record */
    struct event a = end_txn(NODE_PRODUCER, pid, epoch, 1, true);
    CHECK_EQ(a.y & 0xff, ACK_OK);
    CHECK_EQ(a.y >> 8, epoch + 1); /* KIP-890: the transaction ends with an epoch bump */
    CHECK_EQ(t->state, TXN_COMPLETE_COMMIT);
    CHECK_EQ(entry(0, 0), ENTRY_COMMITTED);
    CHECK_EQ(entry(1, 0), ENTRY_COMMITTED); /* a marker in every partition */
    CHECK_EQ(broker_readable_end(&w.broker, 0), 1);
    /* its retry (the answer was lost) is recognised and answered the same */
    CHECK_EQ(end_txn(NODE_PRODUCER, pid, epoch, 1, true).y & 0xff, ACK_OK);
    world_fini(&w);
}

static void test_broker_init_fences_the_zombie(void)
{
    uint32_t pid, pid2;
    uint16_t epoch, epoch2;
    if (!start("", "rc", 7, &pid, &epoch))
        return;
    CHECK_EQ(produce(0, pid, epoch, 1, 0, NULL), ACK_OK);
    broker_init_producer(&w.broker, 7, &pid2, &epoch2); /* the same transactional id starts again */
    CHECK_EQ(pid2, pid);
    CHECK_EQ(epoch2, epoch + 1);
    CHECK_EQ(entry(0, 0), ENTRY_ABORTED); /* the zombie's open transaction */
    CHECK_EQ(w.broker.txns[0].state, TXN_COMPLETE_ABORT);
    CHECK_EQ(produce(2, pid, epoch, 1, 1, NULL), ACK_FENCED);
    CHECK_EQ(end_txn(NODE_PRODUCER, pid, epoch, 1, true).y & 0xff, ACK_FENCED);
    world_fini(&w);
}

static void test_broker_transaction_timeout_aborts(void)
{
    uint32_t pid;
    uint16_t epoch;
    if (!start("set broker.transaction-timeout 1s\n", "rc", 7, &pid, &epoch))
        return;
    CHECK_EQ(produce(0, pid, epoch, 1, 0, NULL), ACK_OK);
    wait_for(2 * SIM_SEC);
    CHECK_EQ(entry(0, 0), ENTRY_ABORTED);
    CHECK_EQ(w.broker.txns[0].epoch, epoch + 1);
    /* the late EndTxn is one epoch behind, like a retry, but the bump was the timeout's */
    CHECK_EQ(end_txn(NODE_PRODUCER, pid, epoch, 1, true).y & 0xff, ACK_FENCED);
    world_fini(&w);
}

/* A record of transaction 1 that arrives after EndTxn ended it. */
static void late_produce(bool defense, uint8_t want_status, uint8_t want_entry)
{
    uint32_t pid;
    uint16_t epoch;
    if (!start(defense ? "" : "set broker.transaction-defense off\n", "rc", 7, &pid, &epoch))
        return;
    CHECK_EQ(produce(0, pid, epoch, 1, 0, NULL), ACK_OK);
    CHECK_EQ(end_txn(NODE_PRODUCER, pid, epoch, 1, false).y & 0xff, ACK_OK); /* abort */
    CHECK_EQ(produce(2, pid, epoch, 1, 1, NULL), want_status);
    CHECK_EQ(w.broker.parts[0].len, want_entry == ENTRY_OPEN ? 2 : 1);
    if (want_entry == ENTRY_OPEN) { /* nobody will end it: a hanging transaction */
        CHECK_EQ(entry(0, 1), ENTRY_OPEN);
        CHECK_EQ(broker_readable_end(&w.broker, 0), 1);
        CHECK_EQ(produce(4, pid, epoch, 2, 2, NULL), ACK_OK); /* the next transaction */
        CHECK_EQ(end_txn(NODE_PRODUCER, pid, epoch, 2, true).y & 0xff, ACK_OK);
        CHECK_EQ(entry(0, 2), ENTRY_COMMITTED);
        CHECK_EQ(broker_readable_end(&w.broker, 0), 1); /* still pinned */
    }
    world_fini(&w);
}

static void test_broker_kip890_late_produce(void)
{
    late_produce(true, ACK_FENCED, ENTRY_ABORTED);
    late_produce(false, ACK_OK, ENTRY_OPEN);
}

static void test_broker_kip890_late_end_txn(void)
{
    /* EndTxn of transaction 1 arrives while transaction 2 is ongoing. */
    for (int defense = 0; defense < 2; defense++) {
        if (!setup(defense ? "" : "set broker.transaction-defense off\n", "rc"))
            return;
        uint32_t pid;
        uint16_t epoch;
        broker_init_producer(&w.broker, 7, &pid, &epoch);
        CHECK_EQ(produce(0, pid, epoch, 1, 0, NULL), ACK_OK);
        struct event a = end_txn(NODE_PRODUCER, pid, epoch, 1, true);
        uint16_t next = (uint16_t)(a.y >> 8);
        CHECK_EQ(produce(2, pid, next, 2, defense ? 0 : 1, NULL), ACK_OK);
        a = end_txn(NODE_PRODUCER, pid, epoch, 1, true); /* the delayed copy */
        /* without the defence it commits transaction 2, half-way (KAFKA-17754) */
        CHECK_EQ(entry(0, 1), defense ? ENTRY_OPEN : ENTRY_COMMITTED);
        CHECK_EQ(w.broker.txns[0].state, defense ? TXN_ONGOING : TXN_COMPLETE_COMMIT);
        world_fini(&w);
    }
}

static void test_broker_group_generations(void)
{
    if (!setup("", "at-least-once"))
        return;
    struct event a = ask(NODE_CONSUMER(0), MSG_JOIN, 0, 1, 0, 0);
    uint64_t gen1 = a.y;
    CHECK_EQ(a.x, 3); /* alone: both partitions */
    a = ask(NODE_CONSUMER(1), MSG_JOIN, 0, 2, 0, 0);
    CHECK_EQ(a.y, gen1 + 1); /* a new member: a new generation, partitions dealt again */
    CHECK_EQ(a.x, 2);
    CHECK_EQ(ask(NODE_CONSUMER(0), MSG_HEARTBEAT, 0, 3, gen1, 0).y, ACK_REBALANCE);
    CHECK_EQ(ask(NODE_CONSUMER(0), MSG_COMMIT, 0, 4, 5, gen1).y, ACK_ILLEGAL_GENERATION);
    CHECK(!w.broker.parts[0].has_committed);
    CHECK_EQ(ask(NODE_CONSUMER(0), MSG_COMMIT, 0, 5, 5, gen1 + 1).y, ACK_OK);
    CHECK_EQ(ask(NODE_CONSUMER(0), MSG_OFFSET_FETCH, 0, 6, 0, 0).x, 5);
    /* consumer-2 goes silent: after the session timeout its partition comes back */
    for (uint32_t i = 0; i < 20; i++) {
        wait_for(3 * SIM_SEC);
        ask(NODE_CONSUMER(0), MSG_HEARTBEAT, 0, 10 + i, 0, 0);
    }
    CHECK_EQ(group_owner(&w.broker, 1), 0);
    world_fini(&w);
}

static void test_broker_offsets_in_a_transaction(void)
{
    if (!setup("", "ctp"))
        return;
    uint64_t gen = ask(NODE_CONSUMER(0), MSG_JOIN, 0, 1, 0, 0).y;
    uint32_t pid;
    uint16_t epoch;
    broker_init_producer(&w.broker, 99, &pid, &epoch);
    uint8_t c1 = NODE_CONSUMER(0);
    /* KIP-447: offsets from an older generation are refused */
    struct event a = ask(c1, MSG_TXN_OFFSETS, 0 | (uint32_t)(gen + 1) << 8, 2, identity(pid, epoch),
                         (uint64_t)1 << 32 | 8);
    CHECK_EQ(a.y, ACK_ILLEGAL_GENERATION);
    a = ask(c1, MSG_TXN_OFFSETS, 0 | (uint32_t)gen << 8, 3, identity(pid, epoch),
            (uint64_t)1 << 32 | 8);
    CHECK_EQ(a.y, ACK_OK);
    /* pending: a stable fetch is told to wait, a plain one reads the old offset */
    CHECK_EQ(ask(c1, MSG_OFFSET_FETCH, 0, 4, 1, 0).y, 1);
    a = ask(c1, MSG_OFFSET_FETCH, 0, 5, 0, 0);
    CHECK_EQ(a.y, 0);
    CHECK_EQ(a.x, 0);
    CHECK_EQ(end_txn(c1, pid, epoch, 1, true).y & 0xff, ACK_OK);
    a = ask(c1, MSG_OFFSET_FETCH, 0, 6, 1, 0);
    CHECK_EQ(a.y, 0);
    CHECK_EQ(a.x, 8); /* committed by the marker */
    world_fini(&w);
}

static void test_broker_exhausted_epoch_takes_a_new_producer_id(void)
{
    uint32_t pid, pid2;
    uint16_t epoch;
    if (!start("", "rc", 7, &pid, &epoch))
        return;
    w.broker.txns[0].epoch = epoch = 32766; /* as after 32766 transactions */
    CHECK_EQ(produce(0, pid, epoch, 1, 0, NULL), ACK_OK);
    struct event a = end_txn(NODE_PRODUCER, pid, epoch, 1, true);
    CHECK_EQ(a.y & 0xff, ACK_OK);
    pid2 = (uint32_t)a.x;
    CHECK(pid2 != pid);
    CHECK_EQ(a.y >> 8, 0);
    CHECK_EQ(produce(2, pid2, 0, 2, 0, NULL), ACK_OK);
    CHECK_EQ(produce(4, pid, epoch, 2, 1, NULL), ACK_FENCED); /* the old id is done */
    world_fini(&w);
}

static void test_broker_end_txn_retry_across_a_new_producer_id(void)
{
    uint32_t pid;
    uint16_t epoch;
    if (!start("", "rc", 7, &pid, &epoch))
        return;
    w.broker.txns[0].epoch = epoch = 32766;
    CHECK_EQ(produce(0, pid, epoch, 1, 0, NULL), ACK_OK);
    struct event first = end_txn(NODE_PRODUCER, pid, epoch, 1, true);
    /* the answer was lost: the retry carries the old id, and gets the same answer */
    struct event again = end_txn(NODE_PRODUCER, pid, epoch, 1, true);
    CHECK_EQ(again.y, first.y);
    CHECK_EQ(again.x, first.x);
    CHECK_EQ(again.y & 0xff, ACK_OK);
    world_fini(&w);
}

static void test_broker_end_txn_paused_at_marker_answers_its_own_bump(void)
{
    /* The broker pauses once the markers are written; meanwhile a new instance of the
     * transactional id initialises (epoch + 2). The EndTxn's answer still carries the
     * epoch its own bump made, which the new instance has fenced. */
    if (!setup("pause broker on marker for 1s\n", "rc"))
        return;
    fault_arm(&w);
    fault_schedule_timed(&w);
    uint32_t pid;
    uint16_t epoch, epoch2;
    broker_init_producer(&w.broker, 7, &pid, &epoch);
    CHECK_EQ(produce(0, pid, epoch, 1, 0, NULL), ACK_OK);
    struct event req = { .type = EV_MSG, .node = NODE_BROKER, .from = NODE_PRODUCER,
                         .kind = MSG_END_TXN, .id = 1, .x = identity(pid, epoch), .y = 1 };
    broker_on_event(&w.broker, &req);
    CHECK_EQ(entry(0, 0), ENTRY_COMMITTED);
    broker_init_producer(&w.broker, 7, &pid, &epoch2);
    CHECK_EQ(epoch2, epoch + 2);
    struct event a;
    CHECK(run_until(NODE_PRODUCER, UINT64_MAX, &a));
    CHECK_EQ(a.y & 0xff, ACK_OK);
    CHECK_EQ(a.y >> 8, epoch + 1);
    CHECK_EQ(produce(2, pid, epoch + 1, 2, 0, NULL), ACK_FENCED);
    world_fini(&w);
}

static void test_broker_end_txn_while_completing_is_not_answered(void)
{
    /* Paused between PrepareCommit and the markers, the broker gets a copy of the same
     * EndTxn: it does not answer it (the client asks again); the first is answered. */
    if (!setup("pause broker on txn-commit for 1s\n", "rc"))
        return;
    fault_arm(&w);
    fault_schedule_timed(&w);
    uint32_t pid;
    uint16_t epoch;
    broker_init_producer(&w.broker, 7, &pid, &epoch);
    CHECK_EQ(produce(0, pid, epoch, 1, 0, NULL), ACK_OK);
    struct event req = { .type = EV_MSG, .node = NODE_BROKER, .from = NODE_PRODUCER,
                         .kind = MSG_END_TXN, .id = 1, .x = identity(pid, epoch), .y = 1 };
    broker_on_event(&w.broker, &req);
    CHECK_EQ(w.broker.txns[0].state, TXN_PREPARE_COMMIT);
    broker_on_event(&w.broker, &req); /* the copy */
    struct event a;
    CHECK(run_until(NODE_PRODUCER, UINT64_MAX, &a));
    CHECK_EQ(a.y & 0xff, ACK_OK);
    CHECK_EQ(a.y >> 8, epoch + 1);
    CHECK(!run_until(NODE_PRODUCER, w.env.eng.now + 10 * SIM_SEC, &a)); /* one answer only */
    world_fini(&w);
}

static void test_broker_add_partition_starts_the_transaction(void)
{
    uint32_t pid;
    uint16_t epoch;
    if (!start("set broker.transaction-timeout 1s\n", "ctp", 99, &pid, &epoch))
        return;
    const struct txn_coordinator_entry *t = &w.broker.txns[w.broker.ntxns - 1];
    CHECK_EQ(t->pid, pid);
    /* the output partition mirroring input partition 0 (output partition 2 of the log) */
    struct event a = ask(NODE_CONSUMER_1, MSG_ADD_PARTITIONS, 0, 5, identity(pid, epoch), 5);
    CHECK_EQ(a.kind, MSG_ADD_PARTITIONS_ACK);
    CHECK_EQ(a.y, ACK_OK);
    CHECK_EQ(t->state, TXN_ONGOING);
    CHECK_EQ(t->first[2], 0);
    wait_for(2 * SIM_SEC); /* the timeout runs from the first send */
    CHECK_EQ(t->state, TXN_COMPLETE_ABORT);
    a = ask(NODE_CONSUMER_1, MSG_ADD_PARTITIONS, 0, 6, identity(pid, epoch), 6);
    CHECK_EQ(a.y, ACK_FENCED);
    world_fini(&w);
}

const struct test broker_tests[] = {
    { "broker_idempotent_sequence_numbers", test_broker_idempotent_sequence_numbers },
    { "broker_new_producer_id_starts_at_zero", test_broker_new_producer_id_starts_at_zero },
    { "broker_remembers_the_last_five_batches", test_broker_remembers_the_last_five_batches },
    { "broker_forgets_an_expired_producer_id", test_broker_forgets_an_expired_producer_id },
    { "broker_transaction_markers_and_last_stable_offset",
      test_broker_transaction_markers_and_last_stable_offset },
    { "broker_init_fences_the_zombie", test_broker_init_fences_the_zombie },
    { "broker_transaction_timeout_aborts", test_broker_transaction_timeout_aborts },
    { "broker_kip890_late_produce", test_broker_kip890_late_produce },
    { "broker_kip890_late_end_txn", test_broker_kip890_late_end_txn },
    { "broker_group_generations", test_broker_group_generations },
    { "broker_offsets_in_a_transaction", test_broker_offsets_in_a_transaction },
    { "broker_exhausted_epoch_takes_a_new_producer_id",
      test_broker_exhausted_epoch_takes_a_new_producer_id },
    { "broker_end_txn_retry_across_a_new_producer_id",
      test_broker_end_txn_retry_across_a_new_producer_id },
    { "broker_end_txn_paused_at_marker_answers_its_own_bump",
      test_broker_end_txn_paused_at_marker_answers_its_own_bump },
    { "broker_end_txn_while_completing_is_not_answered",
      test_broker_end_txn_while_completing_is_not_answered },
    { "broker_add_partition_starts_the_transaction",
      test_broker_add_partition_starts_the_transaction },
    { NULL, NULL },
};
