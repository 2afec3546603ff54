/* limits.h: every fixed bound of eosim in one place.
 *
 * A scenario that crosses one of these gets a clear error naming the limit; the
 * simulator never silently truncates. */
#ifndef EOSIM_LIMITS_H
#define EOSIM_LIMITS_H

#define PAYMENTS_MAX        10000000u   /* payment intents in one scenario */
#define PARTITIONS_MAX      64u
#define CONSUMERS_MAX       16u
#define RUNS_MAX            100000u     /* seeds per scenario */
#define FAULTS_MAX          256u        /* crash/pause/cut/drop/reset statements */
#define STRATEGIES_MAX      32u         /* presets plus user-defined */
#define EXPECTS_MAX         128u        /* individual metric checks */
#define NAME_MAX_LEN        63u         /* scenario and strategy names */
#define ABOUT_MAX_LEN       255u
#define LINE_MAX_LEN        1023u       /* one scenario line */
#define TOKENS_MAX          64u         /* words on one line */
#define SEQUENCE_WINDOW     5u          /* batches remembered per producer id (Kafka) */
#define EVENT_SLOTS_MAX     (1u << 24)  /* pending events; the heap key packs a slot in 24 bits */

_Static_assert(PAYMENTS_MAX < (1u << 31), "payment ids fit in an int32");
_Static_assert(CONSUMERS_MAX + 3u < 255u, "node ids fit in a byte");
_Static_assert(SEQUENCE_WINDOW == 5u, "Kafka keeps exactly the last five batches");

#endif
