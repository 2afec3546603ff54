/* broker.c: the Kafka-like broker: partitioned append-only logs (the payments topic
 * and, for a consume-transform-produce consumer, its output topic), the idempotent
 * producer's sequence windows, the transaction coordinator and the group coordinator
 * (committed offsets, fetch sessions). Nothing durable is lost in a crash (an acks=all
 * cluster is modelled as one broker that never loses a write); waiting fetches are. */
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "node/broker.h"
#include "node/link.h"

void broker_init(struct broker *b, struct env *e)
{
    memset(b, 0, sizeof *b);
    b->env = e;
    b->nparts = b->env->sc->partitions * (b->env->st->commit == COMMIT_IN_TRANSACTION ? 2 : 1);
    b->parts = sim_alloc(b->nparts, sizeof *b->parts);
    for (uint32_t part = 0; part < b->nparts; part++)
        b->parts[part].hanging_first = NO_OFFSET;
    b->next_pid = 1;
    group_init(b);
}

void broker_fini(struct broker *b)
{
    for (uint32_t i = 0; i < b->nparts; i++) {
        free(b->parts[i].log);
        free(b->parts[i].windows);
    }
    free(b->parts);
    free(b->txns);
}

static uint64_t append(struct broker *b, uint32_t part, uint32_t payment, uint32_t pid,
                       uint32_t txn, uint8_t state)
{
    struct partition *p = &b->parts[part];
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->log = sim_realloc(p->log, p->cap, sizeof *p->log);
    }
    p->log[p->len] = (struct log_entry){ .payment = payment, .pid = pid, .txn = txn,
                                         .state = state };
    if (part < b->env->sc->partitions) { /* the output topic is counted at its commit markers */
        counts_bump(&b->env->tally.log_copies, payment);
        env_note(b->env, TRACE_APPEND, NODE_BROKER, payment, pid, p->len);
    }
    return p->len++;
}

static struct txn_coordinator_entry *txn_by_pid(struct broker *b, uint32_t pid)
{
    for (uint32_t i = 0; i < b->ntxns; i++)
        if (b->txns[i].pid == pid)
            return &b->txns[i];
    return NULL;
}

/* Kafka's last epoch before a producer id is exhausted (Short.MAX_VALUE - 1): the bump
 * after it gives the transactional id a new producer id at epoch 0 (KIP-360). */
#define EPOCH_MAX 32766

/* Bumps the epoch. `ended`: an EndTxn's completion bumped it, so an EndTxn of that
 * transaction at the epoch before is a retry of that one; after any other bump (a
 * timeout, InitTransactions) it is fenced. */
static void bump_epoch(struct broker *b, struct txn_coordinator_entry *t, bool ended)
{
    t->end_bumped = ended;
    if (t->epoch < EPOCH_MAX) {
        t->epoch++;
        return;
    }
    t->prev_pid = t->pid;
    t->pid = b->next_pid++;
    t->epoch = 0;
}

/* What the bump that completes an EndTxn from (pid, epoch) makes of its identity. */
static void bumped(uint32_t *pid, uint16_t *epoch, const struct txn_coordinator_entry *t)
{
    if (*epoch < EPOCH_MAX) {
        ++*epoch;
    } else {
        *pid = t->prev_pid == *pid ? t->pid : *pid;
        *epoch = 0;
    }
}

/* The transaction an EndTxn names: by its producer id, or by the one its epochs ran
 * out on, for a retry of the EndTxn whose bump gave the new one. */
static struct txn_coordinator_entry *txn_of_end(struct broker *b, uint32_t pid)
{
    struct txn_coordinator_entry *t = txn_by_pid(b, pid);
    for (uint32_t i = 0; !t && i < b->ntxns; i++)
        if (b->txns[i].prev_pid == pid)
            t = &b->txns[i];
    return t;
}

/* A retry of the EndTxn whose completion made the last bump (its answer was lost). */
static bool end_txn_retry(const struct txn_coordinator_entry *t, uint32_t pid, uint16_t epoch,
                          uint32_t txn_no)
{
    bumped(&pid, &epoch, t);
    return t->end_bumped && txn_no == t->txn_no && pid == t->pid && epoch == t->epoch;
}

