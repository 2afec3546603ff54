/* tally.c: the counters nodes record into as a run goes (run/account.c folds them). */
#include "env/tally.h"

#include <stdlib.h>
#include <string.h>

#include "base/check.h"

const char *const anomaly_names[ANOMALY_KINDS] = {
    "lost", "duplicated", "duplicate-in-log", "aborted-read", "skipped-offset", "hanging-txn",
    "lost-write", "torn-txn",
};

void tally_init(struct tally *t, uint32_t payments)
{
    memset(t, 0, sizeof *t);
    t->payments = payments;
    t->log_copies = sim_alloc(payments, sizeof *t->log_copies);
    t->log_aborted = sim_alloc(payments, sizeof *t->log_aborted);
    t->deliveries = sim_alloc(payments, sizeof *t->deliveries);
    t->ledger_rows = sim_alloc(payments, sizeof *t->ledger_rows);
    t->charges = sim_alloc(payments, sizeof *t->charges);
    t->output_copies = sim_alloc(payments, sizeof *t->output_copies);
    t->gave_up = sim_alloc(payments, sizeof *t->gave_up);
    t->first_charge = sim_alloc(payments, sizeof *t->first_charge);
}

void tally_fini(struct tally *t)
{
    free(t->log_copies);
    free(t->log_aborted);
    free(t->deliveries);
    free(t->ledger_rows);
    free(t->charges);
    free(t->output_copies);
    free(t->gave_up);
    free(t->first_charge);
    for (uint32_t part = 0; part < PARTITIONS_MAX; part++)
        free(t->delivered[part]);
    memset(t, 0, sizeof *t);
}

void tally_charge(struct tally *t, uint32_t payment, sim_time now)
{
    if (t->charges[payment]++ == 0)
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
