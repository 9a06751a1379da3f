/* What every run-type subcommand (run, conform, bench, selftest) shares: the common options
 * (--fs, --dir, --out, --place), the results directory, the scratch file systems and the
 * environment. */
#ifndef MMAPSUITE_HARNESS_H
#define MMAPSUITE_HARNESS_H

#include "results.h"
#include "scratch.h"

#define MS_MAX_FS 16

struct ms_harness {
	/* options */
	char fs_list[256];          /* "tmpfs,ext4"; default "tmpfs,cwd" */
	const char *dirs[MS_MAX_FS]; /* --dir PATH (repeatable) */
	int n_dirs;
	const char *out_root;       /* --out DIR; default reports/out (or $MMAPSUITE_OUT) */
	const char *place;          /* --place; default "host" */
	unsigned long fs_size_mb;   /* --fs-size MB for images and tmpfs; default 1024 */
	/* state */
	struct ms_run *run;
	char run_dir[4096];         /* out_root/run-id */
	struct ms_scratch fs[MS_MAX_FS];
	int n_fs;
};

/* Parses one common option at argv[*i] (advancing *i past its value). Returns 1 if it was
 * one, 0 if not, and exits 2 with a message naming the option on a bad value. */
int ms_harness_option(struct ms_harness *h, int argc, char **argv, int *i);
/* The help text of the common options, for each subcommand's --help. */
extern const char ms_harness_options_help[];

/* Reaps leftovers of dead runs, creates the run and its directory, captures the
 * environment, prepares the file systems (each one added to the environment). Exits 2 on
 * bad input before anything is written. */
void ms_harness_begin(struct ms_harness *h);
/* Releases the scratch areas, saves results.json atomically, calls the renderer (if set) and
 * frees the run (h->run is NULL after). Returns 0, or 1 if saving or rendering failed. */
int ms_harness_end(struct ms_harness *h);

/* Set by the mmapsuite program: renders reports from a saved run directory. Kept as a hook so
 * that lib/ does not depend on reports/. Returns 0 or 1. */
extern int (*ms_harness_renderer)(const struct ms_run *run, const char *run_dir);

/* Default results root: <project>/reports/out when running from a build tree inside the
 * project, else ./mmapsuite-results. */
const char *ms_default_out_root(void);

/* Directory holding the running mmapsuite binary (and mmapsuite-conform beside it). Under
 * the relocatable bundle's launcher (tools/bundle), /proc/self/exe is the bundled ELF loader,
 * so the launcher names the directory in $MMAPSUITE_LIBEXEC. */
const char *ms_self_dir(void);

/* execv() of one of the suite's own programs (mmapsuite-conform): directly, or through the
 * bundled loader and libraries when the launcher set $MMAPSUITE_LOADER and
 * $MMAPSUITE_LIBRARY_PATH, so that a child never meets the system's loader. Returns only on
 * failure, with errno set. */
int ms_execv_self(const char *path, char *const argv[]);

#endif
