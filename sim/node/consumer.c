/* consumer.c: the payment worker, one member of the consumer group.
 *
 * A state machine, one step at a time: join the group, fetch the committed offsets of
 * the partitions it was given, poll a batch, then
 * for each record check the dedup store, charge the gateway (retrying on timeout or
 * error if the strategy says so, with the same or a new idempotency key) and record
 * the effect in the ledger, in the order the strategy says, and commit the offset
 * where the strategy puts the commit (before the batch, after it, by auto-commit
 * inside poll, or inside each ledger transaction).
 * With consumer.commit=in-transaction the member is a consume-transform-produce
 * application: each batch is one Kafka transaction of its own transactional producer,
 * holding what the batch's records become in the output topic (in place of ledger
 * rows, produced as one record batch at the end) and the batch's offsets
 * (TxnOffsetCommit); EndTxn commits both at once.
 * The state is set before each protocol point, so a pause there resumes exactly where
 * it stopped. A heartbeat timer runs beside it; when the coordinator says the group
 * moved on, the member joins again at its next poll, or at once if it is idle; a commit
 * refused for an old generation makes it join again at once, abandoning its batch.
 * Everything in memory is lost in a crash. */
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "node/consumer.h"
#include "node/link.h"

void consumer_init(struct consumer *c, struct env *e, struct ledger *ledger, uint32_t k)
{
    memset(c, 0, sizeof *c);
    c->env = e;
    c->ledger = ledger;
    c->node = NODE_CONSUMER(k);
    if (c->env->st->dedup == DEDUP_MEMORY)
        c->seen = sim_alloc(c->env->sc->payments, sizeof *c->seen);
    if (c->env->st->commit == COMMIT_IN_TRANSACTION)
        c->outputs = sim_alloc(c->env->pm->consumer_max_poll_records, sizeof *c->outputs);
}

void consumer_fini(struct consumer *c)
{
    free(c->seen);
    free(c->outputs);
}

/* The current record of the batch, as the fetch response carries it. */
static uint64_t current(const struct consumer *c)
{
    uint32_t n;
    return env_body(c->env, c->batch_body, &n)[c->cur - c->batch_from];
}

static uint32_t current_payment(const struct consumer *c)
{
    return RECORD_PAYMENT(current(c));
}

static void expect_answer(struct consumer *c, sim_time timeout, bool weak)
{
    c->request = env_request_id(c->env);
    c->request_timer = env_timer(c->env, c->node, TIMER_REQUEST, timeout, 0, c->request, 0, weak);
}

/* The awaited answer came: its timeout is no longer pending work. */
static void answered(struct consumer *c)
{
    engine_cancel(&c->env->eng, c->request_timer);
}

static bool in_transaction(const struct consumer *c)
{
    return c->env->st->commit == COMMIT_IN_TRANSACTION;
}

/* A KIP-447 client asks for stable offsets: none a transaction is about to move. */
static void fetch_offsets(struct consumer *c)
{
    bool stable = in_transaction(c) && c->env->st->group_metadata;
    expect_answer(c, c->env->pm->consumer_request_timeout, false);
    for (uint32_t i = 0; i < c->nparts; i++)
        if (!c->known[c->parts[i]])
            link_send(c->env, c->node, NODE_BROKER, MSG_OFFSET_FETCH, c->parts[i], c->request,
                      stable, 0);
}

/* Transactional ids of consume-transform-produce producers: stable ones name the input
 * partition (so its next owner fences the previous one), random ones the member's life
 * (so nobody is fenced). Neither collides with the service's ids (below 2^30 + 1). */
#define TXN_ID_PARTITION 0xc0000000u
#define TXN_ID_MEMBER    0x80000000u
#define NO_MEMBER_PART   0xffu /* an InitProducerId for the member, not a partition */

/* The producer's new epoch, and its new id when the old one's epochs ran out: sequence
 * numbers start again at 0. */
static void set_epoch(struct consumer *c, uint32_t pid, uint32_t new_pid, uint16_t epoch)
{
    for (uint32_t part = 0; part < PARTITIONS_MAX; part++)
        if (c->txn_pid[part] == pid) {
            c->txn_pid[part] = new_pid;
            c->txn_epoch[part] = epoch;
            c->out_seq[part] = 0;
        }
}

