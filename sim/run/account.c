/* account.c: the end of a run: folds the tally's counters and the final state of every
 * node (the logs, what each member had read, what the producer still held) into the
 * run's result, naming the payments behind each anomaly. */
#include "run/account.h"

#include <stdlib.h>
#include <string.h>

#include "base/check.h"

static void sample(const struct world *w, struct run_result *r, enum anomaly kind,
                   uint32_t payment)
{
    if (payment >= w->env.sample_from)
        anomaly_note(&r->anomalies[kind], payment);
}

/* One more of an anomaly: its count, and the payment it touched. */
static void found(const struct world *w, struct run_result *r, uint64_t *count,
                  enum anomaly kind, uint32_t payment)
{
    (*count)++;
    sample(w, r, kind, payment);
}

uint64_t account_cursor(const struct world *w, uint32_t part)
{
    uint8_t k = group_owner(&w->broker, part);
    uint64_t cursor;
    if (k != NO_MEMBER && w->env.nodes[NODE_CONSUMER(k)].up &&
        consumer_cursor(&w->consumers[k], part, &cursor))
        return cursor;
    if (w->env.st->commit == COMMIT_WITH_LEDGER)
        return w->ledger.has_offset[part] ? w->ledger.offset[part] : 0;
    return group_has_committed(&w->broker, part) ? w->broker.parts[part].committed : 0;
}

static bool awaits_charge(const struct world *w, uint32_t payment)
{
    for (uint32_t k = 0; k < w->env.sc->consumers; k++)
        if (w->env.nodes[NODE_CONSUMER(k)].up && consumer_awaits_charge(&w->consumers[k], payment))
            return true;
    return false;
}

/* Marks the payments that could still be charged if the run went on: held by the
 * producer, awaited from the gateway, or in the log where a consumer has yet to read. */
static uint8_t *alive_payments(const struct world *w)
{
    uint32_t n = w->env.tally.payments;
    uint8_t *alive = sim_alloc(n, 1);
    for (uint32_t i = 0; i < n; i++)
        alive[i] = producer_holds(&w->producer, i) || awaits_charge(w, i);
    for (uint32_t part = 0; part < w->env.sc->partitions; part++) {
        const struct partition *p = &w->broker.parts[part];
        for (uint64_t o = account_cursor(w, part); o < p->len; o++)
            if (p->log[o].state != ENTRY_ABORTED)
                alive[p->log[o].payment] = 1;
    }
    return alive;
}

/* Anomalies read off the final log: duplicates the log kept, aborted records some
 * consumer read, readable records below the group's position that nobody read,
 * records still open when the run stopped at quiescence (a hanging transaction), and
 * payments the producer was told were written that have no readable copy. */
static void log_anomalies(const struct world *w, bool stopped_early, struct run_result *r)
{
    uint32_t n = w->env.tally.payments;
    uint32_t *readable = sim_alloc(n, sizeof *readable); /* copies: one may pass 255 */
    for (uint32_t part = 0; part < w->env.sc->partitions; part++) {
        const struct partition *p = &w->broker.parts[part];
        uint64_t cursor = account_cursor(w, part);
        for (uint64_t o = 0; o < p->len; o++) {
            const struct log_entry *e = &p->log[o];
            bool aborted = e->state == ENTRY_ABORTED, open = e->state == ENTRY_OPEN;
            /* branches rather than sums: anomalies are rare, and each names its payment */
            if (aborted && tally_was_delivered(&w->env.tally, part, o))
                found(w, r, &r->aborted_reads, ANOMALY_ABORTED_READ, e->payment);
            if (open && !stopped_early)
                found(w, r, &r->hanging, ANOMALY_HANGING_TXN, e->payment);
            if (!aborted && !open && !tally_was_delivered(&w->env.tally, part, o) && o < cursor)
                found(w, r, &r->skipped_offsets, ANOMALY_SKIPPED_OFFSET, e->payment);
            if (!aborted && !open && readable[e->payment]++ > 0)
                found(w, r, &r->duplicates_in_log, ANOMALY_DUPLICATE_IN_LOG, e->payment);
        }
    }
    for (uint32_t i = 0; i < n; i++)
        if (w->producer.state[i] == PAY_ACKED && !readable[i])
            found(w, r, &r->lost_writes, ANOMALY_LOST_WRITE, i);
    free(readable);
}

struct txn_record {
    uint32_t pid, txn, payment;
    uint8_t state;
};

static int cmp_txn_record(const void *a, const void *b)
{
    const struct txn_record *x = a, *y = b;
    if (x->pid != y->pid)
        return (x->pid > y->pid) - (x->pid < y->pid);
    return (x->txn > y->txn) - (x->txn < y->txn);
}

/* A torn transaction: one producer transaction some of whose records ended committed
 * and others aborted or hanging (an EndTxn that ended the wrong transaction does it). It
 * touched every payment it holds, whichever way each record ended. */
static void torn_transactions(const struct world *w, struct run_result *r)
{
    uint64_t n = 0;
    for (uint32_t part = 0; part < w->env.sc->partitions; part++)
        n += w->broker.parts[part].len;
    struct txn_record *recs = sim_alloc(n, sizeof *recs);
    n = 0;
    for (uint32_t part = 0; part < w->env.sc->partitions; part++) {
        const struct partition *p = &w->broker.parts[part];
        for (uint64_t o = 0; o < p->len; o++)
            if (p->log[o].txn)
                recs[n++] = (struct txn_record){ p->log[o].pid, p->log[o].txn,
                                                 p->log[o].payment, p->log[o].state };
    }
    qsort(recs, n, sizeof *recs, cmp_txn_record);
    for (uint64_t i = 0, j; i < n; i = j) {
        bool committed = false, not_committed = false;
        for (j = i; j < n && cmp_txn_record(&recs[i], &recs[j]) == 0; j++) {
            committed |= recs[j].state == ENTRY_COMMITTED;
            not_committed |= recs[j].state != ENTRY_COMMITTED;
        }
        if (!committed || !not_committed)
            continue;
        r->torn_transactions++;
        for (uint64_t k = i; k < j; k++)
            sample(w, r, ANOMALY_TORN_TXN, recs[k].payment);
    }
    free(recs);
}

