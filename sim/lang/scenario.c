/* scenario.c: the lexer and parser of scenario files.
 *
 * One statement a line; words separated by blanks; `#` starts a comment; "quoted"
 * words for `about`. Each statement has a handler in the table at the bottom; the
 * handlers consume words through a small cursor that reports errors at the column of
 * the word at fault (or just past the end of the line when a word is missing). */
#include "lang/scenario.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/check.h"
#include "base/readfile.h"
#include "base/nearest.h"
#include "base/value.h"

const char *const metric_names[METRIC_COUNT] = {
    "lost", "duplicated", "pending", "charges", "ledger-rows", "log-copies", "deliveries",
    "output-copies", "output-duplicates", "duplicates-in-log", "aborted-reads",
    "skipped-offsets", "hanging", "lost-writes", "torn-transactions", "gave-up", "indefinite",
    "definite", "charged", "charged-twice", "never-charged", "disagreeing",
    "duplicated-rate", "lost-rate", "balance",
};
const char *const compare_op_names[6] = { "=", "!=", "<", "<=", ">", ">=" };

struct token {
    const char *s;
    unsigned len, col;
};

struct parser {
    struct scenario *sc;
    struct parse_error *err;
    struct token tok[TOKENS_MAX];
    unsigned n, i;
    unsigned eol_col;              /* column just past the last character */
    uint32_t line;
    uint32_t scenario_line, payments_line, strategies_line;
    uint32_t fault_col[FAULTS_MAX]; /* column of each fault's node, for late checks */
    uint32_t payment_col[FAULTS_MAX]; /* column of each fault's `payment K` number */
    char msg[VALUE_ERR_LEN];
};

static bool fail(struct parser *p, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
    va_end(ap);
    p->err->line = p->line;
    p->err->col = col;
    return false;
}

static bool at_end(const struct parser *p) { return p->i >= p->n; }

/* Appends to a list being built for a message; a full buffer keeps what fits. */
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
    if (*used >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, size - *used, fmt, ap);
    va_end(ap);
    *used += n > 0 ? (size_t)n : 0;
}

/* "Xs: a b c": the names of a table, skipping empty slots, for "unknown X (...)". */
static const char *name_list(char *buf, size_t size, const char *title,
                             const char *const *names, int count)
{
    size_t used = 0;
    buf[0] = 0;
    append(buf, size, &used, "%s", title);
    for (int i = 0; i < count; i++)
        if (names[i])
            append(buf, size, &used, " %s", names[i]);
    return buf;
}

/* "unknown WHAT 'X' (did you mean Y?)", or with every name (`list`) when none is near. */
static bool unknown(struct parser *p, const struct token *t, const char *what,
                    const char *const *names, size_t count, const char *list)
{
    const char *near = nearest_name(t->s, t->len, names, count);
    if (near)
        return fail(p, t->col, "unknown %s '%.*s' (did you mean %s?)", what, (int)t->len, t->s,
                    near);
    return fail(p, t->col, "unknown %s '%.*s' (%s)", what, (int)t->len, t->s, list);
}

/* The name in a settings table at most two edits from s, or NULL. */
static const char *closest_setting(const struct setting *table, const char *s, unsigned len)
{
    const char *best = NULL;
    unsigned best_distance = 3;
    for (; table->name; table++) {
        unsigned d = nearest_distance(s, len, table->name, strlen(table->name));
        if (d < best_distance) {
            best_distance = d;
            best = table->name;
        }
    }
    return best;
}

/* The next word, or an error naming what was expected there. */
static const struct token *next(struct parser *p, const char *what)
{
    if (at_end(p)) {
        fail(p, p->eol_col, "expected %s", what);
        return NULL;
    }
    return &p->tok[p->i++];
}

static bool is(const struct token *t, const char *w)
{
    return t->len == strlen(w) && memcmp(t->s, w, t->len) == 0;
}

static bool has_any(const struct token *t, const char *chars)
{
    for (unsigned i = 0; i < t->len; i++)
        if (strchr(chars, t->s[i]))
            return true;
    return false;
}

static bool peek(const struct parser *p, const char *w)
{
    return !at_end(p) && is(&p->tok[p->i], w);
}

static bool keyword(struct parser *p, const char *w)
{
    char what[64];
    snprintf(what, sizeof what, "'%s'", w);
    const struct token *t = next(p, what);
    if (!t)
        return false;
    return is(t, w) || fail(p, t->col, "expected '%s', got '%.*s'", w, (int)t->len, t->s);
}

static bool finish(struct parser *p)
{
    if (at_end(p))
        return true;
    const struct token *t = &p->tok[p->i];
    return fail(p, t->col, "unexpected '%.*s' at the end of the statement", (int)t->len, t->s);
}

static bool count(struct parser *p, const char *what, uint64_t lo, uint64_t hi, uint64_t *out)
{
    const struct token *t = next(p, what);
    if (!t)
        return false;
    bool digits = t->len > 0 && strspn(t->s, "0123456789") >= t->len;
    bool ok = value_count(t->s, t->len, out, p->msg);
    if (!ok && !digits)
        return fail(p, t->col, "%s %s", what, p->msg);
    if (!ok || *out < lo || *out > hi) /* a string of digits fails only past 64 bits */
        return fail(p, t->col, "%s must be between %llu and %llu, got %.*s", what,
                    (unsigned long long)lo, (unsigned long long)hi, (int)t->len, t->s);
    return true;
}

/* A duration that may be drawn: "5ms", "20ms..80ms", "exp 5ms", "pareto 1ms 1.5". */
static bool distribution(struct parser *p, const char *what, struct dist *d)
{
    if (at_end(p))
        return fail(p, p->eol_col, "expected %s, like 5ms, 20ms..80ms or exp 5ms", what);
    const struct token *first = &p->tok[p->i];
    unsigned words = dist_words(first->s, first->len);
    if (p->i + words > p->n)
        return fail(p, p->eol_col, "expected %s after %.*s", words == 2 ? "the mean" :
                    "the minimum and the shape", (int)first->len, first->s);
    const struct token *last = &p->tok[p->i + words - 1];
    p->i += words;
    if (!dist_parse(first->s, (unsigned)(last->s + last->len - first->s), d, p->msg))
        return fail(p, first->col, "%s %s", what, p->msg);
    return true;
}

static bool duration(struct parser *p, const char *what, sim_time *out)
{
    const struct token *t = next(p, what);
    if (!t)
        return false;
    return value_duration(t->s, t->len, out, p->msg) || fail(p, t->col, "%s %s", what, p->msg);
}

static bool probability(struct parser *p, const char *what, uint32_t *ppm)
{
    if (at_end(p))
        return fail(p, p->eol_col, "expected the %s probability, like 2%% or 0.02", what);
    const struct token *t = next(p, what);
    return value_probability(t->s, t->len, ppm, p->msg) ||
           fail(p, t->col, "%s %s", what, p->msg);
}