#define MEMBER_PIDS (UINT64_C(1) << 63) /* pids_awaited: the random id's one answer */

/* InitTransactions (InitProducerId messages) for what the awaited bits still name, all
 * under one request id: stable ids one per input partition (the payment field names
 * it), a random id one for the member's life. */
static void ask_pids(struct consumer *c)
{
    expect_answer(c, c->env->pm->consumer_request_timeout, false);
    if (c->pids_awaited & MEMBER_PIDS) {
        uint32_t id = TXN_ID_MEMBER | (uint32_t)(c->node - NODE_CONSUMER_1) << 16 |
                      c->env->nodes[c->node].incarnation;
        link_send(c->env, c->node, NODE_BROKER, MSG_INIT_PID, NO_MEMBER_PART, c->request, id, 0);
        return;
    }
    for (uint32_t part = 0; part < c->env->sc->partitions; part++)
        if (c->pids_awaited >> part & 1)
            link_send(c->env, c->node, NODE_BROKER, MSG_INIT_PID, part, c->request,
                      TXN_ID_PARTITION | part, 0);
}

static void read_assignment(struct consumer *c);
static void poll(struct consumer *c);

/* What follows InitTransactions: the committed offsets, or (keep-position) the poll. */
static void initialised(struct consumer *c)
{
    if (c->init_then_poll)
        poll(c);
    else
        read_assignment(c);
}

/* InitTransactions for the partitions the member was given: bumps each producer's
 * epoch, which aborts whatever transaction an earlier holder of the id left open and
 * fences that holder. The member waits for every answer. */
static void init_transactions(struct consumer *c, bool then_poll)
{
    c->init_then_poll = then_poll;
    c->pids_awaited = 0;
    if (c->env->st->transactional_id != TXN_ID_STABLE)
        c->pids_awaited = MEMBER_PIDS;
    else
        for (uint32_t i = 0; i < c->nparts; i++)
            c->pids_awaited |= UINT64_C(1) << c->parts[i];
    if (!c->pids_awaited) {
        initialised(c);
        return;
    }
    c->state = CONS_INIT_TXN;
    ask_pids(c);
}

static void on_pid(struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_INIT_TXN || ev->id != c->request)
        return;
    uint32_t pid = (uint32_t)ev->x;
    uint16_t epoch = (uint16_t)ev->y;
    if (ev->payment == NO_MEMBER_PART) {
        for (uint32_t i = 0; i < c->nparts; i++)
            c->txn_pid[c->parts[i]] = pid;
        set_epoch(c, pid, pid, epoch);
        c->pids_awaited = 0;
    } else if (c->pids_awaited >> ev->payment & 1) {
        c->txn_pid[ev->payment] = pid;
        set_epoch(c, pid, pid, epoch);
        c->pids_awaited &= ~(UINT64_C(1) << ev->payment);
    }
    if (c->pids_awaited)
        return;
    answered(c);
    initialised(c);
}

static uint64_t txn_identity(const struct consumer *c)
{
    return (uint64_t)c->txn_pid[c->batch_part] << 16 | c->txn_epoch[c->batch_part];
}

static void join(struct consumer *c)
{
    c->state = CONS_JOIN;
    c->rejoin = false;
    expect_answer(c, c->env->pm->consumer_request_timeout, false);
    link_send(c->env, c->node, NODE_BROKER, MSG_JOIN, 0, c->request, 0, 0);
}

static void heartbeat(struct consumer *c)
{
    link_send(c->env, c->node, NODE_BROKER, MSG_HEARTBEAT, 0, env_request_id(c->env),
              c->generation, 0);
    env_timer(c->env, c->node, TIMER_HEARTBEAT, c->env->pm->consumer_heartbeat_interval, 0, 0,
              0, true);
}

/* Auto-commit, inside poll: commits, without waiting, the positions earlier polls
 * returned, once every auto-commit interval. */
static void auto_commit(struct consumer *c)
{
    if (c->env->st->commit != COMMIT_AUTO ||
        c->env->eng.now - c->last_auto_commit < c->env->pm->consumer_auto_commit_interval)
        return;
    c->last_auto_commit = c->env->eng.now;
    for (uint32_t i = 0; i < c->nparts; i++)
        link_send(c->env, c->node, NODE_BROKER, MSG_COMMIT, c->parts[i], 0,
                  c->position[c->parts[i]], c->generation);
}

