/* progress.h: the progress line of a long batch on a terminal.
 *
 * "sweep-loss: 5/11 points, 240/440 runs, 53.2 runs/s, 4s left", redrawn in place with
 * \r at most ten times a second on stderr, and erased when the batch ends. It is drawn
 * only when stderr is a terminal and --quiet is not given, so logs and pipes never see
 * it, and only after the first half second, so quick runs do not flicker. */
#ifndef EOSIM_PROGRESS_H
#define EOSIM_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct progress {
    bool on;
    const char *label;
    double start, last_draw;
    size_t runs_done, runs_total;
    uint32_t points_done, points_total;
    const char *unit;      /* what a point is: "points" (of a sweep), "strategies"... */
    uint32_t *left;        /* runs still to come, per point */
    int drawn;             /* width of what is on the line now */
};

/* Whether a progress line should be drawn: stderr is a terminal and not quiet. */
bool progress_wanted(bool quiet);
/* runs_per_point[p] is how many runs point p has. */
void progress_init(struct progress *p, bool on, const char *label, uint32_t points,
                   const size_t *runs_per_point);
/* One run of `point` finished. */
void progress_step(struct progress *p, uint32_t point);
/* Erases the line and frees what progress_init took. */
void progress_fini(struct progress *p);

#endif
