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
#include "run/world.h"

void consumer_init(struct world *w, uint32_t k)
{
    struct consumer *c = &w->consumers[k];
    memset(c, 0, sizeof *c);
    c->node = NODE_CONSUMER(k);
    if (w->st->dedup == DEDUP_MEMORY)
        c->seen = sim_alloc(w->sc->payments, sizeof *c->seen);
    if (w->st->commit == COMMIT_IN_TRANSACTION)
        c->outputs = sim_alloc(w->pm->consumer_max_poll_records, sizeof *c->outputs);
}

void consumer_fini(struct world *w, uint32_t k)
{
    free(w->consumers[k].seen);
    free(w->consumers[k].outputs);
}

static const struct log_entry *current(const struct world *w, const struct consumer *c)
{
    return &w->broker.parts[c->batch_part].log[c->cur];
}

static void expect_answer(struct world *w, struct consumer *c, sim_time timeout, bool weak)
{
    c->request = sim_request_id(w);
    c->request_timer = sim_timer(w, c->node, TIMER_REQUEST, timeout, 0, c->request, 0, weak);
}

/* The awaited answer came: its timeout is no longer pending work. */
static void answered(struct world *w, struct consumer *c)
{
    engine_cancel(&w->eng, c->request_timer);
}

static bool in_transaction(const struct world *w)
{
    return w->st->commit == COMMIT_IN_TRANSACTION;
}

/* A KIP-447 client asks for stable offsets: none a transaction is about to move. */
static void fetch_offsets(struct world *w, struct consumer *c)
{
    bool stable = in_transaction(w) && w->st->group_metadata;
    expect_answer(w, c, w->pm->consumer_request_timeout, false);
    for (uint32_t i = 0; i < c->nparts; i++)
        if (!c->known[c->parts[i]])
            link_send(w, c->node, NODE_BROKER, MSG_OFFSET_FETCH, c->parts[i], c->request,
                      stable, 0);
}

/* Transactional ids of consume-transform-produce producers: stable ones name the input
 * partition (so its next owner fences the previous one), random ones the member's life
 * (so nobody is fenced). Neither collides with the service's ids (below 2^30 + 1). */
#define TXN_ID_PARTITION 0xc0000000u
#define TXN_ID_MEMBER    0x80000000u

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

/* InitTransactions for the partitions the member was given: bumps each producer's
 * epoch, which aborts whatever transaction an earlier holder of the id left open and
 * fences that holder. */
static void init_transactions(struct world *w, struct consumer *c)
{
    uint32_t pid = 0;
    uint16_t epoch = 0;
    bool stable = w->st->transactional_id == TXN_ID_STABLE;
    if (!stable)
        broker_init_producer(w, TXN_ID_MEMBER | (uint32_t)(c->node - NODE_CONSUMER_1) << 16 |
                                    w->nodes[c->node].incarnation, &pid, &epoch);
    for (uint32_t i = 0; i < c->nparts; i++) {
        uint32_t part = c->parts[i];
        if (stable)
            broker_init_producer(w, TXN_ID_PARTITION | part, &pid, &epoch);
        c->txn_pid[part] = pid;
        set_epoch(c, pid, pid, epoch);
    }
}

static uint64_t txn_identity(const struct consumer *c)
{
    return (uint64_t)c->txn_pid[c->batch_part] << 16 | c->txn_epoch[c->batch_part];
}

static void join(struct world *w, struct consumer *c)
{
    c->state = CONS_JOIN;
    c->rejoin = false;
    expect_answer(w, c, w->pm->consumer_request_timeout, false);
    link_send(w, c->node, NODE_BROKER, MSG_JOIN, 0, c->request, 0, 0);
}

static void heartbeat(struct world *w, struct consumer *c)
{
    link_send(w, c->node, NODE_BROKER, MSG_HEARTBEAT, 0, sim_request_id(w), c->generation, 0);
    sim_timer(w, c->node, TIMER_HEARTBEAT, w->pm->consumer_heartbeat_interval, 0, 0, 0, true);
}