static void poll(struct consumer *c)
{
    if (c->rejoin) {
        join(c);
        return;
    }
    auto_commit(c);
    c->state = CONS_POLL;
    expect_answer(c, c->env->pm->consumer_request_timeout, true);
    uint32_t body;
    uint64_t *want = env_body_new(c->env, c->nparts, &body);
    for (uint32_t i = 0; i < c->nparts; i++) { /* from the partition it prefers next */
        uint32_t part = c->parts[(c->rotation + i) % c->nparts];
        want[i] = FETCH_WORD(part, c->position[part]);
    }
    link_send(c->env, c->node, NODE_BROKER, MSG_FETCH, c->rotation, c->request, 0, body);
}

/* A (re)started member joins the group and starts heartbeating. */
void consumer_start(struct consumer *c)
{
    c->nparts = 0;
    c->last_auto_commit = c->env->eng.now;
    join(c);
    heartbeat(c);
}

/* The coordinator's answer: a generation and the partitions to read. With
 * consumer.commit=with-ledger their offsets live in the ledger; otherwise the group's
 * committed offsets are asked from the broker. */
static void on_joined(struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_JOIN || ev->id != c->request)
        return;
    answered(c);
    c->generation = (uint32_t)ev->y;
    c->nparts = 0;
    for (uint32_t part = 0; part < c->env->sc->partitions; part++)
        if (ev->x >> part & 1)
            c->parts[c->nparts++] = part;
    memset(c->known, 0, sizeof c->known);
    c->rotation = 0;
    if (in_transaction(c))
        init_transactions(c, false);
    else
        read_assignment(c);
}

/* The positions of the partitions it was given: from the ledger, or asked. */
static void read_assignment(struct consumer *c)
{
    if (c->nparts == 0) {
        c->state = CONS_POLL; /* more members than partitions: this one idles */
        return;
    }
    bool ask = c->env->st->commit != COMMIT_WITH_LEDGER;
    if (!ask) /* the ledger's offsets; where it has none, the reset policy's */
        for (uint32_t i = 0; i < c->nparts; i++) {
            uint32_t part = c->parts[i];
            bool latest = c->env->pm->consumer_auto_offset_reset == RESET_LATEST;
            c->position[part] = c->ledger->has_offset[part] ? c->ledger->offset[part] : 0;
            /* the log's end is the broker's to say: the group has committed nothing,
             * so an offset fetch answers with it */
            c->known[part] = c->ledger->has_offset[part] || !latest;
            ask |= !c->known[part];
        }
    if (!ask) {
        poll(c);
        return;
    }
    c->state = CONS_OFFSETS;
    fetch_offsets(c);
}

static void on_heartbeat_ack(struct consumer *c, const struct event *ev)
{
    if (ev->y != ACK_REBALANCE || c->state == CONS_JOIN)
        return;
    c->rejoin = true;
    if (c->state == CONS_POLL) { /* waiting on a fetch: the poll loop notices now */
        answered(c);
        join(c);
    }
}

static void send_charge(struct consumer *c)
{
    uint32_t payment = current_payment(c);
    uint64_t key = 0;
    c->gw_attempt++;
    if (c->env->st->gateway_key == KEY_PER_PAYMENT)
        key = (uint64_t)payment + 1;
    else if (c->env->st->gateway_key == KEY_PER_ATTEMPT)
        key = (uint64_t)1 << 63 | c->env->next_request; /* never seen before */
    const struct scenario *sc = c->env->sc;
    uint64_t amount = scenario_amount(sc, c->env->seed, payment);
    if (c->env->st->retry_amount == AMOUNT_PLUS_FEE)
        amount += c->gw_attempt - 1;
    c->state = CONS_GATEWAY;
    expect_answer(c, c->env->pm->consumer_gateway_timeout, false);
    link_send(c->env, c->node, NODE_GATEWAY, MSG_CHARGE, payment, c->request, key, amount);
}

/* OffsetCommit, or in a transaction TxnOffsetCommit: the partition and the generation
 * (0 without the group's metadata) share the payment field, the transaction number and
 * the offset the y field. */
