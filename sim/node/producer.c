/* producer.c: the payment service and its Kafka producer (or, with producer.outbox=on,
 * the service writing an outbox table and the relay that publishes it).
 *
 * The workload hands the service a payment intent at a fixed interval; each becomes
 * one record, keyed to a partition by payment id. Without an outbox the service sends
 * it itself (a dual write: a crash before the ack loses it). With an outbox the intent
 * and its outbox row commit together, change data capture hands the row to the relay,
 * and the relay publishes it; the relay persists its position every flush interval and
 * after a crash publishes again everything since that position.
 *
 * The Kafka producer, wherever it runs: with retries, a record whose ack is overdue is
 * sent again (a lost ack therefore leaves two copies unless the producer is
 * idempotent). The idempotent producer numbers records per partition under its
 * (producer id, epoch) and keeps at most max-in-flight unacknowledged per partition; a
 * record the broker refuses as out of order waits for its predecessor. The
 * transactional producer groups queued records into a transaction ended by EndTxn. */
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "node/producer.h"
#include "node/link.h"

#define NO_PAYMENT UINT32_MAX

/* Idempotent producers with retries pipeline at most max-in-flight per partition. */
static bool limited(const struct producer *p)
{
    return p->env->st->idempotence && p->env->st->producer_retries;
}

static uint64_t identity(const struct producer *p)
{
    return (uint64_t)p->pid << 16 | p->epoch;
}

static void fifo_push(struct producer *p, struct pay_fifo *q, uint32_t payment)
{
    p->next[payment] = NO_PAYMENT;
    if (q->head == NO_PAYMENT)
        q->head = payment;
    else
        p->next[q->tail] = payment;
    q->tail = payment;
}

/* Puts the whole of `front` before q's first record. */
static void fifo_prepend(struct producer *p, struct pay_fifo *q, struct pay_fifo front)
{
    if (front.head == NO_PAYMENT)
        return;
    p->next[front.tail] = q->head;
    if (q->head == NO_PAYMENT)
        q->tail = front.tail;
    q->head = front.head;
}

static uint32_t fifo_pop(struct producer *p, struct pay_fifo *q)
{
    uint32_t payment = q->head;
    if (payment != NO_PAYMENT)
        q->head = p->next[payment];
    return payment;
}

static void flush_timer(struct producer *p)
{
    env_timer(p->env, NODE_RELAY, TIMER_FLUSH, p->env->pm->relay_flush_interval, 0, 0, 0, true);
}

void producer_init(struct producer *p, struct env *e)
{
    uint32_t n = e->sc->payments, parts = e->sc->partitions;
    memset(p, 0, sizeof *p);
    p->env = e;
    rng_seed(&p->rng, e->seed, "node:producer");
    p->node = p->env->st->outbox ? NODE_RELAY : NODE_PRODUCER;
    p->state = sim_alloc(n, 1);
    p->seq = sim_alloc(n, sizeof *p->seq);
    counts_init(&p->attempt, n);
    counts_init(&p->refusals, n);
    p->accepted_at = sim_alloc(n, sizeof *p->accepted_at);
    p->timer = sim_alloc(n, sizeof *p->timer);
    p->next = sim_alloc(n, sizeof *p->next);
    p->queue = sim_alloc(parts, sizeof *p->queue);
    p->flight = sim_alloc((size_t)parts * 5, sizeof *p->flight);
    p->nflight = sim_alloc(parts, sizeof *p->nflight);
    p->next_seq = sim_alloc(parts, sizeof *p->next_seq);
    p->acked_seq = sim_alloc(parts, sizeof *p->acked_seq);
    p->txn_members = sim_alloc(p->env->pm->producer_txn_max_records, sizeof *p->txn_members);
    for (uint32_t part = 0; part < parts; part++) {
        p->queue[part].head = NO_PAYMENT;
        p->acked_seq[part] = -1; /* nothing acknowledged: the next sequence is 0 */
    }
    p->backlog.head = NO_PAYMENT;
    if (p->env->st->transactions && p->env->st->transactional_id == TXN_ID_RANDOM)
        p->transactional_id = 1 + (uint32_t)rng_below(&p->rng, 1u << 30);
    else
        p->transactional_id = 1;
}

