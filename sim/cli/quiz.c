/* quiz.c: `eosim quiz` (see quiz.h): the scenario in words, a prediction per strategy,
 * then the run, the score, and the story behind every miss. */
#include "cli/quiz.h"

#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "base/value.h"
#include "base/wrap.h"
#include "lang/settings.h"
#include "lang/strategy.h"
#include "out/explain.h"
#include "run/sim.h"

#define WIDTH 80

/* What each preset does, in a line. */
static const char *const preset_words[STRATEGY_PRESETS] = {
    "commits the offset before it charges, and never retries",
    "retries every send and every charge, without an idempotency key; commits the offset "
    "after the ledger row",
    "an idempotent producer, one stable idempotency key per payment, and a dedup check in "
    "the ledger",
    "Kafka transactions end to end: a transactional producer, read-committed reads, the "
    "offset in the ledger's own transaction; no idempotency key",
};

static const char *when(const struct fault *f, char *buf, size_t size)
{
    char t[48];
    if (fault_recurs(f))
        snprintf(buf, size, "again and again, %s apart", dist_format(&f->every, t, sizeof t));
    else if (!f->point)
        snprintf(buf, size, "at %s", value_format_duration(f->at, t, sizeof t));
    else if (f->payment == ANY_PAYMENT)
        snprintf(buf, size, "the first time a node reaches %s", point_names[f->point]);
    else
        snprintf(buf, size, "when payment %u reaches %s", f->payment, point_names[f->point]);
    return buf;
}

/* One message a targeted fault picks: "the first response on gateway->consumer (for
 * payment 4)". */
static const char *message(const struct fault *f, char *buf, size_t size)
{
    char k[32] = "";
    if (f->payment != ANY_PAYMENT)
        snprintf(k, sizeof k, " for payment %u", f->payment);
    snprintf(buf, size, "the first %s on %s%s", msg_kind_names[f->msg_kind],
             link_names[f->link], k);
    return buf;
}

static void fault_words(FILE *out, const struct scenario *sc, const struct fault *f)
{
    char a[160], b[160], d[48], text[600], line[200];
    char node[16];
    node_name(f->node, node);
    /* a crash without `restart after` waits node.restart-delay */
    bool default_restart = f->kind == FAULT_CRASH && f->duration == UINT64_MAX;
    if (f->length.kind != DIST_FIXED)
        dist_format(&f->length, d, sizeof d);
    else
        value_format_duration(default_restart ? sc->params.restart_delay : f->duration, d, sizeof d);
    switch (f->kind) {
    case FAULT_CRASH:
        snprintf(text, sizeof text, "%s crashes %s, %s", node, when(f, a, sizeof a),
                 f->restart ? "and restarts after " : "and never restarts");
        if (f->restart)
            strcat(text, d);
        break;
    case FAULT_PAUSE:
        snprintf(text, sizeof text, "%s stops for %s %s (a long GC pause)", node, d,
                 when(f, a, sizeof a));
        break;
    case FAULT_CUT:
        snprintf(text, sizeof text, "%s is cut for %s %s: everything sent on it is lost",
                 link_names[f->link], d, when(f, a, sizeof a));
        break;
    case FAULT_DROP: snprintf(text, sizeof text, "%s is lost", message(f, a, sizeof a)); break;
    case FAULT_DELAY:
        snprintf(text, sizeof text, "%s arrives %s late", message(f, a, sizeof a), d);
        break;
    case FAULT_DUPLICATE:
        snprintf(text, sizeof text, "%s arrives twice", message(f, a, sizeof a));
        break;
    default:
        snprintf(text, sizeof text, "an operator resets the group's committed offsets (%s) "
                 "%s, and restarts the group", scenario_fault_text(f, b, sizeof b),
                 when(f, a, sizeof a));
    }
    snprintf(line, sizeof line, "  - ");
    wrap_text(out, line, 4, text, WIDTH);
}

