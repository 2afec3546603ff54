/* shard.c: the shard file format, and merging shards back into one batch (see shard.h). */
#define _POSIX_C_SOURCE 200809L
#include "cli/shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/check.h"
#include "base/readfile.h"
#include "base/version.h"

/* A shard holds every result of its runs: BATCH_RUNS_MAX of them fit well within. */
#define SHARD_BYTES_MAX ((size_t)1 << 34)

#define SHARD_MAGIC "eosim-shard 1"

/* "8 600 little": what must match for binary results to mean the same thing. */
static const char *abi(char *buf, size_t size)
{
    const uint16_t one = 1;
    snprintf(buf, size, "%zu %zu %s", sizeof(void *), sizeof(struct run_result),
             *(const uint8_t *)&one ? "little" : "big");
    return buf;
}

char *shard_read_text(const char *path, size_t *len)
{
    char err[256];
    char *text = read_file(path, SCENARIO_BYTES_MAX, len, err, sizeof err);
    if (!text)
        fprintf(stderr, "eosim: %s: %s\n", path, err);
    return text;
}

size_t shard_select(const struct batch *b, uint32_t i, unsigned k, unsigned n, size_t *indices)
{
    const struct batch_item *it = &b->items[i];
    size_t count = 0;
    for (size_t local = k - 1; local < it->nruns; local += n)
        indices[count++] = it->first + local;
    return count;
}

struct shard_out {
    const struct batch *b;
    uint32_t item;
    const char *command, *only, *text;
    unsigned k, n;
    size_t text_len;
};

static void write_shard(FILE *out, const void *ctx)
{
    const struct shard_out *o = ctx;
    const struct batch_item *it = &o->b->items[o->item];
    char buf[64];
    size_t count = it->nruns / o->n + ((o->k - 1) < it->nruns % o->n);
    fprintf(out, "%s\nversion %s\nabi %s\ncommand %s\nfile %s\nseed %llu\nruns %u\n"
            "strategy %s\nshard %u %u\ntotal %zu\ntext %zu\n", SHARD_MAGIC, EOSIM_VERSION,
            abi(buf, sizeof buf), o->command, it->sc.file, (unsigned long long)it->sc.seed,
            it->sc.runs, o->only ? o->only : "-", o->k, o->n, it->nruns, o->text_len);
    fwrite(o->text, 1, o->text_len, out);
    fprintf(out, "\nrecords %zu\n", count);
    for (size_t local = o->k - 1; local < it->nruns; local += o->n) {
        const unsigned char *bytes = (const unsigned char *)&o->b->results[it->first + local];
        fprintf(out, "r %zu ", local);
        for (size_t j = 0; j < sizeof(struct run_result); j++)
            fprintf(out, "%02x", bytes[j]);
        fputc('\n', out);
    }
    fputs("end\n", out);
}

bool shard_write(const char *dir, const struct batch *b, uint32_t i, const char *command,
                 const char *only, unsigned k, unsigned n, const char *text, size_t text_len,
                 char *path, size_t size)
{
    struct shard_out o = { .b = b, .item = i, .command = command, .only = only, .text = text,
                           .k = k, .n = n, .text_len = text_len };
    snprintf(path, size, "%s/%s.%u-of-%u.shard", dir, b->items[i].sc.name, k, n);
    return report_write_file(path, write_shard, &o);
}

/* ---- reading ---- */

struct cursor {
    const char *path;
    char *p, *end;
    unsigned line;
};

static bool bad(const struct cursor *c, const char *what)
{
    fprintf(stderr, "eosim: %s:%u: not a valid shard file: %s\n", c->path, c->line, what);
    return false;
}

/* The next line, NUL-terminated in place; NULL at the end of the file. */
static char *line(struct cursor *c)
{
    if (c->p >= c->end)
        return NULL;
    char *start = c->p, *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (!nl)
        return NULL;
    *nl = 0;
    c->p = nl + 1;
    c->line++;
    return start;
}

/* A "key value" line; the value (after one space) or NULL with a message. */
static char *field(struct cursor *c, const char *key)
{
    char *l = line(c), msg[80];
    size_t n = strlen(key);
    if (l && strncmp(l, key, n) == 0 && l[n] == ' ')
        return l + n + 1;
    snprintf(msg, sizeof msg, "expected '%s ...'", key);
    bad(c, msg);
    return NULL;
}

static bool number(const char *s, unsigned long long *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno == 0 && *end == 0;
}

static bool hex_bytes(const char *s, unsigned char *out, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        unsigned v = 0;
        for (int h = 0; h < 2; h++) {
            char ch = s[2 * j + (size_t)h];
            unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0')
                         : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10) : 16u;
            if (d > 15)
                return false;
            v = v * 16 + d;
        }
        out[j] = (unsigned char)v;
    }
    return s[2 * n] == 0;
}