void producer_start(struct producer *p)
{
    producer_restart(p, p->node); /* the first start is a restart from nothing */
}

void producer_fini(struct producer *p)
{
    free(p->state);
    free(p->seq);
    counts_fini(&p->attempt);
    counts_fini(&p->refusals);
    free(p->accepted_at);
    free(p->timer);
    free(p->next);
    free(p->queue);
    free(p->flight);
    free(p->nflight);
    free(p->next_seq);
    free(p->acked_seq);
    free(p->txn_members);
}

static void flight_remove(struct producer *p, uint32_t part, uint32_t payment)
{
    uint32_t *slots = &p->flight[part * 5];
    for (uint32_t i = 0; i < p->nflight[part]; i++)
        if (slots[i] == payment) {
            memmove(&slots[i], &slots[i + 1], (p->nflight[part] - i - 1) * sizeof *slots);
            p->nflight[part]--;
            return;
        }
}

/* Puts the record on the wire (again). False if the sender stopped at its point. */
static bool send(struct producer *p, uint32_t payment)
{
    counts_bump(&p->attempt, payment);
    p->state[payment] = p->env->st->producer_retries ? PAY_INFLIGHT : PAY_SENT;
    uint64_t txn = p->env->st->transactions ? p->txn_no : 0;
    link_send(p->env, p->node, NODE_BROKER, MSG_PRODUCE, payment, env_request_id(p->env),
              p->env->st->idempotence ? identity(p) : 0, txn << 32 | (uint32_t)p->seq[payment]);
    if (p->env->st->producer_retries) {
        engine_cancel(&p->env->eng, p->timer[payment]);
        p->timer[payment] = env_timer(p->env, p->node, TIMER_PRODUCE,
                                      p->env->pm->producer_request_timeout, payment,
                                      counts_get(&p->attempt, payment), 0, false);
    }
    struct event resume = { .kind = TIMER_RESEND, .payment = NO_PAYMENT };
    enum point_id point = p->node == NODE_RELAY ? POINT_PUBLISH : POINT_SEND;
    return env_point(p->env, p->node, point, payment, &resume, 0);
}

/* InitProducerId (InitTransactions with a transactional id): nothing is sent until the
 * answer names the producer id and epoch to send under (see on_pid). Asked again, under
 * a new request id, if the answer is overdue: each request the broker takes bumps the
 * epoch, so only the last answer counts. */
static void ask_pid(struct producer *p)
{
    p->pid_request = env_request_id(p->env);
    uint32_t tid = p->env->st->transactions ? p->transactional_id : 0;
    link_send(p->env, p->node, NODE_BROKER, MSG_INIT_PID, 0, p->pid_request, tid, 0);
    engine_cancel(&p->env->eng, p->pid_timer);
    p->pid_timer = env_timer(p->env, p->node, TIMER_INIT_PID,
                             p->env->pm->producer_request_timeout, 0, p->pid_request, 0, false);
}

/* Whether the producer reports this record failed rather than send it again: its
 * attempts or its delivery timeout are used up. A transactional producer aborts and
 * retries the transaction instead (on_timer), and the relay never gives a committed
 * outbox row up. */
static bool out_of_time(const struct producer *p, uint32_t payment)
{
    if (p->env->st->transactions || p->node != NODE_PRODUCER)
        return false;
    const struct params *pm = p->env->pm;
    return (pm->producer_max_attempts && counts_get(&p->attempt, payment) >= pm->producer_max_attempts) ||
           p->env->eng.now - p->accepted_at[payment] >= pm->producer_delivery_timeout;
}

/* The send is reported failed to the service: definitely not written if every attempt
 * was refused (or none was made), else without knowing. */
static void report_failed(struct producer *p, uint32_t payment)
{
    engine_cancel(&p->env->eng, p->timer[payment]);
    p->state[payment] = PAY_GAVE_UP;
    bool definite = counts_get(&p->refusals, payment) == counts_get(&p->attempt, payment);
    p->env->tally.gave_up[payment] = definite ? GAVE_UP_DEFINITE : GAVE_UP_INDEFINITE;
    env_note(p->env, TRACE_GIVE_UP, p->node, payment, 0, definite);
}

