/* link.h: the one-way lossy links between nodes (see link.c). A node talks to another
 * only by putting a message on a link; what a targeted fault matches is read from the
 * message itself (its payment, or the payments of its body), never from a node. */
#ifndef EOSIM_LINK_H
#define EOSIM_LINK_H

#include <stdint.h>

#include "base/engine.h"
#include "env/env.h"

/* Puts a request of `kind` from one node to another on the link it travels; it carries
 * the sender's incarnation. */
void link_send(struct env *e, uint8_t from, uint8_t to, uint8_t kind, uint32_t payment,
               uint32_t id, uint64_t x, uint64_t y);
/* Answers a request: back to its sender, echoing its payment and request id (ids are
 * unique in a run, so a node that restarted can tell answers meant for its former
 * self). */
void link_reply(struct env *e, const struct event *request, uint8_t kind, uint64_t x,
                uint64_t y);

#endif
