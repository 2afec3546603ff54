/* dist.h: random durations. A duration a scenario sets may be fixed, uniform over a
 * range, exponential, or Pareto (the heavy tail), drawn in integer nanoseconds from the
 * owner's stream: no floating point anywhere. The exponential is drawn by inverse
 * transform, -mean x ln U, with ln U from a fixed-point log2 (32 fraction bits, by
 * repeated squaring); the Pareto as minimum x U^(-1/shape), the power by a fixed-point
 * exp2 (a product of 2^(2^-i) constants). Draws are capped at DURATION_MAX. */
#ifndef EOSIM_DIST_H
#define EOSIM_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/engine.h"
#include "base/rng.h"

enum dist_kind { DIST_FIXED, DIST_UNIFORM, DIST_EXP, DIST_PARETO };

struct dist {
    sim_time lo, hi;     /* fixed: lo; uniform: lo..hi; exp: lo is the mean; Pareto: lo is
                          * the minimum (the scale). First, so a range reads as two times */
    uint32_t shape;      /* Pareto: the shape (tail index) in thousandths, above 0 */
    uint8_t kind;        /* enum dist_kind */
};

static inline struct dist dist_fixed(sim_time t)
{
    return (struct dist){ .kind = DIST_FIXED, .lo = t, .hi = t };
}

/* Parses "50ms", "20ms..80ms", "exp 50ms" or "pareto 1ms 1.5" (words one space or tab
 * apart); on failure writes a message into err (VALUE_ERR_LEN bytes). */
bool dist_parse(const char *s, unsigned len, struct dist *d, char *err);
/* How many words a distribution starting with this word takes: 2 after "exp", 3 after
 * "pareto", else 1. */
unsigned dist_words(const char *word, unsigned len);
/* One draw: fixed and uniform exactly as rng_range (a fixed value draws nothing). */
sim_time dist_draw(const struct dist *d, struct rng *r);
/* The mean in ns (UINT64_MAX for a Pareto whose shape is 1 or less: no finite mean). */
sim_time dist_mean(const struct dist *d);
/* As the language reads it back exactly: "50ms", "20ms..80ms", "exp 50ms", "pareto 1ms
 * 1.5" (each duration in the largest unit that divides it). */
const char *dist_format(const struct dist *d, char *buf, size_t size);
/* -log2(u / 2^64) in 32-bit fixed point, for u > 0 (exposed for its test). */
uint64_t dist_neg_log2(uint64_t u);
/* 2^(y / 2^32) in 30-bit fixed point, for y < 2^32 (exposed for its test). */
uint64_t dist_exp2_frac(uint64_t y);

#endif
