/* explain_test.c: the stories. Golden explanations for catalogue scenarios, and for
 * every anomaly in the catalogue: its story starts from a fault which, removed from the
 * scenario, makes that anomaly go away. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdlib.h>

#include "out/explain.h"
#include "lang/scenario.h"
#include "run/sim.h"
#include "test.h"

static char *read_all(FILE *f)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
        len += got;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    if (buf)
        buf[len] = 0;
    return buf;
}

/* Charges per payment in a traced run. */
static uint32_t charges_of(const struct trace *t, uint32_t payment)
{
    uint32_t n = 0;
    for (size_t i = 0; i < t->len; i++)
        n += t->recs[i].what == TRACE_CHARGE && t->recs[i].payment == payment;
    return n;
}

static bool load(const char *path, struct scenario *sc)
{
    struct parse_error err;
    if (scenario_load(path, sc, &err))
        return true;
    fprintf(stderr, "  %s: %s\n", path, err.message);
    test_failures++;
    return false;
}

static void compare_file(FILE *out, const char *golden)
{
    FILE *want = fopen(golden, "rb");
    CHECK(want != NULL);
    if (!want)
        return;
    rewind(out);
    char *got = read_all(out), *expected = read_all(want);
    CHECK_STR(got ? got : "", expected ? expected : "");
    free(got);
    free(expected);
    fclose(want);
}

/* The story (golden.txt) and the Mermaid diagram (golden.mmd) of the first anomaly. */
static void check_golden(const char *scenario, const char *strategy, const char *golden)
{
    static struct scenario sc;
    if (!load(scenario, &sc))
        return;
    int s = scenario_strategy(&sc, strategy, (unsigned)strlen(strategy));
    CHECK(s >= 0);
    struct trace t = { .keep = true };
    struct run_result r;
    sim_run_with(&sc, (uint32_t)s, sc.seed, &(struct sim_options){ .trace = &t, .spare_link = -1 },
                 &r);
    uint32_t p = s >= 0 ? explain_first_anomaly(&t, &sc, (uint32_t)s) : UINT32_MAX;
    CHECK(p != UINT32_MAX);
    FILE *story = tmpfile(), *mermaid = tmpfile();
    CHECK(story && mermaid && s >= 0);
    if (story && mermaid && s >= 0 && p != UINT32_MAX) {
        char path[256];
        explain_payment(story, &sc, (uint32_t)s, &t, p, NULL);
        explain_diagram(mermaid, &t, p, DIAGRAM_MERMAID);
        snprintf(path, sizeof path, "%s.txt", golden);
        compare_file(story, path);
        snprintf(path, sizeof path, "%s.mmd", golden);
        compare_file(mermaid, path);
    }
    if (story)
        fclose(story);
    if (mermaid)
        fclose(mermaid);
    trace_fini(&t);
}

static void test_explain_golden_stories(void)
{
    check_golden("scenarios/gateway-response-lost.scn", "at-least-once",
                 "tests/golden/explain-gateway-response-lost");
    check_golden("scenarios/crash-after-charge-before-commit.scn", "transactional",
                 "tests/golden/explain-crash-after-charge-before-commit");
    check_golden("scenarios/produce-lost.scn", "at-most-once",
                 "tests/golden/explain-produce-lost");
}