/* Auto-commit, inside poll: commits, without waiting, the positions earlier polls
 * returned, once every auto-commit interval. */
static void auto_commit(struct world *w, struct consumer *c)
{
    if (w->st->commit != COMMIT_AUTO ||
        w->eng.now - c->last_auto_commit < w->pm->consumer_auto_commit_interval)
        return;
    c->last_auto_commit = w->eng.now;
    for (uint32_t i = 0; i < c->nparts; i++)
        link_send(w, c->node, NODE_BROKER, MSG_COMMIT, c->parts[i], 0,
                  c->position[c->parts[i]], c->generation);
}

static void poll(struct world *w, struct consumer *c)
{
    if (c->rejoin) {
        join(w, c);
        return;
    }
    auto_commit(w, c);
    c->state = CONS_POLL;
    expect_answer(w, c, w->pm->consumer_request_timeout, true);
    link_send(w, c->node, NODE_BROKER, MSG_FETCH, c->rotation, c->request, 0, 0);
}

/* A (re)started member joins the group and starts heartbeating. */
void consumer_start(struct world *w, uint32_t k)
{
    struct consumer *c = &w->consumers[k];
    c->nparts = 0;
    c->last_auto_commit = w->eng.now;
    join(w, c);
    heartbeat(w, c);
}

/* The coordinator's answer: a generation and the partitions to read. With
 * consumer.commit=with-ledger their offsets live in the ledger; otherwise the group's
 * committed offsets are asked from the broker. */
static void on_joined(struct world *w, struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_JOIN || ev->id != c->request)
        return;
    answered(w, c);
    c->generation = (uint32_t)ev->y;
    c->nparts = 0;
    for (uint32_t part = 0; part < w->sc->partitions; part++)
        if (ev->x >> part & 1)
            c->parts[c->nparts++] = part;
    memset(c->known, 0, sizeof c->known);
    c->rotation = 0;
    if (in_transaction(w))
        init_transactions(w, c);
    if (c->nparts == 0) {
        c->state = CONS_POLL; /* more members than partitions: this one idles */
        return;
    }
    if (w->st->commit == COMMIT_WITH_LEDGER) {
        for (uint32_t i = 0; i < c->nparts; i++) {
            uint32_t part = c->parts[i];
            c->position[part] = w->ledger.has_offset[part] ? w->ledger.offset[part]
                                : w->pm->consumer_auto_offset_reset == RESET_LATEST
                                    ? w->broker.parts[part].len : 0;
            c->known[part] = true;
        }
        poll(w, c);
        return;
    }
    c->state = CONS_OFFSETS;
    fetch_offsets(w, c);
}

static void on_heartbeat_ack(struct world *w, struct consumer *c, const struct event *ev)
{
    if (ev->y != ACK_REBALANCE || c->state == CONS_JOIN)
        return;
    c->rejoin = true;
    if (c->state == CONS_POLL) { /* waiting on a fetch: the poll loop notices now */
        answered(w, c);
        join(w, c);
    }
}

static void send_charge(struct world *w, struct consumer *c)
{
    uint32_t payment = current(w, c)->payment;
    uint64_t key = 0;
    c->gw_attempt++;
    if (w->st->gateway_key == KEY_PER_PAYMENT)
        key = (uint64_t)payment + 1;
    else if (w->st->gateway_key == KEY_PER_ATTEMPT)
        key = (uint64_t)1 << 63 | w->next_request; /* never seen before */
    uint64_t amount = tally_amount(w->sc->amount_min, w->sc->amount_max, w->seed, payment);
    if (w->st->retry_amount == AMOUNT_PLUS_FEE)
        amount += c->gw_attempt - 1;
    c->state = CONS_GATEWAY;
    expect_answer(w, c, w->pm->consumer_gateway_timeout, false);
    link_send(w, c->node, NODE_GATEWAY, MSG_CHARGE, payment, c->request, key, amount);
}

/* OffsetCommit, or in a transaction TxnOffsetCommit: the partition and the generation
 * (0 without the group's metadata) share the payment field, the transaction number and
 * the offset the y field. */