static void send_commit(struct consumer *c)
{
    c->state = CONS_COMMIT_WAIT;
    expect_answer(c, c->env->pm->consumer_request_timeout, false);
    uint64_t offset = c->env->st->commit == COMMIT_BEFORE ? c->batch_to : c->cur;
    if (!in_transaction(c)) {
        link_send(c->env, c->node, NODE_BROKER, MSG_COMMIT, c->batch_part, c->request, offset,
                  c->generation);
        return;
    }
    uint32_t generation = c->env->st->group_metadata ? c->generation : 0;
    if (generation >= 1u << 24 || offset > UINT32_MAX)
        SIM_PANIC("generation %u or offset %llu too large", generation, (unsigned long long)offset);
    link_send(c->env, c->node, NODE_BROKER, MSG_TXN_OFFSETS, c->batch_part | generation << 8,
              c->request, txn_identity(c), (uint64_t)c->txn_no << 32 | offset);
}

/* EndTxn, commit: the reply echoes the transaction number as its request id. */
static void send_end_txn(struct consumer *c)
{
    c->state = CONS_END_TXN;
    expect_answer(c, c->env->pm->consumer_request_timeout, false);
    link_send(c->env, c->node, NODE_BROKER, MSG_END_TXN, 0, c->txn_no, txn_identity(c), 1);
}

/* The batch's outputs, produced in its transaction as one record batch (see broker.c,
 * on_output_batch). The request's id field names the batch's body; the answer
 * is matched by transaction number. A re-send after a timeout keeps the sequence
 * numbers, so the broker keeps one copy. */
static void send_outputs(struct consumer *c)
{
    if (c->outputs_batch == NO_BODY)
        c->outputs_batch = env_body_put(c->env, c->outputs, c->noutputs);
    c->state = CONS_OUTPUT;
    expect_answer(c, c->env->pm->consumer_request_timeout, false);
    link_send(c->env, c->node, NODE_BROKER, MSG_PRODUCE, c->batch_part, c->outputs_batch,
              txn_identity(c), (uint64_t)c->txn_no << 32 | (uint32_t)c->out_seq[c->batch_part]);
}

/* AddPartitionsToTxn for the output partition, sent without waiting: the answer
 * (matched by transaction number) only has to come before the outputs go. */
static void add_partition(struct consumer *c)
{
    c->added = ADD_PENDING;
    c->add_timer = env_timer(c->env, c->node, TIMER_ADD_PARTITIONS,
                             c->env->pm->consumer_request_timeout, 0, c->txn_no, 0, false);
    link_send(c->env, c->node, NODE_BROKER, MSG_ADD_PARTITIONS, c->batch_part, c->txn_no,
              txn_identity(c), c->txn_no);
}

static void abandon_batch(struct consumer *c, bool aborted);

/* The batch is done: its outputs go once the partition is in the transaction. */
static void outputs_when_added(struct consumer *c)
{
    if (c->added == ADD_PENDING)
        c->state = CONS_ADD_WAIT;
    else if (c->added == ADD_DONE)
        send_outputs(c);
    else
        abandon_batch(c, true);
}

static void on_add_partitions_ack(struct consumer *c, const struct event *ev)
{
    if (c->added != ADD_PENDING || ev->id != c->txn_no)
        return;
    engine_cancel(&c->env->eng, c->add_timer);
    c->added = ev->y == ACK_OK ? ADD_DONE : ADD_FAILED;
    if (c->state == CONS_ADD_WAIT)
        outputs_when_added(c);
}

/* Has this payment been processed, as far as the strategy's dedup store knows? */
static bool seen_before(const struct consumer *c, uint32_t payment)
{
    sim_time at = c->env->st->dedup == DEDUP_MEMORY   ? c->seen[payment]
                  : c->env->st->dedup == DEDUP_LEDGER ? c->ledger->processed_at[payment] : 0;
    return dedup_holds(c->env, at);
}

/* The current record's transaction without a row: only the offset, if it lives there. */
static void commit_offset_in_ledger(struct consumer *c)
{
    ledger_commit(c->ledger, c->env, c->node, current_payment(c), c->batch_part, c->cur + 1,
                  false);
}

static bool at(struct consumer *c, enum point_id pt, uint32_t payment)
{
    struct event resume = { .kind = TIMER_STEP };
    return env_point(c->env, c->node, pt, payment, &resume, 0);
}

