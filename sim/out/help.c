/* help.c: the reference behind `eosim help`, `eosim CMD --help` and eosim(1) (see
 * help.h). Names come from the parser's and the model's own tables; only the words that
 * explain them live here, one table per topic, printed for a terminal or as troff. */
#include "out/help.h"

#include <string.h>

#include "lang/model.h"
#include "lang/params.h"
#include "lang/scenario.h"
#include "lang/settings.h"
#include "lang/strategy.h"
#include "out/results.h"
#include "base/version.h"
#include "base/wrap.h"

#define WIDTH 80

/* ---- the words ---- */

struct doc {
    const char *name, *text;
};

static const struct doc statement_docs[] = {
    { "scenario NAME", "Required. The scenario's name: 1 to 63 letters, digits and `-`; it "
      "names the CSV files." },
    { "about \"TEXT\"", "One line (at most 255 characters, no escapes) printed under the "
      "name." },
    { "seed N", "The first seed (default 1)." },
    { "runs N", "Seeds seed, seed+1, ..., seed+N-1 (1 to 100000; default 1). Counts in the "
      "table and in `expect` are summed over the seeds." },
    { "until DURATION", "The horizon, after 0s. Without it a run goes to quiescence, or to "
      "run.max-time." },
    { "payments N every DURATION [amount A] [merchants K]", "Required, unless the payments are "
      "listed. N payment intents (1 to 100000000), payment i at i x DURATION. `amount` is a "
      "whole number (default 100, at most 10^12) or a range A..B, each payment's amount then "
      "drawn from a hash of (seed, payment). `merchants K` (1 to 16) makes merchants m-1 .. "
      "m-K, payment i going to m-(i mod K + 1)." },
    { "payment ID MERCHANT AMOUNT at TIME", "One payment of a worked example, in place of "
      "`payments` (up to 64 lines, in the order of their times): its id (up to 23 letters, "
      "digits and '-', not all digits), the merchant it pays, its amount and when the service takes it. "
      "Listed payments are numbered from 0 in the order listed, and a fault's `payment K` "
      "takes the id or the number. To deliver one twice, lose its ack (`drop "
      "broker->producer on ack payment ID`) or duplicate its record (`duplicate "
      "broker->consumer on records payment ID`)." },
    { "partitions N", "Partitions of the topic (1 to 64; default 1); payment i goes to "
      "partition i mod N." },
    { "consumers N", "Members of the consumer group (1 to 16; default 1), all started at "
      "time 0; partitions are dealt round-robin over the live members." },
    { "link LINK OPTION...", "Options in any order, at least one: `delay D` (a duration or "
      "a distribution: `20ms..80ms`, `exp 5ms`, `pareto 1ms 1.5`), `loss P`, `duplicate P`. Default: delay 1ms, no loss, no "
      "duplicates. A later `link` for the same link changes only the options it names." },
    { "cut LINK at T for D", "A network partition of one direction: every message put on "
      "LINK from T until T+D is lost; messages already on the wire still arrive." },
    { "crash NODE at T | on POINT [payment K] [restart after D | restart never]", "Crash NODE "
      "at time T, or the first time any node reaches POINT (for payment K). It restarts after "
      "node.restart-delay unless told otherwise." },
    { "pause NODE at T | on POINT [payment K] for D", "A stop-the-world pause of length D, at "
      "T or from the first time POINT is reached. D, and a crash's restart delay, may be a "
      "distribution, drawn when the fault fires." },
    { "pauses NODE every G for D", "Pauses again and again, as GC pauses do: the first G "
      "after the start, each next one G after the last began; G and D are durations or "
      "distributions (`pauses consumer every exp 30s for pareto 100ms 1.5`), drawn afresh "
      "each time, G at least 1us (its minimum, or its mean). It never keeps a run alive "
      "by itself." },
    { "crashes NODE every G restart after D", "Crashes again and again, like `pauses`, each "
      "crash followed by a restart after D." },
    { "drop LINK on KIND [payment K]", "Drop exactly one message: the first of KIND on LINK "
      "(carrying payment K). KIND must travel on LINK; only produce, ack, records, charge "
      "and response carry a payment." },
    { "delay LINK on KIND [payment K] by D", "Hold one message, chosen as for `drop`, D longer "
      "on the wire: a late request or answer, arriving after its sender gave up." },
    { "duplicate LINK on KIND [payment K]", "Deliver one message, chosen as for `drop`, twice: "
      "the copy arrives with the original, as a proxy's re-send would." },
    { "reset-offsets to earliest|latest|shift +-N at T", "Operator action at T: every "
      "committed offset is set to 0, to the log's end, or moved by N; then every live "
      "consumer restarts as after a crash and re-reads the committed offsets." },
    { "set PARAMETER VALUE", "A timing or sizing parameter (eosim help parameters)." },
    { "strategy NAME [from BASE] KNOB=VALUE...", "Defines a strategy: BASE's knobs (a preset, "
      "or a strategy defined above; default at-least-once) with the given changes (eosim "
      "help knobs)." },
    { "strategies NAME...", "Which strategies run, in this order. Default: the four presets, "
      "then each `strategy` in file order." },
    { "expect STRATEGY METRIC OP N [METRIC OP N...]", "Checks after the run, each metric "
      "summed over the seeds (eosim help metrics); OP is one of = != < <= > >=. A failed "
      "one prints `file:line: expectation failed` and makes the exit status 1." },
    { "expect-all STRATEGY METRIC OP N [...]", "For eosim check: must hold at every placement "
      "of the fault space that was reached. eosim run does not check it." },
    { "expect-some STRATEGY METRIC OP N [...]", "For eosim check: at least one reached "
      "placement must satisfy it (\"at-most-once can lose a payment\")." },
    { "sweep set PARAMETER | link LINK OPTION  VALUE,VALUE... | A..B step S", "An axis of "
      "eosim sweep's grid: a list (one word, at least two values) or a range with its step. "
      "Several sweep lines make their product, the first varying slowest; the other lines "
      "give the base point, which eosim run runs." },
};

