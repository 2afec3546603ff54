/* nearest.c: edit distance and the nearest known name (see nearest.h). */
#include "base/nearest.h"

#include <string.h>

#define WORD_MAX 64

unsigned nearest_distance(const char *a, size_t alen, const char *b, size_t blen)
{
    unsigned row[WORD_MAX + 1];
    if (alen > WORD_MAX || blen > WORD_MAX)
        return WORD_MAX;
    for (size_t j = 0; j <= blen; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= alen; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= blen; j++) {
            unsigned up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[blen];
}

const char *nearest_name(const char *s, size_t len, const char *const *names, size_t count)
{
    const char *best = NULL;
    unsigned best_distance = len <= 2 ? 2 : 3;
    for (size_t i = 0; i < count; i++) {
        if (!names[i])
            continue;
        unsigned d = nearest_distance(s, len, names[i], strlen(names[i]));
        if (d < best_distance) {
            best_distance = d;
            best = names[i];
        }
    }
    return best;
}
