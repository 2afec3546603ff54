/* fault.h: scripted faults and operator actions, and the crashes and restarts of
 * nodes they cause (see fault.c). */
#ifndef EOSIM_FAULT_H
#define EOSIM_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "run/world.h"

/* Arms the faults that wait on a link or a protocol point (before anything is sent)... */
void fault_arm(struct world *w);
/* ... and schedules the ones given a time. */
void fault_schedule_timed(struct world *w);
/* Fault `index` takes effect now, for the `firing`-th time (from 0; only a recurring
 * fault fires more than once). */
void fault_fire(struct world *w, uint32_t index, uint64_t firing);
void fault_at_point(struct world *w, enum point_id pt, uint32_t payment);
void node_crash(struct world *w, uint8_t node, bool restart, sim_time delay);
void node_restart(struct world *w, uint8_t node);

#endif