static const struct doc value_docs[] = {
    { "whole number", "Decimal digits only: no sign, separators or exponent (1000, 0)." },
    { "duration", "A decimal number and a unit, ns us ms s m h (m is minutes), exact in "
      "nanoseconds, at most 1000000h (250us, 1.5s, 2m, 0s). The unit is always required." },
    { "probability", "A percentage or a fraction from 0 to 1, exact to one part per million "
      "(2%, 0.5%, 0.02, 1). `loss 2` is an error, not 2%." },
    { "range", "LOW..HIGH with LOW <= HIGH, for amount (10..500) and wherever a "
      "distribution goes (20ms..80ms: uniform); one value means LOW = HIGH." },
    { "distribution", "Where a duration may be drawn (payments ... every, link delay, "
      "gateway.latency, ledger.latency, a pause's length, a restart delay, pauses and "
      "crashes): a duration (fixed), LOW..HIGH (uniform), `exp MEAN` (exponential: "
      "`payments N every exp 1ms` is a Poisson stream), or `pareto MINIMUM SHAPE` (Pareto: "
      "P(X > x) = (MINIMUM/x)^SHAPE for x >= MINIMUM, the mean MINIMUM x SHAPE/(SHAPE - 1) "
      "when SHAPE > 1; SHAPE above 0, at most 100, up to three decimals). Draws are whole "
      "nanoseconds from the owner's stream (a link's, the gateway's, the ledger's, one per "
      "fault firing, or \"arrivals\"), with no floating point: the exponential by inverse "
      "transform with a fixed-point logarithm, the Pareto with a fixed-point power; draws "
      "stop at 1000000h. A sweep value is one word, so sweeps take durations and ranges." },
};

