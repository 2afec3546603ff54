/* scenario.h: a parsed scenario file as a plain struct, and its parser.
 *
 * The parser never prints and never exits: it fills struct parse_error (file, line,
 * column, message and the offending line) and stops at the first error, so tests can
 * inspect exactly what a user would see. */
#ifndef EOSIM_SCENARIO_H
#define EOSIM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>

#include "base/engine.h"
#include "base/limits.h"
#include "lang/model.h"
#include "lang/params.h"
#include "lang/strategy.h"
#include "lang/sweep.h"

struct link_config {
    struct dist delay;
    uint32_t loss_ppm, duplicate_ppm;
};

enum fault_kind { FAULT_CRASH, FAULT_PAUSE, FAULT_CUT, FAULT_DROP, FAULT_RESET, FAULT_DELAY,
                  FAULT_DUPLICATE, FAULT_KINDS };
extern const char *const fault_kind_names[FAULT_KINDS]; /* the statement of each */
enum reset_mode { RESET_TO_EARLIEST, RESET_TO_LATEST, RESET_SHIFT };
#define ANY_PAYMENT UINT32_MAX

struct fault {
    uint8_t kind;        /* enum fault_kind */
    uint8_t node;        /* crash, pause */
    uint8_t link;        /* cut, drop */
    uint8_t point;       /* 0: at a time; else the protocol point it waits for */
    uint8_t msg_kind;    /* drop */
    uint8_t reset_mode;  /* reset-offsets */
    uint8_t restart;     /* crash: 0 never, 1 after `duration` */
    uint32_t payment;    /* ANY_PAYMENT or the payment id it waits for */
    sim_time at;         /* time-triggered faults, and cut/reset */
    sim_time duration;   /* pause and cut length; crash restart delay (with a drawn
                          * length: its lower bound) */
    struct dist length;  /* pause and crash: the length or restart delay, when it is drawn */
    struct dist every;   /* `pauses` and `crashes`: the time between two, or kind 0 and
                          * lo 0 for a fault that fires once */
    int64_t shift;       /* reset-offsets shift */
    uint32_t line;
};

enum metric {
    METRIC_LOST, METRIC_DUPLICATED, METRIC_PENDING, METRIC_CHARGES, METRIC_LEDGER_ROWS,
    METRIC_LOG_COPIES, METRIC_DELIVERIES, METRIC_OUTPUT_COPIES, METRIC_OUTPUT_DUPLICATES,
    METRIC_DUPLICATES_IN_LOG, METRIC_ABORTED_READS, METRIC_SKIPPED_OFFSETS, METRIC_HANGING,
    METRIC_LOST_WRITES, METRIC_TORN_TRANSACTIONS,
    METRIC_GAVE_UP, METRIC_INDEFINITE, METRIC_DEFINITE, /* the producer's failed sends */
    METRIC_CHARGED, METRIC_CHARGED_TWICE, METRIC_NEVER_CHARGED, /* money */
    METRIC_DISAGREEING,
    METRIC_DUPLICATED_RATE, METRIC_LOST_RATE, /* per payment, in ppm; written as 2% */
    METRIC_BALANCE,      /* `balance MERCHANT`: what was charged for the merchant */
    METRIC_COUNT
};
enum compare_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };
extern const char *const metric_names[METRIC_COUNT];
/* A rate's value is a probability (`2%`), held in parts per million. */
static inline bool metric_is_rate(int m)
{
    return m == METRIC_DUPLICATED_RATE || m == METRIC_LOST_RATE;
}
extern const char *const compare_op_names[6];

/* Where an expectation must hold: over a run's seeds (`expect`), or over the fault
 * space of `eosim check`, at every placement (`expect-all`) or at one at least
 * (`expect-some`). */
enum expect_scope { EXPECT_RUN, EXPECT_ALL, EXPECT_SOME };

struct expectation {
    uint8_t strategy;    /* index into scenario.strategies */
    uint8_t scope;       /* enum expect_scope */
    uint8_t metric;      /* enum metric */
    uint8_t op;          /* enum compare_op */
    uint8_t merchant;    /* METRIC_BALANCE: whose */
    uint64_t value;
    uint32_t line, col;
};

/* A payment written out on its own `payment ID MERCHANT AMOUNT at T` line. */
struct listed_payment {
    char id[PAYMENT_ID_MAX_LEN + 1];
    uint8_t merchant;
    uint64_t amount;
    sim_time at;
};