/* Last stable offset: the first offset of the oldest transaction still open. */
static uint64_t last_stable_offset(const struct broker *b, uint32_t part)
{
    uint64_t lso = b->parts[part].len;
    if (b->parts[part].hanging_first < lso)
        lso = b->parts[part].hanging_first;
    for (uint32_t i = 0; i < b->ntxns; i++) {
        const struct txn_coordinator_entry *t = &b->txns[i];
        if (t->state >= TXN_ONGOING && t->state <= TXN_PREPARE_ABORT && t->first[part] < lso)
            lso = t->first[part];
    }
    return lso;
}

uint64_t broker_readable_end(const struct broker *b, uint32_t part)
{
    return b->env->st->isolation == READ_COMMITTED ? last_stable_offset(b, part)
                                              : b->parts[part].len;
}

/* The records of [from, to) as a fetch response carries them. */
static uint32_t records_body(struct broker *b, uint32_t part, uint64_t from, uint64_t to)
{
    uint32_t index;
    uint64_t *words = env_body_new(b->env, (uint32_t)(to - from), &index);
    const struct log_entry *log = b->parts[part].log;
    for (uint64_t o = from; o < to; o++)
        words[o - from] = log[o].payment |
                          (log[o].state == ENTRY_ABORTED ? RECORD_ABORTED : 0);
    return index;
}

/* Answers member k's parked fetch if one of the partitions it names has something to
 * read past the position it gives; otherwise leaves it parked. */
static void answer_fetch(struct broker *b, uint32_t k)
{
    struct parked_fetch *f = &b->parked[k];
    if (!f->parked)
        return;
    uint32_t n;
    const uint64_t *want = env_body(b->env, f->body, &n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t part = FETCH_PART(want[i]);
        uint64_t from = FETCH_POSITION(want[i]), end = broker_readable_end(b, part);
        if (from >= end)
            continue;
        uint64_t to = end - from > b->env->pm->consumer_max_poll_records
                          ? from + b->env->pm->consumer_max_poll_records : end;
        f->parked = false;
        struct event fetch = { .node = NODE_BROKER, .from = NODE_CONSUMER(k), .payment = part,
                               .id = f->request, .incarnation = f->incarnation };
        link_reply(b->env, &fetch, MSG_RECORDS, from, records_body(b, part, from, to));
        return;
    }
}

/* New readable records: answer the fetches that name the partition. */
static void wake(struct broker *b, uint32_t part)
{
    for (uint32_t k = 0; k < b->env->sc->consumers; k++) {
        const struct parked_fetch *f = &b->parked[k];
        if (!f->parked)
            continue;
        uint32_t n;
        const uint64_t *want = env_body(b->env, f->body, &n);
        for (uint32_t i = 0; i < n; i++)
            if (FETCH_PART(want[i]) == part) {
                answer_fetch(b, k); /* may store a body: `want` is stale after it */
                break;
            }
    }
}

/* Idempotence: decides whether a produce (pid, epoch, seq) is new, a duplicate of one
 * of the last five batches, out of order, or from a fenced epoch. A producer id new to
 * the partition, like a new epoch, starts at sequence 0 (Kafka takes any sequence
 * there, but its requests on one connection arrive in order; links here may reorder
 * them); one the broker has forgotten after producer.id.expiration starts afresh at
 * whatever sequence it sends. */