/* Indexed by enum point_id: who reaches it, and when it fires. */
static const struct doc point_docs[POINT_COUNT] = {
    [POINT_SEND] = { "producer", "a produce request (first send or re-send) is on the wire" },
    [POINT_ACK] = { "producer or relay", "an ack saying appended or duplicate was received "
                    "and the record counted as written" },
    [POINT_APPEND] = { "broker", "a record was appended to the log, its ack not yet sent" },
    [POINT_ACK_SENT] = { "broker", "the answer to a produce request is on the wire" },
    [POINT_TXN_COMMIT] = { "broker", "EndTxn arrived and the coordinator decided to commit; "
                           "no marker written yet" },
    [POINT_MARKER] = { "broker", "the commit markers are written, EndTxn not yet answered" },
    [POINT_POLL] = { "consumer", "a batch arrived, no record of it handled yet" },
    [POINT_BEFORE_EFFECT] = { "consumer", "about to send the first charge for a delivered "
                              "record, after the dedup check; retries do not reach it" },
    [POINT_AFTER_EFFECT] = { "consumer", "the gateway's last answer for the record arrived "
                             "and no ledger row is written yet" },
    [POINT_BEFORE_COMMIT] = { "consumer", "about to send an offset commit to the broker" },
    [POINT_AFTER_COMMIT] = { "consumer", "the broker acknowledged the commit (in a "
                             "transaction: the EndTxn that commits it)" },
    [POINT_CHARGE] = { "gateway", "a charge was made, its response not yet sent" },
    [POINT_RESPOND] = { "gateway", "a response is on the wire" },
    [POINT_WRITE] = { "consumer (ledger)", "the ledger row is written inside an open ledger "
                      "transaction (in a Kafka transaction: the record's output is added)" },
    [POINT_COMMIT] = { "consumer (ledger)", "the ledger transaction committed, or was refused "
                       "by ledger.unique; the worker has not heard yet (`crash ledger` "
                       "here loses the answer, not the commit)" },
    [POINT_PUBLISH] = { "relay", "an outbox row's record is on the wire" },
    [POINT_LEDGER_TIMEOUT] = { "consumer", "no answer to a ledger commit within "
                               "consumer.ledger-timeout; the retry (or the give-up) comes "
                               "next" },
};

/* Indexed by enum msg_kind. */
static const char *const kind_docs[MSG_KIND_COUNT] = {
    [MSG_PRODUCE] = "one record of the payments topic, or a worker's batch of output records",
    [MSG_ACK] = "the answer to a produce: appended, duplicate, or refused",
    [MSG_END_TXN] = "EndTxn: commit the open transaction",
    [MSG_END_TXN_ACK] = "the answer to EndTxn",
    [MSG_OFFSET_FETCH] = "the group's committed offset for one partition",
    [MSG_OFFSETS] = "the answer to offset-fetch",
    [MSG_FETCH] = "a poll",
    [MSG_RECORDS] = "a batch of one partition's records (payment K: a batch that holds K)",
    [MSG_COMMIT] = "an offset commit, auto-commits included",
    [MSG_COMMIT_ACK] = "the answer to commit, and to txn-offsets",
    [MSG_CHARGE] = "a charge, with its idempotency key if the strategy sends one",
    [MSG_RESPONSE] = "the gateway's answer to a charge",
    [MSG_JOIN] = "JoinGroup",
    [MSG_JOINED] = "the coordinator's answer: a generation and the partitions to read",
    [MSG_HEARTBEAT] = "a group member's heartbeat",
    [MSG_HEARTBEAT_ACK] = "fine, or rejoin: the group moved on",
    [MSG_TXN_OFFSETS] = "TxnOffsetCommit: the batch's offsets inside its transaction",
    [MSG_INIT_PID] = "InitProducerId (InitTransactions with a transactional id), at every "
                     "start, after an aborted or fenced transaction and after a give-up",
    [MSG_PID] = "the producer id and epoch to send under",
    [MSG_ADD_PARTITIONS] = "AddPartitionsToTxn, at a worker transaction's first output",
    [MSG_ADD_PARTITIONS_ACK] = "the answer to add-partitions",
};

