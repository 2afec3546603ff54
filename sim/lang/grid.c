/* grid.c: the points of a scenario's sweep grid (see grid.h). */
#include "lang/grid.h"

#include <stdio.h>
#include <string.h>

#include "base/check.h"
#include "lang/params.h"

uint32_t sweep_points(const struct scenario *sc)
{
    return sweep_grid_size(sc->sweeps, sc->nsweeps);
}

void sweep_point_values(const struct scenario *sc, uint32_t point,
                        uint32_t index[SWEEP_AXES_MAX])
{
    SIM_ASSERT(point < sweep_points(sc));
    memset(index, 0, SWEEP_AXES_MAX * sizeof index[0]);
    for (uint32_t i = sc->nsweeps; i-- > 0;) {
        index[i] = point % sc->sweeps[i].nvalues;
        point /= sc->sweeps[i].nvalues;
    }
}

void sweep_apply(struct scenario *sc, uint32_t point)
{
    uint32_t index[SWEEP_AXES_MAX];
    sweep_point_values(sc, point, index);
    for (uint32_t i = 0; i < sc->nsweeps; i++) {
        const struct sweep_axis *a = &sc->sweeps[i];
        struct sweep_value v = a->values[index[i]];
        if (a->target == SWEEP_SET) {
            const struct setting *s = &params_table[a->param];
            sweep_write_field(s->type, (char *)&sc->params + s->offset, v);
            continue;
        }
        struct link_config *c = &sc->links[a->link];
        if (a->option == SWEEP_DELAY) {
            c->delay = (struct dist){ .lo = v.lo, .hi = v.hi,
                                      .kind = v.lo == v.hi ? DIST_FIXED : DIST_UNIFORM };
        } else if (a->option == SWEEP_LOSS) {
            c->loss_ppm = (uint32_t)v.lo;
        } else {
            c->duplicate_ppm = (uint32_t)v.lo;
        }
    }
}

const char *sweep_point_label(const struct scenario *sc, uint32_t point, char *buf,
                              size_t size)
{
    return sweep_axes_label(sc, point, sc->nsweeps, buf, size);
}

const char *sweep_axes_label(const struct scenario *sc, uint32_t point, uint32_t naxes,
                             char *buf, size_t size)
{
    uint32_t index[SWEEP_AXES_MAX];
    size_t used = 0;
    buf[0] = 0;
    sweep_point_values(sc, point, index);
    for (uint32_t i = 0; i < naxes && used < size; i++) {
        char name[96], value[80];
        int n = snprintf(buf + used, size - used, "%s%s=%s", i ? ", " : "",
                         sweep_axis_name(&sc->sweeps[i], name, sizeof name),
                         sweep_value_label(&sc->sweeps[i], index[i], value, sizeof value));
        used += n > 0 ? (size_t)n : 0;
    }
    return buf;
}
