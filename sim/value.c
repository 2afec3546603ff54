/* value.c: exact decimal parsing for the scenario language. */
#include "value.h"

#include <stdio.h>
#include <string.h>

/* Splits "123.45" into mantissa 12345 and 2 decimal places. */
static bool decimal(const char *s, unsigned len, uint64_t *mant, unsigned *places)
{
    uint64_t m = 0;
    unsigned p = 0, digits = 0;
    bool dot = false;
    for (unsigned i = 0; i < len; i++) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (s[i] < '0' || s[i] > '9' || m > (UINT64_MAX - 9) / 10)
            return false;
        m = m * 10 + (uint64_t)(s[i] - '0');
        digits++;
        p += dot;
    }
    if (digits == 0 || (dot && p == 0))
        return false;
    *mant = m;
    *places = p;
    return true;
}

static uint64_t pow10u(unsigned n)
{
    uint64_t r = 1;
    while (n--)
        r *= 10;
    return r;
}

/* mant / 10^places * scale, exactly; false if not a whole number or too large. */
static bool scale_exact(uint64_t mant, unsigned places, uint64_t scale, uint64_t *out)
{
    if (places > 18)
        return false;
    uint64_t div = pow10u(places);
    if (mant != 0 && scale > UINT64_MAX / mant)
        return false;
    uint64_t v = mant * scale;
    if (v % div != 0)
        return false;
    *out = v / div;
    return true;
}

bool value_count(const char *s, unsigned len, uint64_t *out, char *err)
{
    uint64_t m;
    unsigned p;
    if (!decimal(s, len, &m, &p) || p != 0) {
        snprintf(err, VALUE_ERR_LEN, "expected a whole number, got '%.*s'", (int)len, s);
        return false;
    }
    *out = m;
    return true;
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
        if (decimal(s, digits, &m, &p) && scale_exact(m, p, units[u].ns, out))
            return true;
        break;
    }
    snprintf(err, VALUE_ERR_LEN,
             "expected a duration with a unit (ns us ms s m h), got '%.*s'", (int)len, s);
    return false;
}

bool value_probability(const char *s, unsigned len, uint32_t *ppm, char *err)
{
    bool percent = len > 0 && s[len - 1] == '%';
    uint64_t m, v;
    unsigned p;
    if (!decimal(s, len - percent, &m, &p) ||
        !scale_exact(m, p, percent ? 10000 : 1000000, &v)) {
        snprintf(err, VALUE_ERR_LEN,
                 "expected a probability like 2%% or 0.02 (at most 6 decimals of a "
                 "fraction), got '%.*s'", (int)len, s);
        return false;
    }
    if (v > 1000000) {
        snprintf(err, VALUE_ERR_LEN, "must be between 0%% and 100%%, got %.*s", (int)len, s);
        return false;
    }
    *ppm = (uint32_t)v;
    return true;
}

static const char *find_dots(const char *s, unsigned len)
{
    for (unsigned i = 0; i + 1 < len; i++)
        if (s[i] == '.' && s[i + 1] == '.')
            return s + i;
    return NULL;
}

bool value_duration_range(const char *s, unsigned len, sim_time *lo, sim_time *hi, char *err)
{
    const char *dots = find_dots(s, len);
    if (!dots)
        return value_duration(s, len, lo, err) && (*hi = *lo, true);
    unsigned left = (unsigned)(dots - s);
    if (!value_duration(s, left, lo, err) ||
        !value_duration(dots + 2, len - left - 2, hi, err))
        return false;
    if (*lo > *hi) {
        snprintf(err, VALUE_ERR_LEN, "range '%.*s' runs backwards", (int)len, s);
        return false;
    }
    return true;
}

bool value_count_range(const char *s, unsigned len, uint64_t *lo, uint64_t *hi, char *err)
{
    const char *dots = find_dots(s, len);
    if (!dots)
        return value_count(s, len, lo, err) && (*hi = *lo, true);
    unsigned left = (unsigned)(dots - s);
    if (!value_count(s, left, lo, err) || !value_count(dots + 2, len - left - 2, hi, err))
        return false;
    if (*lo > *hi) {
        snprintf(err, VALUE_ERR_LEN, "range '%.*s' runs backwards", (int)len, s);
        return false;
    }
    return true;
}

const char *value_format_duration(sim_time t, char *buf, size_t size)
{
    static const struct { const char *name; sim_time ns; } units[] = {
        { "h", 3600 * SIM_SEC }, { "m", 60 * SIM_SEC }, { "s", SIM_SEC },
        { "ms", SIM_MS }, { "us", SIM_US },
    };
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
