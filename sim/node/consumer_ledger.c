/* ledger.c: the consumer's database. What it holds is durable: committed ledger rows
 * (counted in the tally), processed payment ids for consumer.dedup=ledger, and the
 * offsets stored with consumer.commit=with-ledger. Its transactions are driven by the
 * consumer (consumer.c), which is where their protocol points fire. */
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "run/world.h"

void ledger_init(struct world *w)
{
    struct ledger *l = &w->ledger;
    memset(l, 0, sizeof *l);
    if (w->st->dedup == DEDUP_LEDGER)
        l->processed_at = sim_alloc(w->sc->payments, sizeof *l->processed_at);
}

void ledger_fini(struct world *w)
{
    free(w->ledger.processed_at);
}
