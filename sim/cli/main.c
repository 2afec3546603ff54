/* main.c: the command line. Parses every scenario before running any, so bad input
 * produces an error and nothing else; then builds the batch of runs a command asks for
 * (batch.c), runs it on --jobs processes or one --shard of it, and writes what it found:
 * tables on stdout, failed expectations on stderr, and under --out the CSVs, charts and
 * index.html. `merge` rebuilds the batch from shard files and writes the same. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/batch.h"
#include "cli/catalogue.h"
#include "out/chart.h"
#include "base/check.h"
#include "base/cleanup.h"
#include "out/explain.h"
#include "cli/explore.h"
#include "out/help.h"
#include "out/html.h"
#include "cli/jobs.h"
#include "cli/progress.h"
#include "cli/quiz.h"
#include "out/report.h"
#include "out/table.h"
#include "lang/scenario.h"
#include "cli/shard.h"
#include "base/nearest.h"
#include "base/value.h"
#include "base/version.h"
#include "lang/grid.h"

#define SHARDS_MAX 100000u

struct options {
    const char *command;
    const char **files;
    int nfiles;
    const char *out_dir, *strategy;
    const char *mermaid, *trace, *perfetto;  /* explain (and run's traces) */
    const char *answers;                     /* quiz: S=LOST/TWICE,... */
    const char *payment_id;                  /* explain --payment ID: a listed payment */
    uint64_t seed, runs, jobs, shard_k, shard_n, payment, depth;
    bool has_seed, has_runs, has_jobs, has_payment, has_depth, all, stats, quiet, wide;
    bool help; /* CMD --help */
    int charts; /* -1: the command's default, 0: --no-charts, 1: --charts */
};

static int stdout_error; /* errno of the first failed flush of stdout, or 0 */

/* Flushes stdout, keeping the reason of the first failure for the exit status. */
static void flush_stdout(void)
{
    if (fflush(stdout) != 0 && !stdout_error)
        stdout_error = errno ? errno : EIO;
}


static int usage_error(const char *fmt, const char *arg)
{
    fputs("eosim: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(eosim --help shows the usage)\n", stderr);
    return 2;
}

/* An unknown --strategy: the nearest name the scenario defines, or all of them. */
static void no_strategy(const struct scenario *sc, const char *name)
{
    const char *names[STRATEGIES_MAX];
    for (uint32_t i = 0; i < sc->nstrategies; i++)
        names[i] = sc->strategies[i].name;
    const char *near = nearest_name(name, strlen(name), names, sc->nstrategies);
    fprintf(stderr, "%s: error: no strategy named '%s' (", sc->file, name);
    if (near)
        fprintf(stderr, "did you mean %s?)\n", near);
    else
        for (uint32_t i = 0; i < sc->nstrategies; i++)
            fprintf(stderr, "%s%s", names[i], i + 1 < sc->nstrategies ? " " : ")\n");
}

static const char *const commands[] = { "run", "sweep", "merge", "explain", "check",
                                        "validate", "list", "help", "quiz" };
static const char *const options[] = {
    "--seed", "--runs", "--jobs", "--shard", "--payment", "--depth", "--out", "--strategy",
    "--mermaid", "--trace", "--perfetto", "--stats", "--quiet", "--wide", "--charts",
    "--no-charts", "--all", "--first", "--help", "--version", "--answers",
};