/* Indexed by enum metric. */
static const char *const metric_docs[METRIC_COUNT] = {
    [METRIC_LOST] = "payments the gateway never charged, once nothing was left in flight",
    [METRIC_DUPLICATED] = "charges beyond the first, over all payments",
    [METRIC_PENDING] = "uncharged payments that could still be charged at the horizon",
    [METRIC_CHARGES] = "charges the gateway made",
    [METRIC_LEDGER_ROWS] = "committed ledger rows",
    [METRIC_LOG_COPIES] = "records appended to the payments topic, aborted ones included",
    [METRIC_DELIVERIES] = "records handed to consumer code",
    [METRIC_OUTPUT_COPIES] = "committed records of the output topic (consume-transform-produce)",
    [METRIC_OUTPUT_DUPLICATES] = "output records beyond the first of a payment",
    [METRIC_DUPLICATES_IN_LOG] = "readable copies of a payment beyond the first",
    [METRIC_ABORTED_READS] = "aborted records handed to consumer code",
    [METRIC_SKIPPED_OFFSETS] = "readable records below the group's position that no consumer "
                               "ever read",
    [METRIC_HANGING] = "records left inside a transaction nobody will end",
    [METRIC_LOST_WRITES] = "acknowledged payments with no readable copy in the log",
    [METRIC_TORN_TRANSACTIONS] = "producer transactions partly committed, partly not",
    [METRIC_GAVE_UP] = "payments whose send the producer reported failed",
    [METRIC_INDEFINITE] = "lost payments it gave up on without knowing whether they were "
                          "written",
    [METRIC_DEFINITE] = "lost payments it was told were not written",
    [METRIC_CHARGED] = "money: amount x charges",
    [METRIC_CHARGED_TWICE] = "money: amount x (charges - 1) of the payments charged more than "
                             "once",
    [METRIC_NEVER_CHARGED] = "money: the amounts of the lost payments",
    [METRIC_DISAGREEING] = "payments whose ledger rows (or output records) and charges differ "
                           "in number",
    [METRIC_DUPLICATED_RATE] = "duplicated charges per payment, over every seed's payments, "
                               "compared with a percentage (duplicated-rate < 2%), so one "
                               "expectation holds whatever the number of seeds",
    [METRIC_LOST_RATE] = "lost payments per payment, the same way (lost-rate <= 0.5%)",
    [METRIC_BALANCE] = "`balance MERCHANT`: money charged for the merchant's payments "
                       "(`expect` only; the merchants come from `payment` lines or "
                       "`payments ... merchants N`)",
};

/* The per-run CSV's columns, in result_columns order after scenario,strategy,seed. */
static const struct doc column_docs[] = {
    { "payments", "payment intents" },
    { "lost", "payments never charged" },
    { "duplicated", "charges beyond the first" },
    { "pending", "uncharged payments still in play at the horizon" },
    { "log_copies", "records appended to the log" },
    { "log_aborted", "of those, records later marked aborted" },
    { "deliveries", "records handed to consumer code" },
    { "ledger_rows", "committed ledger rows" },
    { "charges", "charges the gateway made" },
    { "absorbed", "duplicates stopped before a charge: records a dedup store skipped and "
      "requests answered from a saved key" },
    { "amount_intended", "money: the sum of every payment's amount" },
    { "amount_charged", "money: amount x charges" },
    { "amount_duplicated", "money: amount x extra charges" },
    { "amount_lost", "money: the amounts of the lost payments" },
    { "latency_p50_ns", "median intent-to-first-charge latency of the run, in ns" },
    { "latency_p99_ns", "its 99th percentile" },
    { "latency_max_ns", "its maximum" },
    { "messages", "messages put on any link, those then lost included" },
    { "events", "events the engine executed" },
    { "end_time_ns", "simulated time when the run stopped" },
    { "stopped_at_horizon", "1 if the run stopped at its horizon, not at quiescence" },
    { "amount_ledger", "money: amount x ledger rows" },
    { "disagreements", "payments whose ledger rows and charges differ in number" },
    { "duplicates_in_log", "the metric duplicates-in-log" },
    { "aborted_reads", "the metric aborted-reads" },
    { "skipped_offsets", "the metric skipped-offsets" },
    { "hanging", "the metric hanging" },
    { "lost_writes", "the metric lost-writes" },
    { "output_copies", "committed records in the output topic" },
    { "torn_transactions", "the metric torn-transactions" },
    { "output_duplicates", "output records beyond the first of a payment" },
    { "stopped_at_event_limit", "1 if run.max-events (or the engine's bound on pending "
      "events) stopped the run" },
    { "gave_up", "payments whose send the producer reported failed" },
    { "lost_indefinite", "lost payments given up without knowing" },
    { "lost_definite", "lost payments every attempt of which was refused" },
    { NULL, NULL },
};

/* ---- the commands ---- */

