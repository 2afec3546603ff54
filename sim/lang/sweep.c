/* sweep.c: parameter grids: exact values, points, and their names.
 *
 * Values are parsed by the same setting table as `set` (and by small settings of their
 * own for a link's delay, loss and duplicate), into a scratch copy of the field, so a
 * swept value means exactly what the same value means on a `set` or `link` line and
 * fails with the same message. Points are numbered like digits of a mixed-radix number
 * whose last digit is the last sweep line's value: the first line varies slowest. */
#include "lang/sweep.h"

#include <string.h>

#include "base/check.h"
#include "lang/model.h"
#include "lang/params.h"
#include "base/value.h"

const char *const sweep_option_names[3] = { "delay", "loss", "duplicate" };

static const struct setting link_settings[3] = {
    { "delay", SETTING_DISTRIBUTION, 0, NULL, 0, 0, "a link's delay", 0, NULL },
    { "loss", SETTING_PROBABILITY, 0, NULL, 0, 0, "a link's loss probability", 0, NULL },
    { "duplicate", SETTING_PROBABILITY, 0, NULL, 0, 0, "a link's duplication probability", 0, NULL },
};

/* Room for any field a setting can name: params fields at their offsets, link options
 * at offset 0. */
union scratch {
    struct params params;
    sim_time range[2];
};

const struct setting *sweep_axis_setting(const struct sweep_axis *a)
{
    return a->target == SWEEP_LINK ? &link_settings[a->option] : &params_table[a->param];
}

bool sweep_axis_is_choice(const struct sweep_axis *a)
{
    enum setting_type t = sweep_axis_setting(a)->type;
    return t == SETTING_BOOL || t == SETTING_ENUM;
}

static struct sweep_value read_field(enum setting_type type, const void *field)
{
    struct sweep_value v = { 0, 0 };
    uint32_t u32;
    switch (type) {
    case SETTING_BOOL:
    case SETTING_ENUM: v.lo = *(const uint8_t *)field; break;
    case SETTING_DURATION: memcpy(&v.lo, field, sizeof v.lo); break;
    case SETTING_DISTRIBUTION:
        memcpy(&v.lo, field, sizeof v.lo);
        memcpy(&v.hi, (const char *)field + sizeof(sim_time), sizeof v.hi);
        return v;
    case SETTING_COUNT:
    case SETTING_PROBABILITY: memcpy(&u32, field, sizeof u32); v.lo = u32; break;
    }
    v.hi = v.lo;
    return v;
}

void sweep_write_field(enum setting_type type, void *field, struct sweep_value v)
{
    uint32_t u32 = (uint32_t)v.lo;
    switch (type) {
    case SETTING_BOOL:
    case SETTING_ENUM: *(uint8_t *)field = (uint8_t)v.lo; break;
    case SETTING_DURATION: memcpy(field, &v.lo, sizeof v.lo); break;
    case SETTING_DISTRIBUTION: {
        struct dist d = { .lo = v.lo, .hi = v.hi, .kind = v.lo == v.hi ? DIST_FIXED : DIST_UNIFORM };
        memcpy(field, &d, sizeof d);
        break;
    }
    case SETTING_COUNT:
    case SETTING_PROBABILITY: memcpy(field, &u32, sizeof u32); break;
    }
}

/* Parses one value as setting s would take it. */
static bool parse_one(const struct setting *s, const char *text, unsigned len,
                      struct sweep_value *out, char *err)
{
    union scratch scratch;
    memset(&scratch, 0, sizeof scratch);
    if (!setting_apply(s, &scratch, text, len, err))
        return false;
    *out = read_field(s->type, (const char *)&scratch + s->offset);
    return true;
}

static bool error_at(struct sweep_error *err, unsigned offset, bool in_step, const char *msg)
{
    snprintf(err->message, sizeof err->message, "%s", msg);
    err->offset = offset;
    err->in_step = in_step;
    return false;
}