static bool node(struct parser *p, uint8_t *out)
{
    char list[160], buf[16];
    size_t used = 0;
    for (int i = 0; i < NODE_FIXED; i++)
        append(list, sizeof list, &used, "%s ", node_name(i, buf));
    append(list, sizeof list, &used, "consumer consumer-K");
    const struct token *t = next(p, "a node");
    if (!t)
        return fail(p, p->eol_col, "expected a node (%s)", list);
    int n = node_by_name(t->s, t->len);
    static const char *const nodes[] = { "producer", "broker", "gateway", "relay", "ledger",
                                         "consumer" };
    char all[180];
    snprintf(all, sizeof all, "nodes: %s", list);
    if (n < 0)
        return unknown(p, t, "node", nodes, sizeof nodes / sizeof nodes[0], all);
    if (p->sc->nfaults < FAULTS_MAX)
        p->fault_col[p->sc->nfaults] = t->col;
    *out = (uint8_t)n;
    return true;
}

static bool link(struct parser *p, uint8_t *out)
{
    const struct token *t = next(p, "a link like producer->broker");
    if (!t)
        return false;
    int l = link_by_name(t->s, t->len);
    char list[200];
    if (l < 0)
        return unknown(p, t, "link", link_names, LINK_COUNT,
                       name_list(list, sizeof list, "links:", link_names, LINK_COUNT));
    *out = (uint8_t)l;
    return true;
}

static struct fault *new_fault(struct parser *p, enum fault_kind kind)
{
    if (p->sc->nfaults >= FAULTS_MAX) {
        fail(p, p->tok[0].col, "too many faults (limit is %u)", FAULTS_MAX);
        return NULL;
    }
    struct fault *f = &p->sc->faults[p->sc->nfaults];
    memset(f, 0, sizeof *f);
    f->kind = (uint8_t)kind;
    f->payment = ANY_PAYMENT;
    f->line = p->line;
    return f;
}

static bool name_word(struct parser *p, const struct token *t, const char *what)
{
    if (t->len == 0 || t->len > NAME_MAX_LEN)
        return fail(p, t->col, "%s must be 1 to %u characters long", what, NAME_MAX_LEN);
    for (unsigned i = 0; i < t->len; i++) {
        char c = t->s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-')
            continue;
        if (c > ' ' && c < 127)
            return fail(p, t->col + i, "%s may hold letters, digits and '-' only, not '%c'",
                        what, c);
        return fail(p, t->col + i, "%s may hold letters, digits and '-' only, not byte 0x%02x",
                    what, (unsigned)(unsigned char)c);
    }
    return true;
}

/* ---- statements ---- */

static bool st_scenario(struct parser *p)
{
    const struct token *t = next(p, "a scenario name");
    if (!t || !name_word(p, t, "a scenario name"))
        return false;
    if (p->scenario_line)
        return fail(p, t->col, "the scenario is already named on line %u", p->scenario_line);
    p->scenario_line = p->line;
    memcpy(p->sc->name, t->s, t->len);
    p->sc->name[t->len] = 0;
    return finish(p);
}

static bool st_about(struct parser *p)
{
    const struct token *t = next(p, "a \"quoted\" description");
    if (!t)
        return false;
    if (t->len < 2 || t->s[0] != '"')
        return fail(p, t->col, "about takes one \"quoted\" line, got '%.*s'", (int)t->len, t->s);
    if (t->len - 2 > ABOUT_MAX_LEN)
        return fail(p, t->col, "about is longer than %u characters", ABOUT_MAX_LEN);
    memcpy(p->sc->about, t->s + 1, t->len - 2);
    p->sc->about[t->len - 2] = 0;
    return finish(p);
}

static bool st_seed(struct parser *p)
{
    return count(p, "the seed", 0, UINT64_MAX, &p->sc->seed) && finish(p);
}

static bool st_runs(struct parser *p)
{
    uint64_t n;
    if (!count(p, "the number of runs", 1, RUNS_MAX, &n))
        return false;
    p->sc->runs = (uint32_t)n;
    return finish(p);
}

static bool st_until(struct parser *p)
{
    unsigned col = p->i < p->n ? p->tok[p->i].col : p->eol_col;
    if (!duration(p, "the horizon", &p->sc->until))
        return false;
    return p->sc->until > 0 ? finish(p) : fail(p, col, "the horizon must be after 0s");
}

static bool st_payments(struct parser *p)
{
    struct scenario *sc = p->sc;
    uint64_t n;
    if (!count(p, "the number of payments", 1, PAYMENTS_MAX, &n) || !keyword(p, "every"))
        return false;
    unsigned every_col = p->i < p->n ? p->tok[p->i].col : p->eol_col;
    if (!distribution(p, "the interval between payments", &sc->gaps))
        return false;
    bool no_mean = sc->gaps.kind == DIST_PARETO && sc->gaps.shape <= 1000;
    sim_time gap = no_mean ? sc->gaps.lo : dist_mean(&sc->gaps); /* past 64 bits: too long */
    if (sc->nlisted)
        return fail(p, 1, "the payments are listed one by one from line %u: list them or "
                    "generate them, not both", p->payments_line);
    sc->amount_min = sc->amount_max = PAYMENT_AMOUNT_DEFAULT; /* a later line wins whole */
    sc->nmerchants = 0;
    sc->payments = (uint32_t)n;
    p->payments_line = p->line;
    char text[64];
    if (gap > 0 && n - 1 > DURATION_MAX / gap) /* drawn gaps: by their mean */
        return fail(p, every_col, "the last of %llu payments every %s would come after %uh, "
                    "the longest time a run can reach: fewer payments or a shorter interval",
                    (unsigned long long)n, dist_format(&sc->gaps, text, sizeof text),
                    DURATION_MAX_HOURS);
    if (peek(p, "amount")) {
        p->i++;
        const struct token *t = next(p, "an amount like 50 or 10..500");
        if (!t)
            return false;
        if (!value_count_range(t->s, t->len, &sc->amount_min, &sc->amount_max, p->msg))
            return fail(p, t->col, "the amount %s", p->msg);
        if (sc->amount_max > 1000000000000u)
            return fail(p, t->col, "the amount must be at most 1000000000000, got %.*s",
                        (int)t->len, t->s);
    }
    if (peek(p, "merchants")) { /* m-1 .. m-N, dealt round-robin */
        p->i++;
        uint64_t k;
        if (!count(p, "the number of merchants", 1, MERCHANTS_MAX, &k))
            return false;
        sc->nmerchants = (uint32_t)k;
        for (uint32_t m = 0; m < k; m++)
            snprintf(sc->merchants[m], sizeof sc->merchants[m], "m-%u", m + 1);
    }
    return finish(p);
}

/* The merchant's index, adding it the first time it is named. */
static bool merchant_ref(struct parser *p, const struct token *t, uint8_t *out)
{
    struct scenario *sc = p->sc;
    if (!name_word(p, t, "a merchant name"))
        return false;
    for (uint32_t m = 0; m < sc->nmerchants; m++)
        if (is(t, sc->merchants[m]))
            return *out = (uint8_t)m, true;
    if (sc->nmerchants == MERCHANTS_MAX)
        return fail(p, t->col, "too many merchants (limit is %u)", MERCHANTS_MAX);
    memcpy(sc->merchants[sc->nmerchants], t->s, t->len);
    sc->merchants[sc->nmerchants][t->len] = 0;
    *out = (uint8_t)sc->nmerchants++;
    return true;
}