static void send_commit(struct world *w, struct consumer *c)
{
    c->state = CONS_COMMIT_WAIT;
    expect_answer(w, c, w->pm->consumer_request_timeout, false);
    uint64_t offset = w->st->commit == COMMIT_BEFORE ? c->batch_to : c->cur;
    if (!in_transaction(w)) {
        link_send(w, c->node, NODE_BROKER, MSG_COMMIT, c->batch_part, c->request, offset,
                  c->generation);
        return;
    }
    uint32_t generation = w->st->group_metadata ? c->generation : 0;
    if (generation >= 1u << 24 || offset > UINT32_MAX)
        SIM_PANIC("generation %u or offset %llu too large", generation, (unsigned long long)offset);
    link_send(w, c->node, NODE_BROKER, MSG_TXN_OFFSETS, c->batch_part | generation << 8,
              c->request, txn_identity(c), (uint64_t)c->txn_no << 32 | offset);
}

/* EndTxn, commit: the reply echoes the transaction number as its request id. */
static void send_end_txn(struct world *w, struct consumer *c)
{
    c->state = CONS_END_TXN;
    expect_answer(w, c, w->pm->consumer_request_timeout, false);
    link_send(w, c->node, NODE_BROKER, MSG_END_TXN, 0, c->txn_no, txn_identity(c), 1);
}

/* Keeps a batch in the store for the rest of the run; returns its index. */
static uint32_t store_batch(struct output_store *s, const uint32_t *payments, uint32_t n)
{
    if (s->len + n > s->cap) {
        s->cap = s->cap * 2 > s->len + n ? s->cap * 2 : s->len + n + 1024;
        s->payments = sim_realloc(s->payments, s->cap, sizeof *s->payments);
    }
    if (s->nbatches == s->batches_cap) {
        s->batches_cap = s->batches_cap ? s->batches_cap * 2 : 64;
        s->batches = sim_realloc(s->batches, s->batches_cap, sizeof *s->batches);
    }
    memcpy(s->payments + s->len, payments, n * sizeof *payments);
    s->batches[s->nbatches] = (struct output_batch){ s->len, n };
    s->len += n;
    return s->nbatches++;
}

const uint32_t *output_batch(const struct world *w, uint32_t index, uint32_t *n)
{
    const struct output_batch *b = &w->outputs.batches[index];
    *n = b->n;
    return w->outputs.payments + b->at;
}

bool output_batch_holds(const struct world *w, uint32_t index, uint32_t payment)
{
    uint32_t n;
    const uint32_t *payments = output_batch(w, index, &n);
    for (uint32_t i = 0; i < n; i++)
        if (payments[i] == payment)
            return true;
    return false;
}

/* The batch's outputs, produced in its transaction as one record batch (see broker.c,
 * on_output_batch). The request's id field names the batch in the store; the answer
 * is matched by transaction number. A re-send after a timeout keeps the sequence
 * numbers, so the broker keeps one copy. */
static void send_outputs(struct world *w, struct consumer *c)
{
    if (c->outputs_batch == NO_BATCH)
        c->outputs_batch = store_batch(&w->outputs, c->outputs, c->noutputs);
    c->state = CONS_OUTPUT;
    expect_answer(w, c, w->pm->consumer_request_timeout, false);
    link_send(w, c->node, NODE_BROKER, MSG_PRODUCE, c->batch_part, c->outputs_batch,
              txn_identity(c), (uint64_t)c->txn_no << 32 | (uint32_t)c->out_seq[c->batch_part]);
}

/* Has this payment been processed, as far as the strategy's dedup store knows? */
static bool seen_before(const struct world *w, const struct consumer *c, uint32_t payment)
{
    sim_time at = w->st->dedup == DEDUP_MEMORY   ? c->seen[payment]
                  : w->st->dedup == DEDUP_LEDGER ? w->ledger.processed_at[payment] : 0;
    if (at == 0)
        return false;
    return w->st->dedup_ttl == 0 || w->eng.now - (at - 1) < w->st->dedup_ttl;
}

