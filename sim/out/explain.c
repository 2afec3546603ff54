/* explain.c: turns a trace into plain-language stories.
 *
 * A duplicate charge is explained by walking its causes back (each event remembers the
 * event that scheduled it) and keeping the steps a person needs: the fault at the
 * root, timeouts (with the fate of the message they waited for), restarts, redelivered
 * batches and the charges. A payment never charged is explained by its own trail and
 * the faults that cut it short. A payment charged once is checked for a duplicate that
 * something absorbed. */
#define _POSIX_C_SOURCE 200809L
#include "out/explain.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/attribute.h"
#include "base/check.h"
#include "base/cleanup.h"
#include "run/sim.h"
#include "base/value.h"
#include "base/wrap.h"

struct story {
    FILE *out;
    const struct scenario *sc;
    const struct strategy *st;
    const struct trace *t;
    uint32_t payment;
    uint32_t *by_id;   /* event id -> index of its TRACE_EVENT record, or UINT32_MAX */
    const struct trace_record **marks; /* the fault and copy records, in trace order: */
    size_t nmarks;                     /* few, so each step need not scan the trace */
    const struct trace_record **fates; /* messages lost, cut, dropped, held or dead, */
    size_t nfates;                     /* in trace order */
    uint8_t *kinds;                    /* request id -> kind of a worker's request */
    uint32_t max_req;
    uint64_t max_id;
    struct explain_root root; /* the fault nearest the anomaly the story tells */
    bool root_fixed;          /* the root is found: later faults are context */
    bool joined;              /* the last step told was a join: say it once */
    bool copy_cause;          /* telling why the log holds a copy: a lost request cannot
                                 cause one (it wrote nothing); a lost answer can */
};

/* A chain is told from its start, so the last fault told before the anomaly is the
 * proximate one: the one without which this anomaly would not have happened. */
static void found_root(struct story *s, int fault, const struct trace_record *loss)
{
    if (s->root_fixed)
        return;
    s->root.fault = fault;
    s->root.link = loss ? loss->link : -1;
    s->root.message = loss ? loss->n : 0;
}

/* One step of the story, wrapped at 80 columns under its text. */
static void say(const struct story *s, sim_time t, const char *fmt, ...)
{
    char when[32], lead[48], text[1024];
    va_list ap;
    snprintf(lead, sizeof lead, "  t=%-10s ", value_format_duration(t, when, sizeof when));
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    wrap_text(s->out, lead, strlen(lead), text, 80);
}

static void index_events(struct story *s)
{
    for (size_t i = 0; i < s->t->len; i++)
        if (s->t->recs[i].id > s->max_id)
            s->max_id = s->t->recs[i].id;
    s->by_id = sim_alloc(s->max_id + 1, sizeof *s->by_id);
    memset(s->by_id, 0xff, (s->max_id + 1) * sizeof *s->by_id);
    size_t cap = 0, fcap = 0;
    for (size_t i = 0; i < s->t->len; i++) {
        const struct trace_record *r = &s->t->recs[i];
        if (r->what == TRACE_EVENT)
            s->by_id[r->id] = (uint32_t)i;
        if (r->what >= TRACE_SEND && r->what <= TRACE_DEAD && r->req > s->max_req)
            s->max_req = r->req;
        if (r->what >= TRACE_LOSS && r->what <= TRACE_DEAD) {
            if (s->nfates == fcap)
                s->fates = sim_realloc(s->fates, fcap = fcap ? 2 * fcap : 16, sizeof *s->fates);
            s->fates[s->nfates++] = r;
        }
        if (r->what != TRACE_FAULT && r->what != TRACE_COPY)
            continue;
        if (s->nmarks == cap)
            s->marks = sim_realloc(s->marks, cap = cap ? 2 * cap : 16, sizeof *s->marks);
        s->marks[s->nmarks++] = r;
    }
    s->kinds = sim_alloc((size_t)s->max_req + 1, 1);
    for (size_t i = s->t->len; i-- > 0;) { /* backwards: the first record wins */
        const struct trace_record *r = &s->t->recs[i];
        if (r->what >= TRACE_SEND && r->what <= TRACE_DEAD && r->from >= NODE_CONSUMER_1)
            s->kinds[r->req] = r->kind;
    }
}

static const struct trace_record *event_of(const struct story *s, uint64_t id)
{
    if (id == 0 || id > s->max_id || s->by_id[id] == UINT32_MAX)
        return NULL;
    return &s->t->recs[s->by_id[id]];
}

static const char *name(uint8_t node, char *buf)
{
    return node_name(node, buf);
}

/* What became, before `until`, of the messages of request `req` (or, when payment is
 * not UINT32_MAX, of the produce requests and acks of that payment to the payments
 * topic, not a worker's to its output topic): the loss, cut, drop, delay or dead end
 * that explains a timeout. */