static const struct doc option_docs[] = {
    { "--seed N", "first seed (overrides the scenario's `seed`)" },
    { "--runs N", "number of seeds, N, N+1, ... (overrides `runs`)" },
    { "--strategy S", "run only strategy S (a preset or one the scenario defines)" },
    { "--depth K", "check: faults per placement, 1 (the default) to 3" },
    { "--out DIR", "write DIR/NAME.csv (one row per run), DIR/NAME.agg.csv (mean, sd and 95% "
      "interval over seeds), DIR/NAME.anomalies.csv (the payments behind each anomaly) and, "
      "when the payments name merchants, DIR/NAME.merchants.csv (each merchant's money); "
      "with charts, also DIR/charts/ and DIR/index.html; check writes DIR/NAME.check.csv" },
    { "--charts", "write charts and index.html with --out (the default for sweep)" },
    { "--no-charts", "do not (the default for run)" },
    { "--jobs N", "run on N processes (default: the number of cores); the output is the same "
      "bytes whatever N is" },
    { "--shard K/N", "run only runs K-1, K-1+N, ... of each scenario and write "
      "DIR/NAME.K-of-N.shard for `merge`" },
    { "--payment K", "explain: the story of payment K (a number, or a listed payment's id)" },
    { "--first", "explain: the first payment lost or charged twice (the default)" },
    { "--all", "explain: every such payment" },
    { "--mermaid F", "explain: also write the diagram as a Mermaid sequenceDiagram to F" },
    { "--trace F", "write every event as JSON Lines to F (explain, or run with one "
      "strategy: the first seed)" },
    { "--perfetto F", "the same as Chrome trace-event JSON, for Perfetto" },
    { "--stats", "print events, wall time and events per second on stderr" },
    { "--quiet", "print no tables, notes or progress: only failed expectations and errors" },
    { "--wide", "print every column of the tables (wider than 100 columns)" },
    { "--answers S=L/D,...", "quiz: the predictions, lost/charged twice per strategy, instead "
      "of asking" },
};

struct command_doc {
    const char *name, *synopsis, *text, *options;
};

static const struct command_doc command_docs[] = {
    { "run", "run FILE... [options]", "Simulate each scenario (`-` reads one from standard "
      "input) under each of its strategies and seeds, print a verdict and a table per "
      "scenario and check its `expect` lines. A file with `sweep` lines runs only its base "
      "point.", "--seed --runs --strategy --out --charts --no-charts --jobs --shard --trace "
      "--perfetto --stats --quiet --wide" },
    { "sweep", "sweep FILE... [options]", "The same over the grid of the `sweep` lines (every "
      "point x strategy x seed), checking the expectations at every point.",
      "--seed --runs --strategy --out --charts --no-charts --jobs --shard --stats --quiet "
      "--wide" },
    { "merge", "merge SHARD... [--out DIR]", "Join the shard files of a --shard run into the "
      "outputs of the unsharded command: the same bytes, whatever the order of the files.",
      "--out --jobs --quiet --no-charts --wide" },
    { "explain", "explain FILE --strategy S [--payment K | --first | --all]", "Run one "
      "strategy under one seed and tell, step by step from the fault at its root, how a "
      "payment came to be lost or charged twice, with a sequence diagram.",
      "--strategy --seed --payment --first --all --mermaid --trace --perfetto" },
    { "check", "check FILE... [--depth K]", "Run each strategy once, recording every protocol "
      "point reached and message sent; then every placement of up to K faults there (crash, "
      "pause, drop, duplicate, late delivery, offset rewind) as one run each. Prints per "
      "strategy how many placements lose, charge twice, disagree or break Kafka, the minimal "
      "counterexample of each with its story, and checks `expect-all`/`expect-some`.",
      "--depth --strategy --seed --out --jobs --quiet" },
    { "validate", "validate FILE...", "Parse the scenarios and report the first error of "
      "each.", "" },
    { "quiz", "quiz FILE [--answers S=LOST/TWICE,...]", "For teaching and interviews: the "
      "scenario in words, a prediction of lost and charged-twice payments per strategy (asked "
      "for, or given by --answers), then the run, a score, and the story behind every miss.",
      "--answers --seed --runs" },
    { "list", "list", "The catalogue: the name and `about` of every scenario in scenarios/ "
      "(or the installed catalogue).", "" },
    { "help", "help [TOPIC]", "The language's reference: statements, values, parameters, "
      "knobs, strategies, points, kinds, metrics, columns.", "" },
};
#define NCOMMANDS (sizeof command_docs / sizeof command_docs[0])