/* The ledger transaction that records an effect: the row, the processed id and, with
 * consumer.commit=with-ledger, the offset, all or nothing. With a unique constraint a
 * second row for the payment fails the transaction; the consumer takes the failure as
 * "already recorded" and stores its offset on its own. False when the row was refused. */
static bool ledger_commit(struct world *w, struct consumer *c, bool row)
{
    uint32_t payment = current(w, c)->payment;
    bool refused = row && w->st->ledger_unique && w->tally.ledger_rows[payment] > 0;
    if (row && !refused) {
        w->tally.ledger_rows[payment]++;
        sim_note(w, TRACE_ROW, c->node, payment, 0, 0);
        if (w->st->dedup == DEDUP_LEDGER)
            w->ledger.processed_at[payment] = w->eng.now + 1;
        if (w->st->dedup == DEDUP_MEMORY)
            c->seen[payment] = w->eng.now + 1;
    }
    if (w->st->commit == COMMIT_WITH_LEDGER) {
        w->ledger.offset[c->batch_part] = c->cur + 1;
        w->ledger.has_offset[c->batch_part] = true;
    }
    return !refused;
}

static void abandon_batch(struct world *w, struct consumer *c, bool aborted);

static bool at(struct world *w, struct consumer *c, enum point_id pt, uint32_t payment)
{
    struct event resume = { .kind = TIMER_STEP };
    return sim_point(w, c->node, pt, payment, &resume, 0);
}

/* Takes the next record of the batch: false when the step must stop here. */
static bool next_record(struct world *w, struct consumer *c)
{
    if (c->cur == c->batch_to) {
        if (w->st->commit == COMMIT_AFTER || in_transaction(w)) {
            c->state = CONS_COMMIT_SEND;
            return at(w, c, POINT_BEFORE_COMMIT, UINT32_MAX);
        }
        c->state = CONS_POLL_SEND;
        return true;
    }
    const struct log_entry *e = current(w, c);
    if (w->st->isolation == READ_COMMITTED && e->state == ENTRY_ABORTED) {
        c->cur++; /* read_committed skips aborted records */
        return true;
    }
    w->tally.deliveries[e->payment]++;
    sim_note(w, TRACE_DELIVER, c->node, e->payment, 0, c->cur);
    w->broker.parts[c->batch_part].log[c->cur].delivered = 1;
    if (w->st->dedup != DEDUP_NONE && seen_before(w, c, e->payment)) {
        w->tally.absorbed++;
        sim_note(w, TRACE_SKIP, c->node, e->payment, w->st->dedup, 0);
        ledger_commit(w, c, false);
        c->cur++;
        return true;
    }
    c->gw_attempt = c->gw_errors = 0;
    c->state = w->st->order == RECORD_FIRST ? CONS_RECORDING : CONS_BEFORE_EFFECT;
    return true;
}

/* The charge is over (made, refused, or given up): what comes after it. */
static void after_charge(struct world *w, struct consumer *c, bool charged)
{
    if (w->st->order == RECORD_FIRST || !charged) {
        if (!charged && w->st->order == CHARGE_FIRST)
            ledger_commit(w, c, false); /* no row; the offset still moves on */
        c->state = CONS_COMMITTED;
    } else {
        c->state = CONS_RECORDING;
    }
}

