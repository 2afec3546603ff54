/* sweep.h: parameter grids. A `sweep` line names one quantity of the world (a link's
 * delay, loss or duplicate, or any `set` parameter) and the values it takes; several
 * lines make their Cartesian product, the first line varying slowest. This module owns
 * the exact parsing and expansion of the values, the numbering of the points, applying
 * a point to a scenario, and the names, labels and CSV columns reports show for them.
 * The parser (scenario.c) owns the words of the statement and where errors point. */
#ifndef EOSIM_SWEEP_H
#define EOSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/settings.h"

#define SWEEP_AXES_MAX    4u       /* sweep lines in one scenario */
#define SWEEP_VALUES_MAX  256u     /* values on one sweep line */
#define SWEEP_POINTS_MAX  10000u   /* points of the whole grid */

enum sweep_target { SWEEP_LINK, SWEEP_SET };
enum sweep_option { SWEEP_DELAY, SWEEP_LOSS, SWEEP_DUPLICATE }; /* of a link */

/* One value in the field's own integer unit (ns, ppm, a count, a choice's index);
 * hi differs from lo only for a duration range such as a delay of 20ms..80ms. */
struct sweep_value {
    uint64_t lo, hi;
};

struct sweep_axis {
    uint8_t target;   /* enum sweep_target */
    uint8_t link;     /* SWEEP_LINK: enum link_id */
    uint8_t option;   /* SWEEP_LINK: enum sweep_option */
    uint8_t param;    /* SWEEP_SET: index into params_table */
    uint32_t line;    /* where the sweep line is, for messages */
    uint32_t nvalues;
    struct sweep_value values[SWEEP_VALUES_MAX];
};


extern const char *const sweep_option_names[3];

/* The number of points the axes make (1 for none). */
uint32_t sweep_grid_size(const struct sweep_axis *axes, uint32_t naxes);
/* Stores a value into a field of the setting's type. */
void sweep_write_field(enum setting_type type, void *field, struct sweep_value v);
/* The setting that describes the axis's values: its type, range and name. A link option
 * has a setting of its own ("loss", "duplicate", "delay") so values parse one way. */
const struct setting *sweep_axis_setting(const struct sweep_axis *a);

/* Where a value error points: an offset into the values word, or into the step word. */
struct sweep_error {
    char message[256];   /* as long as parse_error.message */
    unsigned offset;
    bool in_step;
};

/* "10s,30s,45s": a comma list, each item as `set` or `link` would take it. */
bool sweep_parse_list(struct sweep_axis *a, const char *text, unsigned len,
                      struct sweep_error *err);
/* "0%..10%" with step "1%": every value from A to B, B included. */
bool sweep_parse_range(struct sweep_axis *a, const char *text, unsigned len, const char *step,
                       unsigned step_len, struct sweep_error *err);


/* "consumer->gateway loss", "consumer.session-timeout". */
const char *sweep_axis_name(const struct sweep_axis *a, char *buf, size_t size);
/* "5%", "30s", "20ms..80ms", "on", "500": a value written the way a scenario writes it. */
const char *sweep_value_label(const struct sweep_axis *a, uint32_t k, char *buf, size_t size);
/* The CSV columns of an axis (",consumer->gateway.loss_ppm") and of a value (",50000"). */
void sweep_csv_header(FILE *out, const struct sweep_axis *a);
void sweep_csv_value(FILE *out, const struct sweep_axis *a, uint32_t k);
/* A chart's x coordinate for a value, in the unit sweep_axis_unit names ("%", "ms", "s",
 * "" for counts); choices are numbered 0, 1, ... and labelled by name. */
double sweep_value_x(const struct sweep_axis *a, uint32_t k);
const char *sweep_axis_unit(const struct sweep_axis *a);
/* Whether values are names (on|off, earliest|latest) rather than numbers. */
bool sweep_axis_is_choice(const struct sweep_axis *a);

#endif
