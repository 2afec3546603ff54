/* trace_test.c: a run's trace holds every event once, each cause points back in time,
 * the JSON Lines output parses, and recording does not change the run. */
#include <stdlib.h>

#include "lang/scenario.h"
#include "run/sim.h"
#include "test.h"
#include "env/trace.h"

static const char *const text =
    "scenario traced\n"
    "payments 200 every 1ms\n"
    "link gateway->consumer loss 5%\n"
    "link producer->broker duplicate 5% delay 1ms..4ms\n"
    "set consumer.gateway-timeout 50ms\n"
    "set gateway.latency 1ms\n"
    "crash consumer on after-effect payment 50 restart after 1s\n"
    "drop broker->producer on ack payment 7\n"
    "set producer.request-timeout 100ms\n";

static bool load(struct scenario *sc)
{
    struct parse_error err;
    bool ok = scenario_parse("traced.scn", text, sc, &err);
    CHECK(ok);
    return ok;
}

static void test_trace_holds_every_event_once(void)
{
    static struct scenario sc;
    if (!load(&sc))
        return;
    struct trace t = { .keep = true };
    struct run_result traced, plain;
    sim_run_with(&sc, 1, sc.seed, &(struct sim_options){ .trace = &t, .spare_link = -1 }, &traced);
    sim_run(&sc, 1, sc.seed, &plain);
    CHECK(memcmp(&traced, &plain, sizeof traced) == 0);
    uint64_t events = 0, charges = 0, bad_cause = 0, repeated = 0;
    uint8_t *seen = calloc(traced.events * 4 + 1024, 1);
    for (size_t i = 0; i < t.len; i++) {
        const struct trace_record *r = &t.recs[i];
        if (r->what == TRACE_EVENT) {
            events++;
            bad_cause += r->cause >= r->id; /* a cause is scheduled before its effect */
            if (seen && r->id < traced.events * 4 + 1024)
                repeated += seen[r->id]++ > 0;
        }
        charges += r->what == TRACE_CHARGE;
    }
    free(seen);
    CHECK_EQ(bad_cause, 0);
    CHECK_EQ(repeated, 0);
    CHECK_EQ(events, traced.events);
    CHECK_EQ(charges, traced.charges);
    trace_fini(&t);
}

/* A small validator for the flat objects eosim writes: {"key":value,...} with string or
 * unsigned integer values. */
static bool json_object(const char *s)
{
    if (*s++ != '{')
        return false;
    for (;;) {
        if (*s++ != '"')
            return false;
        while (*s && *s != '"')
            s++;
        if (*s++ != '"' || *s++ != ':')
            return false;
        if (*s == '"') {
            for (s++; *s && *s != '"'; s++)
                if (*s == '\\' || (unsigned char)*s < 0x20)
                    return false;
            if (*s++ != '"')
                return false;
        } else {
            if (*s < '0' || *s > '9')
                return false;
            while (*s >= '0' && *s <= '9')
                s++;
        }
        if (*s == '}')
            return s[1] == '\n' && s[2] == 0;
        if (*s++ != ',')
            return false;
    }
}

/* Runs the test scenario under a strategy, streaming the trace into a temporary file
 * as JSON Lines or as Chrome's format; NULL if the scenario or the file failed. */
static FILE *traced(uint32_t strategy, bool chrome, struct trace *t, struct run_result *r)
{
    static struct scenario sc;
    FILE *f = load(&sc) ? tmpfile() : NULL;
    CHECK(f != NULL);
    if (!f)
        return NULL;
    *t = (struct trace){ .keep = true };
    *(chrome ? &t->perfetto : &t->jsonl) = f;
    sim_run_with(&sc, strategy, sc.seed, &(struct sim_options){ .trace = t, .spare_link = -1 }, r);
    trace_end(t);
    rewind(f);
    return f;
}

static void test_trace_jsonl_parses(void)
{
    struct trace t;
    struct run_result r;
    FILE *f = traced(0, false, &t, &r);
    if (!f)
        return;
    char line[1024];
    size_t lines = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        bad += !json_object(line);
    }
    fclose(f);
    CHECK_EQ(bad, 0);
    CHECK_EQ(lines, t.len);
    CHECK(lines > r.events);
    trace_fini(&t);
}

/* A recursive-descent JSON checker: objects, arrays, strings without escapes, and
 * non-negative numbers with an optional fraction (all the Chrome trace uses). */
static const char *json_value(const char *s);

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
        s++;
    return s;
}