static void tell_fate(struct story *s, uint32_t req, uint32_t payment, sim_time until)
{
    for (size_t i = 0; i < s->nfates && s->fates[i]->t <= until; i++) {
        const struct trace_record *r = s->fates[i];
        bool about = payment == UINT32_MAX ? r->req == req
                     : r->payment == payment && (r->kind == MSG_PRODUCE || r->kind == MSG_ACK) &&
                           r->link != LINK_CONSUMER_BROKER && r->link != LINK_BROKER_CONSUMER;
        if (!about || r->what < TRACE_LOSS || r->what > TRACE_DEAD)
            continue;
        char a[16], b[16];
        const char *what = trace_kind_name(EV_MSG, r->kind);
        const char *link = link_names[r->link];
        bool wrote_nothing = s->copy_cause && r->kind == MSG_PRODUCE;
        if (r->what == TRACE_LOSS && !wrote_nothing)
            found_root(s, -1, r);
        else if (r->what != TRACE_DEAD && !wrote_nothing)
            found_root(s, (int)r->x, NULL);
        switch (r->what) {
        case TRACE_LOSS:
            say(s, r->t, "%s: the %s #%u was lost (the link loses %llu.%02llu%%)",
                link, what, r->req, (unsigned long long)r->x / 10000,
                (unsigned long long)r->x % 10000 / 100);
            break;
        case TRACE_CUT:
            say(s, r->t, "%s: the %s #%u was lost: the link was cut", link, what, r->req);
            break;
        case TRACE_DROP:
            say(s, r->t, "%s: the %s #%u was dropped (scripted `drop`)", link, what, r->req);
            break;
        case TRACE_HOLD:
            say(s, r->t, "%s: the %s #%u was held back (scripted `delay`)", link, what, r->req);
            break;
        default:
            say(s, r->t, "%s: the %s #%u reached %s while it was down", link, what, r->req,
                name(r->node, a));
            (void)b;
        }
    }
}

/* The kind of the message that opened request `req` (what a timeout waited on). */
static uint8_t request_kind(const struct story *s, uint32_t req)
{
    return req <= s->max_req ? s->kinds[req] : 0;
}

/* "FILE line N", or, for a fault eosim check placed, that it did. */
static const char *fault_origin(const struct scenario *sc, const struct fault *f, char *buf,
                                size_t size)
{
    if (f->line)
        snprintf(buf, size, "%s line %u", sc->file, f->line);
    else
        snprintf(buf, size, "placed by eosim check");
    return buf;
}

static void tell_fault(struct story *s, uint64_t cause)
{
    for (size_t i = 0; i < s->nmarks; i++) {
        const struct trace_record *r = s->marks[i];
        if (r->what != TRACE_FAULT || r->cause != cause)
            continue;
        const struct fault *f = &s->sc->faults[r->req];
        char a[16], when[64] = "";
        found_root(s, (int)r->req, NULL);
        if (f->point && f->payment != ANY_PAYMENT)
            snprintf(when, sizeof when, " on %s payment %u", point_names[f->point], f->payment);
        else if (f->point)
            snprintf(when, sizeof when, " on %s", point_names[f->point]);
        char origin[PATH_ARG_MAX + 64];
        say(s, r->t, "fault: %s %s%s (%s)", fault_kind_names[f->kind],
            f->kind == FAULT_RESET ? "of the group's offsets" : name(f->node, a), when,
            fault_origin(s->sc, f, origin, sizeof origin));
    }
}

/* When the chain holds no fault (a pause or a crash acts on timers, not by scheduling
 * events), the story names the last fault that fired before the anomaly. */
static void tell_fault_before(struct story *s, sim_time t)
{
    if (s->root.fault >= 0 || s->root.link >= 0)
        return;
    const struct trace_record *last = NULL;
    for (size_t i = 0; i < s->t->len && s->t->recs[i].t <= t; i++)
        if (s->t->recs[i].what == TRACE_FAULT)
            last = &s->t->recs[i];
    if (!last)
        return;
    fprintf(s->out, "  the fault before it:\n");
    tell_fault(s, last->cause);
}

/* The last scripted fault (a crash, pause, reset, cut, drop or delay, whichever payment
 * it touched) before t, for a story whose own trail names none. */
static void tell_scripted_before(struct story *s, sim_time t)
{
    const struct trace_record *last = NULL;
    for (size_t i = 0; i < s->t->len && s->t->recs[i].t <= t; i++) {
        uint8_t what = s->t->recs[i].what;
        if (what == TRACE_FAULT || what == TRACE_CUT || what == TRACE_DROP || what == TRACE_HOLD)
            last = &s->t->recs[i];
    }
    if (!last)
        return;
    fprintf(s->out, "  the scripted fault before that:\n");
    if (last->what == TRACE_FAULT)
        tell_fault(s, last->cause);
    else
        tell_fate(s, last->req, UINT32_MAX, last->t);
}

static const char *key_words(const struct strategy *st)
{
    return st->gateway_key == KEY_PER_PAYMENT ? "with the payment's idempotency key"
           : st->gateway_key == KEY_PER_ATTEMPT ? "with a new idempotency key"
                                                : "without an idempotency key";
}

/* A delivery that is the copy a scripted `duplicate` made: say so, once per step. */
static void tell_copy(struct story *s, const struct trace_record *e)
{
    for (size_t i = 0; e->type == EV_MSG && i < s->nmarks; i++) {
        const struct trace_record *r = s->marks[i];
        if (r->what != TRACE_COPY || r->id != e->id)
            continue;
        char origin[PATH_ARG_MAX + 64];
        found_root(s, (int)r->x, NULL);
        say(s, r->t, "%s: the %s #%u is delivered twice (scripted `duplicate`, %s)",
            link_names[r->link], trace_kind_name(EV_MSG, r->kind), r->req,
            fault_origin(s->sc, &s->sc->faults[r->x], origin, sizeof origin));
    }
}

