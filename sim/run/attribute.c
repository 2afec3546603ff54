/* attribute.c: one rerun without each fault that fired (see attribute.h). */
#include "run/attribute.h"

#include <stdio.h>
#include <string.h>

#include "base/check.h"
#include "run/sim.h"
#include "base/value.h"

static void run(const struct scenario *sc, uint32_t strategy, uint64_t seed, uint32_t from,
                sim_time *fired, struct run_result *r)
{
    struct sim_options opt = { .spare_link = -1, .spare_message = UINT64_MAX,
                               .fired_at = fired, .sample_from = from };
    sim_run_with(sc, strategy, seed, &opt, r);
}

static bool in_sample(const struct anomaly_sample *s, uint32_t payment, bool *unsure)
{
    *unsure = false;
    for (uint32_t j = 0; j < s->count; j++)
        if (s->payments[j] == payment)
            return true;
    /* the sample keeps the smallest ids: a larger one may have been left out */
    *unsure = s->more && s->count > 0 && payment > s->payments[s->count - 1];
    return false;
}

/* Whether the run of `without` still has anomaly k on payment p. */
static bool still(const struct scenario *without, uint32_t strategy, uint64_t seed,
                  const struct run_result *r2, uint32_t k, uint32_t p)
{
    bool unsure;
    if (in_sample(&r2->anomalies[k], p, &unsure))
        return true;
    if (!unsure)
        return false;
    struct run_result r3;
    run(without, strategy, seed, p, NULL, &r3); /* a sample that starts at p */
    return r3.anomalies[k].count > 0 && r3.anomalies[k].payments[0] == p;
}

static bool any_anomaly(const struct run_result *r)
{
    for (int k = 0; k < ANOMALY_KINDS; k++)
        if (r->anomalies[k].count)
            return true;
    return false;
}

void attribute_run(const struct scenario *sc, uint32_t strategy, const struct run_result *r,
                   struct attribution *a)
{
    memset(a, 0, sizeof *a);
    if (sc->nfaults == 0 || !any_anomaly(r))
        return;
    sim_time fired[FAULTS_MAX];
    struct run_result again;
    run(sc, strategy, r->seed, 0, fired, &again);
    for (uint32_t i = 0; i < sc->nfaults; i++) {
        if (fired[i] == SIM_NEVER)
            continue;
        if (a->nfired == ATTRIBUTE_MAX) {
            a->over = true;
            return;
        }
        a->when[a->nfired] = fired[i];
        a->fault[a->nfired++] = i;
    }
    struct scenario *without = sim_alloc(1, sizeof *without);
    for (uint32_t f = 0; f < a->nfired; f++) {
        *without = *sc;
        uint32_t i = a->fault[f];
        memmove(&without->faults[i], &without->faults[i + 1],
                (sc->nfaults - i - 1) * sizeof sc->faults[0]);
        without->nfaults--;
        struct run_result r2;
        run(without, strategy, r->seed, 0, NULL, &r2);
        for (uint32_t k = 0; k < ANOMALY_KINDS; k++)
            for (uint32_t j = 0; j < r->anomalies[k].count; j++)
                if (!still(without, strategy, r->seed, &r2, k, r->anomalies[k].payments[j]))
                    a->needed[k][j] |= (uint16_t)(1u << f);
    }
    free(without);
}

/* "the drop at 455ms (line 13)" for each fault of one side, joined by ", ". */
static void side(const struct scenario *sc, const struct attribution *a, uint16_t mask,
                 bool want, char *buf, size_t size, size_t *used)
{
    bool first = true;
    for (uint32_t f = 0; f < a->nfired; f++) {
        if (((mask >> f) & 1) != want)
            continue;
        char t[32];
        const struct fault *ft = &sc->faults[a->fault[f]];
        int n = snprintf(buf + *used, size - *used, "%sthe %s at %s (line %u)",
                         first ? "" : ", ", fault_kind_names[ft->kind],
                         value_format_duration(a->when[f], t, sizeof t), ft->line);
        *used += n > 0 && (size_t)n < size - *used ? (size_t)n : 0;
        first = false;
    }
    if (first) {
        int n = snprintf(buf + *used, size - *used, "none");
        *used += n > 0 && (size_t)n < size - *used ? (size_t)n : 0;
    }
}

const char *attribute_text(const struct scenario *sc, const struct attribution *a,
                           uint32_t kind, uint32_t sample, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    if (a->over) {
        snprintf(buf, size, "not attributed: more than %u scripted faults fired", ATTRIBUTE_MAX);
        return buf;
    }
    if (a->nfired == 0) {
        snprintf(buf, size, "no scripted fault fired: the links' random draws or the "
                 "scenario's settings did it");
        return buf;
    }
    uint16_t mask = a->needed[kind][sample];
    snprintf(buf, size, "necessary: ");
    used = strlen(buf);
    side(sc, a, mask, true, buf, size, &used);
    if (mask != (uint16_t)((1u << a->nfired) - 1)) {
        int n = snprintf(buf + used, size - used, "; not necessary: ");
        used += n > 0 && (size_t)n < size - used ? (size_t)n : 0;
        side(sc, a, mask, false, buf, size, &used);
    }
    return buf;
}

const char *attribute_lines(const struct scenario *sc, const struct attribution *a,
                            uint32_t kind, uint32_t sample, bool necessary, char *buf,
                            size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (uint32_t f = 0; f < a->nfired && !a->over; f++) {
        if ((((a->needed[kind][sample] >> f) & 1) != 0) != necessary)
            continue;
        int n = snprintf(buf + used, size - used, "%s%u", used ? " " : "",
                         sc->faults[a->fault[f]].line);
        used += n > 0 && (size_t)n < size - used ? (size_t)n : 0;
    }
    return buf;
}
