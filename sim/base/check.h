/* check.h: assertions that stay on in every build.
 *
 * A broken invariant is a bug in eosim, never a result: it stops the process with the
 * file, the line and the condition. A duplicate charge is a result and is counted. */
#ifndef EOSIM_CHECK_H
#define EOSIM_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define SIM_PANIC(...)                                                        \
    do {                                                                      \
        fprintf(stderr, "eosim: internal error at %s:%d: ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__);                                         \
        fputc('\n', stderr);                                                  \
        abort();                                                              \
    } while (0)

#define SIM_ASSERT(cond)                                                      \
    do {                                                                      \
        if (!(cond)) SIM_PANIC("assertion failed: %s", #cond);                \
    } while (0)

/* Allocation failure is not recoverable in a simulator: say so and stop. */
void *sim_alloc(size_t count, size_t size);
void *sim_realloc(void *ptr, size_t count, size_t size);

#endif