/* One step of a causal chain, if it is worth a line. */
static void tell_step(struct story *s, const struct trace_record *e)
{
    char a[16], b[16];
    tell_copy(s, e);
    if (e->type == EV_RESTART || (e->type == EV_MSG && e->kind == MSG_RECORDS))
        s->joined = false;
    const char *node = name(e->node, a);
    tell_fault(s, e->cause);
    if (e->type == EV_INTENT) {
        if (e->payment == s->payment)
            say(s, e->t, "producer: payment %u arrives", e->payment);
    } else if (e->type == EV_RESTART) {
        say(s, e->t, "%s: restarts", node);
    } else if (e->type == EV_MSG && e->kind == MSG_RECORDS) {
        say(s, e->t, "%s: a poll returns the batch from offset %llu on", node,
            (unsigned long long)e->x);
    } else if (e->type == EV_MSG && e->kind == MSG_JOINED) {
        if (!s->joined)
            say(s, e->t, "%s: joins the group and is given its partitions", node);
        s->joined = true;
        return;
    } else if (e->kind == TIMER_REQUEST) {
        tell_fate(s, e->req, UINT32_MAX, e->t);
        bool charge = request_kind(s, e->req) == MSG_CHARGE;
        char limit[32];
        value_format_duration(charge ? s->sc->params.consumer_gateway_timeout
                                     : s->sc->params.consumer_request_timeout, limit,
                              sizeof limit);
        if (charge)
            say(s, e->t, "%s: no answer to charge request #%u in time: its timeout fires "
                "(consumer.gateway-timeout %s, consumer.gateway-retries=%s)", node, e->req,
                limit, s->st->gateway_retries ? "on" : "off");
        else
            say(s, e->t, "%s: no answer to %s #%u in time: it asks again "
                "(consumer.request-timeout %s)", node,
                trace_kind_name(EV_MSG, request_kind(s, e->req)), e->req, limit);
    } else if (e->kind == TIMER_PRODUCE) {
        tell_fate(s, 0, e->payment, e->t);
        say(s, e->t, "%s: no ack for payment %u in time: it sends the record again "
            "(producer.retries=on, %s)", node, e->payment,
            s->st->idempotence ? "same sequence number" : "not idempotent");
    } else if (e->type == EV_MSG && e->kind == MSG_CHARGE && e->payment == s->payment) {
        say(s, e->t, "%s: receives charge request #%u from %s at before-effect, %s", node,
            e->req, name(e->from, b), key_words(s->st));
    }
}

/* Prints the steps from the root of `cause`'s chain down to it, in time order. */
static void tell_chain(struct story *s, uint64_t cause)
{
    size_t n = 0, cap = 64;
    const struct trace_record **chain = sim_alloc(cap, sizeof *chain);
    for (const struct trace_record *e = event_of(s, cause); e; e = event_of(s, e->cause)) {
        if (n == cap)
            chain = sim_realloc(chain, cap *= 2, sizeof *chain);
        chain[n++] = e;
    }
    while (n > 0)
        tell_step(s, chain[--n]);
    free(chain);
}

/* The nth copy of the payment appended to the log, or NULL. */
static const struct trace_record *nth_append(const struct story *s, int nth)
{
    for (size_t i = 0; i < s->t->len; i++)
        if (s->t->recs[i].what == TRACE_APPEND && s->t->recs[i].payment == s->payment &&
            --nth == 0)
            return &s->t->recs[i];
    return NULL;
}

/* The charges (and ledger rows) of one payment told in full; a retry storm's others are
 * counted, since each would retell a chain as long as the run (the story would grow with
 * the square of the run). */
#define STORY_CHARGES_MAX 4

static void tell_duplicates(struct story *s)
{
    static const char *const times[STORY_CHARGES_MAX + 1] = {
        NULL, NULL, "a second time", "a third time", "a fourth time",
    };
    int nth = 0, more = 0;
    const struct trace_record *last = NULL;
    for (size_t i = 0; i < s->t->len; i++) {
        const struct trace_record *r = &s->t->recs[i];
        if (r->what != TRACE_CHARGE || r->payment != s->payment)
            continue;
        if (++nth > STORY_CHARGES_MAX) {
            more++;
            last = r;
            continue;
        }
        if (nth == 1) {
            say(s, r->t, "gateway: charges payment %u (request #%u, point charge)", s->payment,
                r->req);
            continue;
        }
        const struct trace_record *copy = nth_append(s, nth);
        if (copy) { /* the second charge came with a second copy in the log */
            fprintf(s->out, "  why the log holds it %s:\n", nth == 2 ? "twice" : "again");
            s->copy_cause = true;
            tell_chain(s, copy->cause);
            s->copy_cause = false;
            say(s, copy->t, "broker: appends payment %u again, at offset %llu", s->payment,
                (unsigned long long)copy->x);
            s->root_fixed = s->root.fault >= 0 || s->root.link >= 0; /* the second copy's cause */
        }
        fprintf(s->out, "  why it was charged again:\n");
        tell_chain(s, r->cause);
        tell_fault_before(s, r->t);
        say(s, r->t, "gateway: charges payment %u %s (request #%u, point charge)", s->payment,
            times[nth], r->req);
    }
    if (more)
        say(s, last->t, "gateway: charges payment %u %d times more the same way, the last "
            "(request #%u) here", s->payment, more, last->req);
}

