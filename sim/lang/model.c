/* model.c: the names of nodes, links, message kinds and protocol points. */
#include "lang/model.h"

#include <stdio.h>
#include <string.h>

const char *const link_names[LINK_COUNT] = {
    "producer->broker", "broker->producer", "consumer->broker",
    "broker->consumer", "consumer->gateway", "gateway->consumer", "relay->broker",
    "broker->relay",
};

const char *const msg_kind_names[MSG_KIND_COUNT] = {
    NULL, "produce", "ack", "end-txn", "end-txn-ack", "offset-fetch", "offsets",
    "fetch", "records", "commit", "commit-ack", "charge", "response", "join", "joined",
    "heartbeat", "heartbeat-ack", "txn-offsets", "init-producer-id", "producer-id",
    "add-partitions", "add-partitions-ack",
};

const char *const point_names[POINT_COUNT] = {
    NULL, "send", "ack", "append", "ack-sent", "txn-commit", "marker", "poll",
    "before-effect", "after-effect", "before-commit", "after-commit", "charge",
    "respond", "write", "commit", "publish", "ledger-timeout",
};

static enum link_id kind_link(enum msg_kind kind)
{
    switch (kind) {
    case MSG_PRODUCE: case MSG_END_TXN: case MSG_INIT_PID: return LINK_PRODUCER_BROKER;
    case MSG_ACK: case MSG_END_TXN_ACK: case MSG_PID: return LINK_BROKER_PRODUCER;
    case MSG_OFFSET_FETCH: case MSG_FETCH: case MSG_COMMIT: case MSG_JOIN: case MSG_HEARTBEAT:
    case MSG_TXN_OFFSETS: case MSG_ADD_PARTITIONS:
        return LINK_CONSUMER_BROKER;
    case MSG_OFFSETS: case MSG_RECORDS: case MSG_COMMIT_ACK: case MSG_JOINED:
    case MSG_HEARTBEAT_ACK: case MSG_ADD_PARTITIONS_ACK:
        return LINK_BROKER_CONSUMER;
    case MSG_CHARGE: return LINK_CONSUMER_GATEWAY;
    default: return LINK_GATEWAY_CONSUMER;
    }
}

/* Producer-protocol kinds also travel the relay's links and, for a consume-transform-
 * produce consumer's own transactional producer, the consumer's. */
enum link_id msg_link(enum msg_kind kind, int from, int to)
{
    if (from == NODE_RELAY)
        return LINK_RELAY_BROKER;
    if (to == NODE_RELAY)
        return LINK_BROKER_RELAY;
    if (from >= NODE_CONSUMER_1 && to == NODE_BROKER)
        return LINK_CONSUMER_BROKER;
    if (to >= NODE_CONSUMER_1 && from == NODE_BROKER)
        return LINK_BROKER_CONSUMER;
    return kind_link(kind);
}

bool msg_kind_travels(enum msg_kind kind, enum link_id link)
{
    enum link_id usual = kind_link(kind);
    if (usual == LINK_PRODUCER_BROKER)
        return link == usual || link == LINK_RELAY_BROKER || link == LINK_CONSUMER_BROKER;
    if (usual == LINK_BROKER_PRODUCER)
        return link == usual || link == LINK_BROKER_RELAY || link == LINK_BROKER_CONSUMER;
    return usual == link;
}

static int find(const char *const *names, int count, const char *s, unsigned len)
{
    for (int i = 0; i < count; i++)
        if (names[i] && strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
            return i;
    return -1;
}

int link_by_name(const char *s, unsigned len) { return find(link_names, LINK_COUNT, s, len); }
int msg_kind_by_name(const char *s, unsigned len) { return find(msg_kind_names, MSG_KIND_COUNT, s, len); }
int point_by_name(const char *s, unsigned len) { return find(point_names, POINT_COUNT, s, len); }

bool point_has_payment(enum point_id point)
{
    return point != POINT_TXN_COMMIT && point != POINT_MARKER && point != POINT_POLL &&
           point != POINT_BEFORE_COMMIT && point != POINT_AFTER_COMMIT;
}

static const char *const fixed_nodes[NODE_FIXED] = { "producer", "broker", "gateway", "relay",
                                                     "ledger" };

int node_by_name(const char *s, unsigned len)
{
    int n = find(fixed_nodes, NODE_FIXED, s, len);
    if (n >= 0)
        return n;
    if (len == 8 && memcmp(s, "consumer", 8) == 0)
        return NODE_CONSUMER_1;
    if (len < 10 || len > 11 || memcmp(s, "consumer-", 9) != 0)
        return -1;
    int k = 0;
    for (unsigned i = 9; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        k = k * 10 + (s[i] - '0');
    }
    return k >= 1 && s[9] != '0' ? NODE_CONSUMER_1 + k - 1 : -1;
}

const char *node_name(int node, char *buf)
{
    if (node < NODE_FIXED)
        return fixed_nodes[node];
    snprintf(buf, 16, "consumer-%u", (unsigned)(uint8_t)(node - NODE_CONSUMER_1 + 1));
    return buf;
}

uint32_t event_payment(const struct event *ev)
{
    if (ev->type == EV_MSG && (ev->from >= NODE_CONSUMER_1 || ev->node >= NODE_CONSUMER_1) &&
        (ev->kind == MSG_PRODUCE || ev->kind == MSG_ACK))
        return UINT32_MAX; /* a worker's output batch: its partition is there */
    switch (ev->type == EV_INTENT ? MSG_PRODUCE : ev->kind) {
    case MSG_PRODUCE: case MSG_ACK: case MSG_CHARGE: case MSG_RESPONSE:
    case TIMER_PRODUCE: case TIMER_RESEND: case TIMER_EXECUTE: case TIMER_ROW:
    case TIMER_LEDGER: case TIMER_LEDGER_TIMEOUT:
        return ev->type == EV_FAULT || ev->type == EV_RESTART ? UINT32_MAX : ev->payment;
    default:
        return UINT32_MAX;
    }
}
