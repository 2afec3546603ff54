/* quiz.h: `eosim quiz FILE`, for teaching and interviews: the scenario in words (the
 * workload, the network, what goes wrong, each strategy), a prediction of lost and
 * charged-twice payments per strategy, then the run, a score, and the story of the
 * first anomaly (or of what absorbed one) behind every miss. */
#ifndef EOSIM_QUIZ_H
#define EOSIM_QUIZ_H

#include <stdio.h>

#include "lang/scenario.h"

/* Asks on out and reads the predictions from in, one line each (LOST/TWICE), unless
 * answers ("S=LOST/TWICE,...") gives them all. Returns 0, or 2 when a prediction is
 * missing. */
int quiz_run(FILE *out, FILE *in, const struct scenario *sc, const char *answers);

#endif
