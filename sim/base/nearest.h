/* nearest.h: "did you mean": the known name closest to a misspelt one, by edit
 * distance, for every error that names an unknown word. */
#ifndef EOSIM_NEAREST_H
#define EOSIM_NEAREST_H

#include <stddef.h>

/* Levenshtein distance; words longer than 64 characters count as far apart. */
unsigned nearest_distance(const char *a, size_t alen, const char *b, size_t blen);
/* The first of the closest names at most two edits from s (NULL slots skipped), or
 * NULL. A word of two letters or fewer matches only a name one edit away. */
const char *nearest_name(const char *s, size_t len, const char *const *names, size_t count);

#endif
