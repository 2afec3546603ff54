/* account.h: a run's result, from its tally and its nodes' final state. */
#ifndef EOSIM_ACCOUNT_H
#define EOSIM_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "run/world.h"

/* Folds the per-payment counts into r; `stopped_early` decides pending vs lost. */
void account_result(const struct world *w, bool stopped_early, struct run_result *r);
/* Offset in partition part below which the group has finished with every record. */
uint64_t account_cursor(const struct world *w, uint32_t part);

#endif
