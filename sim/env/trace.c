/* trace.c: keeps and writes trace records. One JSON object a line, fields always in the
 * same order, integers only, so `jq` and a diff can both read a trace. */
#include "env/trace.h"

#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "base/limits.h"
#include "lang/model.h"

const char *const trace_what_names[TRACE_WHAT_COUNT] = {
    "event", "send", "duplicate", "loss", "cut", "drop", "hold", "dead", "append",
    "charge", "saved", "skip", "row", "fault", "deliver", "copy", "give-up",
};

_Static_assert(TIMER_LEDGER_TIMEOUT - TIMER_PRODUCE + 1 == 16, "one name per timer kind");

const char *trace_kind_name(uint8_t type, uint8_t kind)
{
    static const char *const timers[] = {
        "produce-timeout", "resend", "end-txn-timeout", "transaction-timeout", "execute",
        "request-timeout", "backoff", "ledger-commit", "step", "outbox-row", "flush",
        "heartbeat", "sessions", "init-producer-id-timeout", "add-partitions-timeout",
        "ledger-timeout",
    };
    static const char *const types[] = {
        NULL, NULL, NULL, "intent", "fault", "restart", NULL,
    };
    if (type == EV_INTENT || type == EV_FAULT || type == EV_RESTART)
        return types[type];
    if (kind >= TIMER_PRODUCE && kind - TIMER_PRODUCE < (int)(sizeof timers / sizeof timers[0]))
        return timers[kind - TIMER_PRODUCE];
    if (kind > 0 && kind < MSG_KIND_COUNT)
        return msg_kind_names[kind];
    return "none";
}

static void write_json(FILE *out, const struct trace_record *r)
{
    char a[16], b[16];
    fprintf(out, "{\"t\":%llu,\"id\":%llu,\"cause\":%llu,\"what\":\"%s\",\"node\":\"%s\"",
            (unsigned long long)r->t, (unsigned long long)r->id,
            (unsigned long long)r->cause, trace_what_names[r->what], node_name(r->node, a));
    if (r->what != TRACE_EVENT || r->type == EV_MSG)
        fprintf(out, ",\"from\":\"%s\"", node_name(r->from, b));
    fprintf(out, ",\"kind\":\"%s\"", trace_kind_name(r->type, r->kind));
    if (r->what >= TRACE_SEND && r->what <= TRACE_DEAD)
        fprintf(out, ",\"link\":\"%s\"", link_names[r->link]);
    if (r->payment != UINT32_MAX)
        fprintf(out, ",\"payment\":%u", r->payment);
    fprintf(out, ",\"req\":%u,\"x\":%llu}\n", r->req, (unsigned long long)r->x);
}

/* Chrome's trace-event format, which Perfetto reads: a track (tid) per node that takes
 * part, named when it first does; an instant per record; and for every message a slice
 * from its send to its delivery (an async pair: the run may stop with it in flight)
 * with a flow arrow from the sender's track to the receiver's. Times in microseconds.
 * The first element opens the array; trace_end closes it. */
static void chrome_element(struct trace *t)
{
    fputs(t->perfetto_started ? ",\n" : "[\n", t->perfetto);
    t->perfetto_started = true;
}

static void chrome_track(struct trace *t, uint8_t node)
{
    char a[16];
    if (node >= 64 || t->perfetto_named >> node & 1)
        return;
    t->perfetto_named |= UINT64_C(1) << node;
    chrome_element(t);
    fprintf(t->perfetto, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
            "\"args\":{\"name\":\"%s\"}}", node, node_name(node, a));
}

/* One event: its phase, name, track and time, then any more fields, and the braces. */
static void chrome_event(struct trace *t, const char *ph, const char *name, uint8_t tid,
                         sim_time at, const char *more)
{
    chrome_element(t);
    fprintf(t->perfetto, "{\"name\":\"%s\",\"ph\":\"%s\",\"pid\":1,\"tid\":%u,"
            "\"ts\":%llu.%03llu%s}", name, ph, tid, (unsigned long long)at / 1000,
            (unsigned long long)at % 1000, more);
}

/* The messages in flight (their delivery event ids): an open-addressing set, so that a
 * delivery ends a slice only if a send began it (a message that reached a paused node is
 * handled later under a new id, which no send began). */
