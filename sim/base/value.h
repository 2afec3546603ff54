/* value.h: the scenario language's values (durations, probabilities, counts, ranges),
 * parsed exactly into integers: "1.5s" is 1500000000 ns and "0.5%" is 5000 ppm, with no
 * floating point anywhere. Each parser writes a message into err on failure. */
#ifndef EOSIM_VALUE_H
#define EOSIM_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/engine.h"

#define VALUE_ERR_LEN 200

bool value_count(const char *s, unsigned len, uint64_t *out, char *err);
bool value_duration(const char *s, unsigned len, sim_time *out, char *err);
/* "2%", "0.02", "0", "1": parts per million, at most 1,000,000. */
bool value_probability(const char *s, unsigned len, uint32_t *ppm, char *err);
/* "A..B" or "A" (then lo == hi) for durations and counts. */
bool value_duration_range(const char *s, unsigned len, sim_time *lo, sim_time *hi, char *err);
bool value_count_range(const char *s, unsigned len, uint64_t *lo, uint64_t *hi, char *err);
/* The ".." of a range like "20ms..80ms", or NULL. */
const char *value_find_dots(const char *s, unsigned len);
/* Writes a duration the way a user would: "1.5s", "250ms", "0s". */
const char *value_format_duration(sim_time t, char *buf, size_t size);
/* The same to three significant digits, for people: "342ms", "13.4s", "6.1min", "2h". */
const char *value_format_short(sim_time t, char *buf, size_t size);
/* A duration as the language reads it back exactly: the largest unit that divides it
 * ("51s", "455ms", "1001us"). */
const char *value_exact_duration(sim_time t, char *buf, size_t size);

#endif
