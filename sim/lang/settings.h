/* settings.h: typed name -> field tables, shared by strategy knobs (knob=value) and
 * scenario parameters (set NAME VALUE), so both parse and document values one way. */
#ifndef EOSIM_SETTINGS_H
#define EOSIM_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum setting_type {
    SETTING_BOOL,           /* on|off into a uint8_t */
    SETTING_ENUM,           /* one of choices into a uint8_t */
    SETTING_DURATION,       /* into a sim_time */
    SETTING_DISTRIBUTION,   /* a struct dist: "50ms", "A..B", "exp MEAN", "pareto MIN SHAPE" */
    SETTING_COUNT,          /* whole number in [min, max] into a uint32_t */
    SETTING_PROBABILITY,    /* into a uint32_t, parts per million */
};

struct setting {
    const char *name;
    enum setting_type type;
    size_t offset;
    const char *const *choices; /* SETTING_ENUM: NULL-terminated */
    uint32_t min, max;          /* SETTING_COUNT */
    const char *help;           /* what it does, for `eosim help` and the man page */
    uint64_t least;             /* SETTING_DURATION: the smallest value taken (0: none) */
    const char *why_least;      /* what needs it, for the error message */
};

const struct setting *setting_find(const struct setting *table, const char *name,
                                   unsigned len);
/* Parses value into the field of base; on failure writes err (VALUE_ERR_LEN bytes). */
bool setting_apply(const struct setting *s, void *base, const char *value, unsigned len,
                   char *err);
/* "on|off", "before|after|...", "a duration", ... for error messages. */
const char *setting_expected(const struct setting *s, char *buf, size_t size);
/* The value a field holds, written as a user would write it. */
const char *setting_format(const struct setting *s, const void *base, char *buf, size_t size);

#endif