static enum ack_status check_sequence(struct broker *b, struct partition *p, uint32_t pid,
                                      uint16_t epoch, int32_t seq, uint64_t *offset,
                                      struct seq_window **win)
{
    struct seq_window *s = NULL;
    for (uint32_t i = 0; i < p->nwindows; i++)
        if (p->windows[i].pid == pid)
            s = &p->windows[i];
    /* Forgotten after expiration: the same epoch goes on from whatever it sends; an
     * older one is still fenced, a newer one starts at 0 (below). */
    if (s && epoch == s->epoch &&
        b->env->eng.now - s->last_used >= b->env->pm->broker_producer_id_expiration)
        *s = (struct seq_window){ .pid = pid, .epoch = epoch, .last_seq = seq - 1 };
    if (!s) { /* new here: its records start at sequence 0 */
        if (p->nwindows == p->windows_cap) {
            p->windows_cap = p->windows_cap ? p->windows_cap * 2 : 4;
            p->windows = sim_realloc(p->windows, p->windows_cap, sizeof *p->windows);
        }
        s = &p->windows[p->nwindows++];
        *s = (struct seq_window){ .pid = pid, .epoch = epoch, .last_seq = -1 };
    }
    s->last_used = b->env->eng.now;
    *win = s;
    if (epoch < s->epoch)
        return ACK_FENCED;
    if (epoch > s->epoch)
        *s = (struct seq_window){ .pid = pid, .epoch = epoch, .last_seq = -1 };
    for (uint32_t i = 0; i < s->nbatches; i++)
        if (s->batch_seq[i] == seq) {
            *offset = s->batch_offset[i];
            return ACK_DUPLICATE;
        }
    return seq == s->last_seq + 1 ? ACK_OK : ACK_OUT_OF_ORDER;
}

/* A batch of sequence numbers seq .. last, appended from offset on. */
static void remember_batch(struct seq_window *s, int32_t seq, int32_t last, uint64_t offset)
{
    if (s->nbatches == SEQUENCE_WINDOW) {
        memmove(s->batch_seq, s->batch_seq + 1, sizeof s->batch_seq[0] * (SEQUENCE_WINDOW - 1));
        memmove(s->batch_offset, s->batch_offset + 1,
                sizeof s->batch_offset[0] * (SEQUENCE_WINDOW - 1));
        s->nbatches--;
    }
    s->batch_seq[s->nbatches] = seq;
    s->batch_offset[s->nbatches++] = offset;
    s->last_seq = last;
}

/* Where a transactional record goes. With the defence on (Kafka 4), the producer's
 * epoch is bumped at the end of every transaction, so a record from an earlier
 * transaction carries an old epoch and is fenced. Without it (before KIP-890), the
 * broker knows only (producer id, epoch): a late record joins whatever transaction is
 * ongoing, and one that arrives when none is becomes a hanging transaction, since no
 * marker will ever close it. A record with a transaction number the coordinator has
 * not seen starts that transaction (AddPartitionsToTxn, folded into the produce). */
static enum ack_status open_transaction(struct broker *b, uint32_t pid, uint16_t epoch,
                                        uint32_t txn_no, struct txn_coordinator_entry **tp)
{
    struct txn_coordinator_entry *t = *tp = txn_by_pid(b, pid);
    if (!t || epoch != t->epoch)
        return ACK_FENCED;
    if (t->state != TXN_ONGOING && txn_no <= t->txn_no) {
        *tp = NULL; /* late: no transaction of its own is ongoing */
        return b->env->pm->broker_transaction_defense ? ACK_FENCED : ACK_OK;
    }
    if (t->state != TXN_ONGOING) {
        t->state = TXN_ONGOING;
        t->end_bumped = false;
        t->txn_no = txn_no;
        t->started = b->env->eng.now;
        for (uint32_t i = 0; i < b->nparts; i++)
            t->first[i] = NO_OFFSET;
        for (uint32_t i = 0; i < b->env->sc->partitions; i++)
            t->offsets[i] = NO_OFFSET;
        t->timeout = env_timer(b->env, NODE_BROKER, TIMER_TXN_TIMEOUT,
                               b->env->pm->broker_transaction_timeout,
                               (uint32_t)(t - b->txns), txn_no, 0, false);
    }
    return ACK_OK;
}

static enum ack_status join_transaction(struct broker *b, uint32_t pid, uint16_t epoch,
                                        uint32_t txn_no, uint32_t part, uint64_t offset,
                                        uint8_t *state)
{
    struct txn_coordinator_entry *t;
    enum ack_status status = open_transaction(b, pid, epoch, txn_no, &t);
    *state = ENTRY_OPEN;
    if (status != ACK_OK)
        return status;
    if (!t) {
        struct partition *p = &b->parts[part];
        if (offset < p->hanging_first)
            p->hanging_first = offset;
    } else if (t->first[part] == NO_OFFSET) {
        t->first[part] = offset;
    }
    return ACK_OK;
}

