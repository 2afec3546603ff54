/* closed_form_test.c: Monte-Carlo runs against the closed forms of
 * shared/reference/KAFKA-AND-GATEWAYS.md, each over at least 20,000 payments. A
 * statistical check passes when the observed count lies in the two-sided 99.9%
 * normal interval (z = 3.2905) computed here from the form's mean and variance. */
#include <math.h>
#include <stdlib.h>

#include "scenario.h"
#include "sim.h"
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

const struct test closed_form_tests[] = {
    { "closed_form_no_retries_binomial_loss", test_closed_form_no_retries_binomial_loss },
    { "closed_form_producer_retries_geometric", test_closed_form_producer_retries_geometric },
    { "closed_form_gateway_retries_geometric", test_closed_form_gateway_retries_geometric },
    { "closed_form_batch_crash_half_batch", test_closed_form_batch_crash_half_batch },
    { NULL, NULL },
};
