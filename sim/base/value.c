/* value.c: exact decimal parsing for the scenario language. */
#include "base/value.h"

#include "base/limits.h"

#include <stdio.h>
#include <string.h>

/* Every message written into err is a predicate ("must be ..., got 'x'") so that a
 * caller can put the name of what it was parsing in front: "loss must be between 0% and
 * 100%, got 200%". */

enum decimal_result { DECIMAL_OK, DECIMAL_BAD, DECIMAL_TOO_LARGE };

/* Splits "123.45" into mantissa 12345 and 2 decimal places. */
static enum decimal_result decimal(const char *s, unsigned len, uint64_t *mant,
                                   unsigned *places)
{
    uint64_t m = 0;
    unsigned p = 0, digits = 0;
    bool dot = false, big = false;
    for (unsigned i = 0; i < len; i++) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return DECIMAL_BAD;
        unsigned d = (unsigned)(s[i] - '0');
        if (m > (UINT64_MAX - d) / 10)
            big = true;
        else
            m = m * 10 + d;
        digits++;
        p += dot;
    }
    if (digits == 0 || (dot && p == 0))
        return DECIMAL_BAD;
    if (big)
        return DECIMAL_TOO_LARGE;
    *mant = m;
    *places = p;
    return DECIMAL_OK;
}

static uint64_t pow10u(unsigned n)
{
    uint64_t r = 1;
    while (n--)
        r *= 10;
    return r;
}

enum scale_result { SCALE_OK, SCALE_INEXACT, SCALE_TOO_LARGE };

/* mant / 10^places * scale, exactly. */
static enum scale_result scale_exact(uint64_t mant, unsigned places, uint64_t scale,
                                     uint64_t *out)
{
    while (places > 0 && mant % 10 == 0) { /* "1.50" is "1.5" */
        mant /= 10;
        places--;
    }
    if (places > 18)
        return SCALE_INEXACT;
    uint64_t div = pow10u(places);
    if (mant != 0 && scale > UINT64_MAX / mant)
        return SCALE_TOO_LARGE;
    uint64_t v = mant * scale;
    if (v % div != 0)
        return SCALE_INEXACT;
    *out = v / div;
    return SCALE_OK;
}

bool value_count(const char *s, unsigned len, uint64_t *out, char *err)
{
    uint64_t m;
    unsigned p = 0;
    enum decimal_result d = decimal(s, len, &m, &p);
    if (d == DECIMAL_OK && p == 0) {
        *out = m;
        return true;
    }
    if (d == DECIMAL_TOO_LARGE && !memchr(s, '.', len))
        snprintf(err, VALUE_ERR_LEN, "must be at most %llu, got %.*s",
                 (unsigned long long)UINT64_MAX, (int)len, s);
    else
        snprintf(err, VALUE_ERR_LEN, "must be a whole number, got '%.*s'", (int)len, s);
    return false;
}

bool value_duration(const char *s, unsigned len, sim_time *out, char *err)
{
    static const struct { const char *name; sim_time ns; } units[] = {
        { "ns", SIM_NS }, { "us", SIM_US }, { "ms", SIM_MS },
        { "s", SIM_SEC }, { "m", 60 * SIM_SEC }, { "h", 3600 * SIM_SEC },
    };
    unsigned digits = 0;
    while (digits < len && ((s[digits] >= '0' && s[digits] <= '9') || s[digits] == '.'))
        digits++;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t ulen = strlen(units[u].name);
        if (len - digits != ulen || memcmp(s + digits, units[u].name, ulen) != 0)
            continue;
        uint64_t m;
        unsigned p;
        enum decimal_result d = decimal(s, digits, &m, &p);
        sim_time t = 0;
        enum scale_result r = d == DECIMAL_OK ? scale_exact(m, p, units[u].ns, &t)
                              : d == DECIMAL_TOO_LARGE ? SCALE_TOO_LARGE : SCALE_INEXACT;
        if (r == SCALE_OK && t <= DURATION_MAX) {
            *out = t;
            return true;
        }
        if (d == DECIMAL_BAD)
            break;
        if (r == SCALE_TOO_LARGE || r == SCALE_OK)
            snprintf(err, VALUE_ERR_LEN, "must be at most %uh (about 114 years), got %.*s",
                     DURATION_MAX_HOURS, (int)len, s);
        else
            snprintf(err, VALUE_ERR_LEN, "must be a whole number of nanoseconds, got %.*s",
                     (int)len, s);
        return false;
    }
    snprintf(err, VALUE_ERR_LEN,
             "must be a duration with a unit (ns us ms s m h) like 30s or 1.5ms, got '%.*s'",
             (int)len, s);
    return false;
}

bool value_probability(const char *s, unsigned len, uint32_t *ppm, char *err)
{
    bool percent = len > 0 && s[len - 1] == '%';
    uint64_t m, v = 0;
    unsigned p;
    enum decimal_result d = decimal(s, len - percent, &m, &p);
    enum scale_result r = d == DECIMAL_OK ? scale_exact(m, p, percent ? 10000 : 1000000, &v)
                          : SCALE_TOO_LARGE;
    if (d == DECIMAL_BAD) {
        snprintf(err, VALUE_ERR_LEN, "must be a probability like 2%% or 0.02, got '%.*s'",
                 (int)len, s);
        return false;
    }
    if (r == SCALE_INEXACT) {
        snprintf(err, VALUE_ERR_LEN, "must be a whole number of parts per million (at most "
                 "%s decimals), got %.*s", percent ? "4" : "6", (int)len, s);
        return false;
    }
    if (r == SCALE_TOO_LARGE || v > 1000000) {
        snprintf(err, VALUE_ERR_LEN, "must be between 0%% and 100%%, got %.*s", (int)len, s);
        return false;
    }
    *ppm = (uint32_t)v;
    return true;
}

