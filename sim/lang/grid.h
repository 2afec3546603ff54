/* grid.h: the points of a scenario's sweep grid: how many, the values of each, and
 * applying one to the scenario (the axes themselves are sweep.h's). */
#ifndef EOSIM_GRID_H
#define EOSIM_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "lang/scenario.h"

/* The number of points of a scenario's grid (1 without sweep lines). */
uint32_t sweep_points(const struct scenario *sc);
/* The value index of every axis at a point; the last axis varies fastest. */
void sweep_point_values(const struct scenario *sc, uint32_t point,
                        uint32_t index[SWEEP_AXES_MAX]);
/* Sets the swept fields of sc to their values at a point. */
void sweep_apply(struct scenario *sc, uint32_t point);
/* "consumer->gateway loss=5%, consumer.session-timeout=30s": a point in words. */
const char *sweep_point_label(const struct scenario *sc, uint32_t point, char *buf,
                              size_t size);
/* The same for the first naxes sweep lines only ("" for none). */
const char *sweep_axes_label(const struct scenario *sc, uint32_t point, uint32_t naxes,
                             char *buf, size_t size);

#endif
