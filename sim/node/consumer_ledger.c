/* consumer_ledger.c: the consumer's database. What it holds is durable: committed ledger rows
 * (counted in the tally), processed payment ids for consumer.dedup=ledger, and the
 * offsets stored with consumer.commit=with-ledger. Workers write their rows (consumer.c,
 * where the `write` point fires); this file lands each commit (where `commit` fires, on
 * the worker's behalf), says what it writes and what the constraints refuse. The ledger
 * is a node for its faults only: a crash rolls back the transactions open in it and
 * loses the answers not yet given, a pause holds the commits until it ends. */
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "node/consumer.h"

void ledger_init(struct ledger *l, struct env *e)
{
    memset(l, 0, sizeof *l);
    rng_seed(&l->rng, e->seed, "ledger");
    if (e->st->dedup == DEDUP_LEDGER)
        l->processed_at = sim_alloc(e->sc->payments, sizeof *l->processed_at);
}

void ledger_fini(struct ledger *l)
{
    free(l->processed_at);
}

bool dedup_holds(const struct env *e, sim_time at)
{
    return at != 0 && (e->st->dedup_ttl == 0 || e->eng.now - (at - 1) < e->st->dedup_ttl);
}

uint32_t ledger_life(const struct env *e)
{
    const struct node_status *db = &e->nodes[NODE_LEDGER];
    return db->up ? db->incarnation : LEDGER_DOWN;
}

bool ledger_alive(const struct env *e, uint32_t life)
{
    return life == e->nodes[NODE_LEDGER].incarnation && e->nodes[NODE_LEDGER].up;
}

/* The processed ids have no key of their own: the worker checks them when it takes the
 * record, so two workers can both pass the check (see gc-pause-rebalance.scn). */
bool ledger_commit(struct ledger *l, struct env *e, uint8_t node, uint32_t payment,
                   uint32_t part, uint64_t next, bool row)
{
    bool refused = row && e->st->ledger_unique && counts_get(&e->tally.ledger_rows, payment) > 0;
    if (row && !refused) {
        counts_bump(&e->tally.ledger_rows, payment);
        env_note(e, TRACE_ROW, node, payment, 0, 0);
        if (e->st->dedup == DEDUP_LEDGER)
            l->processed_at[payment] = e->eng.now + 1;
    }
    if (e->st->commit == COMMIT_WITH_LEDGER) {
        l->offset[part] = next;
        l->has_offset[part] = true;
    }
    return !refused;
}

/* Held while the ledger is paused: it lands again when the ledger wakes. */
static void hold(struct consumer *worker, const struct event *land, sim_time until)
{
    engine_schedule(&worker->env->eng, until, land);
    consumer_ledger_held(worker, land->id, until);
}

void ledger_on_event(struct ledger *l, struct consumer *worker, const struct event *ev)
{
    struct env *e = worker->env;
    const struct node_status *db = &e->nodes[NODE_LEDGER];
    struct event land = *ev;
    uint32_t life = (uint32_t)land.y;
    if (!(land.y & LEDGER_COMMITTED)) {
        if (!ledger_alive(e, life)) { /* rolled back with the ledger's crash */
            consumer_ledger_unanswered(worker, land.id);
            return;
        }
        if (db->paused_until > e->eng.now) {
            hold(worker, &land, db->paused_until);
            return;
        }
        if (ledger_commit(l, e, worker->node, land.payment, FETCH_PART(land.x),
                          FETCH_POSITION(land.x), true))
            land.y |= LEDGER_RECORDED;
        land.y |= LEDGER_COMMITTED;
        env_reach(e, worker->node, POINT_COMMIT, land.payment);
    }
    if (!ledger_alive(e, life)) /* committed, and the answer died with the ledger */
        consumer_ledger_unanswered(worker, land.id);
    else if (db->paused_until > e->eng.now)
        hold(worker, &land, db->paused_until);
    else
        consumer_ledger_answer(worker, &land);
}
