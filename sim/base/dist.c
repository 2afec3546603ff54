/* dist.c: random durations (see dist.h). */
#include "base/dist.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "base/value.h"

#define LN2_Q32 UINT64_C(2977044472) /* ln 2 x 2^32, rounded */

/* 2^(2^-i) x 2^30, rounded, for i = 1..30 (computed to 60 digits). */
static const uint32_t exp2_steps[30] = {
    1518500250, 1276901417, 1170923762, 1121280436, 1097253708, 1085434106, 1079572136,
    1076653033, 1075196443, 1074468888, 1074105294, 1073923544, 1073832680, 1073787251,
    1073764537, 1073753181, 1073747502, 1073744663, 1073743244, 1073742534, 1073742179,
    1073742001, 1073741913, 1073741868, 1073741846, 1073741835, 1073741830, 1073741827,
    1073741825, 1073741825,
};

/* (a x b) >> s for s <= 32, through 32-bit limbs; UINT64_MAX if it does not fit. */
static uint64_t mul_shift(uint64_t a, uint64_t b, unsigned s)
{
    uint64_t a1 = a >> 32, a0 = a & 0xffffffffu, b1 = b >> 32, b0 = b & 0xffffffffu;
    uint64_t lo = a0 * b0, m1 = a1 * b0, m2 = a0 * b1;
    uint64_t mid = (lo >> 32) + (m1 & 0xffffffffu) + (m2 & 0xffffffffu);
    uint64_t low = (lo & 0xffffffffu) | mid << 32;
    uint64_t high = a1 * b1 + (m1 >> 32) + (m2 >> 32) + (mid >> 32);
    if (s == 0)
        return high ? UINT64_MAX : low;
    if (high >> s)
        return UINT64_MAX;
    return high << (64 - s) | low >> s;
}

uint64_t dist_neg_log2(uint64_t u)
{
    int msb = 63;
    while (!(u >> msb))
        msb--;
    uint64_t m = msb >= 31 ? u >> (msb - 31) : u << (31 - msb); /* in [1, 2), 31 bits */
    uint64_t frac = 0;
    for (int i = 1; i <= 32; i++) { /* squaring doubles the log: each step is one bit */
        m = (m * m) >> 31;
        if (m >> 32) {
            m >>= 1;
            frac |= UINT64_C(1) << (32 - i);
        }
    }
    return ((uint64_t)(64 - msb) << 32) - frac;
}

uint64_t dist_exp2_frac(uint64_t y)
{
    uint64_t acc = UINT64_C(1) << 30;
    for (int i = 1; i <= 30; i++)
        if (y >> (32 - i) & 1)
            acc = (acc * exp2_steps[i - 1]) >> 30;
    return acc;
}

static sim_time capped(uint64_t t)
{
    return t > DURATION_MAX ? DURATION_MAX : t;
}

sim_time dist_draw(const struct dist *d, struct rng *r)
{
    switch (d->kind) {
    case DIST_FIXED: return d->lo;
    case DIST_UNIFORM: return rng_range(r, d->lo, d->hi);
    case DIST_EXP: { /* -mean x ln U, U in (0, 1) */
        uint64_t neg_ln = mul_shift(dist_neg_log2(rng_next(r) | 1), LN2_Q32, 32);
        return capped(mul_shift(d->lo, neg_ln, 32));
    }
    default: { /* minimum x 2^(-log2 U / shape) */
        uint64_t y = dist_neg_log2(rng_next(r) | 1) * 1000 / d->shape;
        uint64_t whole = y >> 32, t = mul_shift(d->lo, dist_exp2_frac(y & 0xffffffffu), 30);
        if (whole >= 63 || t > DURATION_MAX >> whole)
            return DURATION_MAX;
        return capped(t << whole);
    }
    }
}

sim_time dist_mean(const struct dist *d)
{
    switch (d->kind) {
    case DIST_FIXED: case DIST_EXP: return d->lo;
    case DIST_UNIFORM: return d->lo + (d->hi - d->lo) / 2;
    default: {
        if (d->shape <= 1000)
            return UINT64_MAX; /* no finite mean */
        uint64_t k = d->shape - 1000, whole = d->lo / k;
        if (whole > (UINT64_MAX - d->shape) / d->shape)
            return UINT64_MAX;
        return whole * d->shape + d->lo % k * d->shape / k;
    }
    }
}

