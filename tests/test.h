/* test.h: the unit-test kit. A test is a named function; checks print both values on
 * failure and mark the running test failed; unit.c runs the tables one by one. */
#ifndef EOSIM_TEST_H
#define EOSIM_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct test {
    const char *name;
    void (*fn)(void);
};

extern int test_failures; /* checks failed in the running test */

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            test_failures++;                                                        \
            fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                           \
    } while (0)

#define CHECK_EQ(a, b)                                                              \
    do {                                                                            \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
        if (a_ != b_) {                                                             \
            test_failures++;                                                        \
            fprintf(stderr, "  %s:%d: %s == %s failed: %llu != %llu\n", __FILE__,   \
                    __LINE__, #a, #b, a_, b_);                                      \
        }                                                                           \
    } while (0)

#define CHECK_STR(a, b)                                                             \
    do {                                                                            \
        const char *a_ = (a), *b_ = (b);                                            \
        if (strcmp(a_, b_) != 0) {                                                  \
            test_failures++;                                                        \
            fprintf(stderr, "  %s:%d: %s == %s failed:\n    got  \"%s\"\n    want \"%s\"\n", \
                    __FILE__, __LINE__, #a, #b, a_, b_);                            \
        }                                                                           \
    } while (0)

/* The text must not parse: the error's line, column and message (uses a `struct scenario
 * sc` and a `struct parse_error err` in scope). */
#define CHECK_REJECTS(text, want_line, want_col, want_message)                         \
    do {                                                                               \
        CHECK(!scenario_parse("t.scn", (text), &sc, &err));                            \
        CHECK_EQ(err.line, (want_line));                                               \
        CHECK_EQ(err.col, (want_col));                                                 \
        CHECK_STR(err.message, (want_message));                                        \
    } while (0)

struct run_result;
struct scenario;
struct scenario_results;
/* Parses a scenario from text into *sc; the index of the strategy, or -1 (and a failed
 * check) if it does not parse or has no such strategy. */
int test_scenario(const char *text, const char *strategy, struct scenario *sc);
/* The same, then runs the strategy under the scenario's seed; false on failure. */
bool test_run(const char *text, const char *strategy, struct run_result *r);
/* Parses text into *sc and runs each strategy it runs under its seed, as `eosim run`
 * would, into runs[] (STRATEGIES_MAX of them), described by *res; false if it does not
 * parse. */
bool test_run_all(const char *text, struct scenario *sc, struct run_result *runs,
                  struct scenario_results *res);
/* What a writer puts in a FILE, as a string (the caller frees it). */
char *test_capture(void (*write)(FILE *, const void *), const void *ctx);

/* The tables, one per test file, each ending with { NULL, NULL }. */
extern const struct test engine_tests[];
extern const struct test parser_tests[];
extern const struct test model_tests[];
extern const struct test closed_form_tests[];
extern const struct test ledger_tests[];
extern const struct test merchant_tests[];
extern const struct test dist_tests[];
extern const struct test trace_tests[];
extern const struct test explain_tests[];
extern const struct test report_tests[];
extern const struct test txn_consumer_tests[];
extern const struct test anomaly_tests[];
extern const struct test broker_tests[];
extern const struct test explore_tests[];
extern const struct test session_tests[];
extern const struct test help_tests[];

#endif
