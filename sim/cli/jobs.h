/* jobs.h: runs many independent simulation runs on worker processes.
 *
 * One run is one core: the parent forks N workers, worker w takes the runs at positions
 * w, w + N, w + 2N, ... of the list (interleaved, so slow and fast runs spread evenly),
 * and sends each result back over its pipe as a fixed-size binary record (the run's
 * index and its struct run_result: both ends are the same executable). The parent
 * stores each result at its index, so what it reports never depends on which worker
 * finished first: the output is byte-identical whatever N is. */
#ifndef EOSIM_JOBS_H
#define EOSIM_JOBS_H

#include <stdbool.h>
#include <stddef.h>


#define JOBS_MAX 256u

/* Computes the run with this index into `out` (`size` bytes, zeroed), in a worker or
 * in-process for one job. */
typedef void (*jobs_work_fn)(void *ctx, size_t index, void *out);
/* Called in the parent when the result of a run has been stored. */
typedef void (*jobs_done_fn)(void *ctx, size_t index);

/* Runs indices[0..n) on `workers` processes (in this process when 1) and stores each
 * result, a plain value of `size` bytes, at results + index * size. False, with a
 * message on stderr, if a worker could not be started or died before sending all its
 * results. */
bool jobs_run(const size_t *indices, size_t n, unsigned workers, jobs_work_fn work,
              jobs_done_fn done, void *ctx, void *results, size_t size);
/* The number of online processors, at least 1 and at most JOBS_MAX. */
unsigned jobs_default(void);

#endif
