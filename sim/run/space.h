/* space.h: the fault space of one (scenario, strategy, seed), built from a recorded base
 * run, and the placements of up to K faults over it.
 *
 * For each (node, point, payment) the run reached: a crash of that node there, with the
 * default restart, and for a consumer a pause there long enough to be evicted from the
 * group. For each (link, message kind, payment) a message carried: a drop, a duplicate
 * and a delay past the timeout that guards it, each taking the first copy that matches
 * (a second fault of the same statement takes the next copy: see space_next). Last, an
 * operator `reset-offsets to shift -1` one second after the base run quiesced. */
#ifndef EOSIM_SPACE_H
#define EOSIM_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/scenario.h"
#include "env/tally.h"

struct fault_space {
    struct fault *faults;   /* in the order the base run first met them */
    sim_time *first;        /* when it did */
    uint32_t n, cap;
};

/* Runs sc under one strategy and seed with a recording; fills the space and the base
 * run's result. */
void space_build(const struct scenario *sc, uint32_t strategy, uint64_t seed,
                 struct fault_space *sp, struct run_result *base);
void space_fini(struct fault_space *sp);
/* Whether two faults of the same statement mean two copies (drop, duplicate, delay: the
 * second takes the next matching message) rather than one fault twice. */
bool space_repeatable(const struct fault *f);
/* How many placements of 1 .. depth faults there are (saturating). */
uint64_t space_placements(const struct fault_space *sp, uint32_t depth);
/* Placements of k faults, in lexicographic order of their indices into the space (non-
 * decreasing; equal only where space_repeatable). `first` sets idx to the first; `next`
 * advances it. Both return false when there is none (left). */
bool space_first(const struct fault_space *sp, uint32_t *idx, uint32_t k);
bool space_next(const struct fault_space *sp, uint32_t *idx, uint32_t k);

#endif
