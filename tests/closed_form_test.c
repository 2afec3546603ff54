/* closed_form_test.c: Monte-Carlo runs against the closed forms of
 * shared/reference/KAFKA-AND-GATEWAYS.md, each over at least 20,000 payments. A
 * statistical check passes when the observed count lies in the two-sided 99.9%
 * normal interval (z = 3.2905) computed here from the form's mean and variance. */
#include <math.h>
#include <stdlib.h>

#include "lang/scenario.h"
#include "run/sim.h"
#include "test.h"

#define Z_999 3.2905

static bool run(const char *text, const char *strategy, struct run_result *r)
{
    if (!test_run(text, strategy, r))
        return false;
    CHECK_EQ(r->pending, 0);
    return true;
}

static void check_within(const char *what, double observed, double mean, double variance)
{
    double half = Z_999 * sqrt(variance);
    bool ok = fabs(observed - mean) <= half;
    fprintf(stderr, "  %s: observed %.0f, expected %.1f +- %.1f (99.9%%)%s\n", what, observed,
            mean, half, ok ? "" : "  <-- outside");
    if (!ok)
        test_failures++;
}

/* Form 1: no retries, two lossy hops: lost ~ Binomial(N, 1 - (1-p1)(1-p2)). */
static void test_closed_form_no_retries_binomial_loss(void)
{
    struct run_result r;
    if (!run("scenario form-1\n"
             "payments 20000 every 1ms\n"
             "link producer->broker loss 3%\n"
             "link consumer->gateway loss 2%\n"
             "set gateway.latency 1ms\n"
             "set consumer.gateway-timeout 20ms\n"
             "seed 11\n", "at-most-once", &r))
        return;
    double n = 20000, q = 1 - (1 - 0.03) * (1 - 0.02);
    check_within("lost", (double)r.lost, n * q, n * q * (1 - q));
    CHECK_EQ(r.duplicated, 0);
}

/* Form 2: at-least-once producer, request loss p, ack loss q: log copies beyond one
 * per payment are geometric with mean q/(1-q), whatever p; attempts per payment have
 * mean 1/((1-p)(1-q)). The idempotent producer leaves exactly one copy. */
static void test_closed_form_producer_retries_geometric(void)
{
    const char *text = "scenario form-2\n"
                       "payments 20000 every 1ms\n"
                       "link producer->broker loss 5%\n"
                       "link broker->producer loss 10%\n"
                       "set producer.request-timeout 50ms\n"
                       "set gateway.latency 1ms\n"
                       "seed 12\n";
    struct run_result r;
    if (!run(text, "at-least-once", &r))
        return;
    double n = 20000, p = 0.05, q = 0.10, s = (1 - p) * (1 - q);
    check_within("extra log copies", (double)(r.log_copies - 20000), n * q / (1 - q),
                 n * q / ((1 - q) * (1 - q)));
    check_within("produce attempts", (double)r.link_messages[LINK_PRODUCER_BROKER], n / s,
                 n * (1 - s) / (s * s));
    CHECK_EQ(r.lost, 0);
    if (!run(text, "idempotent", &r))
        return;
    CHECK_EQ(r.log_copies, 20000);
    CHECK_EQ(r.duplicated, 0);
    CHECK_EQ(r.lost, 0);
}

/* Form 2, gateway side: unkeyed retries behind a perfect broker, response loss g: mean
 * charges per payment 1/(1-g), so extra charges are geometric with mean g/(1-g). */
static void test_closed_form_gateway_retries_geometric(void)
{
    const char *text = "scenario form-2g\n"
                       "payments 20000 every 1ms\n"
                       "link gateway->consumer loss 5%\n"
                       "set gateway.latency 1ms\n"
                       "set consumer.gateway-timeout 20ms\n"
                       "seed 13\n";
    struct run_result r;
    if (!run(text, "at-least-once", &r))
        return;
    double n = 20000, g = 0.05;
    check_within("extra charges", (double)r.duplicated, n * g / (1 - g),
                 n * g / ((1 - g) * (1 - g)));
    CHECK_EQ(r.charges, 20000 + r.duplicated);
    CHECK_EQ(r.lost, 0);
    if (!run(text, "idempotent", &r)) /* the same losses, absorbed by the key */
        return;
    CHECK_EQ(r.charges, 20000);
}

