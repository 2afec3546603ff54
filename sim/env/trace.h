/* trace.h: the record of one run, event by event. Every record names its cause (the
 * event being handled when it happened), so a lost or duplicated payment can be traced
 * back to the fault that started it. Records stream to a JSON Lines file (--trace) and,
 * for explain, can also be kept in memory. With no trace attached, a run records
 * nothing and pays one pointer test per hook. */
#ifndef EOSIM_TRACE_H
#define EOSIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/engine.h"

enum trace_what {
    TRACE_EVENT,      /* an event was handled by its node */
    TRACE_SEND,       /* a message was put on a link; id is its delivery event */
    TRACE_DUPLICATE,  /* the link duplicated it; id is the copy's delivery event */
    TRACE_LOSS,       /* the link's loss draw took it (x: the loss in ppm) */
    TRACE_CUT,        /* a network partition took it (x: the cut's fault index) */
    TRACE_DROP,       /* a scripted `drop` took it (x: its fault index) */
    TRACE_HOLD,       /* a scripted `delay` held it back (x: its fault index) */
    TRACE_DEAD,       /* it reached a node that was down */
    TRACE_APPEND,     /* the broker appended a record (x: offset) */
    TRACE_CHARGE,     /* the gateway charged */
    TRACE_SAVED,      /* the gateway answered with a key's saved result: no charge */
    TRACE_SKIP,       /* the consumer's dedup store skipped a delivery */
    TRACE_ROW,        /* a ledger row committed */
    TRACE_FAULT,      /* a scripted fault or operator action fired (req: its index) */
    TRACE_DELIVER,    /* a record was handed to consumer code (x: its offset) */
    TRACE_COPY,       /* a scripted `duplicate` sent it twice; id is the copy's delivery
                         event (x: the fault's index) */
    TRACE_GIVE_UP,    /* the producer reported the send failed (x: 1 if definitely not
                         written) */
    TRACE_WHAT_COUNT
};

struct trace_record {
    uint64_t id;        /* the event's id (0 when the record is not an event) */
    uint64_t cause;     /* the id of the event that led to it (0: the set-up) */
    sim_time t;
    uint64_t x;
    uint64_t n;         /* messages put on its link so far, this one included */
    uint32_t payment;   /* UINT32_MAX when none */
    uint32_t req;       /* request id, fault index */
    uint8_t what;       /* enum trace_what */
    uint8_t node;       /* where it happened (the receiver, for messages) */
    uint8_t from;       /* the sender, for messages */
    uint8_t type;       /* enum event_type, for TRACE_EVENT */
    uint8_t kind;       /* message or timer kind */
    uint8_t link;       /* for messages on links */
};

struct trace {
    FILE *jsonl;                /* where records stream, or NULL */
    FILE *perfetto;             /* Chrome trace-event JSON, one track per node, or NULL */
    bool perfetto_started;
    uint64_t perfetto_named;    /* the nodes whose track is named */
    uint64_t *flight;           /* messages sent, not yet delivered (see trace.c) */
    size_t flight_len, flight_cap;
    bool keep;                  /* keep them in memory too */
    struct trace_record *recs;
    size_t len, cap;
};

void trace_add(struct trace *t, const struct trace_record *r);
/* Ends the streams (the Chrome trace's closing bracket); does not close the files. */
void trace_end(struct trace *t);
void trace_fini(struct trace *t);
extern const char *const trace_what_names[TRACE_WHAT_COUNT];
/* "charge", "request-timeout", "intent"...: what an event or message kind is called. */
const char *trace_kind_name(uint8_t type, uint8_t kind);

#endif
