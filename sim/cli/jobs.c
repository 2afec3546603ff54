/* jobs.c: fork, pipe, poll and waitpid around sim runs. See jobs.h for the contract. */
#define _POSIX_C_SOURCE 200809L
#include "cli/jobs.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/check.h"
#include "base/cleanup.h"

/* What a worker sends for each run: its index (a uint64_t), then `size` bytes of result.
 * Records travel in batches of up to BATCH_BYTES, or whatever is ready after
 * BATCH_WAIT_NS, so a quick run costs no system call of its own and progress still moves. */
#define BATCH_BYTES (64u * 1024u)
#define BATCH_WAIT_NS 20000000 /* 20ms */

struct worker {
    pid_t pid;
    int fd;               /* read end of its pipe; -1 once it has closed */
    unsigned number;      /* w: it runs positions w, w + N, ... of the list */
    size_t expected;      /* results it owes */
    size_t received;
    size_t have;          /* bytes read and not yet stored */
    unsigned char *buf;   /* room for a batch, and a record more */
};

static size_t batch_room(size_t record)
{
    return (BATCH_BYTES > record ? BATCH_BYTES : record) + record;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

unsigned jobs_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > (long)JOBS_MAX ? JOBS_MAX : (unsigned)n;
}

static bool write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* The worker's life: its share of the runs, each result sent as soon as it is known
 * (so the parent can show progress), then _exit, which leaves the parent's stdio
 * buffers and exit handlers alone. */
static void worker_main(int fd, unsigned w, unsigned workers, const size_t *indices, size_t n,
                        jobs_work_fn work, void *ctx, size_t size)
{
    size_t record = sizeof(uint64_t) + size, used = 0;
    unsigned char *batch = sim_alloc(1, batch_room(record));
    int64_t sent_at = now_ns();
    for (size_t k = w; k < n; k += workers) {
        uint64_t index = indices[k];
        unsigned char *rec = batch + used;
        memset(rec, 0, record);
        memcpy(rec, &index, sizeof index);
        work(ctx, indices[k], rec + sizeof index);
        used += record;
        if (used < BATCH_BYTES && now_ns() - sent_at < BATCH_WAIT_NS)
            continue;
        if (!write_all(fd, batch, used))
            _exit(3);
        used = 0;
        sent_at = now_ns();
    }
    if (used && !write_all(fd, batch, used))
        _exit(3);
    close(fd);
    _exit(0);
}

static bool start_workers(struct worker *ws, unsigned workers, const size_t *indices, size_t n,
                          jobs_work_fn work, void *ctx, size_t size)
{
    fflush(NULL); /* nothing buffered may be written twice */
    for (unsigned w = 0; w < workers; w++) {
        int fds[2];
        if (pipe(fds) != 0) {
            fprintf(stderr, "eosim: cannot create a pipe for worker %u: %s\n", w + 1,
                    strerror(errno));
            return false;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "eosim: cannot start worker %u: %s\n", w + 1, strerror(errno));
            close(fds[0]);
            close(fds[1]);
            return false;
        }
        if (pid == 0) {
            cleanup_reset();
            close(fds[0]);
            for (unsigned v = 0; v < w; v++)
                close(ws[v].fd);
            worker_main(fds[1], w, workers, indices, n, work, ctx, size);
        }
        close(fds[1]);
        cleanup_child(pid);
        ws[w] = (struct worker){ .pid = pid, .fd = fds[0], .number = w,
                                 .expected = n / workers + (w < n % workers),
                                 .buf = sim_alloc(1, batch_room(sizeof(uint64_t) + size)) };
    }
    return true;
}

/* What the parent needs to check and store a worker's records. */
struct sink {
    const size_t *indices;
    unsigned workers;
    unsigned char *results;
    size_t size;
    jobs_done_fn done;
    void *ctx;
};

/* Stores one complete record. A worker sends its runs in list order, so each record's
 * index is known in advance: anything else is a bug. */