/* `payment ID MERCHANT AMOUNT at T`: one payment of a worked example. */
static bool st_payment(struct parser *p)
{
    struct scenario *sc = p->sc;
    if (p->payments_line && !sc->nlisted)
        return fail(p, 1, "the payments are already given by `payments` on line %u: list "
                    "them one by one or generate them, not both", p->payments_line);
    if (sc->nlisted == LISTED_PAYMENTS_MAX)
        return fail(p, 1, "too many `payment` lines (limit is %u): use `payments N every D`",
                    LISTED_PAYMENTS_MAX);
    struct listed_payment *lp = &sc->listed[sc->nlisted];
    const struct token *id = next(p, "a payment id like txn-1");
    if (!id || !name_word(p, id, "a payment id"))
        return false;
    if (id->len > PAYMENT_ID_MAX_LEN)
        return fail(p, id->col, "a payment id must be at most %u characters long",
                    PAYMENT_ID_MAX_LEN);
    if (strspn(id->s, "0123456789") >= id->len)
        return fail(p, id->col, "a payment id must not be a number (`payment K` would read it "
                    "as the payment's number): say txn-%.*s", (int)id->len, id->s);
    int twin = scenario_listed_payment(sc, id->s, id->len);
    if (twin >= 0)
        return fail(p, id->col, "payment %s is already listed (payment %d); to deliver it "
                    "twice, make a link duplicate it (`duplicate broker->consumer on records "
                    "payment %s`) or lose its ack", sc->listed[twin].id, twin,
                    sc->listed[twin].id);
    memcpy(lp->id, id->s, id->len);
    const struct token *m = next(p, "a merchant name like m-A");
    if (!m || !merchant_ref(p, m, &lp->merchant) ||
        !count(p, "the amount", 0, 1000000000000u, &lp->amount) || !keyword(p, "at"))
        return false;
    unsigned col = p->i < p->n ? p->tok[p->i].col : p->eol_col;
    if (!duration(p, "the time the service takes it", &lp->at))
        return false;
    if (sc->nlisted && lp->at < sc->listed[sc->nlisted - 1].at)
        return fail(p, col, "payments are listed in the order of their times: this one comes "
                    "before payment %s", sc->listed[sc->nlisted - 1].id);
    if (!p->payments_line)
        p->payments_line = p->line;
    sc->payments = ++sc->nlisted;
    return finish(p);
}

static bool st_partitions(struct parser *p)
{
    uint64_t n;
    if (!count(p, "the number of partitions", 1, PARTITIONS_MAX, &n))
        return false;
    p->sc->partitions = (uint32_t)n;
    return finish(p);
}

static bool st_consumers(struct parser *p)
{
    uint64_t n;
    if (!count(p, "the number of consumers", 1, CONSUMERS_MAX, &n))
        return false;
    p->sc->consumers = (uint32_t)n;
    return finish(p);
}

static bool st_link(struct parser *p)
{
    uint8_t l;
    if (!link(p, &l))
        return false;
    struct link_config *c = &p->sc->links[l];
    if (at_end(p))
        return fail(p, p->eol_col, "expected delay, loss or duplicate");
    while (!at_end(p)) {
        const struct token *t = next(p, "an option");
        if (is(t, "delay")) {
            if (!distribution(p, "the delay", &c->delay))
                return false;
        } else if (is(t, "loss")) {
            if (!probability(p, "loss", &c->loss_ppm))
                return false;
        } else if (is(t, "duplicate")) {
            if (!probability(p, "duplicate", &c->duplicate_ppm))
                return false;
        } else {
            return fail(p, t->col, "expected delay, loss or duplicate, got '%.*s'",
                        (int)t->len, t->s);
        }
    }
    return true;
}

static bool st_cut(struct parser *p)
{
    struct fault *f = new_fault(p, FAULT_CUT);
    if (!f || !link(p, &f->link) || !keyword(p, "at") || !duration(p, "the start time", &f->at) ||
        !keyword(p, "for") || !duration(p, "the length of the cut", &f->duration))
        return false;
    p->sc->nfaults++;
    return finish(p);
}

/* An optional `payment K`; K is checked against `payments` once the file is read. */
static bool payment_number(struct parser *p, struct fault *f)
{
    if (!peek(p, "payment"))
        return true;
    p->i++;
    uint64_t k;
    if (p->sc->nfaults < FAULTS_MAX && !at_end(p))
        p->payment_col[p->sc->nfaults] = p->tok[p->i].col;
    const struct scenario *sc = p->sc;
    const struct token *t = at_end(p) ? NULL : &p->tok[p->i];
    int listed = t ? scenario_listed_payment(sc, t->s, t->len) : -1;
    if (listed >= 0) /* a listed payment, by its id */
        return p->i++, f->payment = (uint32_t)listed, true;
    if (t && sc->nlisted && strspn(t->s, "0123456789") < t->len) {
        char list[LISTED_PAYMENTS_MAX * (PAYMENT_ID_MAX_LEN + 1) + 16];
        size_t used = 0;
        append(list, sizeof list, &used, "payments listed so far:");
        for (uint32_t i = 0; i < sc->nlisted; i++)
            append(list, sizeof list, &used, " %s", sc->listed[i].id);
        return fail(p, t->col, "unknown payment '%.*s' (%s)", (int)t->len, t->s, list);
    }
    if (!count(p, "the payment number", 0, PAYMENTS_MAX - 1, &k))
        return false;
    f->payment = (uint32_t)k;
    return true;
}

/* A pause's length or a crash's restart delay: fixed (in `duration` alone, so a fault
 * reads back the same however it was made), or drawn at each firing. */
static bool drawn_length(struct parser *p, const char *what, struct fault *f)
{
    struct dist d;
    if (!distribution(p, what, &d))
        return false;
    f->duration = d.lo;
    if (d.kind != DIST_FIXED)
        f->length = d;
    return true;
}

/* `on POINT [payment K]` after the node of crash and pause; or `at T`. */
static bool trigger(struct parser *p, struct fault *f)
{
    const struct token *t = next(p, "'at TIME' or 'on POINT'");
    if (!t)
        return false;
    if (is(t, "at"))
        return duration(p, "the time", &f->at);
    if (!is(t, "on"))
        return fail(p, t->col, "expected 'at TIME' or 'on POINT', got '%.*s'", (int)t->len, t->s);
    const struct token *pt = next(p, "a protocol point");
    if (!pt)
        return false;
    int point = point_by_name(pt->s, pt->len);
    char list[400];
    if (point < 0)
        return unknown(p, pt, "protocol point", point_names, POINT_COUNT,
                       name_list(list, sizeof list, "points:", point_names, POINT_COUNT));
    f->point = (uint8_t)point;
    if (peek(p, "payment") && !point_has_payment((enum point_id)point))
        return fail(p, p->tok[p->i].col, "the %s point concerns no single payment: leave out "
                    "`payment K` to take its first occurrence", point_names[point]);
    return payment_number(p, f);
}

static bool st_crash(struct parser *p)
{
    struct fault *f = new_fault(p, FAULT_CRASH);
    if (!f || !node(p, &f->node) || !trigger(p, f))
        return false;
    f->restart = 1;
    f->duration = UINT64_MAX; /* the scenario's node.restart-delay, resolved at run time */
    if (peek(p, "restart")) {
        p->i++;
        const struct token *t = next(p, "'after DURATION' or 'never'");
        if (!t)
            return false;
        if (is(t, "never"))
            f->restart = 0;
        else if (!is(t, "after"))
            return fail(p, t->col, "expected 'after DURATION' or 'never', got '%.*s'",
                        (int)t->len, t->s);
        else if (!drawn_length(p, "the restart delay", f))
            return false;
    }
    p->sc->nfaults++;
    return finish(p);
}

