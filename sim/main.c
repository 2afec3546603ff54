/* main.c: the command line. Parses every scenario before running any, so bad input
 * produces an error and nothing else; then runs each scenario's strategies over its
 * seeds, prints the tables, checks expectations and writes CSVs. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "check.h"
#include "report.h"
#include "scenario.h"
#include "sim.h"
#include "value.h"

#define EOSIM_VERSION "0.1.0"

struct options {
    const char *command;
    const char **files;
    int nfiles;
    const char *out_dir, *strategy;
    uint64_t seed, runs;
    bool has_seed, has_runs, stats, quiet;
};

static void usage(FILE *out)
{
    fputs("usage: eosim run FILE... [--seed N] [--runs N] [--strategy S] [--out DIR] [--stats]\n"
          "       eosim validate FILE...\n"
          "       eosim --help | --version\n"
          "\n"
          "run       simulate each scenario under each of its strategies and seeds, print a\n"
          "          table per scenario and check its `expect` lines\n"
          "validate  parse the scenarios and report the first error of each\n"
          "\n"
          "--seed N      first seed (overrides the scenario's `seed`)\n"
          "--runs N      number of seeds, N, N+1, ... (overrides `runs`)\n"
          "--strategy S  run only strategy S (a preset or one the scenario defines)\n"
          "--out DIR     write DIR/<scenario>.csv, one row per strategy and seed\n"
          "--stats       print events, wall time and events per second on stderr\n"
          "--quiet       print no tables, only failed expectations and errors\n"
          "\n"
          "exit status: 0 every expectation held, 1 one failed, 2 bad usage or input\n",
          out);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("eosim: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(eosim --help shows the usage)\n", stderr);
    return 2;
}

static int number(const char *arg, uint64_t *out, const char *flag)
{
    char err[VALUE_ERR_LEN];
    if (!arg || !value_count(arg, (unsigned)strlen(arg), out, err))
        return usage_error("%s needs a whole number", flag);
    return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->files = calloc((size_t)argc, sizeof *o->files);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (strcmp(a, "--seed") == 0)
            rc = number(next, &o->seed, a), o->has_seed = true, i++;
        else if (strcmp(a, "--runs") == 0)
            rc = number(next, &o->runs, a), o->has_runs = true, i++;
        else if (strcmp(a, "--out") == 0 || strcmp(a, "--strategy") == 0) {
            if (!next)
                return usage_error("%s needs a value", a);
            *(a[2] == 'o' ? &o->out_dir : &o->strategy) = next;
            i++;
        } else if (strcmp(a, "--stats") == 0)
            o->stats = true;
        else if (strcmp(a, "--quiet") == 0)
            o->quiet = true;
        else if ((strcmp(a, "--help") == 0 || strcmp(a, "--version") == 0) && !o->command)
            o->command = a;
        else if (a[0] == '-' && a[1])
            return usage_error("unknown option %s", a);
        else if (!o->command)
            o->command = a;
        else
            o->files[o->nfiles++] = a;
        if (rc)
            return rc;
    }
    if (o->has_runs && (o->runs < 1 || o->runs > RUNS_MAX))
        return usage_error("--runs must be between 1 and %s", "100000");
    return 0;
}

/* Loads every file; prints each error. False if any failed. */
static bool load_all(const struct options *o, struct scenario *scs)
{
    bool ok = true;
    for (int f = 0; f < o->nfiles; f++) {
        struct parse_error err;
        if (!scenario_load(o->files[f], &scs[f], &err)) {
            parse_error_print(&err, stderr);
            ok = false;
        }
    }
    return ok;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs one scenario; returns the number of failed expectations, or -1 on an I/O error. */
static int run_scenario(const struct options *o, struct scenario *sc)
{
    struct scenario_results res = { .sc = sc };
    if (o->has_seed)
        sc->seed = o->seed;
    if (o->has_runs)
        sc->runs = (uint32_t)o->runs;
    for (uint32_t r = 0; r < sc->nrun; r++)
        if (!o->strategy || strcmp(sc->strategies[sc->run_list[r]].name, o->strategy) == 0)
            res.strategies[res.nstrategies++] = sc->run_list[r];
    res.nseeds = sc->runs;
    res.runs = sim_alloc((size_t)res.nstrategies * res.nseeds, sizeof *res.runs);
    double start = seconds_now();
    uint64_t events = 0;
    for (uint32_t s = 0; s < res.nstrategies; s++)
        for (uint32_t i = 0; i < res.nseeds; i++) {
            struct run_result *r = &res.runs[(size_t)s * res.nseeds + i];
            sim_run(sc, res.strategies[s], sc->seed + i, r);
            events += r->events;
        }
    double wall = seconds_now() - start;
    if (o->stats)
        fprintf(stderr, "stats: %s: %llu events in %.3f s, %.2f M events/s\n", sc->name,
                (unsigned long long)events, wall, wall > 0 ? (double)events / wall / 1e6 : 0.0);
    if (!o->quiet) {
        report_table(stdout, &res);
        fputc('\n', stdout);
    }
    int failed = (int)report_expectations(stderr, &res);
    if (o->out_dir && !report_write_csv(o->out_dir, &res)) {
        fprintf(stderr, "eosim: cannot write %s/%s.csv: %s\n", o->out_dir, sc->name,
                strerror(errno));
        failed = -1;
    }
    free(res.runs);
    return failed;
}

static int command_run(const struct options *o, struct scenario *scs)
{
    for (int f = 0; f < o->nfiles; f++)
        if (o->strategy && scenario_strategy(&scs[f], o->strategy,
                                             (unsigned)strlen(o->strategy)) < 0) {
            fprintf(stderr, "%s: error: no strategy named '%s' (presets: at-most-once "
                    "at-least-once idempotent transactional)\n", o->files[f], o->strategy);
            return 2;
        }
    if (o->out_dir && mkdir(o->out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "eosim: cannot create %s: %s\n", o->out_dir, strerror(errno));
        return 2;
    }
    int status = 0;
    for (int f = 0; f < o->nfiles; f++) {
        int failed = run_scenario(o, &scs[f]);
        if (failed < 0)
            return 2;
        if (failed > 0)
            status = 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    struct options o;
    int rc = parse_args(argc, argv, &o);
    if (rc == 0 && o.command && strcmp(o.command, "--help") == 0) {
        usage(stdout);
    } else if (rc == 0 && o.command && strcmp(o.command, "--version") == 0) {
        printf("eosim %s\n", EOSIM_VERSION);
    } else if (rc == 0) {
        bool run = o.command && strcmp(o.command, "run") == 0;
        bool validate = o.command && strcmp(o.command, "validate") == 0;
        if (!run && !validate)
            rc = o.command ? usage_error("unknown command '%s'", o.command)
                           : usage_error("%s", "no command given");
        else if (o.nfiles == 0)
            rc = usage_error("%s needs at least one scenario file", o.command);
        else {
            struct scenario *scs = sim_alloc((size_t)o.nfiles, sizeof *scs);
            rc = !load_all(&o, scs) ? 2 : run ? command_run(&o, scs) : 0;
            free(scs);
        }
    }
    free(o.files);
    return rc;
}