/* "unknown command 'rn' (did you mean run?)": a usage error, exit status 2. */
static int unknown_word(const char *what, const char *word, const char *const *names,
                        size_t count)
{
    const char *near = nearest_name(word, strlen(word), names, count);
    fprintf(stderr, "eosim: unknown %s '%s'", what, word);
    if (near)
        fprintf(stderr, " (did you mean %s?)", near);
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

/* "K/N" with 1 <= K <= N <= SHARDS_MAX. */
static int shard_arg(const char *arg, struct options *o)
{
    const char *slash = arg ? strchr(arg, '/') : NULL;
    char err[VALUE_ERR_LEN];
    if (!slash || !value_count(arg, (unsigned)(slash - arg), &o->shard_k, err) ||
        !value_count(slash + 1, (unsigned)strlen(slash + 1), &o->shard_n, err) ||
        o->shard_n < 1 || o->shard_n > SHARDS_MAX || o->shard_k < 1 || o->shard_k > o->shard_n)
        return usage_error("--shard needs K/N with 1 <= K <= N <= 100000, like 2/8, got '%s'",
                           arg ? arg : "");
    return 0;
}

static int option(int argc, char **argv, int *i, struct options *o)
{
    const char *a = argv[*i], *next = *i + 1 < argc ? argv[*i + 1] : NULL;
    const char *eq = strchr(a, '=');
    char name[32];
    if (eq && (size_t)(eq - a) < sizeof name) { /* --opt=value: the value is in the word */
        memcpy(name, a, (size_t)(eq - a));
        name[eq - a] = 0;
        a = name;
        next = eq + 1;
    }
    bool takes_value = true;
    int rc = 0;
    if (strcmp(a, "--seed") == 0)
        rc = number(next, &o->seed, a), o->has_seed = true;
    else if (strcmp(a, "--runs") == 0)
        rc = number(next, &o->runs, a), o->has_runs = true;
    else if (strcmp(a, "--jobs") == 0)
        rc = number(next, &o->jobs, a), o->has_jobs = true;
    else if (strcmp(a, "--shard") == 0)
        rc = shard_arg(next, o);
    else if (strcmp(a, "--payment") == 0 && next && next[0] != '-' &&
             strspn(next, "0123456789") < strlen(next))
        o->payment_id = next, o->has_payment = true; /* a listed payment's id */
    else if (strcmp(a, "--payment") == 0)
        rc = number(next, &o->payment, a), o->has_payment = true, o->payment_id = NULL;
    else if (strcmp(a, "--depth") == 0)
        rc = number(next, &o->depth, a), o->has_depth = true;
    else if (strcmp(a, "--out") == 0 || strcmp(a, "--strategy") == 0 ||
             strcmp(a, "--mermaid") == 0 || strcmp(a, "--trace") == 0 ||
             strcmp(a, "--perfetto") == 0 || strcmp(a, "--answers") == 0) {
        if (!next)
            return usage_error("%s needs a value", a);
        const char **field = a[2] == 'o' ? &o->out_dir : a[2] == 's' ? &o->strategy
                             : a[2] == 'm' ? &o->mermaid : a[2] == 't' ? &o->trace
                             : a[2] == 'a' ? &o->answers : &o->perfetto;
        *field = next;
    } else {
        takes_value = false;
        if (strcmp(a, "--stats") == 0)
            o->stats = true;
        else if (strcmp(a, "--quiet") == 0)
            o->quiet = true;
        else if (strcmp(a, "--wide") == 0)
            o->wide = true;
        else if (strcmp(a, "--charts") == 0 || strcmp(a, "--no-charts") == 0)
            o->charts = a[2] == 'c';
        else if (strcmp(a, "--all") == 0 || strcmp(a, "--first") == 0)
            o->all = a[2] == 'a';
        else
            return unknown_word("option", a, options, sizeof options / sizeof options[0]);
        if (eq)
            return usage_error("%s takes no value", a);
    }
    *i += takes_value && !eq;
    return rc;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->charts = -1;
    o->files = calloc((size_t)argc, sizeof *o->files);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;
        bool asks_help = strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
        if ((asks_help || strcmp(a, "--version") == 0) && !o->command)
            o->command = asks_help ? "--help" : a;
        else if (asks_help)
            o->help = true;
        else if (strcmp(a, "--man") == 0 && o->command && strcmp(o->command, "help") == 0)
            o->files[o->nfiles++] = a;
        else if (a[0] == '-' && a[1])
            rc = option(argc, argv, &i, o);
        else if (!o->command)
            o->command = a;
        else
            o->files[o->nfiles++] = a;
        if (rc)
            return rc;
    }
    const char *paths[] = { o->out_dir, o->mermaid, o->trace, o->perfetto };
    for (int p = 0; p < 4 + o->nfiles; p++) {
        const char *path = p < 4 ? paths[p] : o->files[p - 4];
        if (path && strlen(path) > PATH_ARG_MAX)
            return usage_error("this path is too long for eosim (over 512 characters): %.80s...",
                               path);
    }
    if (o->has_runs && (o->runs < 1 || o->runs > RUNS_MAX))
        return usage_error("--runs must be between 1 and %s", "100000");
    if (o->has_jobs && (o->jobs < 1 || o->jobs > JOBS_MAX))
        return usage_error("--jobs must be between 1 and %s", "256");
    if (o->has_depth && (o->depth < 1 || o->depth > CHECK_DEPTH_MAX))
        return usage_error("--depth must be between 1 and %s", "3");
    if (!o->has_jobs)
        o->jobs = jobs_default();
    return 0;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- building the batch ---- */

/* Parses every file into an item; prints each error. False if any failed. */
static bool load_all(const struct options *o, struct batch *b)
{
    bool ok = true;
    for (int f = 0; f < o->nfiles; f++) {
        struct parse_error err;
        if (!scenario_load(o->files[f], &b->items[f].sc, &err)) {
            parse_error_print(&err, stderr);
            ok = false;
        }
    }
    return ok;
}

/* Applies the command line to each item; false (exit 2) for an unknown strategy. */
static bool configure(const struct options *o, struct batch *b, bool swept)
{
    for (uint32_t i = 0; i < b->nitems; i++) {
        struct scenario *sc = &b->items[i].sc;
        if (o->has_seed)
            sc->seed = o->seed;
        if (o->has_runs)
            sc->runs = (uint32_t)o->runs;
        if (!batch_add_item(b, i, swept, o->strategy)) {
            no_strategy(sc, o->strategy);
            return false;
        }
        if (sc->nspace_expects > 0 && !o->quiet)
            fprintf(stderr, "eosim: note: %s: %u expect-all/expect-some check%s over a fault "
                    "space,\n  not checked by run: `eosim check %s` checks them\n", sc->file,
                    sc->nspace_expects, sc->nspace_expects == 1 ? "" : "s", sc->file);
        if (!swept && sc->nsweeps > 0 && !o->quiet)
            fprintf(stderr, "eosim: note: %s has %u sweep line%s (%u points); `eosim run`\n"
                    "  runs its base point only, and this runs the grid: eosim sweep %s\n", sc->file,
                    sc->nsweeps, sc->nsweeps == 1 ? "" : "s", sweep_points(sc), sc->file);
    }
    return true;
}

static bool make_out_dir(const char *dir)
{
    struct stat st;
    if (!dir || mkdir(dir, 0777) == 0)
        return true;
    if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    if (errno == EEXIST)
        errno = ENOTDIR;
    fprintf(stderr, "eosim: cannot create %s: %s\n", dir, strerror(errno));
    return false;
}

/* ---- writing what a batch found ---- */

/* Expectations of one item, printed on stderr and kept for the page. */
static uint32_t check_item(const struct sweep_results *sr, char **failures)
{
    size_t len = 0;
    FILE *mem = open_memstream(failures, &len);
    if (!mem)
        SIM_PANIC("open_memstream: %s", strerror(errno));
    uint32_t failed = report_sweep_expectations(mem, sr);
    fclose(mem);
    fputs(*failures, stderr);
    return failed;
}

static bool charts_wanted(const struct options *o, const struct batch *b)
{
    if (!o->out_dir || o->charts == 0)
        return false;
    if (o->charts == 1)
        return true;
    for (uint32_t i = 0; i < b->nitems; i++)
        if (b->items[i].swept)
            return true;
    return false;
}

/* "eosim sweep a.scn b.scn": what made the page, from the batch itself, so a merge of
 * shards in any order, a run with any --jobs and any --out name it alike. */
static char *page_command(const struct batch *b)
{
    size_t size = 16;
    for (uint32_t i = 0; i < b->nitems; i++)
        size += strlen(b->items[i].sc.file) + 1;
    char *line = sim_alloc(size, 1);
    strcpy(line, b->nitems && !b->items[0].swept ? "eosim run" : "eosim sweep");
    for (uint32_t i = 0; i < b->nitems; i++) {
        strcat(line, " ");
        strcat(line, b->items[i].sc.file);
    }
    return line;
}

static bool write_page(const struct options *o, const struct batch *b, struct chart_set *sets,
                       char **failures)
{
    const char *note = NULL;
    if (chart_gnuplot_found()) {
        chart_render(o->out_dir, sets, b->nitems, (unsigned)o->jobs);
    } else {
        for (uint32_t i = 0; i < b->nitems; i++)
            chart_clear(o->out_dir, &sets[i]);
        note = "gnuplot is not on PATH: the chart scripts are under charts/, but no image was "
               "drawn. Install gnuplot and run `make report`.";
        fprintf(stderr, "eosim: gnuplot is not on PATH: wrote the chart scripts under "
                "%s/charts/ but no PNG or SVG (install gnuplot, then `make report`)\n",
                o->out_dir);
    }
    struct sweep_results *srs = sim_alloc(b->nitems, sizeof *srs);
    struct html_item *items = sim_alloc(b->nitems, sizeof *items);
    for (uint32_t i = 0; i < b->nitems; i++) {
        batch_results(b, i, &srs[i]);
        items[i] = (struct html_item){ &srs[i], &sets[i], failures[i] };
    }
    char *command = page_command(b);
    bool ok = html_write_index(o->out_dir, items, b->nitems, note, command);
    free(command);
    if (!ok)
        fprintf(stderr, "eosim: cannot write %s/index.html: %s\n", o->out_dir, strerror(errno));
    else if (!o->quiet)
        printf("wrote %s/index.html: open it in a browser for every scenario on one page\n",
               o->out_dir);
    free(items);
    free(srs);
    return ok;
}

/* Files of one item under --out; false after printing what failed. */
static bool write_item(const struct options *o, const struct sweep_results *sr, bool charts,
                       struct chart_set *set)
{
    char failed[1200];
    if (!report_write_csvs(o->out_dir, sr, failed, sizeof failed) ||
        (charts && !chart_write(o->out_dir, sr, set, failed, sizeof failed))) {
        fprintf(stderr, "eosim: cannot write %s: %s\n", failed, strerror(errno));
        return false;
    }
    return true;
}

/* Tables, expectations and files; the exit status. */
static int write_outputs(const struct options *o, const struct batch *b)
{
    bool charts = charts_wanted(o, b), io_ok = true;
    struct chart_set *sets = sim_alloc(b->nitems, sizeof *sets);
    char **failures = sim_alloc(b->nitems, sizeof *failures);
    int status = 0;
    for (uint32_t i = 0; i < b->nitems; i++) {
        struct sweep_results sr;
        batch_results(b, i, &sr);
        if (!o->quiet) {
            table_sweep(stdout, &sr, o->wide);
            fputc('\n', stdout);
        }
        flush_stdout();
        if (check_item(&sr, &failures[i]) > 0 && status == 0)
            status = 1;
        if (report_stops(stderr, &sr, o->quiet) > 0)
            status = 2; /* a result cut short by the work bound is not a verdict */
        if (o->out_dir && io_ok)
            io_ok = write_item(o, &sr, charts, &sets[i]);
    }
    if (charts && io_ok)
        io_ok = write_page(o, b, sets, failures);
    for (uint32_t i = 0; i < b->nitems; i++)
        free(failures[i]);
    free(failures);
    free(sets);
    return io_ok ? status : 2;
}

/* ---- commands ---- */

static void print_stats(const struct batch *b, uint32_t i, double wall)
{
    const struct batch_item *it = &b->items[i];
    uint64_t events = 0;
    for (size_t r = 0; r < it->nruns; r++)
        events += b->results[it->first + r].events;
    fprintf(stderr, "stats: %s: %llu events in %.3f s, %.2f M events/s\n", it->sc.name,
            (unsigned long long)events, wall, wall > 0 ? (double)events / wall / 1e6 : 0.0);
}

/* Runs every run, item by item with --stats so each gets its own wall time. */
static bool run_all(const struct options *o, struct batch *b)
{
    bool progress = progress_wanted(o->quiet);
    if (!o->stats)
        return batch_run(b, NULL, 0, (unsigned)o->jobs, progress);
    size_t *indices = sim_alloc(b->nruns ? b->nruns : 1, sizeof *indices);
    bool ok = true;
    for (uint32_t i = 0; ok && i < b->nitems; i++) {
        const struct batch_item *it = &b->items[i];
        for (size_t r = 0; r < it->nruns; r++)
            indices[r] = it->first + r;
        double start = seconds_now();
        ok = batch_run(b, indices, it->nruns, (unsigned)o->jobs, progress);
        print_stats(b, i, seconds_now() - start);
    }
    free(indices);
    return ok;
}

/* Runs this machine's shard of every item and writes the shard files. */
static int run_shard(const struct options *o, struct batch *b)
{
    const char *dir = o->out_dir ? o->out_dir : ".";
    unsigned k = (unsigned)o->shard_k, n = (unsigned)o->shard_n;
    size_t *indices = sim_alloc(b->nruns ? b->nruns : 1, sizeof *indices), count = 0;
    for (uint32_t i = 0; i < b->nitems; i++)
        count += shard_select(b, i, k, n, indices + count);
    bool ok = batch_run(b, indices, count, (unsigned)o->jobs, progress_wanted(o->quiet));
    free(indices);
    if (!ok)
        return 3;
    for (uint32_t i = 0; i < b->nitems; i++) {
        size_t len;
        char path[1200], *text = shard_read_text(b->items[i].sc.file, &len);
        if (!text)
            return 2;
        ok = shard_write(dir, b, i, o->command, o->strategy, k, n, text, len, path,
                         sizeof path);
        free(text);
        if (!ok) {
            fprintf(stderr, "eosim: cannot write %s: %s\n", path, strerror(errno));
            return 2;
        }
        if (!o->quiet)
            printf("wrote %s (%zu of %zu runs)\n", path,
                   b->items[i].nruns / n + ((k - 1) < b->items[i].nruns % n), b->items[i].nruns);
    }
    return 0;
}

static int command_run(const struct options *o, bool swept)
{
    struct batch b;
    batch_init(&b, (uint32_t)o->nfiles);
    int rc = 2;
    if (load_all(o, &b) && configure(o, &b, swept) && batch_plan(&b) &&
        make_out_dir(o->out_dir)) {
        if (o->shard_n)
            rc = run_shard(o, &b);
        else
            rc = run_all(o, &b) ? write_outputs(o, &b) : 3;
    }
    batch_fini(&b);
    return rc;
}

static int command_merge(const struct options *o)
{
    if (o->has_seed || o->has_runs || o->strategy || o->shard_n)
        return usage_error("%s", "merge takes no --seed, --runs, --strategy or --shard: the "
                           "shards record them");
    struct shard *shards = sim_alloc((size_t)o->nfiles, sizeof *shards);
    struct batch b;
    memset(&b, 0, sizeof b);
    int rc = 2;
    bool ok = true;
    for (int f = 0; ok && f < o->nfiles; f++)
        ok = shard_read(o->files[f], &shards[f]);
    if (ok && shard_merge(shards, (unsigned)o->nfiles, &b) && make_out_dir(o->out_dir))
        rc = write_outputs(o, &b);
    for (int f = 0; f < o->nfiles; f++)
        shard_free(&shards[f]);
    free(shards);
    batch_fini(&b);
    return rc;
}

/* explain (and run with --trace/--perfetto): one scenario, one strategy, one seed. */
static int command_explain(const struct options *o, bool trace_only)
{
    static struct scenario sc;
    struct parse_error err;
    if (o->nfiles != 1)
        return usage_error("%s takes one scenario file", o->command);
    if (!scenario_load(o->files[0], &sc, &err)) {
        parse_error_print(&err, stderr);
        return 2;
    }
    int s = o->strategy ? scenario_strategy(&sc, o->strategy, (unsigned)strlen(o->strategy))
                        : sc.nrun == 1 ? sc.run_list[0] : -2;
    if (s == -2)
        return usage_error("%s needs --strategy S: the scenario runs several", o->command);
    if (s < 0) {
        no_strategy(&sc, o->strategy);
        return 2;
    }
    int listed = o->payment_id ? scenario_listed_payment(&sc, o->payment_id,
                                                         (unsigned)strlen(o->payment_id)) : 0;
    if (listed < 0)
        return usage_error("--payment %s names no payment the scenario lists", o->payment_id);
    uint64_t payment = o->payment_id ? (uint64_t)listed : o->payment;
    if (o->has_payment && payment >= sc.payments)
        return usage_error("--payment must be a payment of the scenario (0 to %s - 1)",
                           "payments");
    struct explain_request rq = {
        .strategy = (uint32_t)s, .seed = o->has_seed ? o->seed : sc.seed,
        .payment = o->has_payment ? (uint32_t)payment : UINT32_MAX, .all = o->all,
        .trace_only = trace_only, .mermaid = o->mermaid, .trace = o->trace,
        .perfetto = o->perfetto,
    };
    if (explain_command(stdout, &sc, &rq) != 0)
        return 2; /* it said which file */
    uint64_t runs = o->has_runs ? o->runs : sc.runs;
    if (trace_only) /* a run of several seeds traces one: say which */
        fprintf(stderr, "eosim: traced %s under seed %llu%s\n", sc.strategies[s].name,
                (unsigned long long)rq.seed, runs > 1 ? ", the first of the run's seeds "
                "(--seed N traces another)" : "");
    return 0;
}

/* check: each scenario in turn; the worst exit status. */
static int command_check(const struct options *o)
{
    static struct scenario sc;
    int worst = 0;
    for (int f = 0; f < o->nfiles && worst < 2; f++) {
        struct parse_error err;
        if (!scenario_load(o->files[f], &sc, &err)) {
            parse_error_print(&err, stderr);
            return 2;
        }
        int s = o->strategy ? scenario_strategy(&sc, o->strategy, (unsigned)strlen(o->strategy))
                            : -1;
        if (o->strategy && s < 0) {
            no_strategy(&sc, o->strategy);
            return 2;
        }
        if (!make_out_dir(o->out_dir))
            return 2;
        struct check_request rq = {
            .depth = o->has_depth ? (uint32_t)o->depth : 1, .strategy = s,
            .seed = o->has_seed ? o->seed : sc.seed, .jobs = (unsigned)o->jobs,
            .out_dir = o->out_dir, .quiet = o->quiet, .progress = progress_wanted(o->quiet),
        };
        if (f > 0 && !o->quiet)
            fputc('\n', stdout);
        int rc = explore_command(stdout, &sc, &rq);
        flush_stdout();
        worst = rc > worst ? rc : worst;
    }
    return worst;
}

static int command_validate(const struct options *o)
{
    struct batch b;
    batch_init(&b, (uint32_t)o->nfiles);
    int rc = load_all(o, &b) ? 0 : 2;
    batch_fini(&b);
    return rc;
}

/* A table nobody could read is a failure: stdout's errors (a full disk, a closed pipe
 * that does not kill us) turn the exit status to 2. */
static int stdout_checked(int rc)
{
    flush_stdout();
    if (!stdout_error && !ferror(stdout))
        return rc;
    fprintf(stderr, "eosim: cannot write standard output: %s\n",
            stdout_error ? strerror(stdout_error) : "a write failed");
    return rc > 2 ? rc : 2;
}

static bool known_command(const char *cmd)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i]) == 0)
            return true;
    return false;
}