static bool st_pause(struct parser *p)
{
    struct fault *f = new_fault(p, FAULT_PAUSE);
    if (!f || !node(p, &f->node) || !trigger(p, f) || !keyword(p, "for") ||
        !drawn_length(p, "the length of the pause", f))
        return false;
    p->sc->nfaults++;
    return finish(p);
}

/* `pauses NODE every DIST for DIST`, `crashes NODE every DIST restart after DIST`: a
 * fault that recurs, as GC pauses or a crash-looping process do. */
static bool recurring(struct parser *p, enum fault_kind kind)
{
    struct fault *f = new_fault(p, kind);
    if (!f || !node(p, &f->node) || !keyword(p, "every") ||
        !distribution(p, "the time between two", &f->every))
        return false;
    if (f->every.lo < SIM_US) /* the minimum, or the mean of exp */
        return fail(p, p->tok[p->i - 1].col, "the time between two must be at least 1us (its "
                    "minimum, or its mean): a fault that recurs at once would not let time "
                    "pass");
    f->restart = 1;
    if (kind == FAULT_CRASH && (!keyword(p, "restart") || !keyword(p, "after")))
        return false;
    if (kind == FAULT_PAUSE && !keyword(p, "for"))
        return false;
    if (!drawn_length(p, kind == FAULT_PAUSE ? "the length of each pause" : "the restart delay", f))
        return false;
    p->sc->nfaults++;
    return finish(p);
}

static bool st_pauses(struct parser *p) { return recurring(p, FAULT_PAUSE); }
static bool st_crashes(struct parser *p) { return recurring(p, FAULT_CRASH); }

/* Whether `drop ... payment K` can match a message of this kind (see link.c). */
static bool carries_payment(enum msg_kind kind)
{
    return kind == MSG_PRODUCE || kind == MSG_ACK || kind == MSG_RECORDS ||
           kind == MSG_CHARGE || kind == MSG_RESPONSE;
}

/* `A->B on KIND [payment K]`: the one message a drop or a delay takes. */
static bool message_target(struct parser *p, struct fault *f)
{
    if (!link(p, &f->link) || !keyword(p, "on"))
        return false;
    const struct token *t = next(p, "a message kind");
    if (!t)
        return false;
    int kind = msg_kind_by_name(t->s, t->len);
    char list[300];
    if (kind < 0)
        return unknown(p, t, "message kind", msg_kind_names, MSG_KIND_COUNT,
                       name_list(list, sizeof list, "kinds:", msg_kind_names, MSG_KIND_COUNT));
    if (!msg_kind_travels((enum msg_kind)kind, (enum link_id)f->link)) {
        size_t used = 0;
        for (int l = 0; l < LINK_COUNT; l++)
            if (msg_kind_travels((enum msg_kind)kind, (enum link_id)l))
                append(list, sizeof list, &used, "%s%s", used ? " or " : "", link_names[l]);
        return fail(p, t->col, "%.*s messages travel on %s, not on %s", (int)t->len, t->s,
                    list, link_names[f->link]);
    }
    f->msg_kind = (uint8_t)kind;
    if (peek(p, "payment") && !carries_payment((enum msg_kind)kind))
        return fail(p, p->tok[p->i].col, "%.*s messages name partitions or transactions, not "
                    "payments: leave out `payment K` to take the first one",
                    (int)t->len, t->s);
    return payment_number(p, f);
}

/* `drop` and `duplicate`: a fault on one message and nothing more. */
static bool one_message(struct parser *p, enum fault_kind kind)
{
    struct fault *f = new_fault(p, kind);
    if (!f || !message_target(p, f))
        return false;
    p->sc->nfaults++;
    return finish(p);
}

static bool st_drop(struct parser *p) { return one_message(p, FAULT_DROP); }
static bool st_duplicate(struct parser *p) { return one_message(p, FAULT_DUPLICATE); }

static bool st_delay(struct parser *p)
{
    struct fault *f = new_fault(p, FAULT_DELAY);
    if (!f || !message_target(p, f) || !keyword(p, "by") ||
        !duration(p, "the extra delay", &f->duration))
        return false;
    p->sc->nfaults++;
    return finish(p);
}

static bool st_reset_offsets(struct parser *p)
{
    struct fault *f = new_fault(p, FAULT_RESET);
    if (!f || !keyword(p, "to"))
        return false;
    const struct token *t = next(p, "earliest, latest or shift");
    if (!t)
        return false;
    if (is(t, "earliest"))
        f->reset_mode = RESET_TO_EARLIEST;
    else if (is(t, "latest"))
        f->reset_mode = RESET_TO_LATEST;
    else if (is(t, "shift")) {
        f->reset_mode = RESET_SHIFT;
        const struct token *v = next(p, "a shift like -100 or +100");
        if (!v)
            return false;
        bool neg = v->len > 0 && v->s[0] == '-';
        unsigned skip = v->len > 0 && (v->s[0] == '-' || v->s[0] == '+');
        uint64_t k;
        if (!value_count(v->s + skip, v->len - skip, &k, p->msg) || k > PAYMENTS_MAX)
            return fail(p, v->col, "the shift must be a number of records like -100 or +100, "
                        "at most %u either way, got '%.*s'", PAYMENTS_MAX, (int)v->len, v->s);
        f->shift = neg ? -(int64_t)k : (int64_t)k;
    } else {
        return fail(p, t->col, "expected earliest, latest or shift, got '%.*s'", (int)t->len, t->s);
    }
    if (!keyword(p, "at") || !duration(p, "the time", &f->at))
        return false;
    p->sc->nfaults++;
    return finish(p);
}

/* The parameter a `set` or `sweep set` line names, or an error that helps find it. */
static const struct setting *parameter(struct parser *p)
{
    const struct token *t = next(p, "a parameter name");
    if (!t)
        return NULL;
    const struct setting *s = setting_find(params_table, t->s, t->len);
    const char *near = closest_setting(params_table, t->s, t->len);
    if (!s && setting_find(strategy_knobs, t->s, t->len))
        fail(p, t->col, "'%.*s' is a strategy knob, not a parameter: write "
             "`strategy NAME from BASE %.*s=VALUE`", (int)t->len, t->s, (int)t->len, t->s);
    else if (!s && near)
        fail(p, t->col, "unknown parameter '%.*s' (did you mean %s?)", (int)t->len, t->s, near);
    else if (!s)
        fail(p, t->col, "unknown parameter '%.*s' (the README lists them)", (int)t->len, t->s);
    return s;
}

static bool st_set(struct parser *p)
{
    const struct setting *s = parameter(p);
    if (!s)
        return false;
    const struct token *v = next(p, "a value");
    if (!v)
        return false;
    unsigned len = v->len;
    if (s->type == SETTING_DISTRIBUTION) { /* "exp 50ms" and "pareto 1ms 1.5" are words */
        unsigned words = dist_words(v->s, v->len);
        if (p->i + words - 1 > p->n)
            return fail(p, p->eol_col, "expected %s after %.*s", words == 2 ? "the mean" :
                        "the minimum and the shape", (int)v->len, v->s);
        p->i += words - 1;
        len = (unsigned)(p->tok[p->i - 1].s + p->tok[p->i - 1].len - v->s);
    }
    if (!setting_apply(s, &p->sc->params, v->s, len, p->msg))
        return fail(p, v->col, "%s", p->msg);
    return finish(p);
}

