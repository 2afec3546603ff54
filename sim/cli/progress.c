/* progress.c: the progress line (see progress.h). Wall-clock time appears only here, on
 * a terminal, never in a file. */
#define _POSIX_C_SOURCE 200809L
#include "cli/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/check.h"

#define PROGRESS_DELAY_S    0.5   /* draw nothing for batches quicker than this */
#define PROGRESS_PERIOD_S   0.1   /* redraw at most this often */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool progress_wanted(bool quiet)
{
    return !quiet && isatty(STDERR_FILENO);
}

void progress_init(struct progress *p, bool on, const char *label, uint32_t points,
                   const size_t *runs_per_point)
{
    *p = (struct progress){ .on = on, .label = label, .points_total = points, .unit = "points" };
    p->start = p->last_draw = now_s();
    p->left = sim_alloc(points ? points : 1, sizeof *p->left);
    for (uint32_t i = 0; i < points; i++) {
        p->left[i] = (uint32_t)runs_per_point[i];
        p->runs_total += runs_per_point[i];
    }
}

/* "1h02m", "3m05s", "42s". */
static void format_left(double s, char *buf, size_t size)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, size, "%lds", t);
}

static void draw(struct progress *p, double now)
{
    double elapsed = now - p->start, rate = elapsed > 0 ? (double)p->runs_done / elapsed : 0;
    char left[32] = "?";
    if (rate > 0)
        format_left((double)(p->runs_total - p->runs_done) / rate, left, sizeof left);
    int n = fprintf(stderr, "\r%s: %u/%u %s, %zu/%zu runs, %.1f runs/s, %s left",
                    p->label, p->points_done, p->points_total, p->unit, p->runs_done, p->runs_total,
                    rate, left);
    if (n - 1 < p->drawn) /* pad over the end of a longer previous line */
        fprintf(stderr, "%*s", p->drawn - (n - 1), "");
    p->drawn = n - 1 > p->drawn ? n - 1 : p->drawn;
    fflush(stderr);
    p->last_draw = now;
}

void progress_step(struct progress *p, uint32_t point)
{
    SIM_ASSERT(point < p->points_total);
    SIM_ASSERT(p->left[point] > 0);
    p->runs_done++;
    if (--p->left[point] == 0)
        p->points_done++;
    if (!p->on)
        return;
    double now = now_s();
    if (now - p->start >= PROGRESS_DELAY_S && now - p->last_draw >= PROGRESS_PERIOD_S)
        draw(p, now);
}

void progress_fini(struct progress *p)
{
    if (p->on && p->drawn > 0) {
        fprintf(stderr, "\r%*s\r", p->drawn, "");
        fflush(stderr);
    }
    free(p->left);
    p->left = NULL;
}