static bool reads_stdin(const struct options *o)
{
    for (int i = 0; i < o->nfiles; i++)
        if (strcmp(o->files[i], "-") == 0)
            return true;
    return false;
}

/* quiz FILE [--answers S=L/D,...]: predict, then run. */
static int command_quiz(const struct options *o)
{
    static struct scenario sc;
    struct parse_error err;
    if (o->nfiles != 1)
        return usage_error("%s takes one scenario file", o->command);
    if (!scenario_load(o->files[0], &sc, &err)) {
        parse_error_print(&err, stderr);
        return 2;
    }
    if (o->has_seed)
        sc.seed = o->seed;
    if (o->has_runs)
        sc.runs = (uint32_t)o->runs;
    return quiz_run(stdout, stdin, &sc, o->answers);
}

/* help [TOPIC | --man]: the reference, or the man page. */
static int command_help(const struct options *o)
{
    if (o->nfiles > 1)
        return usage_error("%s", "help takes one topic at most");
    if (o->nfiles == 1 && strcmp(o->files[0], "--man") == 0) {
        help_man(stdout);
        return 0;
    }
    if (help_print(stdout, o->nfiles ? o->files[0] : NULL))
        return 0;
    size_t n = 0;
    while (help_topics[n])
        n++;
    return unknown_word("help topic", o->files[0], help_topics, n);
}

