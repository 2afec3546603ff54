/* catalogue.c: see catalogue.h. */
#define _POSIX_C_SOURCE 200809L
#include "cli/catalogue.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/check.h"
#include "base/wrap.h"
#include "lang/scenario.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of dir's *.scn files, sorted; NULL (errno set) if it cannot be read. */
static char **scenario_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t cap = 64;
    char **names = sim_alloc(cap, sizeof *names);
    *n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".scn") != 0 || e->d_name[0] == '.')
            continue;
        if (*n == cap)
            names = sim_realloc(names, cap *= 2, sizeof *names);
        names[(*n)++] = strcpy(sim_alloc(len + 1, 1), e->d_name);
    }
    closedir(d);
    qsort(names, *n, sizeof *names, by_name);
    return names;
}

const char *catalogue_installed(char *buf, size_t size)
{
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) /* PREFIX/bin/eosim: PREFIX */
        *slash = 0;
    slash = strrchr(exe, '/');
    if (slash)
        *slash = 0;
    snprintf(buf, size, "%s/share/eosim/scenarios", exe);
    return buf;
}

bool catalogue_list(FILE *out, FILE *err, const char *dir)
{
    size_t n;
    char **names = scenario_files(dir, &n);
    if (!names) {
        fprintf(err, "eosim: cannot list %s: %s\n", dir, strerror(errno));
        return false;
    }
    static struct scenario sc;
    bool ok = true;
    fprintf(out, "%zu scenarios in %s/; run one with: eosim run %s/NAME.scn\n", n, dir, dir);
    for (size_t i = 0; i < n; i++) {
        char path[1200];
        struct parse_error pe;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (scenario_load(path, &sc, &pe)) {
            fprintf(out, "\n%.*s\n", (int)(strlen(names[i]) - 4), names[i]);
            wrap_text(out, "    ", 4, sc.about[0] ? sc.about : "(no about line)", 80);
        } else {
            parse_error_print(&pe, err);
            ok = false;
        }
        free(names[i]);
    }
    free(names);
    return ok;
}