struct scenario {
    char file[PATH_ARG_MAX + 1];
    char name[NAME_MAX_LEN + 1];
    char about[ABOUT_MAX_LEN + 1];
    uint64_t seed;
    uint32_t runs;
    sim_time until;                 /* 0: to quiescence */
    uint32_t payments;
    struct dist gaps;               /* between payments: fixed, or drawn */
    uint64_t amount_min, amount_max;
    /* `payment` lines, in the order of their times: then they are the workload */
    struct listed_payment listed[LISTED_PAYMENTS_MAX];
    uint32_t nlisted;
    char merchants[MERCHANTS_MAX][NAME_MAX_LEN + 1]; /* none: payments name no merchant */
    uint32_t nmerchants;
    uint32_t partitions, consumers;
    struct link_config links[LINK_COUNT];
    struct fault faults[FAULTS_MAX];
    uint32_t nfaults;
    struct params params;
    struct strategy strategies[STRATEGIES_MAX]; /* the presets first, then user-defined */
    uint32_t nstrategies;
    uint8_t run_list[STRATEGIES_MAX];           /* which strategies to run, in order */
    uint32_t nrun;
    struct expectation expects[EXPECTS_MAX];   /* `expect`: what run and sweep check */
    uint32_t nexpects;
    struct expectation space_expects[EXPECTS_MAX]; /* expect-all, expect-some: check's */
    uint32_t nspace_expects;
    struct sweep_axis sweeps[SWEEP_AXES_MAX];  /* `sweep` lines; `eosim sweep` runs the grid */
    uint32_t nsweeps;
};

struct parse_error {
    char file[PATH_ARG_MAX + 1];
    uint32_t line, col;
    char message[512];
    char text[LINE_MAX_LEN + 1];    /* the offending line, for the caret display */
};

bool scenario_parse(const char *file, const char *text, struct scenario *sc,
                    struct parse_error *err);
/* path "-" reads standard input, named <stdin> in errors. */
bool scenario_load(const char *path, struct scenario *sc, struct parse_error *err);
/* The i-th statement word the parser takes ("scenario", "about", ...), NULL past them. */
const char *scenario_statement_word(size_t i);
/* The number of the listed payment with this id, or -1. */
int scenario_listed_payment(const struct scenario *sc, const char *id, unsigned len);
/* Index of a strategy by name, or -1. */
int scenario_strategy(const struct scenario *sc, const char *name, unsigned len);
/* A fault as the line that states it (without a comment), e.g. "drop gateway->consumer
 * on response payment 4": what `eosim check` prints for a user to paste. */
/* The partition a payment's record is keyed to (the producer's partitioner). */
static inline uint32_t scenario_partition_of(const struct scenario *sc, uint32_t payment)
{
    return payment % sc->partitions;
}
const char *scenario_fault_text(const struct fault *f, char *buf, size_t size);
/* Whether a fault recurs (`pauses`, `crashes`), firing again a drawn gap after each time. */
static inline bool fault_recurs(const struct fault *f)
{
    return f->every.lo > 0;
}
/* Whether the gaps between payments are drawn (`payments N every exp 1ms`). */
static inline bool scenario_drawn_arrivals(const struct scenario *sc)
{
    return sc->gaps.kind != DIST_FIXED;
}
/* The times the service takes each payment in one run, drawn gaps added up from 0 in the
 * stream "arrivals" of the seed (for scenario_drawn_arrivals). */
void scenario_arrivals(const struct scenario *sc, uint64_t seed, sim_time *at);
/* When the service takes payment i, without drawn gaps: its listed time, or i gaps from
 * the start. */
static inline sim_time scenario_payment_time(const struct scenario *sc, uint32_t i)
{
    return sc->nlisted ? sc->listed[i].at : (sim_time)i * sc->gaps.lo;
}
/* The merchant payment i is made to: listed, or dealt round-robin (`merchants N`). */
static inline uint32_t scenario_merchant(const struct scenario *sc, uint32_t i)
{
    return sc->nlisted ? sc->listed[i].merchant : sc->nmerchants ? i % sc->nmerchants : 0;
}
/* A payment's amount: listed, fixed, or drawn from the scenario's range by a hash of
 * (seed, payment), so it does not depend on the order anything else happens in. */
uint64_t scenario_amount(const struct scenario *sc, uint64_t seed, uint32_t i);
/* Formats the error as `file:line:col: error: message`, the line and a caret. */
void parse_error_print(const struct parse_error *err, void *stream);

#endif