static void step(struct world *w, struct consumer *c)
{
    for (;;) {
        switch (c->state) {
        case CONS_POLLED:
            if (w->st->commit == COMMIT_BEFORE) {
                c->state = CONS_COMMIT_SEND;
                if (!at(w, c, POINT_BEFORE_COMMIT, UINT32_MAX))
                    return;
            } else {
                c->state = CONS_RECORD;
            }
            break;
        case CONS_RECORD:
            if (!next_record(w, c))
                return;
            break;
        case CONS_BEFORE_EFFECT:
            c->state = CONS_EFFECT;
            if (!at(w, c, POINT_BEFORE_EFFECT, current(w, c)->payment))
                return;
            break;
        case CONS_EFFECT: send_charge(w, c); return;
        case CONS_RECORDING:
            c->state = CONS_WRITTEN;
            if (!at(w, c, POINT_WRITE, current(w, c)->payment))
                return;
            break;
        case CONS_WRITTEN:
            /* The output's record leaves with the batch's others at its end, but the
             * client's send, done at once, starts the transaction with the first one
             * and finds out at each whether the producer has been fenced. */
            if (in_transaction(w)) {
                if (broker_add_partition(w, c->txn_pid[c->batch_part],
                                         c->txn_epoch[c->batch_part], c->txn_no,
                                         w->sc->partitions + c->batch_part) != ACK_OK) {
                    abandon_batch(w, c, true);
                    return;
                }
                c->outputs[c->noutputs++] = current(w, c)->payment;
                c->state = w->st->order == RECORD_FIRST ? CONS_BEFORE_EFFECT : CONS_COMMITTED;
                break;
            }
            c->state = CONS_LEDGER;
            sim_timer(w, c->node, TIMER_LEDGER, w->pm->ledger_latency, 0, 0, 0, false);
            return;
        case CONS_COMMITTED:
            c->cur++;
            c->state = CONS_RECORD;
            break;
        case CONS_COMMIT_SEND:
            if (in_transaction(w) && c->noutputs)
                send_outputs(w, c);
            else
                send_commit(w, c);
            return;
        case CONS_POLL_SEND: poll(w, c); return;
        default: return; /* waiting for an answer */
        }
    }
}

static void on_offsets(struct world *w, struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_OFFSETS || ev->id != c->request)
        return;
    if (ev->y) { /* unstable: a transaction holds offsets for it; ask again shortly */
        answered(w, c);
        c->request = 0;
        sim_timer(w, c->node, TIMER_BACKOFF, w->pm->consumer_retry_backoff, 0, 0, 0, false);
        return;
    }
    c->position[ev->payment] = ev->x;
    c->known[ev->payment] = true;
    for (uint32_t i = 0; i < c->nparts; i++)
        if (!c->known[c->parts[i]])
            return;
    answered(w, c);
    poll(w, c);
}

static void on_records(struct world *w, struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_POLL || ev->id != c->request)
        return;
    answered(w, c);
    c->batch_part = ev->payment;
    c->batch_from = c->cur = ev->x;
    c->batch_to = ev->y;
    c->position[ev->payment] = ev->y;
    if (in_transaction(w)) { /* a new transaction for every batch; the ids increase */
        c->txn_no = sim_request_id(w);
        c->noutputs = 0;
        c->outputs_batch = NO_BATCH;
    }
    for (uint32_t i = 0; i < c->nparts; i++)
        if (c->parts[i] == ev->payment)
            c->rotation = i + 1;
    c->state = CONS_POLLED;
    /* Asynchronous processing hands the batch to a worker and polls again at once, so
     * auto-commit covers the batch as soon as it is handed over, done or not. */
    if (w->st->processing == PROCESSING_ASYNC)
        auto_commit(w, c);
    if (at(w, c, POINT_POLL, UINT32_MAX))
        step(w, c);
}

/* A transactional step failed: the member was fenced or the group moved on. It gives
 * the batch up and joins again; the InitTransactions that follows the join aborts what
 * its transaction held, if nobody has yet. A worker whose transaction was only aborted
 * (it is still in the group) and that does not seek back, consumer.after-abort=
 * keep-position, goes on from where its poll left it: the next transaction commits
 * offsets past the aborted batch, which nobody redoes (KAFKA-17582). */
static void abandon_batch(struct world *w, struct consumer *c, bool aborted)
{
    uint32_t k = c->node - NODE_CONSUMER_1;
    if (aborted && w->st->after_abort == AFTER_ABORT_KEEP_POSITION &&
        group_current(w, k, c->generation)) {
        init_transactions(w, c); /* a fresh epoch: the aborted transaction is over */
        poll(w, c);
        return;
    }
    memset(c->known, 0, sizeof c->known); /* it resumes from the committed offsets */
    join(w, c);
}