/* list [DIR]: the catalogue, name and about of each scenario in DIR, or in scenarios/
 * here, or in the installed catalogue. */
static int command_list(const struct options *o)
{
    const char *dir = o->nfiles ? o->files[0] : NULL;
    char installed[1100];
    struct stat st;
    if (!dir)
        dir = stat("scenarios", &st) == 0 && S_ISDIR(st.st_mode)
                  ? "scenarios" : catalogue_installed(installed, sizeof installed);
    return catalogue_list(stdout, stderr, dir) ? 0 : 2;
}

int main(int argc, char **argv)
{
    struct options o;
    cleanup_install();
    int rc = parse_args(argc, argv, &o);
    const char *cmd = o.command;
    if (rc != 0) {
        /* the usage error is printed */
    } else if (cmd && strcmp(cmd, "--help") == 0) {
        help_usage(stdout);
    } else if (cmd && strcmp(cmd, "--version") == 0) {
        printf("eosim %s\n", EOSIM_VERSION);
    } else if (!cmd) {
        help_usage(stderr); /* a bare `eosim`: what it can do */
        rc = 2;
    } else if (!known_command(cmd)) {
        rc = unknown_word("command", cmd, commands, sizeof commands / sizeof commands[0]);
    } else if (o.help) {
        help_command(stdout, cmd);
    } else if (strcmp(cmd, "help") == 0) {
        rc = command_help(&o);
    } else if (strcmp(cmd, "list") == 0) {
        rc = command_list(&o);
    } else if (o.nfiles == 0) {
        rc = usage_error(strcmp(cmd, "merge") == 0 ? "%s needs at least one shard file"
                                                   : "%s needs at least one scenario file", cmd);
    } else if (o.shard_n && strcmp(cmd, "run") && strcmp(cmd, "sweep")) {
        rc = usage_error("--shard applies to run and sweep, not %s", cmd);
    } else if (o.shard_n && reads_stdin(&o)) {
        rc = usage_error("%s", "a scenario from standard input (-) cannot be sharded: merge "
                         "reads each scenario again from its file");
    } else if (strcmp(cmd, "merge") == 0) {
        rc = command_merge(&o);
    } else if (strcmp(cmd, "validate") == 0) {
        rc = command_validate(&o);
    } else if (strcmp(cmd, "check") == 0) {
        rc = command_check(&o);
    } else if (strcmp(cmd, "explain") == 0) {
        rc = command_explain(&o, false);
    } else if (strcmp(cmd, "quiz") == 0) {
        rc = command_quiz(&o);
    } else if (o.trace || o.perfetto) {
        rc = strcmp(cmd, "run")
                 ? usage_error("%s", "--trace and --perfetto go with explain, or with run for "
                               "one strategy (--strategy S)")
                 : command_explain(&o, true);
    } else {
        rc = command_run(&o, strcmp(cmd, "sweep") == 0);
    }
    free(o.files);
    return stdout_checked(rc);
}