/* A consume-transform-produce worker's outputs, produced as one record batch when its
 * transaction commits (its client lingers until commitTransaction): the payment field
 * carries the input partition, the id field the batch's index in the output store,
 * whose n records take the sequence numbers from the one in y on. */
static void on_output_batch(struct broker *b, const struct event *ev)
{
    uint32_t part = b->env->sc->partitions + ev->payment, n;
    const uint64_t *payments = env_body(b->env, ev->id, &n);
    uint32_t pid = (uint32_t)(ev->x >> 16), txn_no = (uint32_t)(ev->y >> 32);
    int32_t seq = (int32_t)(uint32_t)ev->y;
    struct partition *p = &b->parts[part];
    uint64_t offset = p->len;
    struct seq_window *win;
    uint8_t state;
    enum ack_status status = check_sequence(b, p, pid, (uint16_t)ev->x, seq, &offset, &win);
    if (status == ACK_OK)
        status = join_transaction(b, pid, (uint16_t)ev->x, txn_no, part, offset, &state);
    if (status == ACK_OK) {
        for (uint32_t i = 0; i < n; i++)
            append(b, part, (uint32_t)payments[i], pid, txn_no, state);
        remember_batch(win, seq, seq + (int32_t)n - 1, offset);
    }
    link_reply(b->env, ev, MSG_ACK, offset, (uint64_t)txn_no << 8 | status);
}

/* AddPartitionsToTxn from a worker: puts its output partition (the payment field names
 * the input partition it mirrors) in the transaction numbered y, starting it (and its
 * timeout) if it is new. The answer is an enum ack_status. */
static void on_add_partitions(struct broker *b, const struct event *ev)
{
    uint32_t part = b->env->sc->partitions + ev->payment;
    struct txn_coordinator_entry *t;
    enum ack_status status = open_transaction(b, (uint32_t)(ev->x >> 16), (uint16_t)ev->x,
                                              (uint32_t)ev->y, &t);
    /* !t: late, defence off: the transaction is someone else's, nobody tells the client */
    if (status == ACK_OK && t && t->first[part] == NO_OFFSET)
        t->first[part] = b->parts[part].len;
    link_reply(b->env, ev, MSG_ADD_PARTITIONS_ACK, 0, status);
}

/* Produce: one record of the payments topic, or a worker's batch for the output topic. */
static void on_produce(struct broker *b, const struct event *ev)
{
    if (ev->from >= NODE_CONSUMER_1) {
        on_output_batch(b, ev);
        return;
    }
    uint32_t payment = ev->payment, part = scenario_partition_of(b->env->sc, payment);
    uint32_t pid = (uint32_t)(ev->x >> 16), txn_no = (uint32_t)(ev->y >> 32);
    int32_t seq = (int32_t)(uint32_t)ev->y;
    uint16_t epoch = (uint16_t)ev->x;
    struct partition *p = &b->parts[part];
    /* Resumed after a pause at `append` (stage 1), the record is the log's last: a paused
     * broker appended nothing since. */
    uint64_t offset = ev->stage == 0 ? p->len : p->len - 1;
    enum ack_status status = ACK_OK;
    if (ev->stage == 0) {
        struct seq_window *win = NULL;
        if (pid)
            status = check_sequence(b, p, pid, epoch, seq, &offset, &win);
        uint8_t state = ENTRY_PLAIN;
        if (status == ACK_OK && txn_no)
            status = join_transaction(b, pid, epoch, txn_no, part, offset, &state);
        if (status == ACK_OK) {
            append(b, part, payment, pid, txn_no, state);
            if (win)
                remember_batch(win, seq, seq, offset);
            wake(b, part);
            if (!env_point(b->env, NODE_BROKER, POINT_APPEND, payment, ev, 1))
                return;
        }
    }
    link_reply(b->env, ev, MSG_ACK, offset, (uint64_t)txn_no << 8 | status);
    env_point(b->env, NODE_BROKER, POINT_ACK_SENT, payment, NULL, 0);
}

