/* record.h: what one run reached, for `eosim check`: every (node, protocol point,
 * payment) and every (link, message kind, payment) the run met, each once, with the
 * time it was first met and in the order first met. That list is the fault space of the
 * run: each entry is a place where one fault can be put. */
#ifndef EOSIM_RECORD_H
#define EOSIM_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "base/engine.h"

enum reach_what { REACH_POINT, REACH_MESSAGE };

struct reach {
    uint8_t what;        /* enum reach_what */
    uint8_t where;       /* the node (points) or the link (messages) */
    uint8_t step;        /* the point or the message kind */
    uint32_t payment;    /* UINT32_MAX: the point or message names no single payment */
    sim_time t;          /* first met */
};

struct recording {
    struct reach *items;
    size_t len, cap;
    uint64_t *set;       /* open addressing over the packed keys of items; 0 is empty */
    size_t set_cap;
    sim_time end;        /* when the run ended */
};

/* Notes a reach at time t; nothing if it was met before. */
void recording_add(struct recording *r, enum reach_what what, uint8_t where, uint8_t step,
                   uint32_t payment, sim_time t);
void recording_fini(struct recording *r);

#endif