static bool is_setting(const struct setting *s, const char *name)
{
    return strcmp(s->name, name) == 0;
}

/* A strategy defined so far: a preset or one from a `strategy` line above. */
static bool strategy_ref(struct parser *p, const struct token *t, uint8_t *out)
{
    int s = scenario_strategy(p->sc, t->s, t->len);
    if (s >= 0) {
        *out = (uint8_t)s;
        return true;
    }
    char list[200] = "strategies defined so far:";
    const char *names[STRATEGIES_MAX];
    size_t used = strlen(list);
    for (uint32_t i = 0; i < p->sc->nstrategies; i++) {
        names[i] = p->sc->strategies[i].name;
        append(list, sizeof list, &used, " %s", names[i]);
    }
    return unknown(p, t, "strategy", names, p->sc->nstrategies, list);
}

static bool st_strategy(struct parser *p)
{
    struct scenario *sc = p->sc;
    const struct token *t = next(p, "a strategy name");
    if (!t || !name_word(p, t, "a strategy name"))
        return false;
    if (scenario_strategy(sc, t->s, t->len) >= 0)
        return fail(p, t->col, "strategy '%.*s' is already defined", (int)t->len, t->s);
    if (sc->nstrategies >= STRATEGIES_MAX)
        return fail(p, t->col, "too many strategies (limit is %u)", STRATEGIES_MAX);
    struct strategy s = strategy_presets[1]; /* at-least-once unless `from` says otherwise */
    if (peek(p, "from")) {
        p->i++;
        const struct token *b = next(p, "a base strategy");
        if (!b)
            return false;
        uint8_t base = 0;
        if (!strategy_ref(p, b, &base))
            return false;
        s = sc->strategies[base];
    }
    unsigned conflict_col = t->col; /* the last knob that a combination check below names */
    memcpy(s.name, t->s, t->len);
    s.name[t->len] = 0;
    while (!at_end(p)) {
        const struct token *k = next(p, "knob=value");
        const char *eq = memchr(k->s, '=', k->len);
        if (!eq)
            return fail(p, k->col, "expected knob=value, got '%.*s'", (int)k->len, k->s);
        unsigned nlen = (unsigned)(eq - k->s);
        const struct setting *knob = setting_find(strategy_knobs, k->s, nlen);
        const char *near = closest_setting(strategy_knobs, k->s, nlen);
        if (!knob && setting_find(params_table, k->s, nlen))
            return fail(p, k->col, "'%.*s' is a parameter, not a strategy knob: write "
                        "`set %.*s VALUE` on its own line", (int)nlen, k->s, (int)nlen, k->s);
        if (!knob && near)
            return fail(p, k->col, "unknown knob '%.*s' (did you mean %s?)", (int)nlen, k->s,
                        near);
        if (!knob)
            return fail(p, k->col, "unknown knob '%.*s' (the README lists them)", (int)nlen, k->s);
        if (!setting_apply(knob, &s, eq + 1, k->len - nlen - 1, p->msg))
            return fail(p, k->col + nlen + 1, "%s", p->msg);
        if (is_setting(knob, "producer.transactions") || is_setting(knob, "producer.idempotence") ||
            is_setting(knob, "consumer.commit") || is_setting(knob, "consumer.dedup") ||
            is_setting(knob, "ledger.unique"))
            conflict_col = k->col;
    }
    if (s.transactions && !s.idempotence)
        return fail(p, conflict_col, "strategy '%s': producer.transactions=on needs "
                    "producer.idempotence=on (as in Kafka)", s.name);
    if (s.commit == COMMIT_IN_TRANSACTION && (s.dedup != DEDUP_NONE || s.ledger_unique))
        return fail(p, conflict_col, "strategy '%s': consumer.commit=in-transaction records "
                    "effects in the output topic, not the ledger, so consumer.dedup and "
                    "ledger.unique have nothing to act on", s.name);
    sc->strategies[sc->nstrategies++] = s;
    return true;
}

static bool st_strategies(struct parser *p)
{
    if (p->strategies_line)
        return fail(p, p->tok[0].col, "strategies is already given on line %u",
                    p->strategies_line);
    p->strategies_line = p->line;
    p->sc->nrun = 0;
    if (at_end(p))
        return fail(p, p->eol_col, "expected at least one strategy name");
    while (!at_end(p)) {
        const struct token *t = next(p, "a strategy name");
        uint8_t s = 0;
        if (!strategy_ref(p, t, &s))
            return false;
        for (uint32_t i = 0; i < p->sc->nrun; i++)
            if (p->sc->run_list[i] == s)
                return fail(p, t->col, "strategy '%.*s' is listed twice", (int)t->len, t->s);
        p->sc->run_list[p->sc->nrun++] = s;
    }
    return true;
}

/* A rate to compare with: a probability like 2%, in ppm. */
static bool rate(struct parser *p, uint64_t *ppm)
{
    uint32_t v;
    if (!probability(p, "rate", &v))
        return false;
    *ppm = v;
    return true;
}

/* `balance MERCHANT`: a merchant the payments already name, in an `expect`. */
static bool balance_of(struct parser *p, enum expect_scope scope, uint8_t *out)
{
    const struct scenario *sc = p->sc;
    if (scope != EXPECT_RUN)
        return fail(p, p->tok[p->i - 1].col, "balance is a run's expectation (`expect`), "
                    "not one over eosim check's fault space");
    const struct token *t = next(p, "a merchant after balance, like 'balance m-A'");
    if (!t)
        return false;
    for (uint32_t m = 0; m < sc->nmerchants; m++)
        if (is(t, sc->merchants[m]))
            return *out = (uint8_t)m, true;
    if (!sc->nmerchants)
        return fail(p, t->col, "no payment names a merchant yet: use `payment ID MERCHANT "
                    "AMOUNT at T` lines or `payments N every D merchants K` before the "
                    "expectation");
    char list[MERCHANTS_MAX * (NAME_MAX_LEN + 1) + 16];
    size_t used = 0;
    append(list, sizeof list, &used, "merchants:");
    for (uint32_t m = 0; m < sc->nmerchants; m++)
        append(list, sizeof list, &used, " %s", sc->merchants[m]);
    return fail(p, t->col, "unknown merchant '%.*s' (%s)", (int)t->len, t->s, list);
}