static void tell_trail(struct story *s)
{
    static const char *const verbs[TRACE_WHAT_COUNT] = {
        [TRACE_SEND] = "%s: the %s for payment %u is on the wire to %s",
        [TRACE_LOSS] = "%s: the %s for payment %u was lost (loss draw)%s",
        [TRACE_CUT] = "%s: the %s for payment %u was lost: the link was cut%s",
        [TRACE_DROP] = "%s: the %s for payment %u was dropped (scripted `drop`)%s",
        [TRACE_DEAD] = "%s: the %s for payment %u reached a node that was down%s",
        [TRACE_APPEND] = "%s: the %s log holds payment %u%s",
        [TRACE_SKIP] = "%s: %s skips payment %u as already processed%s",
        [TRACE_GIVE_UP] = "%s: %s gives payment %u up and reports it failed%s",
    };
    char a[16];
    sim_time last = 0;
    uint8_t last_what = TRACE_EVENT, last_kind = 0;
    for (size_t i = 0; i < s->t->len; i++) {
        const struct trace_record *r = &s->t->recs[i];
        if (r->payment != s->payment || !verbs[r->what])
            continue;
        bool at_node = r->what == TRACE_APPEND || r->what == TRACE_SKIP ||
                       r->what == TRACE_GIVE_UP;
        const char *where = at_node ? name(r->node, a) : link_names[r->link];
        const char *what = r->what == TRACE_APPEND ? "broker's"
                           : r->what == TRACE_SKIP ? "the dedup store"
                           : r->what == TRACE_GIVE_UP ? "it"
                                                   : trace_kind_name(EV_MSG, r->kind);
        const char *tail = r->what == TRACE_SEND ? name(r->node, a)
                           : r->what != TRACE_GIVE_UP ? ""
                           : r->x ? " (every attempt refused: definitely not written)"
                                  : " (out of attempts or time, no answer: it may be in the "
                                    "log)";
        say(s, r->t, verbs[r->what], where, what, s->payment, tail);
        if (r->what == TRACE_LOSS)
            found_root(s, -1, r);
        else if (r->what == TRACE_CUT || r->what == TRACE_DROP)
            found_root(s, (int)r->x, NULL);
        last = r->t;
        last_what = r->what;
        last_kind = r->kind;
    }
    bool lost_on_wire = last_what >= TRACE_LOSS && last_what <= TRACE_DEAD;
    if (lost_on_wire && last_kind == MSG_PRODUCE && !s->st->producer_retries)
        fprintf(s->out, "  nobody sent it again: %s does not retry (producer.retries=off)\n",
                s->st->name);
    else if (lost_on_wire && last_kind == MSG_CHARGE && !s->st->gateway_retries)
        fprintf(s->out, "  nobody charged it again: %s gives a charge up after a timeout "
                "(consumer.gateway-retries=off)\n", s->st->name);
    bool faults = false;
    for (size_t i = 0; i < s->t->len; i++)
        faults |= s->t->recs[i].what == TRACE_FAULT && s->t->recs[i].t >= last;
    if (faults)
        fprintf(s->out, "  then, before anything charged it:\n");
    for (size_t i = 0; i < s->t->len; i++)
        if (s->t->recs[i].what == TRACE_FAULT && s->t->recs[i].t >= last)
            tell_fault(s, s->t->recs[i].cause);
    if (!faults && s->st->commit == COMMIT_BEFORE && last_what == TRACE_APPEND)
        fprintf(s->out, "  its offset was committed before it was processed\n");
    if (s->root.fault < 0 && s->root.link < 0)
        tell_scripted_before(s, last);
}

/* The nth time (from 1) a worker's ledger commit for the payment went unanswered; 0: the
 * last time. */
static const struct trace_record *ledger_timeout(const struct story *s, int nth)
{
    const struct trace_record *last = NULL;
    for (size_t i = 0; i < s->t->len; i++) {
        const struct trace_record *r = &s->t->recs[i];
        if (r->what == TRACE_EVENT && r->kind == TIMER_LEDGER_TIMEOUT && r->payment == s->payment) {
            last = r;
            if (--nth == 0)
                break;
        }
    }
    return nth <= 0 ? last : NULL;
}

static void tell_ledger_timeout(struct story *s, const struct trace_record *r)
{
    char a[16], d[32];
    value_format_duration(s->sc->params.consumer_ledger_timeout, d, sizeof d);
    say(s, r->t, "%s: no answer to its ledger commit in %s (consumer.ledger-timeout): it %s",
        name(r->node, a), d, s->st->ledger_retries ? "writes the row again "
        "(consumer.ledger-retries=on), unable to know whether its commit will take effect"
        : "gives the ledger work up (consumer.ledger-retries=off)");
}

/* The ledger's side of a payment charged once: each row written for it, and why one came
 * again or none came. */
static void tell_rows(struct story *s, int rows)
{
    int nth = 0;
    for (size_t i = 0; i < s->t->len && nth < STORY_CHARGES_MAX; i++) {
        const struct trace_record *r = &s->t->recs[i];
        if (r->what != TRACE_ROW || r->payment != s->payment)
            continue;
        char a[16];
        if (++nth > 1) { /* a retried insert, or a second delivery the worker handled */
            fprintf(s->out, "  why it was recorded again:\n");
            const struct trace_record *late = ledger_timeout(s, nth - 1);
            if (late) {
                tell_fault_before(s, r->t);
                tell_ledger_timeout(s, late);
            } else {
                tell_chain(s, r->cause);
                tell_fault_before(s, r->t);
            }
        }
        say(s, r->t, "%s: the ledger commits a row for payment %u%s", name(r->node, a),
            s->payment, nth > 1 ? " again" : "");
    }
    if (rows > STORY_CHARGES_MAX)
        fprintf(s->out, "  and %d rows more the same way\n", rows - STORY_CHARGES_MAX);
    if (rows > 0)
        return;
    const struct trace_record *late = ledger_timeout(s, 0);
    fprintf(s->out, "  the ledger holds no row for it:\n");
    if (late)
        tell_ledger_timeout(s, late);
    tell_scripted_before(s, late ? late->t : SIM_NEVER);
}

