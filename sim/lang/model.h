/* model.h: the vocabulary shared by the scenario language and the simulation: nodes,
 * links, message kinds and protocol points, with the names users write for them. */
#ifndef EOSIM_MODEL_H
#define EOSIM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/engine.h"

/* Node ids: fixed nodes first, then consumer-1 .. consumer-N. */
enum node_id {
    NODE_PRODUCER,   /* the payment service */
    NODE_BROKER,
    NODE_GATEWAY,
    NODE_RELAY,      /* the outbox relay (change data capture), with producer.outbox=on */
    NODE_LEDGER,     /* the workers' database: it receives no messages, but it can crash
                      * (rolling back open transactions) and pause (holding commits) */
    NODE_CONSUMER_1,
    NODE_FIXED = NODE_CONSUMER_1
};
#define NODE_CONSUMER(k) ((uint8_t)(NODE_CONSUMER_1 + (k))) /* k counts from 0 */

enum link_id {
    LINK_PRODUCER_BROKER,
    LINK_BROKER_PRODUCER,
    LINK_CONSUMER_BROKER,
    LINK_BROKER_CONSUMER,
    LINK_CONSUMER_GATEWAY,
    LINK_GATEWAY_CONSUMER,
    LINK_RELAY_BROKER,
    LINK_BROKER_RELAY,
    LINK_COUNT
};

enum msg_kind {
    MSG_PRODUCE = 1,   /* producer -> broker: one record (from a consumer: to the output topic) */
    MSG_ACK,           /* broker -> producer: appended, duplicate, or an error */
    MSG_END_TXN,       /* producer -> broker: commit or abort the open transaction */
    MSG_END_TXN_ACK,   /* broker -> producer */
    MSG_OFFSET_FETCH,  /* consumer -> broker: where did my group stop? */
    MSG_OFFSETS,       /* broker -> consumer */
    MSG_FETCH,         /* consumer -> broker: poll */
    MSG_RECORDS,       /* broker -> consumer: a range of one partition */
    MSG_COMMIT,        /* consumer -> broker: commit an offset */
    MSG_COMMIT_ACK,    /* broker -> consumer */
    MSG_CHARGE,        /* consumer -> gateway */
    MSG_RESPONSE,      /* gateway -> consumer */
    MSG_JOIN,          /* consumer -> broker: JoinGroup */
    MSG_JOINED,        /* broker -> consumer: generation and assignment */
    MSG_HEARTBEAT,     /* consumer -> broker */
    MSG_HEARTBEAT_ACK, /* broker -> consumer: fine, or rejoin */
    MSG_TXN_OFFSETS,   /* consumer -> broker: TxnOffsetCommit, inside its transaction */
    MSG_INIT_PID,      /* producer -> broker: InitProducerId (InitTransactions) */
    MSG_PID,           /* broker -> producer: the producer id and epoch to use */
    MSG_ADD_PARTITIONS, /* consumer -> broker: AddPartitionsToTxn, for the output partition */
    MSG_ADD_PARTITIONS_ACK, /* broker -> consumer */
    MSG_KIND_COUNT
};

/* Protocol points: named steps where a fault can be placed. Each fires just after the
 * step it names has taken effect, unless its name says "before". */
enum point_id {
    POINT_SEND = 1,      /* producer: a produce request is on the wire */
    POINT_ACK,           /* producer: an ack was received and recorded */
    POINT_APPEND,        /* broker: a record was appended, the ack not yet sent */
    POINT_ACK_SENT,      /* broker: the ack is on the wire */
    POINT_TXN_COMMIT,    /* broker: the coordinator decided to commit */
    POINT_MARKER,        /* broker: the commit markers are written */
    POINT_POLL,          /* consumer: a poll returned records, none processed yet */
    POINT_BEFORE_EFFECT, /* consumer: about to charge the gateway for a record */
    POINT_AFTER_EFFECT,  /* consumer: the gateway's answer arrived, nothing recorded yet */
    POINT_BEFORE_COMMIT, /* consumer: about to commit its offset */
    POINT_AFTER_COMMIT,  /* consumer: the offset commit was acknowledged */
    POINT_CHARGE,        /* gateway: a charge was made, the response not yet sent */
    POINT_RESPOND,       /* gateway: the response is on the wire */
    POINT_WRITE,         /* ledger: the row is written inside an open transaction */
    POINT_COMMIT,        /* ledger: the transaction committed */
    POINT_PUBLISH,       /* relay: an outbox row's record is on the wire */
    POINT_LEDGER_TIMEOUT,/* consumer: a ledger commit's answer is overdue; the retry or
                          * the give-up comes next */
    POINT_COUNT
};