/* The magic line, and what must match this eosim: its version and the architecture. */
static bool read_identity(struct cursor *c)
{
    char buf[64], *v, *l = line(c);
    if (!l || strcmp(l, SHARD_MAGIC) != 0)
        return bad(c, "it does not start with '" SHARD_MAGIC "'");
    if (!(v = field(c, "version")))
        return false;
    if (strcmp(v, EOSIM_VERSION) != 0) {
        fprintf(stderr, "eosim: %s was written by eosim %s; this is eosim %s\n", c->path, v,
                EOSIM_VERSION);
        return false;
    }
    if (!(v = field(c, "abi")))
        return false;
    if (strcmp(v, abi(buf, sizeof buf)) != 0) {
        fprintf(stderr, "eosim: %s was written on another architecture (%s, here %s)\n",
                c->path, v, buf);
        return false;
    }
    return true;
}

/* The command and its settings: everything the unsharded command is rebuilt from. */
static bool read_settings(struct cursor *c, struct shard *s)
{
    char *v;
    unsigned long long seed, runs;
    if (!(v = field(c, "command")))
        return false;
    if (strcmp(v, "run") != 0 && strcmp(v, "sweep") != 0)
        return bad(c, "the command must be run or sweep");
    snprintf(s->command, sizeof s->command, "%s", v);
    if (!(v = field(c, "file")))
        return false;
    snprintf(s->file, sizeof s->file, "%s", v);
    if (!number(field(c, "seed"), &seed) || !number(field(c, "runs"), &runs))
        return bad(c, "seed and runs must be numbers");
    s->seed = seed;
    s->runs = (uint32_t)runs;
    if (!(v = field(c, "strategy")))
        return false;
    snprintf(s->only, sizeof s->only, "%s", strcmp(v, "-") == 0 ? "" : v);
    if (!(v = field(c, "shard")) || sscanf(v, "%u %u", &s->k, &s->n) != 2 || s->n < 1 ||
        s->k < 1 || s->k > s->n)
        return bad(c, "expected 'shard K N' with 1 <= K <= N");
    return true;
}

/* The number of runs and the scenario's text, which follows as raw bytes. */
static bool read_text(struct cursor *c, struct shard *s)
{
    unsigned long long total, len;
    if (!number(field(c, "total"), &total) || !number(field(c, "text"), &len) ||
        len >= (unsigned long long)(c->end - c->p))
        return bad(c, "expected the number of runs and the scenario's text");
    s->total = (size_t)total;
    s->text_len = (size_t)len;
    s->text = sim_alloc(s->text_len + 1, 1);
    memcpy(s->text, c->p, s->text_len);
    for (size_t j = 0; j < s->text_len; j++)
        c->line += c->p[j] == '\n';
    c->p += s->text_len + 1; /* and the newline after the text */
    return true;
}

static bool read_records(struct cursor *c, struct shard *s)
{
    unsigned long long count, idx;
    if (!number(field(c, "records"), &count) || count > s->total)
        return bad(c, "expected 'records N' with N at most the total");
    s->nrecords = (size_t)count;
    s->index = sim_alloc(s->nrecords, sizeof *s->index);
    s->results = sim_alloc(s->nrecords, sizeof *s->results);
    for (size_t r = 0; r < s->nrecords; r++) {
        char *l = line(c), *space = l ? strchr(l + 2, ' ') : NULL;
        if (!l || l[0] != 'r' || l[1] != ' ' || !space)
            return bad(c, "expected 'r INDEX HEX'");
        *space = 0;
        if (!number(l + 2, &idx) || idx >= s->total || (idx % s->n) != s->k - 1 ||
            !hex_bytes(space + 1, (unsigned char *)&s->results[r], sizeof s->results[r]))
            return bad(c, "a record with a bad run number or bad bytes");
        s->index[r] = (size_t)idx;
    }
    char *l = line(c);
    return (l && strcmp(l, "end") == 0) || bad(c, "the file is cut short (no 'end')");
}

bool shard_read(const char *path, struct shard *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", path);
    size_t len;
    char err[256];
    char *data = read_file(path, SHARD_BYTES_MAX, &len, err, sizeof err);
    if (!data) {
        fprintf(stderr, "eosim: %s: %s\n", path, err);
        return false;
    }
    struct cursor c = { .path = path, .p = data, .end = data + len };
    bool ok = read_identity(&c) && read_settings(&c, out) && read_text(&c, out) &&
              read_records(&c, out);
    free(data);
    if (!ok) { /* nothing left for the caller to free; the path stays for messages */
        free(out->text);
        free(out->index);
        free(out->results);
        out->text = NULL, out->index = NULL, out->results = NULL;
    }
    return ok;
}

void shard_free(struct shard *s)
{
    free(s->text);
    free(s->index);
    free(s->results);
    memset(s, 0, sizeof *s);
}

/* ---- merging ---- */

