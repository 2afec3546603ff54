/* readfile.c: see readfile.h. */
#define _POSIX_C_SOURCE 200809L
#include "base/readfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/check.h"

char *read_file(const char *path, size_t limit, size_t *len, char *err, size_t errsize)
{
    bool from_stdin = strcmp(path, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        if (!from_stdin)
            fclose(f);
        snprintf(err, errsize, "cannot read: %s", strerror(EISDIR));
        return NULL;
    }
    size_t cap = 1 << 16;
    char *text = sim_alloc(cap, 1);
    *len = 0;
    for (size_t got; *len <= limit && (got = fread(text + *len, 1, cap - *len - 1, f)) > 0;) {
        *len += got;
        if (*len + 1 == cap)
            text = sim_realloc(text, cap *= 2, 1);
    }
    int failed = ferror(f) ? errno : 0;
    if (!from_stdin)
        fclose(f);
    text[*len] = 0;
    if (failed || *len > limit) {
        if (failed)
            snprintf(err, errsize, "cannot read: %s", strerror(failed));
        else
            snprintf(err, errsize, "larger than the limit of %zu bytes", limit);
        free(text);
        return NULL;
    }
    return text;
}
