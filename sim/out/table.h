/* table.h: what `eosim run` and `eosim sweep` print per scenario for people to read:
 * a verdict per strategy (does it lose, charge twice, and what it costs), then a table
 * that fits 100 columns (every column behind `wide`), the Kafka-side anomalies, the
 * payments behind the counts and the command that tells one's story. */
#ifndef EOSIM_TABLE_H
#define EOSIM_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "out/results.h"

void table_scenario(FILE *out, const struct scenario_results *res, bool wide);
void table_sweep(FILE *out, const struct sweep_results *sr, bool wide);
/* "12.5%" from count of total: three significant digits, integers only. */
const char *table_percent(uint64_t count, uint64_t total, char *buf, size_t size);

#endif