/* The latency of a charged payment: intent to first charge. */
static bool latency_of(const struct tally *t, const struct env *e, uint32_t i, sim_time *v)
{
    if (counts_get(&t->charges, i) == 0)
        return false;
    *v = t->first_charge[i] - env_payment_time(e, i);
    return true;
}

/* The k[0]-th and k[1]-th smallest latencies (from 0) of the charged payments, exact, by
 * a radix selection over their bits, 8 at a time from the highest that max holds: each
 * pass counts, among the latencies that share the digits chosen so far, how many have
 * each next digit. No copy of the latencies, no sort. */
static void select_latencies(const struct tally *t, const struct env *e, sim_time max,
                             const uint64_t k[2], sim_time out[2])
{
    int top = 0;
    while (top < 56 && max >> (top + 8))
        top += 8;
    uint64_t rank[2] = { k[0], k[1] };
    sim_time prefix[2] = { 0, 0 }, mask = top == 56 ? 0 : ~((UINT64_C(1) << (top + 8)) - 1);
    for (int shift = top; shift >= 0; shift -= 8) {
        uint64_t count[2][256];
        memset(count, 0, sizeof count);
        for (uint32_t i = 0; i < t->payments; i++) {
            sim_time v;
            if (!latency_of(t, e, i, &v))
                continue;
            for (int j = 0; j < 2; j++)
                if ((v & mask) == prefix[j])
                    count[j][(v >> shift) & 255]++;
        }
        for (int j = 0; j < 2; j++) {
            uint32_t d = 0;
            while (rank[j] >= count[j][d])
                rank[j] -= count[j][d++];
            prefix[j] |= (sim_time)d << shift;
        }
        mask |= (sim_time)255 << shift;
    }
    out[0] = prefix[0];
    out[1] = prefix[1];
}

/* Nearest-rank percentile's index (from 0) among n values. */
static uint64_t percentile_rank(uint64_t n, unsigned pct)
{
    uint64_t rank = (n * pct + 99) / 100;
    return rank ? rank - 1 : 0;
}

void account_result(const struct world *w, bool stopped_early, struct run_result *r)
{
    const struct tally *t = &w->env.tally;
    const struct scenario *sc = w->env.sc;
    memset(r, 0, sizeof *r);
    r->seed = w->env.seed;
    r->payments = t->payments;
    uint8_t *alive = stopped_early ? alive_payments(w) : NULL;
    uint64_t nlat = 0;
    sim_time max = 0;
    for (uint32_t i = 0; i < t->payments; i++) {
        uint64_t amount = scenario_amount(sc, w->env.seed, i);
        uint32_t c = counts_get(&t->charges, i);
        r->amount_intended += amount;
        r->amount_charged += amount * c;
        /* what records the effect: ledger rows, or output records (in-transaction) */
        uint32_t o = counts_get(&t->output_copies, i);
        uint32_t rows = counts_get(&t->ledger_rows, i), records = rows + o;
        r->amount_ledger += amount * records;
        uint32_t m = scenario_merchant(sc, i);
        r->merchant_intended[m] += amount;
        r->merchant_charged[m] += amount * c;
        r->merchant_ledger[m] += amount * records;
        r->disagreements += records != c;
        r->log_copies += counts_get(&t->log_copies, i);
        r->log_aborted += counts_get(&t->log_aborted, i);
        r->deliveries += counts_get(&t->deliveries, i);
        r->ledger_rows += rows;
        r->charges += c;
        r->output_copies += o;
        r->output_duplicates += o > 1 ? o - 1 : 0;
        r->gave_up += t->gave_up[i] != GAVE_UP_NOT;
        if (c > 1) {
            r->duplicated += c - 1;
            r->amount_duplicated += amount * (c - 1);
            sample(w, r, ANOMALY_DUPLICATED, i);
        }
        if (c == 0 && alive && alive[i]) {
            r->pending++;
        } else if (c == 0) {
            found(w, r, &r->lost, ANOMALY_LOST, i);
            r->amount_lost += amount;
            r->lost_definite += t->gave_up[i] == GAVE_UP_DEFINITE;
            r->lost_indefinite += t->gave_up[i] == GAVE_UP_INDEFINITE;
        } else {
            sim_time v = 0;
            latency_of(t, &w->env, i, &v);
            max = v > max ? v : max;
            nlat++;
        }
    }
    if (nlat) {
        const uint64_t k[2] = { percentile_rank(nlat, 50), percentile_rank(nlat, 99) };
        sim_time p[2];
        select_latencies(t, &w->env, max, k, p);
        r->latency_p50 = p[0];
        r->latency_p99 = p[1];
        r->latency_max = max;
    }
    free(alive);
    log_anomalies(w, stopped_early, r);
    if (w->env.st->transactions)
        torn_transactions(w, r);
    r->absorbed = t->absorbed;
    r->messages = t->messages;
    memcpy(r->link_messages, t->link_messages, sizeof r->link_messages);
    r->events = w->env.eng.executed;
    r->end_time = w->env.eng.now;
    r->horizon = stopped_early;
}