/* Sends queued records of a partition while slots are free. A record that waited past
 * its delivery timeout without being sent (for a producer id, or a slot) is reported
 * failed instead, as Kafka expires a batch still in the accumulator. */
static bool pump(struct producer *p, uint32_t part)
{
    const struct node_status *n = &p->env->nodes[p->node];
    if (!n->up || n->paused_until > p->env->eng.now || p->pid_request)
        return false; /* stopped at a point (a restart or the resume sends the queue), or
                         waiting for a producer id (its answer does) */
    uint32_t limit = limited(p) ? p->env->pm->producer_max_in_flight : UINT32_MAX;
    while (p->queue[part].head != NO_PAYMENT && p->nflight[part] < limit) {
        uint32_t payment = fifo_pop(p, &p->queue[part]);
        if (counts_get(&p->attempt, payment) == 0 && out_of_time(p, payment)) {
            report_failed(p, payment);
            continue;
        }
        p->seq[payment] = p->next_seq[part]++;
        if (limited(p))
            p->flight[part * 5 + p->nflight[part]++] = payment;
        if (!send(p, payment))
            return false;
    }
    return true;
}

static void pump_all(struct producer *p)
{
    for (uint32_t part = 0; part < p->env->sc->partitions; part++)
        if (!pump(p, part))
            return;
}

/* Opens a transaction over the backlog's first records and sends them. */
static void begin_transaction(struct producer *p)
{
    if (p->txn_open || p->backlog.head == NO_PAYMENT || p->pid_request)
        return;
    p->txn_open = true;
    p->txn_ending = false;
    p->txn_no++;
    p->txn_started = p->env->eng.now;
    p->txn_len = p->txn_acked = 0;
    while (p->backlog.head != NO_PAYMENT && p->txn_len < p->env->pm->producer_txn_max_records) {
        uint32_t payment = fifo_pop(p, &p->backlog);
        p->txn_members[p->txn_len++] = payment;
        fifo_push(p, &p->queue[scenario_partition_of(p->env->sc, payment)], payment);
    }
    pump_all(p);
}

/* EndTxn: commit once every record is acknowledged, or abort (see on_timer). */
static void end_transaction(struct producer *p, bool commit)
{
    p->txn_ending = true;
    p->txn_commit = commit;
    link_send(p->env, p->node, NODE_BROKER, MSG_END_TXN, 0, p->txn_no, identity(p), commit);
    engine_cancel(&p->env->eng, p->txn_timer);
    p->txn_timer = env_timer(p->env, p->node, TIMER_END_TXN,
                             p->env->pm->producer_request_timeout, 0, p->txn_no, 0, false);
}

/* Forgets queues and flights; sequences restart at 0 (a new epoch) or, when the epoch
 * stays, after the last acknowledged one. */
static void forget_sending_state(struct producer *p, uint32_t partitions, bool new_epoch)
{
    for (uint32_t part = 0; part < partitions; part++) {
        p->queue[part].head = NO_PAYMENT;
        p->nflight[part] = 0;
        if (new_epoch)
            p->acked_seq[part] = -1;
        p->next_seq[part] = p->acked_seq[part] + 1;
    }
}

/* The transaction is over without committing: its records go back to the front of the
 * backlog, for the next transaction. */
static void requeue_transaction(struct producer *p, bool new_epoch)
{
    forget_sending_state(p, p->env->sc->partitions, new_epoch);
    struct pay_fifo again = { NO_PAYMENT, NO_PAYMENT };
    for (uint32_t i = 0; i < p->txn_len; i++) {
        p->state[p->txn_members[i]] = PAY_QUEUED;
        fifo_push(p, &again, p->txn_members[i]);
    }
    fifo_prepend(p, &p->backlog, again);
    p->txn_open = false;
    begin_transaction(p);
}