/* Writes the transaction's markers: every open record of its producer id becomes
 * committed or aborted, and consumer offsets sent to it are committed or dropped. */
static void write_markers(struct broker *b, struct txn_coordinator_entry *t, uint8_t outcome)
{
    uint32_t inputs = b->env->sc->partitions;
    for (uint32_t part = 0; part < b->nparts; part++) {
        if (t->first[part] == NO_OFFSET)
            continue;
        struct partition *p = &b->parts[part];
        for (uint64_t o = t->first[part]; o < p->len; o++) {
            struct log_entry *e = &p->log[o];
            if (e->pid != t->pid || e->state != ENTRY_OPEN)
                continue;
            e->state = outcome;
            if (outcome == ENTRY_ABORTED && part < inputs)
                counts_bump(&b->env->tally.log_aborted, e->payment);
            if (outcome == ENTRY_COMMITTED && part >= inputs)
                counts_bump(&b->env->tally.output_copies, e->payment);
        }
        t->first[part] = NO_OFFSET;
    }
    for (uint32_t part = 0; part < inputs; part++) {
        if (t->offsets[part] != NO_OFFSET && outcome == ENTRY_COMMITTED) {
            b->parts[part].committed = t->offsets[part];
            b->parts[part].has_committed = true;
        }
        t->offsets[part] = NO_OFFSET;
    }
    t->state = outcome == ENTRY_COMMITTED ? TXN_COMPLETE_COMMIT : TXN_COMPLETE_ABORT;
    engine_cancel(&b->env->eng, t->timeout);
    for (uint32_t part = 0; part < b->env->sc->partitions; part++)
        wake(b, part);
}

static void abort_transaction(struct broker *b, struct txn_coordinator_entry *t)
{
    t->state = TXN_PREPARE_ABORT;
    write_markers(b, t, ENTRY_ABORTED);
}

/* EndTxn. With the defence on, completing a transaction bumps the epoch (the answer
 * carries the producer id and epoch the bump made: a new id when the epochs ran out),
 * so a late or repeated EndTxn of an earlier transaction is recognised; without it, an
 * EndTxn ends whatever transaction of its producer id is ongoing, even one begun after
 * it was sent (KAFKA-17754). One that arrives while the transaction is being completed
 * gets no answer (Kafka answers CONCURRENT_TRANSACTIONS): the client asks again. */
static void on_end_txn(struct broker *b, const struct event *ev)
{
    uint32_t pid = (uint32_t)(ev->x >> 16);
    uint16_t epoch = (uint16_t)ev->x;
    struct txn_coordinator_entry *t = txn_of_end(b, pid);
    bool defense = b->env->pm->broker_transaction_defense, commit = ev->y != 0;
    enum ack_status status = ACK_OK;
    switch (ev->stage) {
    case 0:
        if (t && defense && end_txn_retry(t, pid, epoch, ev->id)) {
            pid = t->pid; /* answered as the first time */
            epoch = t->epoch;
            break;
        }
        if (!t || t->pid != pid || t->epoch != epoch) {
            status = ACK_FENCED;
            break;
        }
        if (t->state == TXN_PREPARE_COMMIT || t->state == TXN_PREPARE_ABORT)
            return;
        if (t->state != TXN_ONGOING) {
            status = t->state == TXN_COMPLETE_ABORT && commit && ev->id == t->txn_no
                         ? ACK_ABORTED : ACK_OK;
            break;
        }
        t->state = commit ? TXN_PREPARE_COMMIT : TXN_PREPARE_ABORT;
        if (!env_point(b->env, NODE_BROKER, POINT_TXN_COMMIT, UINT32_MAX, ev, 1))
            return;
        /* fall through */
    case 1:
        if (t->state != TXN_PREPARE_COMMIT && t->state != TXN_PREPARE_ABORT) {
            /* while it was paused, a new instance ended it (and fenced this one) */
            status = t->pid == pid && t->epoch == epoch ? ACK_OK : ACK_FENCED;
            break;
        }
        write_markers(b, t, t->state == TXN_PREPARE_COMMIT ? ENTRY_COMMITTED : ENTRY_ABORTED);
        if (defense)
            bump_epoch(b, t, true);
        if (!env_point(b->env, NODE_BROKER, POINT_MARKER, UINT32_MAX, ev, 2))
            return;
        /* fall through */
    default: /* completed by this EndTxn, whatever bumped the epoch since */
        if (defense)
            bumped(&pid, &epoch, t);
        break;
    }
    link_reply(b->env, ev, MSG_END_TXN_ACK, pid, (uint64_t)epoch << 8 | status);
}