const char *const help_topics[] = {
    "statements", "values", "parameters", "knobs", "strategies", "points", "kinds",
    "metrics", "columns", NULL,
};
static const char *const topic_lines[] = {
    "the lines of a scenario file", "how numbers, durations and chances are written",
    "what `set` can change, with defaults", "what a strategy can change",
    "the four presets, knob by knob", "where `crash` and `pause ... on` can strike",
    "the messages `drop`, `delay` and `duplicate` pick", "what `expect` can check",
    "the CSV's columns",
};

/* ---- printing, for a terminal or as troff ---- */

struct sink {
    FILE *out;
    bool man;
};

/* troff: a backslash or a hyphen would be read as markup. */
static void man_text(FILE *out, const char *s)
{
    for (; *s; s++)
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else
            fputc(*s, out);
}

static void section(struct sink *s, const char *title, const char *intro)
{
    if (s->man) {
        fputs(".SH ", s->out);
        for (const char *c = title; *c; c++)
            fputc(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c, s->out);
        fputc('\n', s->out);
        if (intro) {
            man_text(s->out, intro);
            fputc('\n', s->out);
        }
        return;
    }
    fprintf(s->out, "%s\n", title);
    if (intro)
        wrap_text(s->out, "", 0, intro, WIDTH);
    fputc('\n', s->out);
}

/* One entry: its term, then what it means (and an optional second sentence). */
static void entry(struct sink *s, const char *term, const char *text, const char *more)
{
    if (s->man) {
        fputs(".TP\n\\fB", s->out);
        man_text(s->out, term);
        fputs("\\fR\n", s->out);
        man_text(s->out, text);
        if (more) {
            size_t n = strlen(text);
            fputs(n && (text[n - 1] == '.' || text[n - 1] == ')') ? " " : ". ", s->out);
            man_text(s->out, more);
        }
        fputc('\n', s->out);
        return;
    }
    fprintf(s->out, "%s\n", term);
    char both[1200];
    size_t n = strlen(text);
    bool ends = n && (text[n - 1] == '.' || text[n - 1] == ')');
    snprintf(both, sizeof both, "%s%s%s", text, !more ? "" : ends ? " " : ". ",
             more ? more : "");
    wrap_text(s->out, "    ", 4, both, WIDTH);
}

/* ---- the topics ---- */

static void statements(struct sink *s)
{
    section(s, "statements", "One statement a line; `#` starts a comment. Only `scenario` and "
            "`payments` are required; a strategy must be defined above any line that names "
            "it.");
    for (size_t i = 0; i < sizeof statement_docs / sizeof statement_docs[0]; i++)
        entry(s, statement_docs[i].name, statement_docs[i].text, NULL);
}

static void values(struct sink *s)
{
    section(s, "values", "Every value is parsed exactly into an integer.");
    for (size_t i = 0; i < sizeof value_docs / sizeof value_docs[0]; i++)
        entry(s, value_docs[i].name, value_docs[i].text, NULL);
}

/* How a setting's value is written: DURATION, N (1 to 5), on|off, ... */
static const char *value_form(const struct setting *t, char *buf, size_t size)
{
    switch (t->type) {
    case SETTING_DURATION: return "DURATION";
    case SETTING_DISTRIBUTION: return "DURATION, RANGE or DISTRIBUTION";
    case SETTING_PROBABILITY: return "PROBABILITY";
    case SETTING_COUNT:
        snprintf(buf, size, "N (%u to %u)", t->min, t->max);
        return buf;
    default: return setting_expected(t, buf, size);
    }
}

/* A settings table: name and values, what it does, its default (and its minimum). */
static void settings(struct sink *s, const struct setting *table, const void *defaults)
{
    for (const struct setting *t = table; t->name; t++) {
        char term[200], values[160], def[64], more[300] = "";
        snprintf(term, sizeof term, "%s %s", t->name, value_form(t, values, sizeof values));
        if (defaults) {
            int n = snprintf(more, sizeof more, "Default %s.", setting_format(t, defaults, def,
                                                                              sizeof def));
            if (t->least && n > 0) /* the period of a timer, which 0 would fire forever */
                snprintf(more + n, sizeof more - (size_t)n, " At least 1us.");
        }
        entry(s, term, t->help, defaults ? more : NULL);
    }
}