static const char *json_string(const char *s)
{
    if (*s++ != '"')
        return NULL;
    while (*s && *s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
        s++;
    return *s == '"' ? s + 1 : NULL;
}

static const char *json_list(const char *s, char close, bool keyed)
{
    s = skip_ws(s + 1);
    if (*s == close)
        return s + 1;
    for (;;) {
        if (keyed) {
            if (!(s = json_string(skip_ws(s))) || *(s = skip_ws(s)) != ':')
                return NULL;
            s++;
        }
        if (!(s = json_value(skip_ws(s))))
            return NULL;
        s = skip_ws(s);
        if (*s == close)
            return s + 1;
        if (*s++ != ',')
            return NULL;
    }
}

static const char *json_value(const char *s)
{
    if (*s == '{')
        return json_list(s, '}', true);
    if (*s == '[')
        return json_list(s, ']', false);
    if (*s == '"')
        return json_string(s);
    if (*s < '0' || *s > '9')
        return NULL;
    while ((*s >= '0' && *s <= '9') || *s == '.')
        s++;
    return s;
}

static size_t count_of(const char *json, const char *what)
{
    size_t n = 0;
    for (const char *p = json; (p = strstr(p, what)); p++)
        n++;
    return n;
}

static void test_trace_chrome_json_parses(void)
{
    struct trace t;
    struct run_result r;
    FILE *f = traced(2, true, &t, &r);
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *json = malloc((size_t)size + 1);
    CHECK(json && fread(json, 1, (size_t)size, f) == (size_t)size);
    if (json) {
        json[size] = 0;
        const char *end = json_value(skip_ws(json));
        CHECK(end != NULL && *skip_ws(end) == 0);
        CHECK_EQ(count_of(json, "\"ph\":\"i\""), t.len); /* every record once */
        size_t sends = 0, deliveries = 0;
        uint64_t nodes = 0;
        for (size_t i = 0; i < t.len; i++) {
            const struct trace_record *rec = &t.recs[i];
            sends += rec->what == TRACE_SEND || rec->what == TRACE_DUPLICATE ||
                     rec->what == TRACE_COPY;
            deliveries += rec->what == TRACE_EVENT && rec->type == EV_MSG;
            nodes |= UINT64_C(1) << rec->node;
        }
        /* a slice and a flow arrow from each send to its delivery */
        CHECK_EQ(count_of(json, "\"ph\":\"b\""), sends);
        CHECK_EQ(count_of(json, "\"ph\":\"s\""), sends);
        CHECK_EQ(count_of(json, "\"ph\":\"e\""), deliveries);
        CHECK_EQ(count_of(json, "\"ph\":\"f\""), deliveries);
        CHECK(deliveries > 0 && deliveries <= sends);
        /* a track per node that takes part, and only those */
        size_t taking_part = 0;
        for (int n = 0; n < 64; n++)
            taking_part += nodes >> n & 1;
        CHECK_EQ(count_of(json, "\"thread_name\""), taking_part);
        CHECK(strstr(json, "\"name\":\"relay\"") == NULL); /* no outbox here */
        CHECK(strstr(json, "none") == NULL);
    }
    free(json);
    fclose(f);
    trace_fini(&t);
}

static int by_time(const void *a, const void *b)
{
    sim_time x = *(const sim_time *)a, y = *(const sim_time *)b;
    return (x > y) - (x < y);
}

/* The result's p50, p99 and max (found by selection, not sorting) are the nearest-rank
 * percentiles of the first-charge latencies the trace shows, sorted here. */
static void test_latency_percentiles_exact(void)
{
    static struct scenario sc;
    const char *lat_scn = "scenario lat\npayments 3000 every 1ms\nlink consumer->gateway loss 3%\n"
                       "set gateway.latency 1ms..900ms\nset consumer.gateway-timeout 1s\n";
    for (uint32_t strategy = 0; strategy < 4; strategy++) {
        CHECK(test_scenario(lat_scn, "at-least-once", &sc) >= 0);
        struct trace t = { .keep = true };
        struct run_result r;
        sim_run_with(&sc, strategy, sc.seed, &(struct sim_options){ .trace = &t, .spare_link = -1 },
                     &r);
        sim_time *lat = calloc(sc.payments, sizeof *lat);
        bool *seen = calloc(sc.payments, sizeof *seen);
        size_t n = 0;
        for (size_t i = 0; i < t.len; i++)
            if (t.recs[i].what == TRACE_CHARGE && !seen[t.recs[i].payment]) {
                seen[t.recs[i].payment] = true;
                lat[n++] = t.recs[i].t - scenario_payment_time(&sc, t.recs[i].payment);
            }
        qsort(lat, n, sizeof *lat, by_time);
        CHECK(n > 2000);
        CHECK_EQ(r.latency_p50, lat[(n * 50 + 99) / 100 - 1]);
        CHECK_EQ(r.latency_p99, lat[(n * 99 + 99) / 100 - 1]);
        CHECK_EQ(r.latency_max, lat[n - 1]);
        free(lat);
        free(seen);
        trace_fini(&t);
    }
}

const struct test trace_tests[] = {
    { "latency_percentiles_exact", test_latency_percentiles_exact },
    { "trace_chrome_json_parses", test_trace_chrome_json_parses },
    { "trace_holds_every_event_once", test_trace_holds_every_event_once },
    { "trace_jsonl_parses", test_trace_jsonl_parses },
    { NULL, NULL },
};