/* Aborted by the coordinator, or fenced: a fresh epoch, then the records again. */
static void retry_transaction(struct producer *p)
{
    ask_pid(p);
    requeue_transaction(p, true);
}

/* The Kafka producer takes a record to send. */
static void accept(struct producer *p, uint32_t payment)
{
    p->state[payment] = PAY_QUEUED;
    p->accepted_at[payment] = p->env->eng.now;
    if (p->env->st->transactions) {
        fifo_push(p, &p->backlog, payment);
        begin_transaction(p);
    } else {
        uint32_t part = scenario_partition_of(p->env->sc, payment);
        fifo_push(p, &p->queue[part], payment);
        pump(p, part);
    }
}

/* The service has the intent: it sends the record itself, or commits it with its
 * outbox row, which change data capture then hands to the relay. */
static void take_intent(struct producer *p, uint32_t payment)
{
    if (!p->env->st->outbox) {
        accept(p, payment);
        return;
    }
    p->outbox_rows = payment + 1;
    p->state[payment] = PAY_QUEUED;
    env_timer(p->env, NODE_RELAY, TIMER_ROW, 0, payment, 0, 0, false);
}

static void schedule_intent(struct producer *p, uint32_t payment)
{
    if (payment >= p->env->sc->payments)
        return;
    struct event ev = { .type = EV_INTENT, .payment = payment };
    sim_time at = env_payment_time(p->env, payment);
    engine_schedule(&p->env->eng, at > p->env->eng.now ? at : p->env->eng.now, &ev);
}

void producer_on_intent(struct producer *p, uint32_t payment)
{
    const struct node_status *n = &p->env->nodes[NODE_PRODUCER];
    if (!n->up) {
        p->intents_stalled = true; /* the client waits; see producer_restart */
        return;
    }
    if (n->paused_until > p->env->eng.now) {
        struct event ev = { .type = EV_INTENT, .payment = payment };
        engine_schedule(&p->env->eng, n->paused_until, &ev);
        return;
    }
    p->next_intent = payment + 1;
    schedule_intent(p, payment + 1);
    take_intent(p, payment);
}

/* The record is in the log: done, or done once its transaction commits. */
static void complete(struct producer *p, uint32_t payment)
{
    engine_cancel(&p->env->eng, p->timer[payment]);
    if (limited(p))
        flight_remove(p, scenario_partition_of(p->env->sc, payment), payment);
    if (p->env->st->transactions) {
        p->state[payment] = PAY_TXN_ACKED;
        p->txn_acked++;
    } else {
        p->state[payment] = PAY_ACKED;
    }
}

static void on_ack(struct producer *p, const struct event *ev)
{
    uint32_t payment = ev->payment, part = scenario_partition_of(p->env->sc, payment);
    uint8_t st = p->state[payment];
    if ((st != PAY_INFLIGHT && st != PAY_REFUSED) || ev->id < p->life_start)
        return; /* late, duplicated, or meant for a previous life */
    if (p->env->st->transactions && ev->y >> 8 != p->txn_no)
        return;
    uint8_t status = ev->y & 0xff;
    if (status == ACK_OUT_OF_ORDER || status == ACK_FENCED || status == ACK_ABORTED)
        counts_bump(&p->refusals, payment); /* answered: not written */
    switch (status) {
    case ACK_OUT_OF_ORDER:
        p->state[payment] = PAY_REFUSED;
        if (p->flight[part * 5] == payment) /* nothing before it is in flight */
            env_timer(p->env, p->node, TIMER_RESEND, p->env->pm->producer_retry_backoff, payment,
                      counts_get(&p->attempt, payment), 0, false);
        return;
    case ACK_FENCED:
    case ACK_ABORTED:
        if (p->env->st->transactions)
            retry_transaction(p);
        return;
    default:
        break;
    }
    /* The broker appends one producer's records in sequence order, so this ack proves
     * that every record before it in the partition is in the log too, acked or not. */
    while (limited(p) && p->nflight[part] > 0 && p->seq[p->flight[part * 5]] < p->seq[payment])
        complete(p, p->flight[part * 5]);
    complete(p, payment);
    if (p->seq[payment] > p->acked_seq[part])
        p->acked_seq[part] = p->seq[payment];
    if (p->txn_open && !p->txn_ending && p->txn_acked == p->txn_len)
        end_transaction(p, true);
    /* Records refused behind this one may go now. */
    for (uint32_t i = 0; i < p->nflight[part]; i++) {
        uint32_t waiting = p->flight[part * 5 + i];
        if (p->state[waiting] == PAY_REFUSED && !send(p, waiting))
            return;
    }
    struct event resume = { .kind = TIMER_RESEND, .payment = NO_PAYMENT };
    if (env_point(p->env, p->node, POINT_ACK, payment, &resume, 0))
        pump(p, part);
}

