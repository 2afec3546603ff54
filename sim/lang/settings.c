/* settings.c: the typed table behind knobs and parameters. */
#include "lang/settings.h"

#include <stdio.h>
#include <string.h>

#include "base/dist.h"
#include "base/engine.h"
#include "base/value.h"

const struct setting *setting_find(const struct setting *table, const char *name,
                                   unsigned len)
{
    for (; table->name; table++)
        if (strlen(table->name) == len && memcmp(table->name, name, len) == 0)
            return table;
    return NULL;
}

static int choice(const char *const *choices, const char *v, unsigned len)
{
    for (int i = 0; choices[i]; i++)
        if (strlen(choices[i]) == len && memcmp(choices[i], v, len) == 0)
            return i;
    return -1;
}

static const char *const on_off[] = { "off", "on", NULL };

const char *setting_expected(const struct setting *s, char *buf, size_t size)
{
    const char *const *choices = s->type == SETTING_BOOL ? on_off : s->choices;
    switch (s->type) {
    case SETTING_BOOL:
    case SETTING_ENUM: {
        size_t used = 0;
        buf[0] = 0;
        for (int i = 0; choices[i] && used < size; i++)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "|" : "", choices[i]);
        return buf;
    }
    case SETTING_DURATION: return "a duration like 30s";
    case SETTING_DISTRIBUTION: return "a duration, a range like 20ms..80ms, 'exp MEAN' or "
                                      "'pareto MINIMUM SHAPE'";
    case SETTING_COUNT:
        snprintf(buf, size, "a whole number from %u to %u", s->min, s->max);
        return buf;
    default: return "a probability like 2% or 0.02";
    }
}

bool setting_apply(const struct setting *s, void *base, const char *v, unsigned len,
                   char *err)
{
    char *field = (char *)base + s->offset;
    char expected[160], msg[VALUE_ERR_LEN];
    switch (s->type) {
    case SETTING_BOOL:
    case SETTING_ENUM: {
        int c = choice(s->type == SETTING_BOOL ? on_off : s->choices, v, len);
        if (c < 0)
            break;
        *(uint8_t *)field = (uint8_t)c;
        return true;
    }
    case SETTING_DURATION: {
        sim_time t;
        if (!value_duration(v, len, &t, msg))
            goto named;
        if (t < s->least) {
            char least[32];
            snprintf(err, VALUE_ERR_LEN, "%s must be at least %s: %s; got %.*s", s->name,
                     value_format_duration(s->least, least, sizeof least), s->why_least,
                     (int)len, v);
            return false;
        }
        *(sim_time *)field = t;
        return true;
    }
    case SETTING_DISTRIBUTION: {
        struct dist d;
        if (!dist_parse(v, len, &d, msg))
            goto named;
        memcpy(field, &d, sizeof d);
        return true;
    }
    case SETTING_COUNT: {
        uint64_t n;
        if (!value_count(v, len, &n, msg) || n < s->min || n > s->max)
            break;
        *(uint32_t *)field = (uint32_t)n;
        return true;
    }
    case SETTING_PROBABILITY:
        if (value_probability(v, len, (uint32_t *)field, msg))
            return true;
        goto named;
    }
    snprintf(err, VALUE_ERR_LEN, "%s must be %s, got '%.*s'", s->name,
             setting_expected(s, expected, sizeof expected), (int)len, v);
    return false;
named: /* the value's own message, "must be ...", after the setting's name */
    if (snprintf(err, VALUE_ERR_LEN, "%s %s", s->name, msg) >= VALUE_ERR_LEN)
        memcpy(err + VALUE_ERR_LEN - 4, "...", 4); /* a very long value, cut */
    return false;
}

const char *setting_format(const struct setting *s, const void *base, char *buf, size_t size)
{
    const char *field = (const char *)base + s->offset;
    switch (s->type) {
    case SETTING_BOOL: return on_off[*(const uint8_t *)field];
    case SETTING_ENUM: return s->choices[*(const uint8_t *)field];
    case SETTING_DURATION: {
        sim_time t;
        memcpy(&t, field, sizeof t);
        return value_format_duration(t, buf, size);
    }
    case SETTING_DISTRIBUTION: {
        struct dist d;
        memcpy(&d, field, sizeof d);
        return dist_format(&d, buf, size);
    }
    case SETTING_COUNT:
        snprintf(buf, size, "%u", *(const uint32_t *)field);
        return buf;
    default: {
        uint32_t ppm = *(const uint32_t *)field;
        snprintf(buf, size, "%u.%04u%%", ppm / 10000, ppm % 10000);
        return buf;
    }
    }
}