static bool add_value(struct sweep_axis *a, struct sweep_value v, const char *text,
                      unsigned len, unsigned offset, struct sweep_error *err)
{
    char msg[sizeof err->message];
    for (uint32_t k = 0; k < a->nvalues; k++)
        if (a->values[k].lo == v.lo && a->values[k].hi == v.hi) {
            snprintf(msg, sizeof msg, "%.*s is listed twice (as value %u and %u)", (int)len,
                     text, k + 1, a->nvalues + 1);
            return error_at(err, offset, false, msg);
        }
    if (a->nvalues >= SWEEP_VALUES_MAX) {
        snprintf(msg, sizeof msg, "too many values on one sweep line (limit is %u)",
                 SWEEP_VALUES_MAX);
        return error_at(err, offset, false, msg);
    }
    a->values[a->nvalues++] = v;
    return true;
}

bool sweep_parse_list(struct sweep_axis *a, const char *text, unsigned len,
                      struct sweep_error *err)
{
    const struct setting *s = sweep_axis_setting(a);
    char msg[VALUE_ERR_LEN];
    a->nvalues = 0;
    for (unsigned start = 0; start <= len;) {
        unsigned end = start;
        while (end < len && text[end] != ',')
            end++;
        if (end == start)
            return error_at(err, start, false, start == 0 ? "expected a value before ','"
                                                          : "expected a value after ','");
        struct sweep_value v;
        if (!parse_one(s, text + start, end - start, &v, msg))
            return error_at(err, start, false, msg);
        if (!add_value(a, v, text + start, end - start, start, err))
            return false;
        start = end + 1;
    }
    return true;
}

/* The step in the unit of the range's ends. */
static bool parse_step(enum setting_type type, const char *text, unsigned len, uint64_t *step,
                       char msg[256])
{
    char inner[VALUE_ERR_LEN];
    uint32_t ppm;
    bool ok = type == SETTING_COUNT ? value_count(text, len, step, inner)
              : type == SETTING_PROBABILITY ? value_probability(text, len, &ppm, inner)
                                            : value_duration(text, len, step, inner);
    if (type == SETTING_PROBABILITY && ok)
        *step = ppm;
    if (!ok)
        snprintf(msg, 256, "the step %s", inner);
    else if (*step == 0)
        snprintf(msg, 256, "the step must be more than 0, got %.*s", (int)len, text);
    return ok && *step > 0;
}

/* Names (on|off, earliest|latest) have no order to range over. */
static bool refuse_names(const struct setting *s, struct sweep_error *err)
{
    static const char *const on_off[] = { "on", "off" };
    const char *const *names = s->type == SETTING_BOOL ? on_off : s->choices;
    char msg[sizeof err->message], choices[160];
    snprintf(msg, sizeof msg, "%s takes names (%s), not a range: list them, like %s,%s",
             s->name, setting_expected(s, choices, sizeof choices), names[0], names[1]);
    return error_at(err, 0, false, msg);
}

/* Expands lo, lo + by, ..., hi once the range is known to be whole and small enough. */
static bool expand(struct sweep_axis *a, uint64_t lo, uint64_t hi, uint64_t by,
                   const char *text, unsigned len, const char *step, unsigned step_len,
                   struct sweep_error *err)
{
    char msg[sizeof err->message];
    if (lo > hi) {
        snprintf(msg, sizeof msg, "the range must go from low to high, got %.*s", (int)len, text);
        return error_at(err, 0, false, msg);
    }
    if ((hi - lo) % by != 0) {
        snprintf(msg, sizeof msg, "the range %.*s is not a whole number of %.*s steps",
                 (int)len, text, (int)step_len, step);
        return error_at(err, 0, true, msg);
    }
    uint64_t n = (hi - lo) / by + 1;
    if (n > SWEEP_VALUES_MAX) {
        snprintf(msg, sizeof msg, "the range has %llu values, more than the limit of %u",
                 (unsigned long long)n, SWEEP_VALUES_MAX);
        return error_at(err, 0, true, msg);
    }
    for (uint64_t k = 0; k < n; k++)
        a->values[a->nvalues++] = (struct sweep_value){ lo + k * by, lo + k * by };
    return true;
}