static void on_end_txn_ack(struct producer *p, const struct event *ev)
{
    if (!p->txn_open || !p->txn_ending || ev->id != p->txn_no)
        return;
    engine_cancel(&p->env->eng, p->txn_timer);
    if ((ev->y & 0xff) != ACK_OK) {
        retry_transaction(p);
        return;
    }
    bool new_epoch = p->env->pm->broker_transaction_defense;
    if (new_epoch) { /* KIP-890: each transaction ends with a bump */
        p->pid = (uint32_t)ev->x;
        p->epoch = (uint16_t)(ev->y >> 8);
    }
    if (!p->txn_commit) {
        requeue_transaction(p, new_epoch);
        return;
    }
    forget_sending_state(p, p->env->sc->partitions, new_epoch);
    for (uint32_t i = 0; i < p->txn_len; i++)
        p->state[p->txn_members[i]] = PAY_ACKED;
    p->txn_open = false;
    begin_transaction(p);
}

/* Every flush interval the relay persists the position before which every outbox row
 * is acknowledged. */
static void on_flush(struct producer *p)
{
    while (p->flushed < p->outbox_rows && p->state[p->flushed] == PAY_ACKED)
        p->flushed++;
    flush_timer(p);
}


/* A sent record is given up (report_failed). An idempotent producer then bumps its
 * epoch (a new producer id, as KIP-360 does) and numbers what it still has to send from
 * 0, so the gap the lost record leaves does not block the records behind it; those in
 * flight are sent again under the new id and may land twice. */
static void give_up(struct producer *p, uint32_t payment)
{
    report_failed(p, payment);
    if (!limited(p))
        return;
    flight_remove(p, scenario_partition_of(p->env->sc, payment), payment);
    ask_pid(p);
    for (uint32_t part = 0; part < p->env->sc->partitions; part++) {
        struct pay_fifo again = { NO_PAYMENT, NO_PAYMENT };
        for (uint32_t i = 0; i < p->nflight[part]; i++) {
            uint32_t other = p->flight[part * 5 + i];
            engine_cancel(&p->env->eng, p->timer[other]);
            p->state[other] = PAY_QUEUED;
            fifo_push(p, &again, other);
        }
        fifo_prepend(p, &p->queue[part], again); /* back in front, in order */
        p->nflight[part] = 0;
        p->acked_seq[part] = -1;
        p->next_seq[part] = 0;
    }
    pump_all(p);
}

static void on_timer(struct producer *p, const struct event *ev)
{
    switch (ev->kind) {
    case TIMER_PRODUCE:
    case TIMER_RESEND:
        if (ev->payment == NO_PAYMENT) { /* a resume after a pause at send or ack */
            pump_all(p);
            return;
        }
        if ((p->state[ev->payment] != PAY_INFLIGHT && p->state[ev->payment] != PAY_REFUSED) ||
            counts_get(&p->attempt, ev->payment) != ev->id)
            return;
        if (p->env->st->transactions && p->txn_open && !p->txn_ending &&
            p->env->eng.now - p->txn_started >= p->env->pm->producer_delivery_timeout)
            end_transaction(p, false); /* undeliverable in time: abort, retry the lot */
        else if (out_of_time(p, ev->payment))
            give_up(p, ev->payment);
        else
            send(p, ev->payment);
        return;
    case TIMER_END_TXN:
        if (p->txn_open && p->txn_ending && ev->id == p->txn_no)
            end_transaction(p, p->txn_commit);
        return;
    case TIMER_INIT_PID:
        if (ev->id == p->pid_request)
            ask_pid(p);
        return;
    case TIMER_ROW: accept(p, ev->payment); return;
    case TIMER_FLUSH: on_flush(p); return;
    default:
        SIM_PANIC("producer got timer kind %u", ev->kind);
    }
}