static void on_commit_ack(struct world *w, struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_COMMIT_WAIT || ev->id != c->request)
        return;
    answered(w, c);
    if (ev->y != ACK_OK) { /* CommitFailedException: the batch is lost */
        abandon_batch(w, c, ev->y != ACK_ILLEGAL_GENERATION);
        return;
    }
    if (in_transaction(w)) {
        send_end_txn(w, c);
        return;
    }
    c->state = w->st->commit == COMMIT_BEFORE ? CONS_RECORD : CONS_POLL_SEND;
    if (at(w, c, POINT_AFTER_COMMIT, UINT32_MAX))
        step(w, c);
}

/* The batch's outputs are in the output topic's log (or were already): the offsets
 * come next. */
static void on_output_ack(struct world *w, struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_OUTPUT || ev->y >> 8 != c->txn_no)
        return;
    answered(w, c);
    uint8_t status = ev->y & 0xff;
    if (status != ACK_OK && status != ACK_DUPLICATE) {
        abandon_batch(w, c, true);
        return;
    }
    c->out_seq[c->batch_part] += (int32_t)c->noutputs;
    send_commit(w, c);
}

/* The transaction is over. With KIP-890's defence each EndTxn bumps the epoch. */
static void on_end_txn_ack(struct world *w, struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_END_TXN || ev->id != c->txn_no)
        return;
    answered(w, c);
    if ((ev->y & 0xff) != ACK_OK) {
        abandon_batch(w, c, true);
        return;
    }
    if (w->pm->broker_transaction_defense)
        set_epoch(c, c->txn_pid[c->batch_part], (uint32_t)ev->x, (uint16_t)(ev->y >> 8));
    c->state = CONS_POLL_SEND;
    if (at(w, c, POINT_AFTER_COMMIT, UINT32_MAX))
        step(w, c);
}

/* A charge whose answer never came may have happened: with retries on, the consumer
 * asks again for as long as it takes. An error answer is retried a bounded number of
 * times (a saved error comes back the same every time). */
static bool may_retry_error(const struct world *w, struct consumer *c)
{
    return w->st->gateway_retries && ++c->gw_errors < w->pm->consumer_gateway_attempts;
}

static void on_response(struct world *w, struct consumer *c, const struct event *ev)
{
    if (c->state != CONS_GATEWAY || ev->id != c->request)
        return;
    answered(w, c);
    bool charged = ev->y == CHARGE_DONE || ev->y == CHARGE_SAVED;
    bool retry = ev->y == CHARGE_CONFLICT ||
                 ((ev->y == CHARGE_FAILED || ev->y == CHARGE_SAVED_FAILED) &&
                  may_retry_error(w, c));
    if (retry) { /* ask again after a pause, with the same key */
        c->request = 0;
        sim_timer(w, c->node, TIMER_BACKOFF, w->pm->consumer_retry_backoff, 0, 0, 0, false);
        return;
    }
    after_charge(w, c, charged);
    if (at(w, c, POINT_AFTER_EFFECT, ev->payment))
        step(w, c);
}

/* The answer to the current request is overdue. */
static void on_request_timeout(struct world *w, struct consumer *c, const struct event *ev)
{
    if (ev->id != c->request)
        return;
    switch (c->state) {
    case CONS_JOIN: join(w, c); break;
    case CONS_OFFSETS: fetch_offsets(w, c); break;
    case CONS_POLL: poll(w, c); break;
    case CONS_COMMIT_WAIT: send_commit(w, c); break;
    case CONS_END_TXN: send_end_txn(w, c); break;
    case CONS_OUTPUT: send_outputs(w, c); break;
    case CONS_GATEWAY:
        if (w->st->gateway_retries) {
            send_charge(w, c);
        } else { /* give the charge up: its outcome stays unknown */
            after_charge(w, c, false);
            step(w, c);
        }
        break;
    default: break;
    }
}