/* A strategy: a preset's line, or the knobs by which it differs from the nearest one. */
static void strategy_words(FILE *out, const struct scenario *sc, uint32_t s)
{
    char lead[80], text[1200];
    snprintf(lead, sizeof lead, "  %s: ", sc->strategies[s].name);
    if (s < STRATEGY_PRESETS) {
        wrap_text(out, lead, 4, preset_words[s], WIDTH);
        return;
    }
    int best = 0, best_diff = 1000;
    for (int p = 0; p < STRATEGY_PRESETS; p++) {
        int diff = 0;
        for (const struct setting *k = strategy_knobs; k->name; k++) {
            char x[64], y[64];
            diff += strcmp(setting_format(k, &sc->strategies[s], x, sizeof x),
                           setting_format(k, &strategy_presets[p], y, sizeof y)) != 0;
        }
        if (diff < best_diff)
            best = p, best_diff = diff;
    }
    size_t used = (size_t)snprintf(text, sizeof text, "%s, but with", strategy_presets[best].name);
    for (const struct setting *k = strategy_knobs; k->name && used < sizeof text; k++) {
        char x[64], y[64];
        const char *v = setting_format(k, &sc->strategies[s], x, sizeof x);
        if (strcmp(v, setting_format(k, &strategy_presets[best], y, sizeof y)) != 0)
            used += (size_t)snprintf(text + used, sizeof text - used, " %s=%s", k->name, v);
    }
    wrap_text(out, lead, 4, best_diff ? text : strategy_presets[best].name, WIDTH);
}

static void describe(FILE *out, const struct scenario *sc)
{
    char every[48], d1[48], text[400];
    fprintf(out, "%s\n", sc->name);
    if (sc->about[0])
        wrap_text(out, "  ", 2, sc->about, WIDTH);
    char pace[48] = " listed";
    if (!sc->nlisted)
        snprintf(pace, sizeof pace, ", one every %s", dist_format(&sc->gaps, every, sizeof every));
    snprintf(text, sizeof text, "%u payment%s%s, %u partition%s, %u worker%s%s",
             sc->payments, sc->payments == 1 ? "" : "s", pace, sc->partitions,
             sc->partitions == 1 ? "" : "s", sc->consumers, sc->consumers == 1 ? "" : "s",
             sc->runs > 1 ? "" : ".");
    if (sc->runs > 1)
        snprintf(text + strlen(text), sizeof text - strlen(text), ", %u seeds (count over all).",
                 sc->runs);
    fputc('\n', out);
    wrap_text(out, "The workload: ", 2, text, WIDTH);
    bool links = false;
    for (int l = 0; l < LINK_COUNT; l++) {
        const struct link_config *c = &sc->links[l];
        if (!c->loss_ppm && !c->duplicate_ppm && c->delay.kind == DIST_FIXED && c->delay.lo == SIM_MS)
            continue;
        if (!links)
            fputs("The network (other links: 1ms, nothing lost):\n", out);
        links = true;
        snprintf(text, sizeof text, "%s: %s, loses %u.%04u%%, duplicates %u.%04u%%",
                 link_names[l], dist_format(&c->delay, d1, sizeof d1),
                 c->loss_ppm / 10000, c->loss_ppm % 10000, c->duplicate_ppm / 10000,
                 c->duplicate_ppm % 10000);
        wrap_text(out, "  - ", 4, text, WIDTH);
    }
    fputs(sc->nfaults ? "What goes wrong:\n" : "Nothing is scripted to go wrong.\n", out);
    for (uint32_t f = 0; f < sc->nfaults; f++)
        fault_words(out, sc, &sc->faults[f]);
    fputs("The strategies:\n", out);
    for (uint32_t i = 0; i < sc->nrun; i++)
        strategy_words(out, sc, sc->run_list[i]);
}