const char *value_find_dots(const char *s, unsigned len)
{
    for (unsigned i = 0; i + 1 < len; i++)
        if (s[i] == '.' && s[i + 1] == '.')
            return s + i;
    return NULL;
}

bool value_duration_range(const char *s, unsigned len, sim_time *lo, sim_time *hi, char *err)
{
    const char *dots = value_find_dots(s, len);
    if (!dots)
        return value_duration(s, len, lo, err) && (*hi = *lo, true);
    unsigned left = (unsigned)(dots - s);
    if (!value_duration(s, left, lo, err) ||
        !value_duration(dots + 2, len - left - 2, hi, err))
        return false;
    if (*lo > *hi) {
        snprintf(err, VALUE_ERR_LEN, "must go from low to high like 20ms..80ms, got %.*s",
                 (int)len, s);
        return false;
    }
    return true;
}

bool value_count_range(const char *s, unsigned len, uint64_t *lo, uint64_t *hi, char *err)
{
    const char *dots = value_find_dots(s, len);
    if (!dots)
        return value_count(s, len, lo, err) && (*hi = *lo, true);
    unsigned left = (unsigned)(dots - s);
    if (!value_count(s, left, lo, err) || !value_count(dots + 2, len - left - 2, hi, err))
        return false;
    if (*lo > *hi) {
        snprintf(err, VALUE_ERR_LEN, "must go from low to high like 10..500, got %.*s",
                 (int)len, s);
        return false;
    }
    return true;
}

/* Three significant digits, rounded half up, trailing zeros trimmed; a value that
 * rounds up to the next unit is shown in it. */
const char *value_format_short(sim_time t, char *buf, size_t size)
{
    static const struct { const char *name; sim_time ns; } units[] = {
        { "h", 3600 * SIM_SEC }, { "min", 60 * SIM_SEC }, { "s", SIM_SEC },
        { "ms", SIM_MS }, { "us", SIM_US }, { "ns", 1 },
    };
    if (t == 0)
        return snprintf(buf, size, "0s"), buf;
    size_t u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && t < units[u].ns)
        u++;
    sim_time n = units[u].ns, whole = t / n;
    uint64_t scale = whole >= 100 ? 1 : whole >= 10 ? 10 : 100;
    uint64_t q = whole * scale + ((t % n) * scale + n / 2) / n;
    if (u > 0 && q >= units[u - 1].ns / n * scale) { /* 999.6ms: 1s */
        snprintf(buf, size, "1%s", units[u - 1].name);
        return buf;
    }
    uint64_t frac = q % scale;
    int places = scale == 100 ? 2 : scale == 10;
    while (places > 0 && frac % 10 == 0) {
        frac /= 10;
        places--;
    }
    if (places == 0)
        snprintf(buf, size, "%llu%s", (unsigned long long)(q / scale), units[u].name);
    else
        snprintf(buf, size, "%llu.%0*llu%s", (unsigned long long)(q / scale), places,
                 (unsigned long long)frac, units[u].name);
    return buf;
}

const char *value_format_duration(sim_time t, char *buf, size_t size)
{
    static const struct { const char *name; sim_time ns; } units[] = {
        { "h", 3600 * SIM_SEC }, { "m", 60 * SIM_SEC }, { "s", SIM_SEC },
        { "ms", SIM_MS }, { "us", SIM_US },
    };
    if (t == 0) {
        snprintf(buf, size, "0s");
        return buf;
    }
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        sim_time n = units[u].ns;
        if (t < n)
            continue;
        /* three decimals at most, trailing zeros trimmed */
        uint64_t whole = t / n, milli = (t % n) / (n / 1000 ? n / 1000 : 1);
        if (milli == 0 || n < 1000)
            snprintf(buf, size, "%llu%s", (unsigned long long)whole, units[u].name);
        else {
            int places = 3;
            while (milli % 10 == 0) {
                milli /= 10;
                places--;
            }
            snprintf(buf, size, "%llu.%0*llu%s", (unsigned long long)whole, places,
                     (unsigned long long)milli, units[u].name);
        }
        return buf;
    }
    snprintf(buf, size, "%lluns", (unsigned long long)t);
    return buf;
}

const char *value_exact_duration(sim_time t, char *buf, size_t size)
{
    static const struct { const char *name; sim_time ns; } units[] = {
        { "h", 3600 * SIM_SEC }, { "m", 60 * SIM_SEC }, { "s", SIM_SEC },
        { "ms", SIM_MS }, { "us", SIM_US }, { "ns", 1 },
    };
    size_t u = 0;
    while (t != 0 && t % units[u].ns != 0)
        u++;
    if (t == 0)
        u = 2;
    snprintf(buf, size, "%llu%s", (unsigned long long)(t / units[u].ns), units[u].name);
    return buf;
}