/* Form 3: a crash after j of a batch of b effects, j uniform on 0..b. Enumerating
 * every j gives the mean exactly: commit-before-effect loses b - j (mean b/2),
 * commit-after-effect duplicates j (mean b/2). 201 runs of 200 payments. */
static void test_closed_form_batch_crash_half_batch(void)
{
    enum { B = 200 };
    uint64_t lost = 0, duplicated = 0;
    for (int j = 0; j <= B; j++) {
        char text[512], crash[96];
        if (j == 0)
            snprintf(crash, sizeof crash, "crash consumer on before-effect payment 0");
        else
            snprintf(crash, sizeof crash, "crash consumer on after-effect payment %d", j - 1);
        snprintf(text, sizeof text,
                 "scenario form-3\n"
                 "payments %d every 1us\n"
                 "pause consumer at 0s for 1s\n" /* the whole batch is in the log first */
                 "set gateway.latency 1ms\n"
                 "%s restart after 1s\n", B, crash);
        struct run_result amo, alo;
        if (!run(text, "at-most-once", &amo) || !run(text, "at-least-once", &alo))
            return;
        CHECK_EQ(amo.lost, B - j);
        /* the record crashed on (j < B) was delivered; the rest were skipped */
        CHECK_EQ(amo.skipped_offsets, j < B ? B - j - (j == 0 ? 1 : 0) : 0);
        CHECK_EQ(amo.duplicated, 0);
        CHECK_EQ(alo.duplicated, j);
        CHECK_EQ(alo.lost, 0);
        lost += amo.lost;
        duplicated += alo.duplicated;
    }
    CHECK_EQ(lost * 2, (uint64_t)B * (B + 1));       /* mean over j: b/2 */
    CHECK_EQ(duplicated * 2, (uint64_t)B * (B + 1));
}


/* Form 5: bounded attempts. Each attempt's request is lost with p = 0.1; a request that
 * arrives is written, and its ack is lost with q = 0.1. So an attempt ends one of three
 * ways: request lost (0.1), written but unacknowledged (0.09), acknowledged (0.81); the
 * producer stops at the first acknowledged attempt, or gives up after 5. Enumerating the
 * 3^5 outcome sequences gives the law of the copies C in the log per payment: the
 * duplicates C - 1 when C >= 1 (mean 0.110812, about 11,081 per 100,000), the give-ups
 * with probability 0.19^5 (24.76 per 100,000), and the payments never written, 0.1^5
 * (1 per 100,000), which are exactly the lost ones and are indefinite: the producer gave
 * them up without being told. Three seeds of 100,000 payments. */
static void bounded_law(double *dup_mean, double *dup_var)
{
    double m = 0, m2 = 0;
    for (int seq = 0; seq < 243; seq++) { /* 3^5: outcome of each attempt, base 3 */
        double prob = 1;
        int copies = 0, code = seq;
        for (int a = 0; a < 5; a++, code /= 3) {
            int o = code % 3; /* 0 lost, 1 written unacked, 2 acked */
            prob *= o == 0 ? 0.1 : o == 1 ? 0.09 : 0.81;
            copies += o != 0;
            if (o == 2) { /* it stops here: the later digits must all be 0 to count once */
                for (int b = a + 1, c = code / 3; b < 5; b++, c /= 3)
                    if (c % 3 != 0)
                        prob = 0;
                break;
            }
        }
        double d = copies > 1 ? copies - 1 : 0;
        m += prob * d;
        m2 += prob * d * d;
    }
    *dup_mean = m;
    *dup_var = m2 - m * m;
}

