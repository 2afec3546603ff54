/* explain.h: the story of a payment, told from a run's trace. For a payment charged
 * twice or never, the chain of events from the root fault (a link's loss draw, a
 * scripted drop or crash, a timeout) to the anomalous effect; for a payment charged
 * once, which mechanism (if any) absorbed a duplicate. */
#ifndef EOSIM_EXPLAIN_H
#define EOSIM_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/scenario.h"
#include "env/trace.h"

enum explain_verdict { EXPLAIN_CLEAN, EXPLAIN_ABSORBED, EXPLAIN_DUPLICATED, EXPLAIN_LOST,
                       EXPLAIN_DISAGREEING };

/* Where a story starts: a scripted fault of the scenario, or one loss draw of a link. */
struct explain_root {
    int fault;          /* index into the scenario's faults, or -1 */
    int link;           /* the link whose loss draw it was, or -1 */
    uint64_t message;   /* which message on that link (see struct sim_options) */
};

/* Prints the story of `payment` in the run traced by t (kept in memory); fills root
 * (if not NULL) with the fault the story starts from. */
enum explain_verdict explain_payment(FILE *out, const struct scenario *sc, uint32_t strategy,
                                     const struct trace *t, uint32_t payment,
                                     struct explain_root *root);
/* One payment's messages and effects as a sequence diagram: ASCII for a terminal (at
 * most 80 columns: lanes narrow to leave a label room), a Mermaid sequenceDiagram, or an SVG element for
 * a page (styled by its classes: h, lane, msg, head, lost, x, n, l, t). Lost messages are
 * drawn as lost. */
enum diagram_style { DIAGRAM_ASCII, DIAGRAM_MERMAID, DIAGRAM_SVG };
void explain_diagram(FILE *out, const struct trace *t, uint32_t payment,
                     enum diagram_style style);
/* The first payment with an anomaly (duplicated or lost), else the first whose ledger
 * rows disagree with its charge (under a strategy that writes rows), or UINT32_MAX. */
uint32_t explain_first_anomaly(const struct trace *t, const struct scenario *sc,
                               uint32_t strategy);

/* `eosim explain`: one run of one strategy and seed, traced; tells the payment asked
 * for, every anomaly (all), or the first one; writes the Mermaid diagram of the payment
 * told and the JSON Lines / Chrome traces if asked, each through a temporary file.
 * Returns 0, or -1 when a file could not be written (errno set). */
struct explain_request {
    uint32_t strategy;
    uint64_t seed;
    uint32_t payment;      /* UINT32_MAX: the first anomaly (or every one, with all) */
    bool all;
    bool trace_only;       /* write the traces, tell nothing, keep nothing in memory */
    const char *mermaid, *trace, *perfetto; /* files to write, or NULL */
};
int explain_command(FILE *out, const struct scenario *sc, const struct explain_request *rq);

#endif