/* Takes the next record of the batch: false when the step must stop here. */
static bool next_record(struct consumer *c)
{
    if (c->cur == c->batch_to) {
        if (c->env->st->commit == COMMIT_AFTER || in_transaction(c)) {
            c->state = CONS_COMMIT_SEND;
            return at(c, POINT_BEFORE_COMMIT, UINT32_MAX);
        }
        c->state = CONS_POLL_SEND;
        return true;
    }
    uint64_t record = current(c);
    uint32_t payment = RECORD_PAYMENT(record);
    if (c->env->st->isolation == READ_COMMITTED && (record & RECORD_ABORTED)) {
        c->cur++; /* read_committed skips aborted records */
        return true;
    }
    counts_bump(&c->env->tally.deliveries, payment);
    env_note(c->env, TRACE_DELIVER, c->node, payment, 0, c->cur);
    tally_delivered(&c->env->tally, c->batch_part, c->cur);
    if (c->env->st->dedup != DEDUP_NONE && seen_before(c, payment)) {
        c->env->tally.absorbed++;
        env_note(c->env, TRACE_SKIP, c->node, payment, c->env->st->dedup, 0);
        commit_offset_in_ledger(c);
        c->cur++;
        return true;
    }
    c->gw_attempt = c->gw_errors = 0;
    c->state = c->env->st->order == RECORD_FIRST ? CONS_RECORDING : CONS_BEFORE_EFFECT;
    return true;
}

/* The charge is over (made, refused, or given up): what comes after it. */
static void after_charge(struct consumer *c, bool charged)
{
    if (c->env->st->order == RECORD_FIRST || !charged) {
        if (!charged && c->env->st->order == CHARGE_FIRST)
            commit_offset_in_ledger(c); /* no row; the offset still moves on */
        c->state = CONS_COMMITTED;
    } else {
        c->state = CONS_RECORDING;
    }
}

static void step(struct consumer *c);

/* ---- the ledger transaction of a record ----
 * The commit is the ledger's event (consumer_ledger.c), landing ledger.latency after the
 * worker asks; the worker only hears the answer, or hears nothing and waits until
 * consumer.ledger-timeout while the transaction may still commit behind its back. */

static void ask_ledger_commit(struct consumer *c)
{
    c->state = CONS_LEDGER;
    c->ledger_txn++;
    c->ledger_sent = c->env->eng.now;
    engine_cancel(&c->env->eng, c->ledger_timer);
    c->ledger_timer = 0;
    struct event ev = { .type = EV_TIMER, .node = NODE_LEDGER, .from = c->node,
                        .kind = TIMER_LEDGER, .payment = current_payment(c), .id = c->ledger_txn,
                        .x = FETCH_WORD(c->batch_part, c->cur + 1), .y = c->ledger_life };
    sim_time latency = dist_draw(&c->env->pm->ledger_latency, &c->ledger->rng);
    engine_schedule(&c->env->eng, c->env->eng.now + latency, &ev);
}

/* Whether transaction txn is the one this worker still waits on. */
static bool waits_on(const struct consumer *c, uint32_t txn)
{
    return c->state == CONS_LEDGER && txn == c->ledger_txn;
}

void consumer_ledger_unanswered(struct consumer *c, uint32_t txn)
{
    if (!waits_on(c, txn) || c->ledger_timer)
        return;
    sim_time due = c->ledger_sent + c->env->pm->consumer_ledger_timeout, now = c->env->eng.now;
    c->ledger_timer = env_timer(c->env, c->node, TIMER_LEDGER_TIMEOUT, due > now ? due - now : 0,
                                current_payment(c), c->ledger_txn, 0, false);
}

void consumer_ledger_held(struct consumer *c, uint32_t txn, sim_time until)
{
    if (waits_on(c, txn) && until > c->ledger_sent + c->env->pm->consumer_ledger_timeout)
        consumer_ledger_unanswered(c, txn);
}

static void ledger_answered(struct consumer *c, uint32_t payment, bool recorded)
{
    engine_cancel(&c->env->eng, c->ledger_timer);
    c->ledger_timer = 0;
    if (recorded && c->env->st->dedup == DEDUP_MEMORY)
        c->seen[payment] = c->env->eng.now + 1;
    /* record-first: a refused row means "already recorded", so no charge either */
    c->state = recorded && c->env->st->order == RECORD_FIRST ? CONS_BEFORE_EFFECT : CONS_COMMITTED;
    step(c);
}