/* "S=L/D" for strategy name: lost and charged twice; false if not given there. */
static bool scripted(const char *answers, const char *name, uint64_t *lost, uint64_t *dup)
{
    size_t n = strlen(name);
    for (const char *a = answers; a && *a; a += strcspn(a, ",") + (a[strcspn(a, ",")] != 0))
        if (strncmp(a, name, n) == 0 && a[n] == '=')
            return sscanf(a + n + 1, "%llu/%llu", (unsigned long long *)lost,
                          (unsigned long long *)dup) == 2;
    return false;
}

/* A prediction from the answers, or read from in (asking again until it parses). */
static bool predict(FILE *out, FILE *in, const char *answers, const char *name,
                    uint64_t *lost, uint64_t *dup)
{
    if (answers)
        return scripted(answers, name, lost, dup);
    for (;;) {
        char line[128];
        fprintf(out, "%s: how many payments lost, and how many charged twice? (LOST/TWICE) ",
                name);
        fflush(out);
        if (!fgets(line, sizeof line, in))
            return false;
        unsigned long long l, d;
        if (sscanf(line, "%llu/%llu", &l, &d) == 2) {
            *lost = l;
            *dup = d;
            return true;
        }
        fputs("  two whole numbers, like 0/1\n", out);
    }
}

/* The story behind a miss: the first anomaly's, or (when there was none) of the payment
 * the first scripted fault names, to show what absorbed it. */
static void tell(FILE *out, const struct scenario *sc, uint32_t strategy, uint64_t seed)
{
    struct trace t = { .keep = true };
    struct run_result r;
    sim_run_with(sc, strategy, seed, &(struct sim_options){ .trace = &t, .spare_link = -1,
                                                               .spare_message = UINT64_MAX },
                 &r);
    uint32_t p = explain_first_anomaly(&t, sc, strategy);
    if (p == UINT32_MAX)
        p = sc->nfaults && sc->faults[0].payment != ANY_PAYMENT ? sc->faults[0].payment : 0;
    explain_payment(out, sc, strategy, &t, p, NULL);
    trace_fini(&t);
}

int quiz_run(FILE *out, FILE *in, const struct scenario *sc, const char *answers)
{
    describe(out, sc);
    uint64_t want_lost[STRATEGIES_MAX], want_dup[STRATEGIES_MAX];
    fputs("\nYour prediction, per strategy, over every seed:\n", out);
    for (uint32_t i = 0; i < sc->nrun; i++)
        if (!predict(out, in, answers, sc->strategies[sc->run_list[i]].name, &want_lost[i],
                     &want_dup[i])) {
            fprintf(stderr, "eosim: quiz: no prediction for %s (--answers %s=LOST/TWICE,...)\n",
                    sc->strategies[sc->run_list[i]].name, sc->strategies[sc->run_list[i]].name);
            return 2;
        }
    uint32_t score = 0;
    fputs("\nWhat the run says:\n", out);
    for (uint32_t i = 0; i < sc->nrun; i++) {
        uint32_t s = sc->run_list[i];
        uint64_t lost = 0, dup = 0, told = sc->seed; /* the first seed with an anomaly */
        for (uint32_t k = 0; k < sc->runs; k++) {
            struct run_result r;
            sim_run(sc, s, sc->seed + k, &r);
            if (!lost && !dup && (r.lost || r.duplicated))
                told = sc->seed + k;
            lost += r.lost;
            dup += r.duplicated;
        }
        bool right = lost == want_lost[i] && dup == want_dup[i];
        score += (lost == want_lost[i]) + (dup == want_dup[i]);
        fprintf(out, "  %-20s you said %llu lost, %llu charged twice; it is %llu and %llu: %s\n",
                sc->strategies[s].name, (unsigned long long)want_lost[i],
                (unsigned long long)want_dup[i], (unsigned long long)lost,
                (unsigned long long)dup, right ? "right" : "missed");
        if (!right) {
            fputc('\n', out);
            tell(out, sc, s, told);
            fputc('\n', out);
        }
    }
    fprintf(out, "score: %u of %u\n", score, 2 * sc->nrun);
    return 0;
}