static void tell_absorbed(const struct story *s)
{
    for (size_t i = 0; i < s->t->len; i++) {
        const struct trace_record *r = &s->t->recs[i];
        if (r->payment != s->payment)
            continue;
        if (r->what == TRACE_SAVED)
            say(s, r->t, "gateway: request #%u carries key pay-%u, already used: it returns "
                "the saved result and charges nothing", r->req, s->payment);
        else if (r->what == TRACE_SKIP)
            say(s, r->t, "consumer: the %s dedup store already holds payment %u: the "
                "delivery is skipped", r->req == DEDUP_MEMORY ? "in-memory" : "ledger's",
                s->payment);
    }
}

static int count(const struct trace *t, enum trace_what what, uint32_t payment)
{
    int n = 0;
    for (size_t i = 0; i < t->len; i++)
        n += t->recs[i].what == what && t->recs[i].payment == payment;
    return n;
}

enum explain_verdict explain_payment(FILE *out, const struct scenario *sc, uint32_t strategy,
                                     const struct trace *t, uint32_t payment,
                                     struct explain_root *root)
{
    struct story s = { .out = out, .sc = sc, .st = &sc->strategies[strategy], .t = t,
                       .payment = payment, .root = { -1, -1, 0 } };
    int charges = count(t, TRACE_CHARGE, payment);
    int absorbed = count(t, TRACE_SAVED, payment) + count(t, TRACE_SKIP, payment);
    int rows = count(t, TRACE_ROW, payment);
    if (payment < sc->nlisted) /* a listed payment goes by its id too */
        fprintf(out, "payment %u (%s) under %s: ", payment, sc->listed[payment].id, s.st->name);
    else
        fprintf(out, "payment %u under %s: ", payment, s.st->name);
    enum explain_verdict v;
    index_events(&s);
    if (charges > 1) {
        fprintf(out, "charged %d times\n", charges);
        tell_duplicates(&s);
        v = EXPLAIN_DUPLICATED;
    } else if (charges == 0) {
        fprintf(out, "never charged\n");
        tell_trail(&s);
        v = EXPLAIN_LOST;
    } else if (rows != 1 && s.st->commit != COMMIT_IN_TRANSACTION) {
        if (rows)
            fprintf(out, "charged once, but recorded %d times in the ledger\n", rows);
        else
            fprintf(out, "charged once, but never recorded in the ledger\n");
        tell_duplicates(&s);
        tell_rows(&s, rows);
        if (absorbed > 0)
            tell_absorbed(&s);
        v = EXPLAIN_DISAGREEING;
    } else if (absorbed > 0) {
        fprintf(out, "charged once; a duplicate was absorbed\n");
        tell_duplicates(&s);
        tell_absorbed(&s);
        v = EXPLAIN_ABSORBED;
    } else {
        fprintf(out, "charged once, and nothing tried to charge it again\n");
        tell_duplicates(&s);
        v = EXPLAIN_CLEAN;
    }
    free(s.by_id);
    free(s.marks);
    free(s.fates);
    free(s.kinds);
    if (root)
        *root = s.root;
    return v;
}

uint32_t explain_first_anomaly(const struct trace *t, const struct scenario *sc,
                               uint32_t strategy)
{
    uint32_t *charges = sim_alloc(sc->payments, sizeof *charges);
    uint32_t *rows = sim_alloc(sc->payments, sizeof *rows);
    for (size_t i = 0; i < t->len; i++) {
        const struct trace_record *r = &t->recs[i];
        if (r->payment < sc->payments) {
            charges[r->payment] += r->what == TRACE_CHARGE;
            rows[r->payment] += r->what == TRACE_ROW;
        }
    }
    uint32_t first = UINT32_MAX;
    for (uint32_t p = 0; p < sc->payments && first == UINT32_MAX; p++)
        if (charges[p] != 1)
            first = p;
    bool books = sc->strategies[strategy].commit != COMMIT_IN_TRANSACTION;
    for (uint32_t p = 0; books && p < sc->payments && first == UINT32_MAX; p++)
        if (rows[p] != 1)
            first = p;
    free(charges);
    free(rows);
    return first;
}

/* ---- sequence diagrams ---- */

enum { LANES_MAX = 8, LANE_WIDTH = 14, LANE_LEFT = 10, COLUMNS = 80,
       LABEL_ROOM = 30 };

struct lanes {
    uint8_t node[LANES_MAX];
    uint32_t n;
    uint32_t width; /* ASCII columns between lanes: what leaves a label room in 80 */
};

static int lane_of(const struct lanes *l, uint8_t node)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (l->node[i] == node)
            return (int)i;
    return -1;
}

static void lane_add(struct lanes *l, uint8_t node)
{
    if (lane_of(l, node) < 0 && l->n < LANES_MAX)
        l->node[l->n++] = node;
}

static bool in_diagram(const struct trace_record *r, uint32_t payment)
{
    return r->what == TRACE_FAULT ||
           (r->payment == payment && r->what != TRACE_EVENT && r->what != TRACE_DUPLICATE &&
            r->what != TRACE_HOLD);
}

/* The participants, in pipeline order: the service (or relay), the broker, the
 * consumers that touched the payment, the gateway, the ledger. */
