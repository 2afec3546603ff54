/* attribute.h: counterfactual attribution of a run's anomalies to its scripted faults.
 *
 * A fault that fired is *necessary* to an anomaly (a kind, on one payment) when the same
 * run (scenario, strategy, seed) without that fault alone, every other fault kept, no
 * longer has that anomaly on that payment; otherwise it is not necessary. Randomness
 * is per link and node, so the other streams are drawn as before; on the links the
 * removed fault touched, the draws after it follow the new traffic. */
#ifndef EOSIM_ATTRIBUTE_H
#define EOSIM_ATTRIBUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/scenario.h"
#include "env/tally.h"

#define ATTRIBUTE_MAX 16u   /* faults weighed per run; beyond, a run is not attributed */

struct attribution {
    uint32_t nfired;                        /* scripted faults that fired, in index order */
    uint32_t fault[ATTRIBUTE_MAX];          /* their indices in the scenario */
    sim_time when[ATTRIBUTE_MAX];
    bool over;                              /* more fired than ATTRIBUTE_MAX */
    uint16_t needed[ANOMALY_KINDS][ANOMALY_SAMPLE]; /* bit f: fault[f] is necessary to the
                                                       sampled payment's anomaly */
};

/* Attributes every sampled anomaly of r, the result of (sc, strategy, r->seed). Costs one
 * run plus one per fault that fired, and nothing when the scenario has no faults. */
void attribute_run(const struct scenario *sc, uint32_t strategy, const struct run_result *r,
                   struct attribution *a);
/* "necessary: the drop at 455ms (line 13); not necessary: the crash at 2s (line 14)". */
const char *attribute_text(const struct scenario *sc, const struct attribution *a,
                           uint32_t kind, uint32_t sample, char *buf, size_t size);
/* The line numbers of the necessary (or the other) faults, space-separated: "13 14". */
const char *attribute_lines(const struct scenario *sc, const struct attribution *a,
                            uint32_t kind, uint32_t sample, bool necessary, char *buf,
                            size_t size);

#endif
