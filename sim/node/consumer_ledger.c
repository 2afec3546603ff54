/* consumer_ledger.c: the consumer's database. What it holds is durable: committed ledger rows
 * (counted in the tally), processed payment ids for consumer.dedup=ledger, and the
 * offsets stored with consumer.commit=with-ledger. Its transactions are driven by the
 * consumer (consumer.c), which is where their protocol points fire. */
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "node/consumer.h"

void ledger_init(struct ledger *l, struct env *e)
{
    memset(l, 0, sizeof *l);
    if (e->st->dedup == DEDUP_LEDGER)
        l->processed_at = sim_alloc(e->sc->payments, sizeof *l->processed_at);
}

void ledger_fini(struct ledger *l)
{
    free(l->processed_at);
}
