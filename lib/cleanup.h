/* The one clean-up registry: everything a process must undo when it ends (scratch areas, a
 * benchmark's cgroup, contained test runs, a test's files, mounts and machine settings) is an
 * entry here, run at exit() and, where asked, on SIGINT, SIGTERM and SIGHUP through one
 * signal handler, which then dies of the signal so the exit status still says it.
 *
 * An entry belongs to the process that registered it (its getpid() is kept with it): a forked
 * child that calls exit() or is interrupted runs none of its parent's entries, so it never
 * unmounts its parent's areas, removes its parent's files or restores its parent's settings.
 *
 * Entries run by phase (processes stopped first, then settings put back, then what is left
 * released), newest first within a phase. The table is static storage: no malloc, so the
 * signal path stays async-signal-safe when the entries are. Plain C, no other lib/ code: linked
 * into libmmapsuite and into the conformance test binary. */
#ifndef MMAPSUITE_CLEANUP_H
#define MMAPSUITE_CLEANUP_H

enum ms_cleanup_phase {
	MS_CLEANUP_STOP,     /* processes that may still write to what is released next */
	MS_CLEANUP_RESTORE,  /* machine-wide settings a test or run changed */
	MS_CLEANUP_RELEASE,  /* mounts, files, cgroups, directories */
};

/* When an entry runs. An entry that runs on a signal must be async-signal-safe. */
#define MS_CLEANUP_AT_EXIT 1u
#define MS_CLEANUP_ON_SIGNAL 2u

#define MS_CLEANUP_MAX 32

/* Registers fn for this process. Registering the same fn again from the same process keeps its
 * place and widens its `when`. Returns 0, or -1 when the table is full (the entry is then not kept: the
 * caller's clean-up must be run by hand). */
int ms_cleanup_add(enum ms_cleanup_phase phase, void (*fn)(void), unsigned when);

/* Drops this process's entry for fn (it will not run). */
void ms_cleanup_remove(void (*fn)(void));

/* Installs the one handler for SIGINT, SIGTERM and SIGHUP: it runs this process's
 * MS_CLEANUP_ON_SIGNAL entries, then dies of the signal. Also ignores SIGPIPE, so that a
 * reader going away (mmapsuite ... | head) turns writes into EPIPE instead of a death that
 * skips the clean-up. Safe to call more than once. */
void ms_cleanup_catch_signals(void);

/* Runs this process's entries that have any of the bits of `when`, by phase, newest first, and
 * drops them (each runs at most once until it is registered again). Async-signal-safe when the
 * entries are. */
void ms_cleanup_run(unsigned when);

#endif
