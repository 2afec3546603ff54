/* help.h: `eosim help TOPIC` and the man page: the language's reference, printed from
 * the tables the parser itself reads (statements, parameters, knobs, presets, points,
 * message kinds, metrics, CSV columns), so the reference cannot drift from the code. */
#ifndef EOSIM_HELP_H
#define EOSIM_HELP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

extern const char *const help_topics[];  /* NULL-terminated */
/* The topics with a line each (no topic), or one topic; false if there is no such. */
bool help_print(FILE *out, const char *topic);
/* `eosim CMD --help`: its synopsis, what it does and its options; false if no such. */
bool help_command(FILE *out, const char *command);
/* The usage: every command's synopsis. */
void help_usage(FILE *out);
/* Every topic as a troff man page, eosim(1). */
void help_man(FILE *out);
/* The reference line of a statement, point, kind, metric or CSV column, or NULL: what
 * the tests use to see that every word the parser takes is documented. */
const char *help_of(const char *topic, const char *name);

#endif
