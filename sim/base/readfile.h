/* readfile.h: a whole file into memory, within a limit checked while reading, so a
 * directory, /dev/zero or an endless FIFO is refused rather than read until memory
 * runs out. */
#ifndef EOSIM_READFILE_H
#define EOSIM_READFILE_H

#include <stddef.h>

#define SCENARIO_BYTES_MAX  (1u << 20)  /* a scenario file: 1 MiB is thousands of lines */

/* The file's bytes (path "-": standard input's), NUL-terminated (the caller frees them), and their count in *len; or
 * NULL with the reason in err: "cannot open: <strerror>", "cannot read: <strerror>"
 * (a directory says "Is a directory"), or "larger than the limit of N bytes". */
char *read_file(const char *path, size_t limit, size_t *len, char *err, size_t errsize);

#endif