void consumer_ledger_answer(struct consumer *c, const struct event *answer)
{
    const struct node_status *n = &c->env->nodes[c->node];
    if (!n->up || !waits_on(c, answer->id))
        return; /* it crashed meanwhile, or gave up waiting: the answer is lost */
    if (n->paused_until > c->env->eng.now) { /* it reads the answer when it wakes */
        struct event held = *answer;
        held.node = c->node;
        held.incarnation = n->incarnation;
        engine_schedule(&c->env->eng, n->paused_until, &held);
        return;
    }
    ledger_answered(c, answer->payment, answer->y & LEDGER_RECORDED);
}

/* The answer is overdue: write the row again in a new transaction, or give the record's
 * ledger work up (and, record-first, its charge). A retry with consumer.dedup=ledger
 * checks the processed ids again first, and may find that its first commit took effect:
 * it takes the record as recorded (record-first: charged, which it was not). */
static void on_ledger_timeout(struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_LEDGER || ev->id != c->ledger_txn)
        return;
    c->ledger_timer = 0;
    bool retry = c->env->st->ledger_retries &&
                 !(c->env->st->dedup == DEDUP_LEDGER && seen_before(c, current_payment(c)));
    c->state = retry ? CONS_RECORDING : CONS_COMMITTED;
    if (at(c, POINT_LEDGER_TIMEOUT, current_payment(c)))
        step(c);
}

static void step(struct consumer *c)
{
    for (;;) {
        switch (c->state) {
        case CONS_POLLED:
            if (c->env->st->commit == COMMIT_BEFORE) {
                c->state = CONS_COMMIT_SEND;
                if (!at(c, POINT_BEFORE_COMMIT, UINT32_MAX))
                    return;
            } else {
                c->state = CONS_RECORD;
            }
            break;
        case CONS_RECORD:
            if (!next_record(c))
                return;
            break;
        case CONS_BEFORE_EFFECT:
            c->state = CONS_EFFECT;
            if (!at(c, POINT_BEFORE_EFFECT, current_payment(c)))
                return;
            break;
        case CONS_EFFECT: send_charge(c); return;
        case CONS_RECORDING:
            c->state = CONS_WRITTEN;
            c->ledger_life = ledger_life(c->env);
            if (!at(c, POINT_WRITE, current_payment(c)))
                return;
            break;
        case CONS_WRITTEN:
            /* The output's record leaves with the batch's others at its end, but the
             * client's first send asks at once for the partition to join the
             * transaction; once the coordinator has refused, every send fails. */
            if (in_transaction(c)) {
                if (c->added == ADD_FAILED) {
                    abandon_batch(c, true);
                    return;
                }
                if (c->added == ADD_NONE)
                    add_partition(c);
                c->outputs[c->noutputs++] = current_payment(c);
                c->state = c->env->st->order == RECORD_FIRST ? CONS_BEFORE_EFFECT : CONS_COMMITTED;
                break;
            }
            ask_ledger_commit(c);
            return;
        case CONS_COMMITTED:
            c->cur++;
            c->state = CONS_RECORD;
            break;
        case CONS_COMMIT_SEND:
            if (in_transaction(c) && c->noutputs)
                outputs_when_added(c);
            else
                send_commit(c);
            return;
        case CONS_POLL_SEND: poll(c); return;
        default: return; /* waiting for an answer */
        }
    }
}

static void on_offsets(struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_OFFSETS || ev->id != c->request)
        return;
    if (ev->y) { /* unstable: a transaction holds offsets for it; ask again shortly */
        answered(c);
        c->request = 0;
        env_timer(c->env, c->node, TIMER_BACKOFF, c->env->pm->consumer_retry_backoff, 0, 0, 0,
                  false);
        return;
    }
    c->position[ev->payment] = ev->x;
    c->known[ev->payment] = true;
    for (uint32_t i = 0; i < c->nparts; i++)
        if (!c->known[c->parts[i]])
            return;
    answered(c);
    poll(c);
}

