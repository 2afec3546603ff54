/* limits.h: every fixed bound of eosim in one place.
 *
 * A scenario that crosses one of these gets a clear error naming the limit; the
 * simulator never silently truncates. */
#ifndef EOSIM_LIMITS_H
#define EOSIM_LIMITS_H

#include <stdint.h>

#define PAYMENTS_MAX        100000000u  /* payment intents in one scenario */
#define PARTITIONS_MAX      64u
#define CONSUMERS_MAX       16u
#define RUNS_MAX            100000u     /* seeds per scenario */
#define PAYMENT_RUNS_MAX    10000000000ull /* payments x seeds x strategies x sweep points of
                                              one file: some three hours of one core */
#define FAULTS_MAX          256u        /* crash/pause/cut/drop/reset statements */
#define STRATEGIES_MAX      32u         /* presets plus user-defined */
#define EXPECTS_MAX         128u        /* individual metric checks */
#define NAME_MAX_LEN        63u         /* scenario and strategy names */
#define MERCHANTS_MAX       16u         /* merchants payments are made to */
#define PAYMENT_AMOUNT_DEFAULT 100u     /* `payments` without `amount` */
#define LISTED_PAYMENTS_MAX 64u         /* `payment` lines: a worked example, not a load */
#define PAYMENT_ID_MAX_LEN  23u         /* a listed payment's id, like txn-3 */
#define PATH_ARG_MAX        512u        /* --out, --trace... and scenario paths: every
                                           file name built on them fits its buffer */
#define ABOUT_MAX_LEN       255u
#define LINE_MAX_LEN        1023u       /* one scenario line */
#define TOKENS_MAX          64u         /* words on one line */
#define SEQUENCE_WINDOW     5u          /* batches remembered per producer id (Kafka) */
#define DURATION_MAX_HOURS  1000000u    /* the longest duration a scenario may write */
#define DURATION_MAX        ((uint64_t)DURATION_MAX_HOURS * 3600u * 1000000000u)
#define EVENT_SLOTS_MAX     (1u << 24)  /* pending events; the heap key packs a slot in 24 bits */
#define EVENTS_PENDING_STOP (EVENT_SLOTS_MAX - (1u << 20)) /* a run stops with this many */

_Static_assert(PAYMENTS_MAX < (1u << 31), "payment ids fit in an int32");
/* Simulated time never passes the horizon (at most DURATION_MAX), and nothing schedules
 * more than three durations past now (a link delay, a held message, a duplicate's):
 * every sum stays below 2^64 ns, so time arithmetic needs no overflow checks. */
_Static_assert(DURATION_MAX < UINT64_MAX / 5u, "sums of durations fit in 64 bits");
_Static_assert(CONSUMERS_MAX + 5u < 255u, "node ids fit in a byte");
_Static_assert(SEQUENCE_WINDOW == 5u, "Kafka keeps exactly the last five batches");

#endif