static void test_closed_form_bounded_attempts(void)
{
    double dmean, dvar, n = 300000, g = pow(0.19, 5), never = pow(0.1, 5);
    bounded_law(&dmean, &dvar);
    uint64_t dups = 0, gave = 0, lost = 0, indefinite = 0, definite = 0;
    for (int seed = 1; seed <= 3; seed++) {
        char text[512];
        snprintf(text, sizeof text, "scenario form-5\npayments 100000 every 1ms\n"
                 "link producer->broker loss 10%%\nlink broker->producer loss 10%%\n"
                 "set producer.request-timeout 5ms\nset producer.max-attempts 5\n"
                 "set gateway.latency 1ms\nseed %d\n", seed);
        struct run_result r;
        if (!run(text, "at-least-once", &r))
            return;
        dups += r.duplicates_in_log, gave += r.gave_up, lost += r.lost;
        indefinite += r.lost_indefinite, definite += r.lost_definite;
    }
    check_within("duplicates in the log", (double)dups, n * dmean, n * dvar);
    check_within("sends given up", (double)gave, n * g, n * g * (1 - g));
    check_within("never written", (double)lost, n * never, n * never * (1 - never));
    CHECK_EQ(indefinite, lost); /* every loss here is a give-up without an answer */
    CHECK_EQ(definite, 0);
    CHECK(dmean > 0.1108 && dmean < 0.1109);
}

/* The delivery timeout bounds retries without a count: a producer cut off from the
 * broker for an hour gives every record up 10s after taking it, indefinitely (no
 * answer came). The idempotent producer sends nothing before its InitProducerId is
 * answered, once the 12s cut is over: what it took in the first 2s waited unsent past
 * the timeout and is given up definitely, as Kafka expires a batch still in the
 * accumulator; everything after goes through once. */
static void test_bounded_delivery_timeout(void)
{
    const char *text = "scenario form-6\npayments 50 every 100ms\n"
                       "set producer.delivery-timeout 10s\nset producer.request-timeout 1s\n"
                       "cut producer->broker at 0s for 3s\n";
    struct run_result r;
    run(text, "at-least-once", &r);
    CHECK_EQ(r.gave_up, 0); /* 3s of cut is within the 10s */
    CHECK_EQ(r.lost, 0);
    text = "scenario form-6\npayments 50 every 100ms\n"
           "set producer.delivery-timeout 10s\nset producer.request-timeout 1s\n"
           "cut producer->broker at 0s for 1h\n";
    run(text, "at-least-once", &r);
    CHECK_EQ(r.gave_up, 50);
    CHECK_EQ(r.lost, 50);
    CHECK_EQ(r.lost_indefinite, 50);
    text = "scenario form-6\npayments 200 every 100ms\n"
           "set producer.delivery-timeout 10s\nset producer.request-timeout 1s\n"
           "cut producer->broker at 0s for 12s\n";
    run(text, "idempotent", &r);
    CHECK(r.gave_up > 0 && r.gave_up < 200);
    CHECK_EQ(r.lost_definite, r.gave_up); /* never sent */
    CHECK_EQ(r.lost, r.gave_up);
    CHECK_EQ(r.charges + r.lost, 200); /* and every other one got through, once */
    CHECK_EQ(r.duplicated, 0);
}

const struct test closed_form_tests[] = {
    { "closed_form_bounded_attempts", test_closed_form_bounded_attempts },
    { "bounded_delivery_timeout", test_bounded_delivery_timeout },
    { "closed_form_no_retries_binomial_loss", test_closed_form_no_retries_binomial_loss },
    { "closed_form_producer_retries_geometric", test_closed_form_producer_retries_geometric },
    { "closed_form_gateway_retries_geometric", test_closed_form_gateway_retries_geometric },
    { "closed_form_batch_crash_half_batch", test_closed_form_batch_crash_half_batch },
    { NULL, NULL },
};
