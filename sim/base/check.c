/* check.c: the two allocation wrappers every module uses. */
#include "base/check.h"

#include <stdint.h>

void *sim_alloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        SIM_PANIC("out of memory allocating %zu x %zu bytes", count, size);
    return p;
}

void *sim_realloc(void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        SIM_PANIC("allocation of %zu x %zu bytes overflows", count, size);
    size_t bytes = count * size;
    void *p = realloc(ptr, bytes ? bytes : 1);
    if (!p)
        SIM_PANIC("out of memory allocating %zu x %zu bytes", count, size);
    return p;
}