const char *dist_format(const struct dist *d, char *buf, size_t size)
{
    char a[32], b[32];
    switch (d->kind) {
    case DIST_FIXED: snprintf(buf, size, "%s", value_exact_duration(d->lo, a, sizeof a)); break;
    case DIST_UNIFORM:
        snprintf(buf, size, "%s..%s", value_exact_duration(d->lo, a, sizeof a),
                 value_exact_duration(d->hi, b, sizeof b));
        break;
    case DIST_EXP: snprintf(buf, size, "exp %s", value_exact_duration(d->lo, a, sizeof a)); break;
    default: {
        char shape[16];
        int n = snprintf(shape, sizeof shape, "%u.%03u", d->shape / 1000, d->shape % 1000);
        while (shape[n - 1] == '0')
            shape[--n] = 0;
        if (shape[n - 1] == '.')
            shape[--n] = 0;
        snprintf(buf, size, "pareto %s %s", value_exact_duration(d->lo, a, sizeof a), shape);
    }
    }
    return buf;
}

unsigned dist_words(const char *word, unsigned len)
{
    if (len == 3 && memcmp(word, "exp", 3) == 0)
        return 2;
    return len == 6 && memcmp(word, "pareto", 6) == 0 ? 3 : 1;
}

/* "1.5" as thousandths, above 0 and at most 100. */
static bool shape_of(const char *s, unsigned len, uint32_t *out)
{
    uint64_t v = 0;
    unsigned i = 0, places = 0;
    bool dot = false, digits = false;
    for (; i < len; i++) {
        if (s[i] == '.' && !dot) {
            dot = true;
        } else if (s[i] >= '0' && s[i] <= '9' && (!dot || places < 3) && v <= 100000) {
            v = v * 10 + (uint64_t)(s[i] - '0');
            places += dot;
            digits = true;
        } else {
            return false;
        }
    }
    for (; places < 3; places++)
        v *= 10;
    *out = (uint32_t)v;
    return digits && v > 0 && v <= 100000;
}

bool dist_parse(const char *s, unsigned len, struct dist *d, char *err)
{
    const char *w[3];
    unsigned wl[3], n = 0;
    for (unsigned i = 0; i < len;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == len)
            break;
        if (n == 3) {
            snprintf(err, VALUE_ERR_LEN, "takes at most three words, got '%.*s'", (int)len, s);
            return false;
        }
        w[n] = s + i;
        while (i < len && s[i] != ' ' && s[i] != '\t')
            i++;
        wl[n] = (unsigned)(s + i - w[n]);
        n++;
    }
    unsigned want = n ? dist_words(w[0], wl[0]) : 1;
    if (n != want) {
        snprintf(err, VALUE_ERR_LEN, "must be a duration, a range like 20ms..80ms, 'exp MEAN' "
                 "or 'pareto MINIMUM SHAPE', got '%.*s'", (int)len, s);
        return false;
    }
    *d = (struct dist){ 0 };
    if (want == 1) {
        if (!value_duration_range(w[0], wl[0], &d->lo, &d->hi, err))
            return false;
        d->kind = d->lo == d->hi ? DIST_FIXED : DIST_UNIFORM;
        return true;
    }
    d->kind = want == 2 ? DIST_EXP : DIST_PARETO;
    if (!value_duration(w[1], wl[1], &d->lo, err))
        return false;
    if (d->lo == 0) {
        snprintf(err, VALUE_ERR_LEN, "%s above 0s, got %.*s",
                 want == 2 ? "must have a mean" : "must have a minimum", (int)wl[1], w[1]);
        return false;
    }
    d->hi = d->lo;
    if (want == 3 && !shape_of(w[2], wl[2], &d->shape)) {
        snprintf(err, VALUE_ERR_LEN, "must have a shape above 0 and at most 100, with up to "
                 "three decimals, like 1.5, got '%.*s'", (int)wl[2], w[2]);
        return false;
    }
    return true;
}