static void parameters(struct sink *s)
{
    section(s, "parameters", "`set NAME VALUE`: timings and sizes. Defaults follow Kafka and "
            "a Stripe-like gateway where those have one.");
    settings(s, params_table, &params_defaults);
}

static void knobs(struct sink *s)
{
    section(s, "knobs", "`strategy NAME from BASE KNOB=VALUE...`: what a strategy does. "
            "`eosim help strategies` gives each preset's values.");
    settings(s, strategy_knobs, NULL);
}

static void strategies(struct sink *s)
{
    section(s, "strategies", "The four presets; a `strategy` line starts from one of them "
            "and changes some knobs.");
    for (int p = 0; p < STRATEGY_PRESETS; p++) {
        char text[1200], buf[64];
        size_t used = 0;
        text[0] = 0;
        for (const struct setting *k = strategy_knobs; k->name; k++) {
            int n = snprintf(text + used, sizeof text - used, "%s%s=%s", used ? " " : "",
                             k->name, setting_format(k, &strategy_presets[p], buf, sizeof buf));
            used += n > 0 && (size_t)n < sizeof text - used ? (size_t)n : 0;
        }
        entry(s, strategy_presets[p].name, text, NULL);
    }
}

static void points(struct sink *s)
{
    section(s, "points", "`crash|pause NODE on POINT [payment K]`: a point fires just after "
            "the step it names has taken effect, unless its name says before.");
    for (int p = 1; p < POINT_COUNT; p++) {
        char term[120];
        snprintf(term, sizeof term, "%s (%s%s)", point_names[p], point_docs[p].name,
                 point_has_payment((enum point_id)p) ? "; takes payment K" : "");
        entry(s, term, point_docs[p].text, NULL);
    }
}

static void kinds(struct sink *s)
{
    section(s, "kinds", "`drop|delay|duplicate LINK on KIND [payment K]`: the message kinds, "
            "with the links each travels on.");
    for (int k = 1; k < MSG_KIND_COUNT; k++) {
        char term[300];
        size_t used = (size_t)snprintf(term, sizeof term, "%s (", msg_kind_names[k]);
        for (int l = 0; l < LINK_COUNT; l++)
            if (msg_kind_travels((enum msg_kind)k, (enum link_id)l) && used < sizeof term)
                used += (size_t)snprintf(term + used, sizeof term - used, "%s%s",
                                         term[used - 1] == '(' ? "" : ", ", link_names[l]);
        if (used + 2 < sizeof term)
            memcpy(term + used, ")", 2);
        entry(s, term, kind_docs[k], NULL);
    }
}

static void metrics(struct sink *s)
{
    section(s, "metrics", "`expect STRATEGY METRIC OP N`: each summed over the seeds; the "
            "CSV column of the same name has `_` for `-`.");
    for (int m = 0; m < METRIC_COUNT; m++)
        entry(s, metric_names[m], metric_docs[m], NULL);
}

static void columns(struct sink *s)
{
    section(s, "columns", "`--out DIR` writes DIR/NAME.csv (RFC 4180, CRLF): scenario, "
            "strategy, seed, then these, one row per strategy and seed.");
    for (size_t i = 0; column_docs[i].name; i++)
        entry(s, column_docs[i].name, column_docs[i].text, NULL);
}

static void (*const topic_printers[])(struct sink *) = {
    statements, values, parameters, knobs, strategies, points, kinds, metrics, columns,
};

/* ---- the entry points ---- */

bool help_print(FILE *out, const char *topic)
{
    struct sink s = { out, false };
    if (!topic) {
        fputs("eosim help TOPIC, where TOPIC is one of:\n", out);
        for (size_t i = 0; help_topics[i]; i++)
            fprintf(out, "  %-11s %s\n", help_topics[i], topic_lines[i]);
        fputs("eosim CMD --help tells what a command does; `man eosim` has it all.\n", out);
        return true;
    }
    for (size_t i = 0; help_topics[i]; i++)
        if (strcmp(topic, help_topics[i]) == 0) {
            topic_printers[i](&s);
            return true;
        }
    return false;
}