bool sweep_parse_range(struct sweep_axis *a, const char *text, unsigned len, const char *step,
                       unsigned step_len, struct sweep_error *err)
{
    struct setting s = *sweep_axis_setting(a);
    char msg[sizeof err->message];
    a->nvalues = 0;
    if (s.type == SETTING_BOOL || s.type == SETTING_ENUM)
        return refuse_names(&s, err);
    if (s.type == SETTING_DISTRIBUTION)
        s.type = SETTING_DURATION; /* a range of fixed delays, one per point */
    const char *dots = value_find_dots(text, len);
    if (!dots)
        return error_at(err, 0, false, "expected a range like A..B before 'step'");
    unsigned left = (unsigned)(dots - text), right = left + 2;
    struct sweep_value lo, hi;
    uint64_t by;
    if (!parse_one(&s, text, left, &lo, msg))
        return error_at(err, 0, false, msg);
    if (!parse_one(&s, text + right, len - right, &hi, msg))
        return error_at(err, right, false, msg);
    if (!parse_step(s.type, step, step_len, &by, msg))
        return error_at(err, 0, true, msg);
    return expand(a, lo.lo, hi.lo, by, text, len, step, step_len, err);
}

const char *sweep_axis_name(const struct sweep_axis *a, char *buf, size_t size)
{
    if (a->target == SWEEP_SET)
        snprintf(buf, size, "%s", params_table[a->param].name);
    else
        snprintf(buf, size, "%s %s", link_names[a->link], sweep_option_names[a->option]);
    return buf;
}

static const struct { const char *name; sim_time ns; } duration_units[] = {
    { "h", 3600 * SIM_SEC }, { "m", 60 * SIM_SEC }, { "s", SIM_SEC },
    { "ms", SIM_MS }, { "us", SIM_US }, { "ns", SIM_NS },
};
#define DURATION_UNITS (sizeof duration_units / sizeof duration_units[0])

/* A duration written exactly, the way a person would: a whole number under 1000 in the
 * largest unit that gives one ("75s", "2m", "250ms"), or else the largest unit that needs
 * at most three decimals ("1.5s", "2.25ms"). */
static const char *exact_duration(sim_time t, char *buf, size_t size)
{
    if (t == 0) {
        snprintf(buf, size, "0s");
        return buf;
    }
    for (size_t u = 0; u < DURATION_UNITS; u++) {
        sim_time n = duration_units[u].ns;
        if (t % n == 0 && t / n < 1000) {
            snprintf(buf, size, "%llu%s", (unsigned long long)(t / n), duration_units[u].name);
            return buf;
        }
    }
    for (size_t u = 0; u + 1 < DURATION_UNITS; u++) {
        sim_time n = duration_units[u].ns;
        if (t < n || t % (n / 1000) != 0)
            continue;
        uint64_t thousandths = (t % n) / (n / 1000);
        int places = 3;
        while (places > 0 && thousandths % 10 == 0) {
            thousandths /= 10;
            places--;
        }
        snprintf(buf, size, "%llu.%0*llu%s", (unsigned long long)(t / n), places,
                 (unsigned long long)thousandths, duration_units[u].name);
        return buf;
    }
    snprintf(buf, size, "%lluns", (unsigned long long)t);
    return buf;
}

static const char *exact_percent(uint64_t ppm, char *buf, size_t size)
{
    uint64_t frac = ppm % 10000;
    int places = 4;
    while (places > 0 && frac % 10 == 0) {
        frac /= 10;
        places--;
    }
    if (places == 0)
        snprintf(buf, size, "%llu%%", (unsigned long long)(ppm / 10000));
    else
        snprintf(buf, size, "%llu.%0*llu%%", (unsigned long long)(ppm / 10000), places,
                 (unsigned long long)frac);
    return buf;
}

