/* rng.h: seeded pseudo-random streams (xoshiro256**, seeded through splitmix64).
 *
 * Every link and node draws from its own stream, derived from the run's seed and the
 * stream's name, so adding a component never changes another component's draws. The
 * state is explicit and passed in; there is no global generator. */
#ifndef EOSIM_RNG_H
#define EOSIM_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed, const char *stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform in [lo, hi]. */
uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi);
/* True with probability ppm / 1,000,000; draws nothing when ppm is 0. */
bool rng_chance(struct rng *r, uint32_t ppm);

#endif