static void on_records(struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_POLL || ev->id != c->request)
        return;
    answered(c);
    c->batch_part = ev->payment;
    c->batch_from = c->cur = ev->x;
    uint32_t n;
    env_body(c->env, (uint32_t)ev->y, &n);
    c->batch_body = (uint32_t)ev->y;
    c->batch_to = ev->x + n;
    c->position[ev->payment] = c->batch_to;
    if (in_transaction(c)) { /* a new transaction for every batch; the ids increase */
        c->txn_no = env_request_id(c->env);
        c->noutputs = 0;
        c->outputs_batch = NO_BODY;
        c->added = ADD_NONE;
    }
    for (uint32_t i = 0; i < c->nparts; i++)
        if (c->parts[i] == ev->payment)
            c->rotation = i + 1;
    c->state = CONS_POLLED;
    /* Asynchronous processing hands the batch to a worker and polls again at once, so
     * auto-commit covers the batch as soon as it is handed over, done or not. */
    if (c->env->st->processing == PROCESSING_ASYNC)
        auto_commit(c);
    if (at(c, POINT_POLL, UINT32_MAX))
        step(c);
}

/* A transactional step failed: the member was fenced or the group moved on. It gives
 * the batch up and joins again; the InitTransactions that follows the join aborts what
 * its transaction held, if nobody has yet. A worker whose transaction was only aborted
 * (it is still in the group) and that does not seek back, consumer.after-abort=
 * keep-position, goes on from where its poll left it: the next transaction commits
 * offsets past the aborted batch, which nobody redoes (KAFKA-17582). */
static void abandon_batch(struct consumer *c, bool aborted)
{
    if (c->added == ADD_PENDING)
        engine_cancel(&c->env->eng, c->add_timer);
    c->added = ADD_NONE;
    if (aborted && c->env->st->after_abort == AFTER_ABORT_KEEP_POSITION && !c->rejoin) {
        init_transactions(c, true); /* a fresh epoch: the aborted transaction is over */
        return;
    }
    memset(c->known, 0, sizeof c->known); /* it resumes from the committed offsets */
    join(c);
}

static void on_commit_ack(struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_COMMIT_WAIT || ev->id != c->request)
        return;
    answered(c);
    if (ev->y != ACK_OK) { /* CommitFailedException: the batch is lost */
        abandon_batch(c, ev->y != ACK_ILLEGAL_GENERATION);
        return;
    }
    if (in_transaction(c)) {
        send_end_txn(c);
        return;
    }
    c->state = c->env->st->commit == COMMIT_BEFORE ? CONS_RECORD : CONS_POLL_SEND;
    if (at(c, POINT_AFTER_COMMIT, UINT32_MAX))
        step(c);
}

/* The batch's outputs are in the output topic's log (or were already): the offsets
 * come next. */
static void on_output_ack(struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_OUTPUT || ev->y >> 8 != c->txn_no)
        return;
    answered(c);
    uint8_t status = ev->y & 0xff;
    if (status != ACK_OK && status != ACK_DUPLICATE) {
        abandon_batch(c, true);
        return;
    }
    c->out_seq[c->batch_part] += (int32_t)c->noutputs;
    send_commit(c);
}

/* The transaction is over. With KIP-890's defence each EndTxn bumps the epoch. */
static void on_end_txn_ack(struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_END_TXN || ev->id != c->txn_no)
        return;
    answered(c);
    if ((ev->y & 0xff) != ACK_OK) {
        abandon_batch(c, true);
        return;
    }
    if (c->env->pm->broker_transaction_defense)
        set_epoch(c, c->txn_pid[c->batch_part], (uint32_t)ev->x, (uint16_t)(ev->y >> 8));
    c->state = CONS_POLL_SEND;
    if (at(c, POINT_AFTER_COMMIT, UINT32_MAX))
        step(c);
}

/* A charge whose answer never came may have happened: with retries on, the consumer
 * asks again for as long as it takes. An error answer is retried a bounded number of
 * times (a saved error comes back the same every time). */
static bool may_retry_error(struct consumer *c)
{
    return c->env->st->gateway_retries && ++c->gw_errors < c->env->pm->consumer_gateway_attempts;
}