/* The producer id and epoch to send under: what waited goes out now. */
static void on_pid(struct producer *p, const struct event *ev)
{
    if (!p->pid_request || ev->id != p->pid_request)
        return;
    engine_cancel(&p->env->eng, p->pid_timer);
    p->pid_request = 0;
    p->pid = (uint32_t)ev->x;
    p->epoch = (uint16_t)ev->y;
    if (p->env->st->transactions)
        begin_transaction(p);
    else
        pump_all(p);
}

void producer_on_event(struct producer *p, const struct event *ev)
{
    if (ev->type == EV_MSG && ev->kind == MSG_PID)
        on_pid(p, ev);
    else if (ev->type == EV_MSG && ev->kind == MSG_ACK)
        on_ack(p, ev);
    else if (ev->type == EV_MSG && ev->kind == MSG_END_TXN_ACK)
        on_end_txn_ack(p, ev);
    else if (ev->type == EV_TIMER || ev->type == EV_RESUME)
        on_timer(p, ev);
}

/* The Kafka producer's memory is gone. Without an outbox the records it held are lost;
 * with one they wait in the outbox table for the relay's restart. The service itself
 * holds nothing once its outbox rows are committed. */
void producer_crash(struct producer *p, uint8_t node)
{
    if (node != p->node)
        return;
    uint8_t fate = p->env->st->outbox ? PAY_QUEUED : PAY_DROPPED;
    uint32_t last = p->env->st->outbox ? p->outbox_rows : p->next_intent;
    for (uint32_t i = 0; i < last; i++)
        if (p->state[i] == PAY_QUEUED || p->state[i] == PAY_INFLIGHT ||
            p->state[i] == PAY_REFUSED || p->state[i] == PAY_TXN_ACKED)
            p->state[i] = fate;
    forget_sending_state(p, p->env->sc->partitions, true);
    p->backlog.head = NO_PAYMENT;
    p->txn_open = false;
    p->pid_request = 0;
}

/* A (re)started Kafka producer gets a new producer id, or with a stable transactional
 * id a new epoch of the same one; a relay publishes again from its flushed position.
 * A restarted service takes the intents that waited while it was down. */
void producer_restart(struct producer *p, uint8_t node)
{
    if (node == p->node) {
        p->life_start = p->env->next_request + 1;
        if (p->env->st->transactions && p->env->st->transactional_id == TXN_ID_RANDOM && p->pid)
            p->transactional_id = 1 + (uint32_t)rng_below(&p->rng, 1u << 30);
        if (p->env->st->idempotence)
            ask_pid(p);
        if (p->env->st->outbox)
            flush_timer(p);
        for (uint32_t i = p->flushed; p->env->st->outbox && i < p->outbox_rows; i++)
            if (p->env->nodes[p->node].up) /* it may crash again at `publish` */
                accept(p, i);
    }
    if (node != NODE_PRODUCER || !p->intents_stalled)
        return;
    /* The intents that waited come one event each, at once and in order, so a crash or
     * a pause among them stops the rest as it would stop new ones. */
    p->intents_stalled = false;
    schedule_intent(p, p->next_intent);
}

bool producer_holds(const struct producer *p, uint32_t payment)
{
    uint8_t st = p->state[payment];
    if (st == PAY_UNBORN)
        return p->env->nodes[NODE_PRODUCER].up || p->env->nodes[NODE_PRODUCER].restarting;
    bool alive = p->env->nodes[p->node].up || p->env->nodes[p->node].restarting;
    return alive && (st == PAY_QUEUED || st == PAY_INFLIGHT || st == PAY_REFUSED ||
                     st == PAY_TXN_ACKED);
}
