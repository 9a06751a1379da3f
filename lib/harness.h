/* What every run-type subcommand (run, conform, bench, selftest) shares: the common options
 * (--fs, --dir, --out, --place), the results directory, the scratch file systems and the
 * environment. */
#ifndef MMAPSUITE_HARNESS_H
#define MMAPSUITE_HARNESS_H

#include "expect.h"
#include "options.h"
#include "results.h"
#include "scratch.h"

#define MS_MAX_FS 16

struct ms_harness {
	/* options */
	char fs_list[256];          /* "tmpfs,ext4"; default "tmpfs,cwd" */
	const char *dirs[MS_MAX_FS]; /* --dir PATH (repeatable) */
	int n_dirs;
	const char *out_root;       /* --out DIR; default: ms_default_out_root() */
	bool out_given;             /* out_root came from --out */
	const char *place;          /* --place; default "host" */
	unsigned long fs_size_mb;   /* --fs-size MB for images and tmpfs; default 1024,
				     * more where the THP PMD is over 2 MiB */
	const char *expect_path;    /* --expect FILE: known deviations (NULL: none) */
	bool strict_expect;         /* --strict-expect: an XPASS fails the run */
	const char *history;        /* --history FILE; NULL: history.sqlite beside the run */
	bool no_render;             /* --no-render: results.json only, rendered elsewhere */
	/* state */
	struct ms_expect *expect;   /* loaded by ms_harness_begin */
	/* after ms_harness_end: conformance results by outcome, expectations applied */
	size_t n_failed;            /* fail + broken */
	size_t n_xfail, n_xpass;
	struct ms_run *run;
	char *out_dir;              /* the checked results root, or root's subdirectory of a
				     * shared one (results_dir.h): run directories and history */
	char run_dir[4096];         /* out_dir/run-id, created new */
	struct ms_scratch fs[MS_MAX_FS];
	int n_fs;
};

/* The common options (--fs, --dir, --fs-size, --out, --place, --expect, --strict-expect,
 * --no-expect): a table for ms_options_begin, with ids from MS_OPT_HARNESS on. */
enum { MS_OPT_HARNESS = 200 };
extern const struct ms_option ms_harness_options[];
/* Applies the option id (from ms_options_next; given: as written, value: its argument).
 * Returns 1 if id is a common option, 0 if not; exits 2 with a message naming the option on
 * a bad value. */
int ms_harness_handle(struct ms_harness *h, int id, const char *given, const char *value);

/* Reaps leftovers of dead runs, creates the run and its directory, captures the
 * environment, prepares the file systems (each one added to the environment). Exits 2 on
 * bad input before anything is written. */
void ms_harness_begin(struct ms_harness *h);
/* Applies the expectation file (if any) to run->conformance[from..]: matched failures become
 * xfail, matched passes xpass. ms_harness_end does it for every result; a runner may call it
 * earlier to print counts that include them. */
void ms_harness_apply_expect(struct ms_harness *h, size_t from);
/* Releases the scratch areas, applies the expectations, lists XPASS results, saves
 * results.json atomically, calls the renderer (if set) and frees the run (h->run is NULL
 * after). Sets n_failed, n_xfail, n_xpass. Returns 0, or MS_EXIT_RECORDING after a message
 * "recording the run failed: ..." if saving, rendering or the history failed. */
int ms_harness_end(struct ms_harness *h);
/* The conformance verdict after ms_harness_end: true when a failure is not expected, or when
 * --strict-expect is given and an expected failure passed. */
bool ms_harness_failed(const struct ms_harness *h);

/* Set by the mmapsuite program: renders reports from a saved run directory and records the
 * run in the history database (history: --history FILE, NULL for the default). Kept as a hook so
 * that lib/ does not depend on reports/. Returns 0 or 1. */
extern int (*ms_harness_renderer)(const struct ms_run *run, const char *run_dir,
				  const char *history);

/* Default results root: $MMAPSUITE_OUT, else <project>/reports/out when running from a build
 * tree inside the project and this user may write there, else ./mmapsuite-results. */
const char *ms_default_out_root(void);

#endif
