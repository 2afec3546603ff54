/* wrap.c: see wrap.h. */
#include "base/wrap.h"

#include <stdbool.h>
#include <string.h>

void wrap_text(FILE *out, const char *lead, size_t indent, const char *text, size_t width)
{
    size_t col = (size_t)fprintf(out, "%s", lead);
    bool first = true; /* no word on this line yet */
    for (;;) {
        text += strspn(text, " ");
        size_t n = strcspn(text, " ");
        if (n == 0)
            break;
        if (!first && col + 1 + n > width) {
            fprintf(out, "\n%*s", (int)indent, "");
            col = indent;
            first = true;
        }
        col += (size_t)fprintf(out, "%s%.*s", first ? "" : " ", (int)n, text);
        first = false;
        text += n;
    }
    fputc('\n', out);
}
