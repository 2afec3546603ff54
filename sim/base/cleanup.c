/* cleanup.c: fixed tables the signal handler can walk without allocating. Entries are
 * written whole before they are published, and the handler only reads them, calls
 * kill and unlink, and _exits: all async-signal-safe. */
#define _POSIX_C_SOURCE 200809L
#include "base/cleanup.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/check.h"

#define FILES_MAX 1024u
#define CHILDREN_MAX 512u

static char *volatile files[FILES_MAX];
static volatile pid_t children[CHILDREN_MAX];

static void on_signal(int sig)
{
    for (unsigned i = 0; i < CHILDREN_MAX; i++)
        if (children[i] > 0)
            kill(children[i], SIGKILL); /* ours, and with nothing of their own to undo */
    for (unsigned i = 0; i < FILES_MAX; i++)
        if (files[i])
            unlink(files[i]);
    _exit(128 + sig);
}

void cleanup_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void cleanup_file(const char *path)
{
    size_t n = strlen(path) + 1;
    char *copy = sim_alloc(n, 1);
    memcpy(copy, path, n);
    for (unsigned i = 0; i < FILES_MAX; i++)
        if (!files[i]) {
            files[i] = copy; /* published whole */
            return;
        }
    free(copy); /* more at once than any command makes: left to the rename */
}

void cleanup_forget_file(const char *path)
{
    for (unsigned i = 0; i < FILES_MAX; i++)
        if (files[i] && strcmp(files[i], path) == 0) {
            char *f = files[i];
            files[i] = NULL;
            free(f);
            return;
        }
}

void cleanup_child(pid_t pid)
{
    for (unsigned i = 0; i < CHILDREN_MAX; i++)
        if (children[i] <= 0) {
            children[i] = pid;
            return;
        }
}

void cleanup_forget_child(pid_t pid)
{
    for (unsigned i = 0; i < CHILDREN_MAX; i++)
        if (children[i] == pid)
            children[i] = 0;
}

void cleanup_reset(void)
{
    for (unsigned i = 0; i < FILES_MAX; i++)
        files[i] = NULL; /* the parent's to undo; leaked in the child on purpose */
    for (unsigned i = 0; i < CHILDREN_MAX; i++)
        children[i] = 0;
}