static void collect_lanes(const struct trace *t, uint32_t payment, struct lanes *l)
{
    bool relay = false, consumer[CONSUMERS_MAX] = { false };
    for (size_t i = 0; i < t->len; i++) {
        const struct trace_record *r = &t->recs[i];
        if (!in_diagram(r, payment) || r->what == TRACE_FAULT)
            continue;
        relay |= r->from == NODE_RELAY || r->node == NODE_RELAY;
        if (r->node >= NODE_CONSUMER_1)
            consumer[r->node - NODE_CONSUMER_1] = true;
        if (r->from >= NODE_CONSUMER_1 && r->what != TRACE_APPEND)
            consumer[r->from - NODE_CONSUMER_1] = true;
    }
    l->n = 0;
    lane_add(l, relay ? NODE_RELAY : NODE_PRODUCER);
    lane_add(l, NODE_BROKER);
    for (uint8_t k = 0; k < CONSUMERS_MAX && l->n < LANES_MAX - 2; k++)
        if (consumer[k])
            lane_add(l, NODE_CONSUMER(k));
    lane_add(l, NODE_GATEWAY);
    lane_add(l, NODE_LEDGER);
    uint32_t fit = (COLUMNS - LANE_LEFT - LABEL_ROOM) / (l->n - 1); /* n >= 4 */
    l->width = fit < LANE_WIDTH ? fit : LANE_WIDTH;
}


/* A step of the diagram: an arrow (from != to), or a note over one lane. */
struct step {
    sim_time t;
    uint8_t from, to;
    bool lost;
    char label[48];
};

static bool diagram_step(const struct trace_record *r, struct step *st)
{
    const char *kind = trace_kind_name(EV_MSG, r->kind);
    *st = (struct step){ .t = r->t, .from = r->from, .to = r->node };
    switch (r->what) {
    case TRACE_SEND: snprintf(st->label, sizeof st->label, "%s #%u", kind, r->req); break;
    case TRACE_LOSS: case TRACE_CUT: case TRACE_DROP: case TRACE_DEAD:
        st->lost = true;
        snprintf(st->label, sizeof st->label, "%s #%u (lost: %s)", kind, r->req,
                 trace_what_names[r->what]);
        break;
    case TRACE_APPEND: snprintf(st->label, sizeof st->label, "append @%llu",
                                (unsigned long long)r->x); st->from = st->to = NODE_BROKER; break;
    case TRACE_DELIVER: snprintf(st->label, sizeof st->label, "records @%llu",
                                 (unsigned long long)r->x); st->from = NODE_BROKER; break;
    case TRACE_CHARGE: snprintf(st->label, sizeof st->label, "CHARGED"); break;
    case TRACE_SAVED: snprintf(st->label, sizeof st->label, "saved result, no charge"); break;
    case TRACE_SKIP: snprintf(st->label, sizeof st->label, "dedup: skip"); break;
    case TRACE_ROW: snprintf(st->label, sizeof st->label, "ledger row"); st->to = NODE_LEDGER;
        break;
    case TRACE_FAULT: {
        static const char *const faults[] = { "CRASH", "PAUSE", "CUT", "DROP", "OFFSET RESET",
                                              "DELAY" };
        snprintf(st->label, sizeof st->label, "%s", faults[r->x]);
        break;
    }
    default: return false;
    }
    return true;
}

static void ascii_row(FILE *out, const struct lanes *l, const struct step *st)
{
    if (lane_of(l, st->to) < 0)
        return;
    char row[LANE_LEFT + LANES_MAX * LANE_WIDTH + 1], when[32];
    size_t w = l->width, width = LANE_LEFT + (l->n - 1) * w + 1;
    memset(row, ' ', width);
    row[width] = 0;
    snprintf(row, LANE_LEFT, "%s", value_format_duration(st->t, when, sizeof when));
    row[strlen(row)] = ' ';
    for (uint32_t i = 0; i < l->n; i++)
        row[LANE_LEFT + i * w] = '|';
    int a = lane_of(l, st->from), b = lane_of(l, st->to);
    if (a >= 0 && b >= 0 && a != b) {
        int lo = a < b ? a : b, hi = a < b ? b : a;
        size_t x0 = LANE_LEFT + (size_t)lo * w + 1, x1 = LANE_LEFT + (size_t)hi * w;
        for (size_t x = x0; x < x1; x++)
            row[x] = '-';
        if (st->lost)
            row[(x0 + x1) / 2] = 'x';
        else
            row[a < b ? x1 - 1 : x0] = a < b ? '>' : '<';
    } else if (b >= 0) {
        row[LANE_LEFT + (size_t)b * w] = '*';
    }
    int room = COLUMNS - (int)width - 2; /* the label fits in 80 columns, cut if need be */
    fprintf(out, "%s  %.*s\n", row, room > 0 ? room : 0, st->label);
}

/* A label in Mermaid's text: `#` starts an entity code and `;` ends a statement, so
 * those (and quotes and angle brackets) go as entity codes, which render as themselves. */
static void mermaid_text(FILE *out, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '#': fputs("#35;", out); break;
        case ';': fputs("#59;", out); break;
        case '"': fputs("#quot;", out); break;
        case '<': fputs("#lt;", out); break;
        case '>': fputs("#gt;", out); break;
        default: fputc(*s, out);
        }
}

static void mermaid_row(FILE *out, const struct lanes *l, const struct step *st)
{
    char when[32];
    int a = lane_of(l, st->from), b = lane_of(l, st->to);
    if (b < 0)
        return;
    value_format_duration(st->t, when, sizeof when);
    if (a >= 0 && a != b)
        fprintf(out, "    L%d%sL%d: ", a, st->lost ? "-x" : "->>", b);
    else
        fprintf(out, "    Note over L%d: ", b);
    mermaid_text(out, st->label);
    fprintf(out, " (t=%s)\n", when);
}

