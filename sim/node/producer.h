/* producer.h: the payment service and its Kafka producer (or the outbox relay):
 * its state and what the run calls it for (see producer.c) */
#ifndef EOSIM_PRODUCER_H
#define EOSIM_PRODUCER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/engine.h"
#include "base/limits.h"
#include "base/rng.h"
#include "env/env.h"

enum pay_state {
    PAY_UNBORN,     /* the workload has not handed it over yet */
    PAY_QUEUED,     /* waiting for a send slot or for the next transaction */
    PAY_INFLIGHT,   /* sent, ack awaited */
    PAY_REFUSED,    /* refused as out of order; waits for its predecessor */
    PAY_TXN_ACKED,  /* acked inside a transaction that has not committed yet */
    PAY_SENT,       /* sent without retries: the producer has forgotten it */
    PAY_ACKED,      /* done */
    PAY_DROPPED,    /* lost with the producer's memory */
    PAY_GAVE_UP,    /* attempts or delivery timeout exhausted: reported failed */
};

struct pay_fifo {
    uint32_t head, tail;
};

struct producer {
    struct env *env;
    struct rng rng;          /* node:producer: the random transactional id */
    uint8_t node;            /* who talks to Kafka: the service itself, or the outbox relay */
    uint32_t outbox_rows;    /* producer.outbox=on: rows committed, payments 0..rows-1 */
    uint32_t flushed;        /* the relay's persisted position: rows before it are acked */
    uint32_t life_start;     /* first request id of the sender's current life */
    uint8_t *state;          /* enum pay_state, per payment */
    int32_t *seq;            /* sequence number of the payment's record, per payment */
    struct counts attempt;   /* sends so far, per payment */
    struct counts refusals;  /* of which answered "not written" (out of order, fenced) */
    sim_time *accepted_at;   /* when the producer took the record: delivery-timeout's start */
    event_handle *timer;     /* the ack timeout of the payment's last send */
    event_handle txn_timer;  /* EndTxn's answer timeout */
    uint32_t *next;          /* FIFO links, per payment: a payment is in one FIFO at most */
    struct pay_fifo *queue;  /* per partition: records waiting for a send slot */
    struct pay_fifo backlog; /* transactional: records waiting for the next transaction */
    uint32_t *flight;        /* per partition, max-in-flight slots holding payment ids */
    uint32_t *nflight;       /* per partition */
    int32_t *next_seq;       /* per partition */
    uint32_t next_intent;    /* the next payment the workload will hand over */
    bool intents_stalled;    /* the workload waits for the producer to come back */
    uint32_t pid;            /* producer id */
    uint32_t pid_request;    /* the InitProducerId awaited, or 0: sends wait while set */
    event_handle pid_timer;  /* its answer's timeout */
    uint16_t epoch;
    uint32_t transactional_id;
    bool txn_open, txn_ending;
    bool txn_commit;         /* what the EndTxn in flight asks for */
    sim_time txn_started;
    int32_t *acked_seq;      /* per partition: the highest sequence acknowledged */
    uint32_t txn_no;
    uint32_t *txn_members;   /* payments in the open transaction */
    uint32_t txn_len, txn_acked;
};

void producer_init(struct producer *p, struct env *e);
void producer_fini(struct producer *p);
/* Starts the producer: its first InitProducerId (a restart from nothing). */
void producer_start(struct producer *p);
void producer_on_intent(struct producer *p, uint32_t payment);
void producer_on_event(struct producer *p, const struct event *ev);
void producer_crash(struct producer *p, uint8_t node);
void producer_restart(struct producer *p, uint8_t node);
/* Whether the producer still holds the payment and may yet write it. */
bool producer_holds(const struct producer *p, uint32_t payment);

#endif