static const struct command_doc *command_doc(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(command_docs[i].name, name) == 0)
            return &command_docs[i];
    return NULL;
}

/* The option's line, from its name as a command lists it. */
static void option_line(FILE *out, const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof option_docs / sizeof option_docs[0]; i++) {
        const char *o = option_docs[i].name;
        if (strncmp(o, name, len) == 0 && (o[len] == ' ' || o[len] == 0)) {
            char lead[32];
            snprintf(lead, sizeof lead, "  %-14s", o);
            wrap_text(out, lead, 16, option_docs[i].text, WIDTH);
        }
    }
}

bool help_command(FILE *out, const char *name)
{
    const struct command_doc *c = command_doc(name);
    if (!c)
        return false;
    fprintf(out, "usage: eosim %s\n\n", c->synopsis);
    wrap_text(out, "", 0, c->text, WIDTH);
    if (c->options[0])
        fputs("\noptions:\n", out);
    for (const char *o = c->options; *o; o += strspn(o, " ")) {
        size_t n = strcspn(o, " ");
        option_line(out, o, n);
        o += n;
    }
    return true;
}

void help_usage(FILE *out)
{
    fputs("usage: eosim COMMAND ARGS... [options]\n\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(out, "  eosim %s\n", command_docs[i].synopsis);
    }
    fputs("  eosim --help | --version\n\n"
          "eosim CMD --help says what a command does and takes; eosim help TOPIC gives the\n"
          "scenario language's reference (statements, parameters, knobs, points, ...).\n"
          "exit status: 0 every expectation held, 1 one failed, 2 bad usage or input,\n"
          "3 a worker process failed\n", out);
}

void help_man(FILE *out)
{
    struct sink s = { out, true };
    fprintf(out, ".TH EOSIM 1 \"\" \"eosim %s\" \"User Commands\"\n", EOSIM_VERSION);
    fputs(".SH NAME\neosim \\- deterministic failure injection for payment delivery over "
          "Kafka\n.SH SYNOPSIS\n.nf\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fputs("\\fBeosim\\fR ", out);
        man_text(out, command_docs[i].synopsis);
        fputc('\n', out);
    }
    fputs(".fi\n.SH DESCRIPTION\neosim runs seeded scenarios of a payment service, a "
          "Kafka\\-like broker, a consumer, a payment gateway and a ledger, with faults "
          "injected, under several delivery strategies, and counts the payments lost and "
          "charged twice.\n.SH COMMANDS\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        entry(&s, command_docs[i].name, command_docs[i].text, NULL);
    section(&s, "options", NULL);
    for (size_t i = 0; i < sizeof option_docs / sizeof option_docs[0]; i++)
        entry(&s, option_docs[i].name, option_docs[i].text, NULL);
    for (size_t i = 0; help_topics[i]; i++)
        topic_printers[i](&s);
    fputs(".SH EXIT STATUS\n0 every expectation held, 1 one failed, 2 bad usage or input, "
          "3 a worker process failed.\n", out);
}

const char *help_of(const char *topic, const char *name)
{
    if (strcmp(topic, "statements") == 0) {
        size_t n = strlen(name);
        for (size_t i = 0; i < sizeof statement_docs / sizeof statement_docs[0]; i++)
            if (strncmp(statement_docs[i].name, name, n) == 0 &&
                (statement_docs[i].name[n] == ' ' || statement_docs[i].name[n] == 0))
                return statement_docs[i].text;
        return NULL;
    }
    if (strcmp(topic, "columns") == 0) {
        for (size_t i = 0; column_docs[i].name; i++)
            if (strcmp(column_docs[i].name, name) == 0)
                return column_docs[i].text;
        return NULL;
    }
    const char *const *names = strcmp(topic, "points") == 0 ? point_names
                               : strcmp(topic, "kinds") == 0 ? msg_kind_names : metric_names;
    int count = names == point_names ? POINT_COUNT : names == msg_kind_names ? MSG_KIND_COUNT
                                                                              : METRIC_COUNT;
    for (int i = 0; i < count; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return names == point_names ? point_docs[i].text
                   : names == msg_kind_names ? kind_docs[i] : metric_docs[i];
    return NULL;
}
