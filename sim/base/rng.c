/* rng.c: xoshiro256** by Blackman and Vigna, seeded through splitmix64 from a hash of
 * (seed, stream name). Integer arithmetic only, so every platform draws the same. */
#include "base/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *r, uint64_t seed, const char *stream)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a over the name, then mixed with the seed */
    for (const unsigned char *p = (const unsigned char *)stream; *p; p++)
        h = (h ^ *p) * 0x100000001b3u;
    uint64_t x = h ^ splitmix64(&seed);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
    uint64_t threshold = (0 - n) % n; /* reject the short top slice */
    for (;;) {
        uint64_t x = rng_next(r);
        if (x >= threshold)
            return x % n;
    }
}

uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
    return lo == hi ? lo : lo + rng_below(r, hi - lo + 1);
}

bool rng_chance(struct rng *r, uint32_t ppm)
{
    return ppm != 0 && rng_below(r, 1000000u) < ppm;
}
