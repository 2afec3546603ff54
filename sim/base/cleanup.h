/* cleanup.h: what a process must undo if it is interrupted. Temporary files (written
 * under a hidden name before a rename) and child processes (workers, gnuplot) are
 * registered while they exist; on SIGINT or SIGTERM the handler ends the children,
 * removes the temporaries and exits with 128 + the signal (130, 143), so a killed run
 * leaves only whole files. */
#ifndef EOSIM_CLEANUP_H
#define EOSIM_CLEANUP_H

#include <sys/types.h>

/* Installs the handlers; once, at the start of main. */
void cleanup_install(void);
/* A temporary file now exists at path (copied); forget it once renamed or removed. */
void cleanup_file(const char *path);
void cleanup_forget_file(const char *path);
/* A child process now runs; forget it once reaped. */
void cleanup_child(pid_t pid);
void cleanup_forget_child(pid_t pid);
/* In a freshly forked child: nothing registered is its own to undo. */
void cleanup_reset(void);

#endif