static void in_flight_add(struct trace *t, uint64_t id)
{
    if (2 * (t->flight_len + 1) > t->flight_cap) {
        uint64_t *old = t->flight;
        size_t cap = t->flight_cap;
        t->flight_cap = cap ? 2 * cap : 1024;
        t->flight = calloc(t->flight_cap, sizeof *t->flight);
        if (!t->flight)
            SIM_PANIC("out of memory for a trace");
        t->flight_len = 0;
        for (size_t i = 0; i < cap; i++)
            if (old[i])
                in_flight_add(t, old[i]);
        free(old);
    }
    size_t i = id & (t->flight_cap - 1);
    while (t->flight[i])
        i = (i + 1) & (t->flight_cap - 1);
    t->flight[i] = id;
    t->flight_len++;
}

/* Removes id if present; the rest of its probe run is put back, so no chain breaks. */
static bool in_flight_take(struct trace *t, uint64_t id)
{
    if (!t->flight_cap)
        return false;
    size_t mask = t->flight_cap - 1, i = id & mask;
    while (t->flight[i] && t->flight[i] != id)
        i = (i + 1) & mask;
    if (!t->flight[i])
        return false;
    t->flight[i] = 0;
    t->flight_len--;
    for (size_t j = (i + 1) & mask; t->flight[j]; j = (j + 1) & mask) {
        uint64_t v = t->flight[j];
        t->flight[j] = 0;
        t->flight_len--;
        in_flight_add(t, v);
    }
    return true;
}

/* The ends of a message's slice and flow: at the sender when it is put on the wire,
 * at the receiver when it is delivered (to a live node or a dead one). */
static void chrome_message(struct trace *t, const struct trace_record *r, bool sent)
{
    const char *kind = trace_kind_name(EV_MSG, r->kind);
    uint8_t tid = sent ? r->from : r->node;
    char more[96], name[48];
    chrome_track(t, tid);
    snprintf(more, sizeof more, ",\"cat\":\"message\",\"id\":%llu", (unsigned long long)r->id);
    chrome_event(t, sent ? "b" : "e", kind, tid, r->t, more);
    snprintf(name, sizeof name, "%s %s", sent ? "send" : "receive", kind);
    chrome_event(t, "X", name, tid, r->t, ",\"dur\":0.001");
    snprintf(more, sizeof more, ",\"cat\":\"message\",\"id\":%llu%s",
             (unsigned long long)r->id, sent ? "" : ",\"bp\":\"e\"");
    chrome_event(t, sent ? "s" : "f", kind, tid, r->t, more);
}

static void write_chrome(struct trace *t, const struct trace_record *r)
{
    bool sent = r->what == TRACE_SEND || r->what == TRACE_DUPLICATE || r->what == TRACE_COPY;
    if (sent)
        in_flight_add(t, r->id);
    if (sent || (r->what == TRACE_EVENT && r->type == EV_MSG && in_flight_take(t, r->id)))
        chrome_message(t, r, sent);
    chrome_track(t, r->node);
    const char *kind = trace_kind_name(r->type, r->kind);
    char name[64], more[96];
    snprintf(name, sizeof name, "%s%s%s", trace_what_names[r->what],
             strcmp(kind, "none") ? " " : "", strcmp(kind, "none") ? kind : "");
    int n = snprintf(more, sizeof more, ",\"s\":\"t\",\"args\":{\"id\":%llu,\"cause\":%llu",
                     (unsigned long long)r->id, (unsigned long long)r->cause);
    if (r->payment != UINT32_MAX && n > 0)
        n += snprintf(more + n, sizeof more - (size_t)n, ",\"payment\":%u", r->payment);
    if (n > 0)
        snprintf(more + n, sizeof more - (size_t)n, "}");
    chrome_event(t, "i", name, r->node, r->t, more);
}

void trace_end(struct trace *t)
{
    if (t->perfetto && t->perfetto_started)
        fputs("\n]\n", t->perfetto);
    else if (t->perfetto)
        fputs("[]\n", t->perfetto);
}

void trace_add(struct trace *t, const struct trace_record *r)
{
    if (t->jsonl)
        write_json(t->jsonl, r);
    if (t->perfetto)
        write_chrome(t, r);
    if (!t->keep)
        return;
    if (t->len == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4096;
        t->recs = sim_realloc(t->recs, t->cap, sizeof *t->recs);
    }
    t->recs[t->len++] = *r;
}

void trace_fini(struct trace *t)
{
    free(t->flight);
    t->flight = NULL;
    t->flight_len = t->flight_cap = 0;
    free(t->recs);
    t->recs = NULL;
    t->len = t->cap = 0;
}