/* `expect`, `expect-all` and `expect-some`: a strategy, then METRIC OP NUMBER... */
static bool expectation_list(struct parser *p, enum expect_scope scope)
{
    struct expectation *all = scope == EXPECT_RUN ? p->sc->expects : p->sc->space_expects;
    uint32_t *n = scope == EXPECT_RUN ? &p->sc->nexpects : &p->sc->nspace_expects;
    const struct token *t = next(p, "a strategy name");
    uint8_t s = 0;
    if (!t || !strategy_ref(p, t, &s))
        return false;
    if (at_end(p))
        return fail(p, p->eol_col, "expected METRIC OP NUMBER");
    while (!at_end(p)) {
        if (*n >= EXPECTS_MAX)
            return fail(p, p->tok[p->i].col, "too many expectations (limit is %u)", EXPECTS_MAX);
        struct expectation *e = &all[*n];
        const struct token *m = next(p, "a metric");
        int metric = -1;
        for (int i = 0; i < METRIC_COUNT; i++)
            if (is(m, metric_names[i]))
                metric = i;
        char list[512];
        if (metric < 0 && has_any(m, "=!<>"))
            return fail(p, m->col, "expected METRIC OP NUMBER separated by spaces, like "
                        "'duplicated = 0', got '%.*s'", (int)m->len, m->s);
        if (metric < 0)
            return unknown(p, m, "metric", metric_names, METRIC_COUNT,
                           name_list(list, sizeof list, "metrics:", metric_names, METRIC_COUNT));
        uint8_t merchant = 0;
        if (metric == METRIC_BALANCE && !balance_of(p, scope, &merchant))
            return false;
        const struct token *o = next(p, "a comparison (= != < <= > >=)");
        if (!o)
            return false;
        int op = -1;
        for (int i = 0; i < 6; i++)
            if (is(o, compare_op_names[i]))
                op = i;
        if (op < 0)
            return fail(p, o->col, "expected a comparison (= != < <= > >=), got '%.*s'",
                        (int)o->len, o->s);
        *e = (struct expectation){ .strategy = s, .scope = (uint8_t)scope, .metric = (uint8_t)metric, .op = (uint8_t)op,
                                   .line = p->line, .col = t->col, .merchant = merchant };
        if (metric_is_rate(metric) ? !rate(p, &e->value)
                                   : !count(p, "the number to compare with", 0, UINT64_MAX,
                                            &e->value))
            return false;
        (*n)++;
    }
    return true;
}

static bool st_expect(struct parser *p) { return expectation_list(p, EXPECT_RUN); }
static bool st_expect_all(struct parser *p) { return expectation_list(p, EXPECT_ALL); }
static bool st_expect_some(struct parser *p) { return expectation_list(p, EXPECT_SOME); }

/* ---- sweep: what it varies, then its values (sweep.c parses and expands them) ---- */

static bool sweep_target(struct parser *p, struct sweep_axis *a)
{
    const struct token *t = next(p, "'link' or 'set' (what the sweep varies)");
    if (!t)
        return false;
    if (is(t, "set")) {
        const struct setting *s = parameter(p);
        a->target = SWEEP_SET;
        a->param = s ? (uint8_t)(s - params_table) : 0;
        return s != NULL;
    }
    if (!is(t, "link"))
        return fail(p, t->col, "expected 'link' or 'set' after sweep, got '%.*s'", (int)t->len,
                    t->s);
    a->target = SWEEP_LINK;
    if (!link(p, &a->link))
        return false;
    const struct token *o = next(p, "delay, loss or duplicate");
    if (!o)
        return false;
    for (uint8_t i = 0; i < 3; i++)
        if (is(o, sweep_option_names[i])) {
            a->option = i;
            return true;
        }
    return fail(p, o->col, "a link sweep varies delay, loss or duplicate, got '%.*s'",
                (int)o->len, o->s);
}

static bool sweep_unique(struct parser *p, const struct sweep_axis *a, unsigned col)
{
    for (uint32_t i = 0; i < p->sc->nsweeps; i++) {
        const struct sweep_axis *b = &p->sc->sweeps[i];
        bool same = a->target == b->target &&
                    (a->target == SWEEP_SET ? a->param == b->param
                                            : a->link == b->link && a->option == b->option);
        char name[96];
        if (same)
            return fail(p, col, "%s is already swept on line %u",
                        sweep_axis_name(a, name, sizeof name), b->line);
    }
    return true;
}

static bool has_dots(const struct token *t)
{
    for (unsigned i = 0; i + 1 < t->len; i++)
        if (t->s[i] == '.' && t->s[i + 1] == '.')
            return true;
    return false;
}

/* A list of values of the axis's type, for messages: "1%,2%,5%", "on,off". */
static const char *sweep_list_example(const struct sweep_axis *a, char *buf, size_t size)
{
    const struct setting *s = sweep_axis_setting(a);
    switch (s->type) {
    case SETTING_BOOL: return "on,off";
    case SETTING_ENUM:
        snprintf(buf, size, "%s,%s", s->choices[0], s->choices[1]);
        return buf;
    case SETTING_PROBABILITY: return "1%,2%,5%";
    case SETTING_COUNT: return "1,2,4";
    case SETTING_DISTRIBUTION: return "10ms,20ms..80ms";
    default: return "10s,30s,45s";
    }
}

/* What the values look like, for "expected ...": a list, and a range where one makes sense. */
static const char *sweep_example(const struct sweep_axis *a, char *buf, size_t size)
{
    static const char *const ranges[] = {
        [SETTING_PROBABILITY] = " or 0%..10% step 1%", [SETTING_COUNT] = " or 100..500 step 100",
        [SETTING_DISTRIBUTION] = " or 0ms..50ms step 10ms",
        [SETTING_DURATION] = " or 10s..60s step 10s",
    };
    enum setting_type t = sweep_axis_setting(a)->type;
    char list[80];
    snprintf(buf, size, "values, like %s%s", sweep_list_example(a, list, sizeof list),
             ranges[t] ? ranges[t] : "");
    return buf;
}

static bool sweep_values(struct parser *p, struct sweep_axis *a)
{
    char example[96];
    const struct token *v = next(p, sweep_example(a, example, sizeof example));
    if (!v)
        return false;
    bool range = !has_any(v, ",") && has_dots(v);
    struct sweep_error e;
    if (peek(p, "step")) {
        p->i++;
        const struct token *st = next(p, "the step, like 1% or 10ms");
        if (!st)
            return false;
        if (!sweep_parse_range(a, v->s, v->len, st->s, st->len, &e))
            return fail(p, (e.in_step ? st->col : v->col) + e.offset, "%s", e.message);
        return finish(p);
    }
    if (!at_end(p) && v->s[v->len - 1] == ',')
        return fail(p, p->tok[p->i].col, "write the values as one word, separated by commas "
                    "without spaces, like %s", sweep_list_example(a, example, sizeof example));
    if (range && sweep_axis_setting(a)->type != SETTING_DISTRIBUTION)
        return fail(p, v->col, "a range needs a step: write %.*s step STEP", (int)v->len, v->s);
    if (!sweep_parse_list(a, v->s, v->len, &e))
        return fail(p, v->col + e.offset, "%s", e.message);
    if (!at_end(p))
        return fail(p, p->tok[p->i].col, "unexpected '%.*s': write the values as one word, "
                    "separated by commas without spaces, like %s", (int)p->tok[p->i].len,
                    p->tok[p->i].s, sweep_list_example(a, example, sizeof example));
    if (a->nvalues < 2 && range)
        return fail(p, v->col, "a sweep needs at least two values: list delay ranges like "
                    "10ms,20ms..80ms, or sweep fixed delays with %.*s step STEP",
                    (int)v->len, v->s);
    if (a->nvalues < 2)
        return fail(p, v->col, "a sweep needs at least two values, got only %.*s",
                    (int)v->len, v->s);
    return true;
}

