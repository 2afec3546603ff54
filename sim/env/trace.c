/* trace.c: keeps and writes trace records. One JSON object a line, fields always in the
 * same order, integers only, so `jq` and a diff can both read a trace. */
#include "env/trace.h"

#include <stdlib.h>

#include "base/check.h"
#include "base/limits.h"
#include "lang/model.h"

const char *const trace_what_names[TRACE_WHAT_COUNT] = {
    "event", "send", "duplicate", "loss", "cut", "drop", "hold", "dead", "append",
    "charge", "saved", "skip", "row", "fault", "deliver", "copy", "give-up",
};

_Static_assert(TIMER_ADD_PARTITIONS - TIMER_PRODUCE + 1 == 15, "one name per timer kind");

const char *trace_kind_name(uint8_t type, uint8_t kind)
{
    static const char *const timers[] = {
        "produce-timeout", "resend", "end-txn-timeout", "transaction-timeout", "execute",
        "request-timeout", "backoff", "ledger-commit", "step", "outbox-row", "flush",
        "heartbeat", "sessions", "init-producer-id-timeout", "add-partitions-timeout",
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

/* Chrome's trace-event format: an instant event on the track (tid) of its node, time
 * in microseconds. The first line opens the array; trace_end closes it. */
static void write_chrome(struct trace *t, const struct trace_record *r)
{
    FILE *out = t->perfetto;
    char a[16];
    if (!t->perfetto_started) {
        fputs("[\n", out);
        for (uint8_t n = 0; n < NODE_FIXED + CONSUMERS_MAX; n++)
            fprintf(out, "%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
                    "\"args\":{\"name\":\"%s\"}}", n ? ",\n" : "", n, node_name(n, a));
        t->perfetto_started = true;
    }
    fprintf(out, ",\n{\"name\":\"%s %s\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%u,"
            "\"ts\":%llu.%03llu,\"args\":{\"id\":%llu,\"cause\":%llu",
            trace_what_names[r->what], trace_kind_name(r->type, r->kind), r->node,
            (unsigned long long)r->t / 1000, (unsigned long long)r->t % 1000,
            (unsigned long long)r->id, (unsigned long long)r->cause);
    if (r->payment != UINT32_MAX)
        fprintf(out, ",\"payment\":%u", r->payment);
    fputs("}}", out);
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
    free(t->recs);
    t->recs = NULL;
    t->len = t->cap = 0;
}