/* ---- the diagram as SVG, for the report page ---- */

enum { SVG_LEFT = 70, SVG_LANE = 150, SVG_ROW = 24, SVG_TOP = 40 };

static void svg_text(FILE *out, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
}

static void svg_row(FILE *out, const struct lanes *l, const struct step *st, int y)
{
    char when[32];
    int a = lane_of(l, st->from), b = lane_of(l, st->to);
    fprintf(out, "<text x=\"4\" y=\"%d\" class=\"t\">%s</text>", y + 4,
            value_format_duration(st->t, when, sizeof when));
    if (a >= 0 && a != b) {
        int xa = SVG_LEFT + a * SVG_LANE, xb = SVG_LEFT + b * SVG_LANE;
        if (st->lost) /* it stops short of its receiver, crossed out */
            xb = xa + (xb - xa) * 2 / 3;
        fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"%s\"/>", xa, y,
                xb, y, st->lost ? "lost" : "msg");
        int d = xb > xa ? 7 : -7; /* the arrowhead */
        if (!st->lost)
            fprintf(out, "<path d=\"M%d %dl%d -4v8z\" class=\"head\"/>", xb, y, -d);
        if (st->lost)
            fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"x\">&#215;</text>", xb - 4, y + 5);
        fprintf(out, "<text x=\"%d\" y=\"%d\" class=\"l\">", (xa + xb) / 2, y - 4);
    } else {
        int x = SVG_LEFT + b * SVG_LANE;
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" class=\"n\"/>"
                "<text x=\"%d\" y=\"%d\" class=\"l\">", x - SVG_LANE / 2 + 6, y - 12,
                SVG_LANE - 12, x, y + 1);
    }
    svg_text(out, st->label);
    fputs("</text>\n", out);
}

static void diagram_svg(FILE *out, const struct trace *t, uint32_t payment, const struct lanes *l)
{
    uint32_t rows = 0;
    struct step st;
    char a[16];
    for (size_t i = 0; i < t->len; i++)
        rows += in_diagram(&t->recs[i], payment) && diagram_step(&t->recs[i], &st) &&
                lane_of(l, st.to) >= 0;
    int width = SVG_LEFT + (int)l->n * SVG_LANE, height = SVG_TOP + (int)rows * SVG_ROW + 10;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"seq\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", width, height, width,
            height);
    for (uint32_t i = 0; i < l->n; i++) {
        int x = SVG_LEFT + (int)i * SVG_LANE;
        fprintf(out, "<text x=\"%d\" y=\"16\" class=\"h\">%s</text><line x1=\"%d\" "
                "y1=\"24\" x2=\"%d\" y2=\"%d\" class=\"lane\"/>\n", x,
                node_name(l->node[i], a), x, x, height - 4);
    }
    int y = SVG_TOP;
    for (size_t i = 0; i < t->len; i++)
        if (in_diagram(&t->recs[i], payment) && diagram_step(&t->recs[i], &st) &&
            lane_of(l, st.to) >= 0) {
            svg_row(out, l, &st, y);
            y += SVG_ROW;
        }
    fputs("</svg>\n", out);
}

void explain_diagram(FILE *out, const struct trace *t, uint32_t payment,
                     enum diagram_style style)
{
    struct lanes l;
    char a[16];
    collect_lanes(t, payment, &l);
    if (style == DIAGRAM_SVG) {
        diagram_svg(out, t, payment, &l);
        return;
    }
    bool mermaid = style == DIAGRAM_MERMAID;
    if (mermaid) {
        fprintf(out, "sequenceDiagram\n");
        for (uint32_t i = 0; i < l.n; i++)
            fprintf(out, "    participant L%u as %s\n", i, node_name(l.node[i], a));
    } else {
        /* each name over its lane, or one space after a name that ran past it */
        size_t col = (size_t)fprintf(out, "%-*s", LANE_LEFT, "t");
        for (uint32_t i = 0; i < l.n; i++) {
            size_t at = LANE_LEFT + i * l.width;
            col += (size_t)fprintf(out, "%*s%s", at > col ? (int)(at - col) : i ? 1 : 0, "",
                                   node_name(l.node[i], a));
        }
        fputc('\n', out);
    }
    for (size_t i = 0; i < t->len; i++) {
        struct step st;
        if (!in_diagram(&t->recs[i], payment) || !diagram_step(&t->recs[i], &st))
            continue;
        if (mermaid)
            mermaid_row(out, &l, &st);
        else
            ascii_row(out, &l, &st);
    }
}

/* ---- the explain command ---- */

/* An output file written under a temporary name, renamed only once all are complete. */
struct output {
    const char *path;
    char tmp[1100];
    FILE *f;
};

static bool output_open(struct output *o, const char *path)
{
    o->path = path;
    o->f = NULL;
    if (!path)
        return true;
    int n = snprintf(o->tmp, sizeof o->tmp, "%s.%ld.tmp", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof o->tmp) {
        errno = ENAMETOOLONG;
        return false;
    }
    cleanup_file(o->tmp);
    o->f = fopen(o->tmp, "wb");
    if (!o->f)
        cleanup_forget_file(o->tmp);
    return o->f != NULL;
}

/* Closes every output; renames them all if every one was written whole, else removes
 * them all, so a failed explain leaves nothing behind. */
