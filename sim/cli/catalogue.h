/* catalogue.h: `eosim list`: the scenarios of a directory, each by its name and its
 * `about`, in file-name order. */
#ifndef EOSIM_CATALOGUE_H
#define EOSIM_CATALOGUE_H

#include <stdbool.h>
#include <stdio.h>

/* The installed catalogue: share/eosim/scenarios beside the bin/ that holds this
 * program (`make install`), into buf. */
const char *catalogue_installed(char *buf, size_t size);
/* Lists dir/\*.scn on out; a file that does not parse is named with its error on err.
 * False if the directory cannot be read or a file did not parse. */
bool catalogue_list(FILE *out, FILE *err, const char *dir);

#endif
