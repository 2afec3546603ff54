/* results.c: the per-run columns and the points of a sweep's results. */
#include "out/results.h"

#include <string.h>

#include "base/check.h"

const struct result_column result_columns[] = {
#define COLUMN(name, field) { name, offsetof(struct run_result, field), false }
    COLUMN("payments", payments), COLUMN("lost", lost), COLUMN("duplicated", duplicated),
    COLUMN("pending", pending), COLUMN("log_copies", log_copies),
    COLUMN("log_aborted", log_aborted), COLUMN("deliveries", deliveries),
    COLUMN("ledger_rows", ledger_rows), COLUMN("charges", charges),
    COLUMN("absorbed", absorbed), COLUMN("amount_intended", amount_intended),
    COLUMN("amount_charged", amount_charged), COLUMN("amount_duplicated", amount_duplicated),
    COLUMN("amount_lost", amount_lost), COLUMN("latency_p50_ns", latency_p50),
    COLUMN("latency_p99_ns", latency_p99), COLUMN("latency_max_ns", latency_max),
    COLUMN("messages", messages), COLUMN("events", events), COLUMN("end_time_ns", end_time),
    { "stopped_at_horizon", offsetof(struct run_result, horizon), true },
    COLUMN("amount_ledger", amount_ledger), COLUMN("disagreements", disagreements),
    COLUMN("duplicates_in_log", duplicates_in_log), COLUMN("aborted_reads", aborted_reads),
    COLUMN("skipped_offsets", skipped_offsets), COLUMN("hanging", hanging),
    COLUMN("lost_writes", lost_writes), COLUMN("output_copies", output_copies),
    COLUMN("torn_transactions", torn_transactions),
    COLUMN("output_duplicates", output_duplicates),
    { "stopped_at_event_limit", offsetof(struct run_result, event_limit), true },
    COLUMN("gave_up", gave_up), COLUMN("lost_indefinite", lost_indefinite),
    COLUMN("lost_definite", lost_definite),
#undef COLUMN
    { NULL, 0, false },
};

uint64_t results_column_value(const struct result_column *c, const struct run_result *r)
{
    const char *field = (const char *)r + c->offset;
    if (c->is_bool)
        return *(const bool *)field;
    uint64_t v;
    memcpy(&v, field, sizeof v);
    return v;
}

void results_point(const struct sweep_results *sr, uint32_t point, struct scenario_results *out)
{
    SIM_ASSERT(point < sr->npoints);
    out->sc = sr->sc;
    memcpy(out->strategies, sr->strategies, sizeof out->strategies);
    out->nstrategies = sr->nstrategies;
    out->nseeds = sr->nseeds;
    out->runs = sr->runs + (size_t)point * sr->nstrategies * sr->nseeds;
    out->point = point;
}

bool results_has_axes(const struct sweep_results *sr)
{
    return sr->swept && sr->sc->nsweeps > 0;
}