static bool st_sweep(struct parser *p)
{
    struct scenario *sc = p->sc;
    if (sc->nsweeps >= SWEEP_AXES_MAX)
        return fail(p, p->tok[0].col, "too many sweep lines (limit is %u)", SWEEP_AXES_MAX);
    struct sweep_axis *a = &sc->sweeps[sc->nsweeps];
    memset(a, 0, sizeof *a);
    a->line = p->line;
    unsigned target_col = p->i < p->n ? p->tok[p->i].col : p->eol_col;
    if (!sweep_target(p, a) || !sweep_unique(p, a, target_col) || !sweep_values(p, a))
        return false;
    uint64_t points = (uint64_t)sweep_grid_size(sc->sweeps, sc->nsweeps) * a->nvalues;
    if (points > SWEEP_POINTS_MAX)
        return fail(p, p->tok[0].col, "the sweep grid has %llu points, more than the limit "
                    "of %u", (unsigned long long)points, SWEEP_POINTS_MAX);
    sc->nsweeps++;
    return true;
}

static const struct statement {
    const char *word;
    bool (*parse)(struct parser *);
} statements[] = {
    { "scenario", st_scenario }, { "about", st_about }, { "seed", st_seed },
    { "runs", st_runs }, { "until", st_until }, { "payments", st_payments },
    { "payment", st_payment },
    { "partitions", st_partitions }, { "consumers", st_consumers }, { "link", st_link },
    { "cut", st_cut }, { "crash", st_crash }, { "pause", st_pause }, { "drop", st_drop },
    { "crashes", st_crashes }, { "pauses", st_pauses },
    { "delay", st_delay }, { "duplicate", st_duplicate },
    { "reset-offsets", st_reset_offsets }, { "set", st_set }, { "strategy", st_strategy },
    { "strategies", st_strategies }, { "expect", st_expect },
    { "expect-all", st_expect_all }, { "expect-some", st_expect_some }, { "sweep", st_sweep },
};

const char *scenario_statement_word(size_t i)
{
    return i < sizeof statements / sizeof statements[0] ? statements[i].word : NULL;
}

/* ---- lines ---- */

static bool tokenize(struct parser *p, const char *line, unsigned len)
{
    p->n = p->i = 0;
    p->eol_col = 1;
    for (unsigned i = 0; i < len;) {
        char c = line[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        if (c == '#')
            break;
        if (p->n >= TOKENS_MAX)
            return fail(p, i + 1, "too many words on one line (limit is %u)", TOKENS_MAX);
        unsigned start = i;
        if (c == '"') {
            for (i++; i < len && line[i] != '"'; i++)
                ;
            if (i >= len)
                return fail(p, start + 1, "unterminated quoted string: the line ends before "
                            "the closing \"");
            i++;
        } else {
            while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
                   line[i] != '#')
                i++;
        }
        p->tok[p->n++] = (struct token){ line + start, i - start, start + 1 };
        p->eol_col = i + 1;
    }
    return true;
}

static bool parse_line(struct parser *p, const char *line, unsigned len)
{
    if (!tokenize(p, line, len))
        return false;
    if (p->n == 0)
        return true;
    const struct token *t = next(p, "a statement");
    enum { N = sizeof statements / sizeof statements[0] };
    char list[300] = "statements:";
    const char *words[N];
    size_t used = strlen(list);
    for (size_t s = 0; s < N; s++) {
        if (is(t, statements[s].word))
            return statements[s].parse(p);
        words[s] = statements[s].word;
        append(list, sizeof list, &used, " %s", words[s]);
    }
    return unknown(p, t, "statement", words, N, list);
}

static void defaults(struct scenario *sc, const char *file)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->file, sizeof sc->file, "%s", file);
    sc->seed = 1;
    sc->runs = 1;
    sc->amount_min = sc->amount_max = PAYMENT_AMOUNT_DEFAULT;
    sc->partitions = 1;
    sc->consumers = 1;
    for (int l = 0; l < LINK_COUNT; l++)
        sc->links[l] = (struct link_config){ .delay = dist_fixed(SIM_MS) };
    sc->params = params_defaults;
    for (int s = 0; s < STRATEGY_PRESETS; s++)
        sc->strategies[s] = strategy_presets[s];
    sc->nstrategies = STRATEGY_PRESETS;
}

/* The whole file's work, payments x seeds x strategies x sweep points, within a bound
 * that says what to lower: a file that validates must also finish. */
static bool bounded_work(struct parser *p)
{
    const struct scenario *sc = p->sc;
    uint64_t runs = (uint64_t)sc->runs * sc->nrun * (sc->nsweeps ? sweep_grid_size(sc->sweeps, sc->nsweeps) : 1);
    uint64_t work = runs * sc->payments; /* at most 10^5 x 32 x 10^6 x 10^7: fits */
    if (work <= PAYMENT_RUNS_MAX)
        return true;
    p->line = p->payments_line;
    return fail(p, 1, "%u payments x %u run%s x %u strateg%s x %u sweep point%s is %llu "
                "payments to simulate, above the limit of %llu (hours of work): lower `runs`, "
                "`payments` or the sweep", sc->payments, sc->runs, sc->runs == 1 ? "" : "s",
                sc->nrun, sc->nrun == 1 ? "y" : "ies", (unsigned)(runs / sc->runs / sc->nrun),
                runs / sc->runs / sc->nrun == 1 ? "" : "s", (unsigned long long)work,
                (unsigned long long)PAYMENT_RUNS_MAX);
}

/* Every expectation names a strategy the scenario runs. */
static bool expected_strategies_run(struct parser *p, const struct expectation *list, uint32_t n)
{
    const struct scenario *sc = p->sc;
    for (uint32_t e = 0; e < n; e++) {
        bool runs = false;
        for (uint32_t r = 0; r < sc->nrun; r++)
            runs |= sc->run_list[r] == list[e].strategy;
        if (!runs) {
            p->line = list[e].line;
            return fail(p, list[e].col, "strategy '%s' is not run, so it cannot be "
                        "expected: add it to `strategies` on line %u",
                        sc->strategies[list[e].strategy].name, p->strategies_line);
        }
    }
    return true;
}

/* Checks that need the whole file: required statements, nodes that exist, expectations
 * on strategies that run. */
static bool check_whole(struct parser *p)
{
    struct scenario *sc = p->sc;
    if (!p->scenario_line)
        return p->line = 1, fail(p, 1, "missing `scenario NAME`");
    if (!p->payments_line)
        return p->line = 1, fail(p, 1, "missing `payments N every DURATION` (or `payment ID "
                                 "MERCHANT AMOUNT at TIME` lines)");
    if (!p->strategies_line) {
        sc->nrun = sc->nstrategies;
        for (uint32_t s = 0; s < sc->nstrategies; s++)
            sc->run_list[s] = (uint8_t)s;
    }
    for (uint32_t f = 0; f < sc->nfaults; f++) {
        const struct fault *ft = &sc->faults[f];
        if (ft->payment != ANY_PAYMENT && ft->payment >= sc->payments) {
            p->line = ft->line;
            return fail(p, p->payment_col[f], "payment %u does not exist: the scenario has %u "
                        "payment%s (line %u), numbered 0 to %u", ft->payment, sc->payments,
                        sc->payments == 1 ? "" : "s", p->payments_line, sc->payments - 1);
        }
        if ((ft->kind == FAULT_CRASH || ft->kind == FAULT_PAUSE) &&
            ft->node >= NODE_CONSUMER(sc->consumers)) {
            p->line = ft->line;
            return fail(p, p->fault_col[f], "consumer-%d does not exist: the scenario has %u "
                        "consumer%s", ft->node - NODE_CONSUMER_1 + 1, sc->consumers,
                        sc->consumers == 1 ? "" : "s");
        }
    }
    return expected_strategies_run(p, sc->expects, sc->nexpects) &&
           expected_strategies_run(p, sc->space_expects, sc->nspace_expects) && bounded_work(p);
}

