/* wrap.h: word-wrapping for what people read in a terminal, one function for every
 * table, reference page and list eosim prints. */
#ifndef EOSIM_WRAP_H
#define EOSIM_WRAP_H

#include <stddef.h>
#include <stdio.h>

/* Prints lead, then text's words wrapped so that no line passes `width` columns
 * (unless one word does), each further line starting at column `indent`; ends the line.
 * Returns nothing: a failed write shows when the stream is flushed. */
void wrap_text(FILE *out, const char *lead, size_t indent, const char *text, size_t width);

#endif