const char *sweep_value_label(const struct sweep_axis *a, uint32_t k, char *buf, size_t size)
{
    const struct setting *s = sweep_axis_setting(a);
    struct sweep_value v = a->values[k];
    char lo[32], hi[32];
    switch (s->type) {
    case SETTING_BOOL: snprintf(buf, size, "%s", v.lo ? "on" : "off"); break;
    case SETTING_ENUM: snprintf(buf, size, "%s", s->choices[v.lo]); break;
    case SETTING_DURATION: exact_duration(v.lo, buf, size); break;
    case SETTING_DISTRIBUTION:
        if (v.lo == v.hi)
            exact_duration(v.lo, buf, size);
        else
            snprintf(buf, size, "%s..%s", exact_duration(v.lo, lo, sizeof lo),
                     exact_duration(v.hi, hi, sizeof hi));
        break;
    case SETTING_COUNT: snprintf(buf, size, "%llu", (unsigned long long)v.lo); break;
    case SETTING_PROBABILITY: exact_percent(v.lo, buf, size); break;
    }
    return buf;
}

/* The CSV name of an axis: the statement's words joined by '.', then the unit. */
void sweep_csv_header(FILE *out, const struct sweep_axis *a)
{
    const struct setting *s = sweep_axis_setting(a);
    char name[96];
    if (a->target == SWEEP_SET)
        snprintf(name, sizeof name, "%s", s->name);
    else
        snprintf(name, sizeof name, "%s.%s", link_names[a->link], s->name);
    switch (s->type) {
    case SETTING_DURATION: fprintf(out, "%s_ns", name); break;
    case SETTING_DISTRIBUTION: fprintf(out, "%s_min_ns,%s_max_ns", name, name); break;
    case SETTING_PROBABILITY: fprintf(out, "%s_ppm", name); break;
    default: fputs(name, out); break;
    }
}

void sweep_csv_value(FILE *out, const struct sweep_axis *a, uint32_t k)
{
    const struct setting *s = sweep_axis_setting(a);
    struct sweep_value v = a->values[k];
    char label[80];
    if (s->type == SETTING_DISTRIBUTION)
        fprintf(out, "%llu,%llu", (unsigned long long)v.lo, (unsigned long long)v.hi);
    else if (s->type == SETTING_BOOL || s->type == SETTING_ENUM)
        fputs(sweep_value_label(a, k, label, sizeof label), out); /* names need no quotes */
    else
        fprintf(out, "%llu", (unsigned long long)v.lo);
}

/* Durations are charted in the largest of ns, us, ms and s that keeps the largest value
 * at 10 or more, so axis labels stay short. */
static sim_time duration_scale(const struct sweep_axis *a, const char **unit)
{
    static const struct { const char *name; sim_time ns; } units[] = {
        { "s", SIM_SEC }, { "ms", SIM_MS }, { "us", SIM_US }, { "ns", SIM_NS },
    };
    uint64_t top = 0;
    for (uint32_t k = 0; k < a->nvalues; k++)
        if (a->values[k].hi > top)
            top = a->values[k].hi;
    size_t u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && top < 10 * units[u].ns)
        u++;
    *unit = units[u].name;
    return units[u].ns;
}

const char *sweep_axis_unit(const struct sweep_axis *a)
{
    const char *unit = "";
    switch (sweep_axis_setting(a)->type) {
    case SETTING_DURATION:
    case SETTING_DISTRIBUTION: duration_scale(a, &unit); return unit;
    case SETTING_PROBABILITY: return "%";
    default: return "";
    }
}

double sweep_value_x(const struct sweep_axis *a, uint32_t k)
{
    struct sweep_value v = a->values[k];
    const char *unit;
    switch (sweep_axis_setting(a)->type) {
    case SETTING_DURATION:
    case SETTING_DISTRIBUTION: {
        double scale = (double)duration_scale(a, &unit);
        return ((double)v.lo + (double)v.hi) / 2.0 / scale; /* a range at its middle */
    }
    case SETTING_PROBABILITY: return (double)v.lo / 10000.0;
    case SETTING_COUNT: return (double)v.lo;
    default: return (double)k;
    }
}

uint32_t sweep_grid_size(const struct sweep_axis *axes, uint32_t naxes)
{
    uint32_t n = 1;
    for (uint32_t i = 0; i < naxes; i++)
        n *= axes[i].nvalues;
    return n;
}