static bool store(struct worker *wk, const struct sink *k, const unsigned char *rec)
{
    uint64_t index;
    memcpy(&index, rec, sizeof index);
    if (wk->received >= wk->expected ||
        index != k->indices[wk->number + wk->received * k->workers]) {
        fprintf(stderr, "eosim: worker %u sent a record out of turn\n", wk->number + 1);
        return false;
    }
    wk->received++;
    memcpy(k->results + (size_t)index * k->size, rec + sizeof index, k->size);
    if (k->done)
        k->done(k->ctx, (size_t)index);
    return true;
}

/* Reads what one worker has sent, stores the complete records and keeps the rest. */
static bool read_worker(struct worker *wk, const struct sink *k)
{
    size_t whole = sizeof(uint64_t) + k->size, room = batch_room(whole);
    ssize_t got = read(wk->fd, wk->buf + wk->have, room - wk->have);
    if (got < 0 && errno == EINTR)
        return true;
    if (got <= 0) {
        close(wk->fd);
        wk->fd = -1;
        return true;
    }
    wk->have += (size_t)got;
    size_t at = 0;
    for (; wk->have - at >= whole; at += whole)
        if (!store(wk, k, wk->buf + at))
            return false;
    memmove(wk->buf, wk->buf + at, wk->have - at);
    wk->have -= at;
    return true;
}

static bool collect(struct worker *ws, unsigned workers, const struct sink *k)
{
    struct pollfd pfd[JOBS_MAX];
    for (;;) {
        unsigned open = 0;
        for (unsigned w = 0; w < workers; w++)
            if (ws[w].fd >= 0)
                pfd[open++] = (struct pollfd){ .fd = ws[w].fd, .events = POLLIN };
        if (open == 0)
            return true;
        if (poll(pfd, open, -1) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "eosim: poll: %s\n", strerror(errno));
            return false;
        }
        for (unsigned i = 0; i < open; i++)
            for (unsigned w = 0; w < workers; w++)
                if (ws[w].fd == pfd[i].fd && pfd[i].revents && !read_worker(&ws[w], k))
                    return false;
    }
}

/* Waits for every worker; true if each exited cleanly with all its results sent. */
static bool reap(struct worker *ws, unsigned workers, bool ok)
{
    for (unsigned w = 0; w < workers; w++) {
        if (ws[w].pid <= 0)
            continue;
        if (!ok)
            kill(ws[w].pid, SIGTERM);
        if (ws[w].fd >= 0)
            close(ws[w].fd);
        int status = 0;
        while (waitpid(ws[w].pid, &status, 0) < 0 && errno == EINTR)
            ;
        cleanup_forget_child(ws[w].pid);
        if (!ok)
            continue;
        if (WIFSIGNALED(status))
            fprintf(stderr, "eosim: worker %u was killed by signal %d\n", w + 1,
                    WTERMSIG(status));
        else if (WEXITSTATUS(status) != 0 || ws[w].received != ws[w].expected)
            fprintf(stderr, "eosim: worker %u stopped (exit %d) after %zu of its %zu runs\n",
                    w + 1, WEXITSTATUS(status), ws[w].received, ws[w].expected);
        else
            continue;
        ok = false;
    }
    return ok;
}

bool jobs_run(const size_t *indices, size_t n, unsigned workers, jobs_work_fn work,
              jobs_done_fn done, void *ctx, void *results, size_t size)
{
    if (workers > n)
        workers = (unsigned)n;
    if (workers > JOBS_MAX)
        workers = JOBS_MAX;
    if (workers <= 1) {
        for (size_t k = 0; k < n; k++) {
            work(ctx, indices[k], (unsigned char *)results + indices[k] * size);
            if (done)
                done(ctx, indices[k]);
        }
        return true;
    }
    struct worker *ws = sim_alloc(workers, sizeof *ws);
    for (unsigned w = 0; w < workers; w++)
        ws[w].fd = -1;
    bool ok = start_workers(ws, workers, indices, n, work, ctx, size);
    struct sink k = { indices, workers, results, size, done, ctx };
    ok = ok && collect(ws, workers, &k);
    ok = reap(ws, workers, ok);
    for (unsigned w = 0; w < workers; w++)
        free(ws[w].buf);
    free(ws);
    return ok;
}