extern const char *const link_names[LINK_COUNT];
extern const char *const msg_kind_names[MSG_KIND_COUNT];
extern const char *const point_names[POINT_COUNT];

/* The link a message kind travels on between two nodes. */
enum link_id msg_link(enum msg_kind kind, int from, int to);
/* Whether a message kind ever travels on a link. */
bool msg_kind_travels(enum msg_kind kind, enum link_id link);
int link_by_name(const char *s, unsigned len);
int msg_kind_by_name(const char *s, unsigned len);
int point_by_name(const char *s, unsigned len);
/* Whether a point is reached for one payment (so `on POINT payment K` can match). */
bool point_has_payment(enum point_id point);
/* "producer", "broker", "gateway", "relay", "consumer" (= consumer-1), "consumer-K";
 * -1 if unknown. */
int node_by_name(const char *s, unsigned len);
/* Writes the node's name into buf (at least 16 bytes). */
const char *node_name(int node, char *buf);

/* The payment an event concerns, or UINT32_MAX (some kinds carry a partition there). */
uint32_t event_payment(const struct event *ev);

/* ---- what nodes say to each other beyond the message kind ---- */

#define NO_OFFSET UINT64_MAX

/* Timer kinds share the event's kind byte with message kinds, above them. */
enum timer_kind {
    TIMER_PRODUCE = 32,  /* producer: a produce request's ack is overdue */
    TIMER_RESEND,        /* producer: re-send after an out-of-order refusal */
    TIMER_END_TXN,       /* producer: EndTxn's answer is overdue */
    TIMER_TXN_TIMEOUT,   /* broker: a transaction may have outlived its timeout */
    TIMER_EXECUTE,       /* gateway: a charge finishes executing */
    TIMER_REQUEST,       /* consumer: the answer to its current request is overdue */
    TIMER_BACKOFF,       /* consumer: retry a charge the gateway refused with a conflict */
    TIMER_LEDGER,        /* consumer: the ledger transaction commits */
    TIMER_STEP,          /* consumer: go on with the current step (after a pause) */
    TIMER_ROW,           /* relay: change data capture hands it a new outbox row */
    TIMER_FLUSH,         /* relay: persist the position it has published up to */
    TIMER_HEARTBEAT,     /* consumer: time to heartbeat */
    TIMER_SESSIONS,      /* broker: look for members whose session or poll interval ran out */
    TIMER_INIT_PID,      /* producer: InitProducerId's answer is overdue */
    TIMER_ADD_PARTITIONS,/* consumer: AddPartitionsToTxn's answer is overdue */
    TIMER_LEDGER_TIMEOUT,/* consumer: the ledger commit's answer is overdue */
};

/* Answers carried in a reply's y field (produce acks put the transaction number above
 * the low byte). */
enum ack_status {
    ACK_OK, ACK_DUPLICATE, ACK_OUT_OF_ORDER, ACK_FENCED, ACK_ABORTED,
    ACK_REBALANCE,          /* heartbeat: the group moved on; join again */
    ACK_ILLEGAL_GENERATION, /* commit: from a member of an older generation */
};
enum charge_status {
    CHARGE_DONE,         /* charged now */
    CHARGE_SAVED,        /* the key's saved success: no new charge */
    CHARGE_CONFLICT,     /* 409: the key's first request is still executing */
    CHARGE_FAILED,       /* the gateway's own error; no charge (saved under the key) */
    CHARGE_SAVED_FAILED, /* the key's saved error, replayed */
    CHARGE_MISMATCH,     /* the key was used with other parameters: refused, no charge */
};

/* Message bodies (env.h): a fetch names, in the order it prefers them, each partition
 * and the position to read it from; a fetch response holds one word per record, its
 * payment and whether it was aborted; a worker's output batch one payment a word. */
#define FETCH_WORD(part, position) ((uint64_t)(part) << 56 | (position))
#define FETCH_PART(word) ((uint32_t)((word) >> 56))
#define FETCH_POSITION(word) ((word) & ((UINT64_C(1) << 56) - 1))
#define RECORD_ABORTED (UINT64_C(1) << 32)
#define RECORD_PAYMENT(word) ((uint32_t)(word))

#endif
