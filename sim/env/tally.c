/* tally.c: the counters nodes record into as a run goes (run/account.c folds them). */
#include "env/tally.h"

#include <stdlib.h>
#include <string.h>

#include "base/check.h"

const char *const anomaly_names[ANOMALY_KINDS] = {
    "lost", "duplicated", "duplicate-in-log", "aborted-read", "skipped-offset", "hanging-txn",
    "lost-write", "torn-txn",
};

void counts_widen(struct counts *c)
{
    c->wide = sim_alloc(c->n ? c->n : 1, sizeof *c->wide);
    for (uint32_t i = 0; i < c->n; i++)
        c->wide[i] = c->narrow[i];
    free(c->narrow);
    c->narrow = NULL;
}

void counts_init(struct counts *c, uint32_t n)
{
    *c = (struct counts){ .narrow = sim_alloc(n ? n : 1, sizeof *c->narrow), .n = n };
}

void counts_fini(struct counts *c)
{
    free(c->narrow);
    free(c->wide);
}

void tally_init(struct tally *t, uint32_t payments)
{
    memset(t, 0, sizeof *t);
    t->payments = payments;
    counts_init(&t->log_copies, payments);
    counts_init(&t->log_aborted, payments);
    counts_init(&t->deliveries, payments);
    counts_init(&t->ledger_rows, payments);
    counts_init(&t->charges, payments);
    counts_init(&t->output_copies, payments);
    t->gave_up = sim_alloc(payments, sizeof *t->gave_up);
    t->first_charge = sim_alloc(payments, sizeof *t->first_charge);
}

void tally_fini(struct tally *t)
{
    counts_fini(&t->log_copies);
    counts_fini(&t->log_aborted);
    counts_fini(&t->deliveries);
    counts_fini(&t->ledger_rows);
    counts_fini(&t->charges);
    counts_fini(&t->output_copies);
    free(t->gave_up);
    free(t->first_charge);
    for (uint32_t part = 0; part < PARTITIONS_MAX; part++)
        free(t->delivered[part]);
    memset(t, 0, sizeof *t);
}

void tally_charge(struct tally *t, uint32_t payment, sim_time now)
{
    if (counts_bump(&t->charges, payment) == 0)
        t->first_charge[payment] = now;
}

void anomaly_note(struct anomaly_sample *s, uint32_t payment)
{
    uint32_t n = s->count, i = n;
    /* notes mostly come in increasing order, so the search from the end is short */
    while (i > 0 && s->payments[i - 1] > payment)
        i--;
    if (i > 0 && s->payments[i - 1] == payment)
        return;
    s->more |= n == ANOMALY_SAMPLE; /* the new one, or the largest it displaces, is left out */
    if (i == ANOMALY_SAMPLE)
        return;
    if (n == ANOMALY_SAMPLE)
        n--;
    memmove(&s->payments[i + 1], &s->payments[i], (n - i) * sizeof s->payments[0]);
    s->payments[i] = payment;
    s->count = (uint8_t)(n + 1);
}

/* The payment an anomaly touched, kept in its sample unless below the run's floor (a
 * counterfactual rerun asks about one payment, whatever smaller ones do). */
void tally_delivered(struct tally *t, uint32_t part, uint64_t offset)
{
    if (offset >= t->delivered_cap[part]) {
        uint64_t cap = offset + 1 > 2 * t->delivered_cap[part] ? offset + 1024
                                                               : 2 * t->delivered_cap[part];
        t->delivered[part] = sim_realloc(t->delivered[part], cap, 1);
        memset(t->delivered[part] + t->delivered_cap[part], 0, cap - t->delivered_cap[part]);
        t->delivered_cap[part] = cap;
    }
    t->delivered[part][offset] = 1;
}

bool tally_was_delivered(const struct tally *t, uint32_t part, uint64_t offset)
{
    return offset < t->delivered_cap[part] && t->delivered[part][offset];
}