void consumer_on_event(struct world *w, uint32_t k, const struct event *ev)
{
    struct consumer *c = &w->consumers[k];
    switch (ev->kind) {
    case MSG_JOINED: on_joined(w, c, ev); break;
    case MSG_HEARTBEAT_ACK: on_heartbeat_ack(w, c, ev); break;
    case TIMER_HEARTBEAT: heartbeat(w, c); break;
    case MSG_OFFSETS: on_offsets(w, c, ev); break;
    case MSG_RECORDS: on_records(w, c, ev); break;
    case MSG_COMMIT_ACK: on_commit_ack(w, c, ev); break;
    case MSG_ACK: on_output_ack(w, c, ev); break;
    case MSG_END_TXN_ACK: on_end_txn_ack(w, c, ev); break;
    case MSG_RESPONSE: on_response(w, c, ev); break;
    case TIMER_REQUEST: on_request_timeout(w, c, ev); break;
    case TIMER_BACKOFF:
        if (c->state == CONS_GATEWAY)
            send_charge(w, c);
        else if (c->state == CONS_OFFSETS)
            fetch_offsets(w, c);
        break;
    case TIMER_LEDGER:
        if (c->state != CONS_LEDGER)
            break;
        /* record-first: a refused row means "already recorded", so no charge either */
        c->state = ledger_commit(w, c, true) && w->st->order == RECORD_FIRST
                       ? CONS_BEFORE_EFFECT : CONS_COMMITTED;
        if (at(w, c, POINT_COMMIT, current(w, c)->payment))
            step(w, c);
        break;
    case TIMER_STEP: step(w, c); break;
    default: SIM_PANIC("consumer got kind %u", ev->kind);
    }
}

void consumer_crash(struct world *w, uint32_t k)
{
    struct consumer *c = &w->consumers[k];
    c->state = CONS_DOWN;
    c->noutputs = 0;
    memset(c->known, 0, sizeof c->known); /* its positions died with it */
    if (c->seen)
        memset(c->seen, 0, w->sc->payments * sizeof *c->seen);
}

static bool processing(const struct consumer *c)
{
    return c->state >= CONS_POLLED && c->state <= CONS_COMMITTED;
}

uint64_t consumer_cursor(const struct world *w, uint32_t part)
{
    uint8_t k = group_owner(w, part);
    if (k != NO_MEMBER) {
        const struct consumer *c = &w->consumers[k];
        const struct node *n = &w->nodes[c->node];
        if (n->up && processing(c) && c->batch_part == part)
            return c->cur;
        if (n->up && c->known[part])
            return c->position[part];
    }
    if (w->st->commit == COMMIT_WITH_LEDGER)
        return w->ledger.has_offset[part] ? w->ledger.offset[part] : 0;
    return group_has_committed(w, part) ? w->broker.parts[part].committed : 0;
}

bool consumer_awaits_charge(const struct world *w, uint32_t payment)
{
    for (uint32_t k = 0; k < w->sc->consumers; k++) {
        const struct consumer *c = &w->consumers[k];
        if (w->nodes[c->node].up && c->state >= CONS_BEFORE_EFFECT && c->state <= CONS_GATEWAY &&
            current(w, c)->payment == payment)
            return true;
    }
    return false;
}

/* Nothing is left to do: every live member waits on a fetch the broker holds for lack
 * of records, and no partition has records the group has yet to read. */
bool consumer_idle(const struct world *w)
{
    bool anyone = false;
    for (uint32_t k = 0; k < w->sc->consumers; k++) {
        const struct consumer *c = &w->consumers[k];
        if (!w->nodes[c->node].up)
            continue;
        anyone = true;
        if (c->nparts == 0 && c->state == CONS_POLL)
            continue;
        const struct parked_fetch *f = &w->broker.parked[k];
        if (c->state != CONS_POLL || !f->parked || f->request != c->request ||
            !w->nodes[NODE_BROKER].up)
            return false;
    }
    for (uint32_t part = 0; anyone && part < w->sc->partitions; part++)
        if (consumer_cursor(w, part) < broker_readable_end(w, part))
            return false;
    return true;
}