/* InitProducerId: a producer without a transactional id gets a fresh id; one with a
 * transactional id gets its id with the epoch bumped, which fences the previous
 * instance and aborts the transaction it left open. */
void broker_init_producer(struct broker *b, uint32_t transactional_id, uint32_t *pid,
                          uint16_t *epoch)
{
    if (transactional_id == 0) {
        *pid = b->next_pid++;
        *epoch = 0;
        return;
    }
    for (uint32_t i = 0; i < b->ntxns; i++) {
        struct txn_coordinator_entry *t = &b->txns[i];
        if (t->transactional_id != transactional_id)
            continue;
        if (t->state == TXN_ONGOING) /* the fenced instance's transaction is aborted */
            abort_transaction(b, t);
        else if (t->state == TXN_PREPARE_COMMIT || t->state == TXN_PREPARE_ABORT)
            write_markers(b, t, t->state == TXN_PREPARE_COMMIT ? ENTRY_COMMITTED
                                                               : ENTRY_ABORTED);
        bump_epoch(b, t, false);
        *pid = t->pid;
        *epoch = t->epoch;
        return;
    }
    if (b->ntxns == b->txns_cap) {
        b->txns_cap = b->txns_cap ? b->txns_cap * 2 : 4;
        b->txns = sim_realloc(b->txns, b->txns_cap, sizeof *b->txns);
    }
    struct txn_coordinator_entry *t = &b->txns[b->ntxns++];
    memset(t, 0, sizeof *t);
    t->transactional_id = transactional_id;
    t->pid = *pid = b->next_pid++;
    *epoch = 0;
}

static void on_txn_timeout(struct broker *b, const struct event *ev)
{
    struct txn_coordinator_entry *t = &b->txns[ev->payment];
    if (t->state != TXN_ONGOING || t->txn_no != ev->id)
        return;
    abort_transaction(b, t);
    bump_epoch(b, t, false); /* the timed-out producer is fenced */
}

/* Offsets a transaction has taken but not yet committed or aborted. */
static bool offsets_pending(const struct broker *b, uint32_t part)
{
    for (uint32_t i = 0; i < b->ntxns; i++) {
        const struct txn_coordinator_entry *t = &b->txns[i];
        if (t->state >= TXN_ONGOING && t->state <= TXN_PREPARE_ABORT &&
            t->offsets[part] != NO_OFFSET)
            return true;
    }
    return false;
}

/* OffsetFetch. A fetch that requires stable offsets (x = 1, KIP-447) is answered
 * "unstable" (y = 1) while a transaction holds offsets for the partition, so a new owner
 * does not start from an offset a transaction is about to move. */
static void on_offset_fetch(struct broker *b, const struct event *ev)
{
    const struct partition *p = &b->parts[ev->payment];
    if (ev->x && offsets_pending(b, ev->payment)) {
        link_reply(b->env, ev, MSG_OFFSETS, 0, 1);
        return;
    }
    uint64_t offset = group_has_committed(b, ev->payment) ? p->committed
                      : b->env->pm->consumer_auto_offset_reset == RESET_LATEST ? p->len : 0;
    link_reply(b->env, ev, MSG_OFFSETS, offset, 0);
}

/* TxnOffsetCommit (with AddOffsetsToTxn folded in): the consumer's offset joins its
 * transaction and is committed by the commit marker. The payment field carries the
 * partition and, above its low byte, the member's generation: with the group's metadata
 * (KIP-447) the coordinator refuses a member the group has moved past; generation 0
 * (an older client) is checked by the producer epoch alone. */