/* Copies line `number` of text into err->text for the caret display. */
static void keep_line(struct parse_error *err, const char *text, uint32_t number)
{
    for (uint32_t l = 1; l < number && *text; l++) {
        const char *nl = strchr(text, '\n');
        text = nl ? nl + 1 : text + strlen(text);
    }
    size_t len = strcspn(text, "\n");
    if (len > LINE_MAX_LEN)
        len = LINE_MAX_LEN;
    memcpy(err->text, text, len);
    err->text[len] = 0;
}

bool scenario_parse(const char *file, const char *text, struct scenario *sc,
                    struct parse_error *err)
{
    struct parser p = { .sc = sc, .err = err };
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", file);
    defaults(sc, file);
    bool ok = true;
    for (const char *line = text; ok && *line;) {
        size_t len = strcspn(line, "\n");
        p.line++;
        if (len > LINE_MAX_LEN)
            ok = fail(&p, LINE_MAX_LEN + 1, "line is longer than %u characters", LINE_MAX_LEN);
        else
            ok = parse_line(&p, line, (unsigned)len);
        line += len + (line[len] == '\n');
    }
    ok = ok && check_whole(&p);
    if (!ok)
        keep_line(err, text, err->line);
    return ok;
}

bool scenario_load(const char *path, struct scenario *sc, struct parse_error *err)
{
    memset(err, 0, sizeof *err);
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    snprintf(err->file, sizeof err->file, "%s", name);
    size_t len;
    char *text = read_file(path, SCENARIO_BYTES_MAX, &len, err->message, sizeof err->message);
    if (!text)
        return false;
    /* a UTF-8 byte order mark, as some editors write, is not part of the first line */
    const char *start = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? text + 3 : text;
    bool ok;
    if (memchr(text, 0, len)) {
        snprintf(err->message, sizeof err->message, "not a text file (it holds a NUL byte)");
        ok = false;
    } else {
        ok = scenario_parse(name, start, sc, err);
    }
    free(text);
    return ok;
}

int scenario_strategy(const struct scenario *sc, const char *name, unsigned len)
{
    for (uint32_t s = 0; s < sc->nstrategies; s++)
        if (strlen(sc->strategies[s].name) == len && memcmp(sc->strategies[s].name, name, len) == 0)
            return (int)s;
    return -1;
}

void parse_error_print(const struct parse_error *err, void *stream)
{
    FILE *out = stream;
    if (err->line == 0) {
        fprintf(out, "%s: error: %s\n", err->file, err->message);
        return;
    }
    fprintf(out, "%s:%u:%u: error: %s\n    %s\n    ", err->file, err->line, err->col,
            err->message, err->text);
    for (uint32_t c = 1; c < err->col && err->text[c - 1]; c++)
        fputc(err->text[c - 1] == '\t' ? '\t' : ' ', out);
    fputs("^\n", out);
}

const char *const fault_kind_names[FAULT_KINDS] = {
    "crash", "pause", "cut", "drop", "reset-offsets", "delay", "duplicate",
};

/* `on POINT [payment K]`, `on KIND [payment K]` or `at T`. */
static void trigger_text(const struct fault *f, const char *step, char *buf, size_t size,
                         size_t *used)
{
    char t[32];
    if (!step) {
        append(buf, size, used, " at %s", value_exact_duration(f->at, t, sizeof t));
        return;
    }
    append(buf, size, used, " on %s", step);
    if (f->payment != ANY_PAYMENT)
        append(buf, size, used, " payment %u", f->payment);
}

/* A crash's or pause's length as the language reads it back. */
static const char *length_text(const struct fault *f, char *buf, size_t size)
{
    if (f->length.kind != DIST_FIXED)
        return dist_format(&f->length, buf, size);
    return value_exact_duration(f->duration, buf, size);
}

const char *scenario_fault_text(const struct fault *f, char *buf, size_t size)
{
    char a[16], d[48];
    size_t used = 0;
    buf[0] = 0;
    append(buf, size, &used, "%s%s", fault_kind_names[f->kind],
           !fault_recurs(f) ? "" : f->kind == FAULT_PAUSE ? "s" : "es"); /* pauses, crashes */
    const char *point = f->point ? point_names[f->point] : NULL;
    switch (f->kind) {
    case FAULT_CRASH:
        append(buf, size, &used, " %s", node_name(f->node, a));
        if (fault_recurs(f))
            append(buf, size, &used, " every %s", dist_format(&f->every, d, sizeof d));
        else
            trigger_text(f, point, buf, size, &used);
        if (!f->restart)
            append(buf, size, &used, " restart never");
        else if (f->duration != UINT64_MAX)
            append(buf, size, &used, " restart after %s", length_text(f, d, sizeof d));
        break;
    case FAULT_PAUSE:
        append(buf, size, &used, " %s", node_name(f->node, a));
        if (fault_recurs(f))
            append(buf, size, &used, " every %s", dist_format(&f->every, d, sizeof d));
        else
            trigger_text(f, point, buf, size, &used);
        append(buf, size, &used, " for %s", length_text(f, d, sizeof d));
        break;
    case FAULT_CUT:
        append(buf, size, &used, " %s", link_names[f->link]);
        trigger_text(f, NULL, buf, size, &used);
        append(buf, size, &used, " for %s", value_exact_duration(f->duration, d, sizeof d));
        break;
    case FAULT_RESET:
        if (f->reset_mode == RESET_SHIFT)
            append(buf, size, &used, " to shift %+lld", (long long)f->shift);
        else
            append(buf, size, &used, " to %s",
                   f->reset_mode == RESET_TO_EARLIEST ? "earliest" : "latest");
        trigger_text(f, NULL, buf, size, &used);
        break;
    default: /* drop, duplicate, delay: one message */
        append(buf, size, &used, " %s", link_names[f->link]);
        trigger_text(f, msg_kind_names[f->msg_kind], buf, size, &used);
        if (f->kind == FAULT_DELAY)
            append(buf, size, &used, " by %s", value_exact_duration(f->duration, d, sizeof d));
    }
    return buf;
}

uint64_t scenario_amount(const struct scenario *sc, uint64_t seed, uint32_t i)
{
    if (sc->nlisted)
        return sc->listed[i].amount;
    if (sc->amount_min == sc->amount_max)
        return sc->amount_min;
    uint64_t z = seed * 0x9e3779b97f4a7c15u + i + 1; /* splitmix64 finaliser */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return sc->amount_min + z % (sc->amount_max - sc->amount_min + 1);
}

void scenario_arrivals(const struct scenario *sc, uint64_t seed, sim_time *at)
{
    struct rng r;
    rng_seed(&r, seed, "arrivals");
    sim_time t = 0;
    for (uint32_t i = 0; i < sc->payments; i++) {
        at[i] = t;
        sim_time gap = dist_draw(&sc->gaps, &r);
        t = gap > DURATION_MAX - t ? DURATION_MAX : t + gap;
    }
}

int scenario_listed_payment(const struct scenario *sc, const char *id, unsigned len)
{
    for (uint32_t i = 0; i < sc->nlisted; i++)
        if (strlen(sc->listed[i].id) == len && memcmp(sc->listed[i].id, id, len) == 0)
            return (int)i;
    return -1;
}
