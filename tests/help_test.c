/* help_test.c: the reference (`eosim help`, the man page) covers every word the parser
 * and the run take: statements, parameters, knobs, points, kinds, metrics, columns. */
#include <stdlib.h>
#include <string.h>

#include "lang/model.h"
#include "lang/params.h"
#include "lang/scenario.h"
#include "lang/strategy.h"
#include "out/help.h"
#include "out/results.h"
#include "test.h"

static void write_topic(FILE *out, const void *topic) { help_print(out, topic); }
static void write_man(FILE *out, const void *unused) { (void)unused; help_man(out); }

/* Each name of a settings table heads an entry of its topic, and of the man page. */
static void check_settings(const char *topic, const struct setting *table, const char *man)
{
    char *text = test_capture(write_topic, topic);
    for (const struct setting *t = table; t->name; t++) {
        char head[96];
        snprintf(head, sizeof head, "\n%s ", t->name);
        CHECK(strstr(text, head) != NULL);
        CHECK(t->help && t->help[0]);
        snprintf(head, sizeof head, "\\fB%s", t->name);
        for (char *h = strchr(head, '-'); h; h = strchr(h + 2, '-')) { /* troff: \- */
            memmove(h + 1, h, strlen(h) + 1);
            *h = '\\';
        }
        CHECK(strstr(man, head) != NULL);
    }
    free(text);
}

static void test_help_covers_every_setting(void)
{
    char *man = test_capture(write_man, NULL);
    check_settings("parameters", params_table, man);
    check_settings("knobs", strategy_knobs, man);
    free(man);
}

static void test_help_covers_every_word(void)
{
    for (size_t i = 0; scenario_statement_word(i); i++)
        CHECK(help_of("statements", scenario_statement_word(i)) != NULL);
    for (int p = 1; p < POINT_COUNT; p++)
        CHECK(help_of("points", point_names[p]) != NULL);
    for (int k = 1; k < MSG_KIND_COUNT; k++)
        CHECK(help_of("kinds", msg_kind_names[k]) != NULL);
    for (int m = 0; m < METRIC_COUNT; m++)
        CHECK(help_of("metrics", metric_names[m]) != NULL);
    for (const struct result_column *c = result_columns; c->name; c++)
        CHECK(help_of("columns", c->name) != NULL);
    CHECK(help_of("statements", "frobnicate") == NULL);
    CHECK(help_of("metrics", "refunds") == NULL);
}

static void test_help_topics_print(void)
{
    for (size_t i = 0; help_topics[i]; i++) {
        char *text = test_capture(write_topic, help_topics[i]);
        CHECK(strncmp(text, help_topics[i], strlen(help_topics[i])) == 0);
        for (char *line = text; *line;) { /* 80 columns */
            size_t n = strcspn(line, "\n");
            CHECK(n <= 80);
            line += n + (line[n] != 0);
        }
        free(text);
    }
    CHECK(!help_print(stdout, "nonsense"));
}

const struct test help_tests[] = {
    { "help_covers_every_setting", test_help_covers_every_setting },
    { "help_covers_every_word", test_help_covers_every_word },
    { "help_topics_print", test_help_topics_print },
    { NULL, NULL },
};