static void on_txn_offsets(struct broker *b, const struct event *ev)
{
    uint32_t part = ev->payment & 0xff, generation = ev->payment >> 8;
    enum ack_status status = ACK_ILLEGAL_GENERATION;
    if (generation == 0 || group_current(b, ev->from - NODE_CONSUMER_1, generation)) {
        struct txn_coordinator_entry *t;
        status = open_transaction(b, (uint32_t)(ev->x >> 16), (uint16_t)ev->x,
                                  (uint32_t)(ev->y >> 32), &t);
        if (status == ACK_OK && t)
            t->offsets[part] = (uint32_t)ev->y;
    }
    link_reply(b->env, ev, MSG_COMMIT_ACK, (uint32_t)ev->y, status);
}

/* InitProducerId: x carries the transactional id (0: none); the answer the new producer
 * id and epoch. */
static void on_init_pid(struct broker *b, const struct event *ev)
{
    uint32_t pid;
    uint16_t epoch;
    broker_init_producer(b, (uint32_t)ev->x, &pid, &epoch);
    link_reply(b->env, ev, MSG_PID, pid, epoch);
}

static void on_fetch(struct broker *b, const struct event *ev)
{
    uint32_t k = ev->from - NODE_CONSUMER_1;
    b->parked[k] = (struct parked_fetch){ true, ev->id, ev->incarnation, (uint32_t)ev->y };
    group_on_fetch(b, k);
    answer_fetch(b, k);
}

void broker_on_event(struct broker *b, const struct event *ev)
{
    switch (ev->kind) {
    case MSG_PRODUCE: on_produce(b, ev); break;
    case MSG_END_TXN: on_end_txn(b, ev); break;
    case MSG_OFFSET_FETCH: on_offset_fetch(b, ev); break;
    case MSG_TXN_OFFSETS: on_txn_offsets(b, ev); break;
    case MSG_INIT_PID: on_init_pid(b, ev); break;
    case MSG_ADD_PARTITIONS: on_add_partitions(b, ev); break;
    case MSG_FETCH: on_fetch(b, ev); break;
    case MSG_COMMIT:
    case MSG_JOIN:
    case MSG_HEARTBEAT:
    case TIMER_SESSIONS: group_on_event(b, ev); break;
    case TIMER_TXN_TIMEOUT: on_txn_timeout(b, ev); break;
    default: SIM_PANIC("broker got kind %u", ev->kind);
    }
}

void broker_crash(struct broker *b)
{
    memset(b->parked, 0, sizeof b->parked);
}

/* A coordinator that had decided to commit or abort before it crashed finishes; the
 * timers that died with the old process (transaction timeouts, session checks) are
 * armed again. */
void broker_restart(struct broker *b)
{
    group_restart(b);
    for (uint32_t i = 0; i < b->ntxns; i++) {
        struct txn_coordinator_entry *t = &b->txns[i];
        if (t->state == TXN_ONGOING) {
            sim_time due = t->started + b->env->pm->broker_transaction_timeout;
            t->timeout = env_timer(b->env, NODE_BROKER, TIMER_TXN_TIMEOUT,
                                   due > b->env->eng.now ? due - b->env->eng.now : 0, i,
                                   t->txn_no, 0,
                                   false);
        }
        if (t->state != TXN_PREPARE_COMMIT && t->state != TXN_PREPARE_ABORT)
            continue;
        write_markers(b, t, t->state == TXN_PREPARE_COMMIT ? ENTRY_COMMITTED : ENTRY_ABORTED);
        if (b->env->pm->broker_transaction_defense)
            bump_epoch(b, t, true);
    }
}

void broker_reset_offsets(struct broker *b, const struct fault *f)
{
    for (uint32_t part = 0; part < b->env->sc->partitions; part++) {
        struct partition *p = &b->parts[part];
        int64_t target = f->reset_mode == RESET_TO_EARLIEST ? 0
                         : f->reset_mode == RESET_TO_LATEST ? (int64_t)p->len
                         : (int64_t)p->committed + f->shift;
        p->committed = target < 0 ? 0 : (uint64_t)target > p->len ? p->len : (uint64_t)target;
        p->has_committed = true;
    }
}