static void on_response(struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_GATEWAY || ev->id != c->request)
        return;
    answered(c);
    bool charged = ev->y == CHARGE_DONE || ev->y == CHARGE_SAVED;
    bool retry = ev->y == CHARGE_CONFLICT ||
                 ((ev->y == CHARGE_FAILED || ev->y == CHARGE_SAVED_FAILED) &&
                  may_retry_error(c));
    if (retry) { /* ask again after a pause, with the same key */
        c->request = 0;
        env_timer(c->env, c->node, TIMER_BACKOFF, c->env->pm->consumer_retry_backoff, 0, 0, 0,
                  false);
        return;
    }
    after_charge(c, charged);
    if (at(c, POINT_AFTER_EFFECT, ev->payment))
        step(c);
}

/* The answer to the current request is overdue. */
static void on_request_timeout(struct consumer *c, const struct event *ev)
{
    if (ev->id != c->request)
        return;
    switch (c->state) {
    case CONS_JOIN: join(c); break;
    case CONS_OFFSETS: fetch_offsets(c); break;
    case CONS_INIT_TXN: ask_pids(c); break;
    case CONS_POLL: poll(c); break;
    case CONS_COMMIT_WAIT: send_commit(c); break;
    case CONS_END_TXN: send_end_txn(c); break;
    case CONS_OUTPUT: send_outputs(c); break;
    case CONS_GATEWAY:
        if (c->env->st->gateway_retries) {
            send_charge(c);
        } else { /* give the charge up: its outcome stays unknown */
            after_charge(c, false);
            step(c);
        }
        break;
    default: break;
    }
}

void consumer_on_event(struct consumer *c, const struct event *ev)
{
    switch (ev->kind) {
    case MSG_JOINED: on_joined(c, ev); break;
    case MSG_HEARTBEAT_ACK: on_heartbeat_ack(c, ev); break;
    case TIMER_HEARTBEAT: heartbeat(c); break;
    case MSG_OFFSETS: on_offsets(c, ev); break;
    case MSG_PID: on_pid(c, ev); break;
    case MSG_RECORDS: on_records(c, ev); break;
    case MSG_COMMIT_ACK: on_commit_ack(c, ev); break;
    case MSG_ACK: on_output_ack(c, ev); break;
    case MSG_END_TXN_ACK: on_end_txn_ack(c, ev); break;
    case MSG_ADD_PARTITIONS_ACK: on_add_partitions_ack(c, ev); break;
    case TIMER_ADD_PARTITIONS:
        if (c->added == ADD_PENDING && ev->id == c->txn_no)
            add_partition(c);
        break;
    case MSG_RESPONSE: on_response(c, ev); break;
    case TIMER_REQUEST: on_request_timeout(c, ev); break;
    case TIMER_BACKOFF:
        if (c->state == CONS_GATEWAY)
            send_charge(c);
        else if (c->state == CONS_OFFSETS)
            fetch_offsets(c);
        break;
    case TIMER_LEDGER: /* an answer held while the worker was paused */
        if (waits_on(c, ev->id))
            ledger_answered(c, ev->payment, ev->y & LEDGER_RECORDED);
        break;
    case TIMER_LEDGER_TIMEOUT: on_ledger_timeout(c, ev); break;
    case TIMER_STEP: step(c); break;
    default: SIM_PANIC("consumer got kind %u", ev->kind);
    }
}

void consumer_crash(struct consumer *c)
{
    c->state = CONS_DOWN;
    c->noutputs = 0;
    c->added = ADD_NONE;
    memset(c->known, 0, sizeof c->known); /* its positions died with it */
    if (c->seen)
        memset(c->seen, 0, c->env->sc->payments * sizeof *c->seen);
}

static bool processing(const struct consumer *c)
{
    return c->state >= CONS_POLLED && c->state <= CONS_COMMITTED;
}

bool consumer_cursor(const struct consumer *c, uint32_t part, uint64_t *cursor)
{
    if (processing(c) && c->batch_part == part)
        *cursor = c->cur;
    else if (c->known[part])
        *cursor = c->position[part];
    else
        return false;
    return true;
}

bool consumer_awaits_charge(const struct consumer *c, uint32_t payment)
{
    return c->state >= CONS_BEFORE_EFFECT && c->state <= CONS_GATEWAY &&
           current_payment(c) == payment;
}

bool consumer_polling(const struct consumer *c, uint32_t *request)
{
    *request = c->nparts ? c->request : 0;
    return c->state == CONS_POLL;
}