/* Removes a scripted root from the scenario (a loss draw is spared at run time). */
static void remove_root(struct scenario *sc, struct explain_root root)
{
    if (root.link >= 0)
        return;
    memmove(&sc->faults[root.fault], &sc->faults[root.fault + 1],
            (sc->nfaults - (uint32_t)root.fault - 1) * sizeof sc->faults[0]);
    sc->nfaults--;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Checks one anomaly: its story has a root, and without that root (the scripted fault
 * removed, or that one loss draw spared) the payment is no longer lost, or is charged
 * fewer times. */
static bool root_is_cause(const char *file, uint32_t strategy, const struct trace *t,
                          uint32_t payment)
{
    static struct scenario sc;
    struct explain_root root;
    FILE *sink = fopen("/dev/null", "w");
    if (!sink || !load(file, &sc))
        return false;
    explain_payment(sink, &sc, strategy, t, payment, &root);
    fclose(sink);
    uint32_t before = charges_of(t, payment);
    if (root.fault < 0 && root.link < 0) {
        fprintf(stderr, "  %s %s payment %u: no root found\n", file,
                sc.strategies[strategy].name, payment);
        return false;
    }
    remove_root(&sc, root);
    struct trace again = { .keep = true };
    struct run_result r;
    struct sim_options o = { .trace = &again, .spare_link = root.link,
                             .spare_message = root.message };
    sim_run_with(&sc, strategy, sc.seed, &o, &r);
    uint32_t after = charges_of(&again, payment);
    trace_fini(&again);
    bool gone = before == 0 ? after > 0 : after < before;
    if (!gone)
        fprintf(stderr, "  %s %s payment %u: %u charges, %u without its root\n", file,
                sc.strategies[strategy].name, payment, before, after);
    return gone;
}

/* Every anomaly of every catalogue scenario's first seed, under every strategy it runs,
 * up to the first 200 payments of each run, 20 in a scenario of more than 10,000 payments
 * (one of 100,000 has thousands of anomalies, each a rerun of the whole scenario). */
static void test_explain_roots_are_the_causes(void)
{
    DIR *d = opendir("scenarios");
    CHECK(d != NULL);
    if (!d)
        return;
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;)
        if (strstr(e->d_name, ".scn"))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    static struct scenario sc;
    uint32_t explained = 0, wrong = 0;
    for (size_t i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "scenarios/%s", names[i]);
        for (uint32_t r = 0; load(path, &sc) && r < sc.nrun; r++) {
            struct trace t = { .keep = true };
            struct run_result res;
            sim_run_with(&sc, sc.run_list[r], sc.seed,
                         &(struct sim_options){ .trace = &t, .spare_link = -1 }, &res);
            uint32_t *charges = calloc(sc.payments, sizeof *charges);
            for (size_t k = 0; k < t.len; k++)
                if (t.recs[k].what == TRACE_CHARGE)
                    charges[t.recs[k].payment]++;
            uint32_t most = sc.payments > 10000 ? 20 : 200;
            for (uint32_t p = 0, told = 0; p < sc.payments && told < most; p++) {
                if (charges[p] == 1)
                    continue;
                told++;
                explained++;
                wrong += !root_is_cause(path, sc.run_list[r], &t, p);
            }
            free(charges);
            trace_fini(&t);
        }
        free(names[i]);
    }
    fprintf(stderr, "  %u anomalies explained, %u roots that were not the cause\n", explained,
            wrong);
    CHECK_EQ(wrong, 0);
    CHECK(explained > 100);
}

/* A retry storm charges one payment hundreds of times; the story tells four charges and
 * counts the rest, so it stays short (told in full it grew with the run's square). */
static void test_explain_retry_storm_story_is_bounded(void)
{
    static struct scenario sc;
    const char *text = "scenario storm\npayments 1 every 1ms\nset consumer.gateway-timeout 1ms\n"
                       "set gateway.latency 10ms\nset run.max-events 20000\n";
    int s = test_scenario(text, "at-least-once", &sc);
    if (s < 0)
        return;
    struct trace t = { .keep = true };
    struct run_result r;
    sim_run_with(&sc, (uint32_t)s, sc.seed, &(struct sim_options){ .trace = &t, .spare_link = -1 },
                 &r);
    CHECK(r.duplicated > 100);
    FILE *f = tmpfile();
    size_t lines = 0;
    bool counted = false;
    if (f) {
        explain_payment(f, &sc, (uint32_t)s, &t, 0, NULL);
        rewind(f);
        char line[512];
        while (fgets(line, sizeof line, f)) {
            lines++;
            counted |= strstr(line, "times more the same way") != NULL;
        }
        fclose(f);
    }
    trace_fini(&t);
    CHECK(counted);
    CHECK(lines < 200);
}

const struct test explain_tests[] = {
    { "explain_retry_storm_story_is_bounded", test_explain_retry_storm_story_is_bounded },
    { "explain_golden_stories", test_explain_golden_stories },
    { "explain_roots_are_the_causes", test_explain_roots_are_the_causes },
    { NULL, NULL },
};