static bool outputs_close(struct output *outs, size_t n, bool ok)
{
    const char *failed = NULL;
    int why = 0;
    for (size_t i = 0; i < n; i++)
        if (outs[i].f) {
            bool whole = !ferror(outs[i].f);
            whole = fclose(outs[i].f) == 0 && whole;
            if (!whole && !failed)
                failed = outs[i].path, why = errno ? errno : EIO;
        }
    ok = ok && !failed;
    for (size_t i = 0; i < n; i++)
        if (outs[i].f && (!ok || rename(outs[i].tmp, outs[i].path) != 0)) {
            if (ok)
                failed = outs[i].path, why = errno;
            remove(outs[i].tmp);
            ok = false;
        }
    for (size_t i = 0; i < n; i++)
        if (outs[i].f)
            cleanup_forget_file(outs[i].tmp);
    if (failed)
        fprintf(stderr, "eosim: cannot write %s: %s\n", failed, strerror(why));
    return ok;
}

static uint32_t first_absorbed(const struct trace *t)
{
    for (size_t i = 0; i < t->len; i++)
        if (t->recs[i].what == TRACE_SAVED || t->recs[i].what == TRACE_SKIP)
            return t->recs[i].payment;
    return UINT32_MAX;
}

/* Which scripted faults the payment's anomaly needed (attribute.h). */
static void tell_necessary(FILE *out, const struct scenario *sc, const struct explain_request *rq,
                           enum anomaly kind, uint32_t payment)
{
    struct run_result r = { .seed = rq->seed };
    r.anomalies[kind] = (struct anomaly_sample){ .payments = { payment }, .count = 1 };
    struct attribution a;
    char text[600];
    attribute_run(sc, rq->strategy, &r, &a);
    wrap_text(out, "  ", 4, attribute_text(sc, &a, kind, 0, text, sizeof text), COLUMNS);
}

static void tell(FILE *out, const struct scenario *sc, const struct explain_request *rq,
                 const struct trace *t, uint32_t payment)
{
    enum explain_verdict v = explain_payment(out, sc, rq->strategy, t, payment, NULL);
    if (sc->nfaults > 0 && (v == EXPLAIN_DUPLICATED || v == EXPLAIN_LOST))
        tell_necessary(out, sc, rq, v == EXPLAIN_LOST ? ANOMALY_LOST : ANOMALY_DUPLICATED,
                       payment);
    fputc('\n', out);
    explain_diagram(out, t, payment, DIAGRAM_ASCII);
    fputc('\n', out);
}

/* Which payments to tell: the one asked for, every anomaly, or the first; with no
 * anomaly, the first duplicate something absorbed (teaching mode). */
static uint32_t tell_selected(FILE *out, const struct scenario *sc, const struct explain_request *rq,
                              const struct trace *t)
{
    if (rq->payment != UINT32_MAX) {
        tell(out, sc, rq, t, rq->payment);
        return rq->payment;
    }
    uint32_t first = explain_first_anomaly(t, sc, rq->strategy);
    if (first == UINT32_MAX) {
        uint32_t absorbed = first_absorbed(t);
        char text[300];
        snprintf(text, sizeof text, "no payment was lost or charged twice under %s (seed "
                 "%llu)%s", sc->strategies[rq->strategy].name, (unsigned long long)rq->seed,
                 absorbed == UINT32_MAX ? ", and nothing tried to charge one twice."
                                        : ". A duplicate came, and this is what absorbed it:");
        wrap_text(out, "", 0, text, COLUMNS);
        if (absorbed == UINT32_MAX)
            return UINT32_MAX;
        fputc('\n', out);
        tell(out, sc, rq, t, absorbed);
        return absorbed;
    }
    uint32_t *charges = sim_alloc(sc->payments, sizeof *charges);
    for (size_t i = 0; rq->all && i < t->len; i++)
        if (t->recs[i].what == TRACE_CHARGE)
            charges[t->recs[i].payment]++;
    for (uint32_t p = first; p < sc->payments; p++)
        if (p == first || (rq->all && charges[p] != 1))
            tell(out, sc, rq, t, p);
    free(charges);
    return first;
}

int explain_command(FILE *out, const struct scenario *sc, const struct explain_request *rq)
{
    struct output outs[3];
    memset(outs, 0, sizeof outs);
    const char *paths[3] = { rq->trace, rq->perfetto, rq->trace_only ? NULL : rq->mermaid };
    size_t opened = 0;
    while (opened < 3 && output_open(&outs[opened], paths[opened]))
        opened++;
    if (opened < 3) { /* outs[opened] failed: say which, and remove what was opened */
        fprintf(stderr, "eosim: cannot write %s: %s\n", paths[opened], strerror(errno));
        for (size_t i = 0; i < opened; i++)
            if (outs[i].f) {
                fclose(outs[i].f);
                remove(outs[i].tmp);
                cleanup_forget_file(outs[i].tmp);
            }
        return -1;
    }
    struct trace t = { .keep = !rq->trace_only, .jsonl = outs[0].f, .perfetto = outs[1].f };
    struct run_result r;
    sim_run_with(sc, rq->strategy, rq->seed,
                 &(struct sim_options){ .trace = &t, .spare_link = -1 }, &r);
    trace_end(&t);
    uint32_t told = rq->trace_only ? UINT32_MAX : tell_selected(out, sc, rq, &t);
    if (outs[2].f && told != UINT32_MAX)
        explain_diagram(outs[2].f, &t, told, DIAGRAM_MERMAID);
    else if (outs[2].f)
        fputs("sequenceDiagram\n    Note over producer: no payment was lost or charged twice\n",
              outs[2].f);
    trace_fini(&t);
    return outputs_close(outs, 3, true) ? 0 : -1;
}