static bool same_run(const struct shard *a, const struct shard *b)
{
    return strcmp(a->file, b->file) == 0 && a->text_len == b->text_len &&
           memcmp(a->text, b->text, a->text_len) == 0;
}

static bool same_settings(const struct shard *a, const struct shard *b)
{
    return strcmp(a->command, b->command) == 0 && a->seed == b->seed && a->runs == b->runs &&
           strcmp(a->only, b->only) == 0 && a->n == b->n && a->total == b->total;
}

static int by_file(const void *x, const void *y)
{
    const struct shard *a = x, *b = y;
    int c = strcmp(a->file, b->file);
    if (c == 0 && a->text_len != b->text_len)
        c = a->text_len < b->text_len ? -1 : 1;
    if (c == 0)
        c = memcmp(a->text, b->text, a->text_len);
    return c != 0 ? c : (a->k > b->k) - (a->k < b->k);
}

/* Checks one scenario's shards (shards[0..count), sorted by K): one of each K, agreeing. */
static bool check_group(const struct shard *g, unsigned count)
{
    for (unsigned j = 0; j < count; j++) {
        if (!same_settings(&g[0], &g[j])) {
            fprintf(stderr, "eosim: %s and %s are shards of different commands on %s (command, "
                    "seed, runs, strategy or shard count differ)\n", g[0].path, g[j].path,
                    g[0].file);
            return false;
        }
        if (j > 0 && g[j].k == g[j - 1].k) {
            fprintf(stderr, "eosim: %s and %s are both shard %u of %u of %s\n", g[j - 1].path,
                    g[j].path, g[j].k, g[j].n, g[j].file);
            return false;
        }
    }
    for (unsigned k = 1, j = 0; k <= g[0].n; k++, j++)
        if (j >= count || g[j].k != k) {
            fprintf(stderr, "eosim: shard %u of %u of %s is missing\n", k, g[0].n, g[0].file);
            return false;
        }
    return true;
}

/* Parses a group's scenario and makes it item i of b. */
static bool group_item(struct batch *b, uint32_t i, const struct shard *g)
{
    struct parse_error err;
    struct batch_item *it = &b->items[i];
    if (!scenario_parse(g->file, g->text, &it->sc, &err)) {
        parse_error_print(&err, stderr);
        return false;
    }
    it->sc.seed = g->seed;
    it->sc.runs = g->runs;
    if (!batch_add_item(b, i, strcmp(g->command, "sweep") == 0, g->only[0] ? g->only : NULL)) {
        fprintf(stderr, "eosim: %s: no strategy named '%s'\n", g->file, g->only);
        return false;
    }
    return true;
}

static bool fill(struct batch *b, uint32_t i, const struct shard *g, unsigned count)
{
    const struct batch_item *it = &b->items[i];
    size_t filled = 0;
    if (it->nruns != g->total) {
        fprintf(stderr, "eosim: %s: the shards count %zu runs, the scenario has %zu\n",
                g->file, g->total, it->nruns);
        return false;
    }
    uint8_t *seen = sim_alloc(it->nruns, 1);
    for (unsigned j = 0; j < count; j++)
        for (size_t r = 0; r < g[j].nrecords; r++) {
            filled += !seen[g[j].index[r]];
            seen[g[j].index[r]] = 1;
            b->results[it->first + g[j].index[r]] = g[j].results[r];
        }
    free(seen);
    if (filled != it->nruns) {
        fprintf(stderr, "eosim: %s: the shards hold %zu of its %zu runs\n", g->file, filled,
                it->nruns);
        return false;
    }
    return true;
}

bool shard_merge(struct shard *shards, unsigned n, struct batch *b)
{
    qsort(shards, n, sizeof *shards, by_file);
    unsigned groups = 0;
    for (unsigned j = 0; j < n; j++) {
        bool first = j == 0 || !same_run(&shards[j - 1], &shards[j]);
        if (first && j > 0 && strcmp(shards[j - 1].file, shards[j].file) == 0) {
            fprintf(stderr, "eosim: %s and %s hold two different versions of %s\n",
                    shards[j - 1].path, shards[j].path, shards[j].file);
            return false;
        }
        groups += first;
    }
    batch_init(b, groups);
    unsigned start = 0;
    for (uint32_t i = 0; i < groups; i++) {
        unsigned end = start + 1;
        while (end < n && same_run(&shards[start], &shards[end]))
            end++;
        if (!check_group(&shards[start], end - start) || !group_item(b, i, &shards[start]))
            return false;
        start = end;
    }
    if (!batch_plan(b))
        return false;
    start = 0;
    for (uint32_t i = 0; i < groups; i++) {
        unsigned end = start + 1;
        while (end < n && same_run(&shards[start], &shards[end]))
            end++;
        if (!fill(b, i, &shards[start], end - start))
            return false;
        start = end;
    }
    return true;
}
