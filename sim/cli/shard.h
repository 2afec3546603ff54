/* shard.h: one slice of a command's runs on one machine, and joining the slices.
 *
 * `--shard K/N` runs the runs whose number within their scenario is K-1 modulo N and
 * writes DIR/<scenario>.K-of-N.shard: a text header (the command, the scenario file's
 * path and its whole text, the effective seed, runs and strategy, K and N), then one
 * line per run with its number and its struct run_result in hex. `eosim merge` reads
 * any set of shard files, in any order, checks that every shard of every scenario is
 * there exactly once and that they agree, and rebuilds the batch the unsharded command
 * would have run, so its outputs are the same bytes. The results are binary images:
 * shards merge on machines of the same architecture running the same eosim version,
 * which the header records and merge checks. */
#ifndef EOSIM_SHARD_H
#define EOSIM_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/batch.h"

struct shard {
    char path[1024];
    char command[16];              /* run or sweep */
    char file[PATH_ARG_MAX + 1];
    uint64_t seed;
    uint32_t runs;
    char only[NAME_MAX_LEN + 1];   /* --strategy, or "" */
    unsigned k, n;
    size_t total;                  /* runs of the scenario, all shards together */
    char *text;
    size_t text_len;
    size_t nrecords;
    size_t *index;                 /* each record's run number within the scenario */
    struct run_result *results;
};

/* Reads a scenario file's bytes (for the shard header); NULL with a message on stderr. */
char *shard_read_text(const char *path, size_t *len);
/* The runs of item i that belong to shard k of n (global run numbers); returns how many. */
size_t shard_select(const struct batch *b, uint32_t i, unsigned k, unsigned n,
                    size_t *indices);
/* Writes DIR/<scenario>.K-of-N.shard with the results of item i's runs in shard k of n
 * (run already); its path goes into `path`. False (errno set) on failure. */
bool shard_write(const char *dir, const struct batch *b, uint32_t i, const char *command,
                 const char *only, unsigned k, unsigned n, const char *text, size_t text_len,
                 char *path, size_t size);
/* Reads a shard file; false with a message on stderr, and then nothing to free. */
bool shard_read(const char *path, struct shard *out);
void shard_free(struct shard *s);
/* Joins shards into a batch (initialised here; scenarios ordered by file path) with every
 * result filled; false with a message on stderr if they disagree or one is missing. */
bool shard_merge(struct shard *shards, unsigned n, struct batch *b);

#endif
