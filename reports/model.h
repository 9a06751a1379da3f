/* Views of a run shared by the writers: how conformance results are named and grouped, and
 * how benchmark records are told apart (method, series, plot). */
#ifndef MMAPSUITE_REPORTS_MODEL_H
#define MMAPSUITE_REPORTS_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"

struct ms_counts {
	size_t n[MS_N_OUTCOMES]; /* indexed by enum ms_outcome */
	size_t total;
};

void ms_count_outcomes(const struct ms_run *run, struct ms_counts *out);

/* "suite.test@fs" (plus "@place" off the host), with characters that break KTAP or JUnit
 * names ('#', spaces, newlines) replaced; caller frees. */
char *ms_conf_name(const struct ms_conformance *c);

/* Distinct (place, fs) pairs in order of first appearance: the matrix's columns. */
struct ms_column {
	const char *place, *fs;
};
size_t ms_columns(const struct ms_run *run, struct ms_column **out);
size_t ms_column_of(const struct ms_column *cols, size_t n, const struct ms_conformance *c);
/* The outcomes of the run's results in column k. */
void ms_count_column(const struct ms_run *run, const struct ms_column *cols, size_t n, size_t k,
		     struct ms_counts *out);

/* Same NULL-safe comparison everywhere. */
bool ms_streq(const char *a, const char *b);

/* The method a benchmark record measures ("mmap", "read"...): params.method, or .api, or
 * .engine, or the case name. */
const char *ms_bench_method(const struct ms_benchmark *b);
/* Params that run parallel to the samples (one value per sample), not conditions of the
 * measurement: params keys, labels and pairing leave them out. */
#define MS_PER_SAMPLE_PARAMS "sample_times_s"
/* A record whose samples are a time series: params.sample_times_s holds one number per
 * sample, the seconds from the start of the case to the end of that sample. */
bool ms_bench_is_time_series(const struct ms_benchmark *b);
/* A param as text (numbers without trailing zeros), or NULL; caller frees. */
char *ms_param_text(const struct ms_benchmark *b, const char *name);
/* Canonical text of all params (sorted keys, compact), optionally leaving some out (a comma
 * list) and always leaving out MS_PER_SAMPLE_PARAMS. Caller frees. */
char *ms_params_key(const struct ms_benchmark *b, const char *leave_out);

/* "#rrggbb" for a method: fixed for the common methods, a stable hash for the rest, so the
 * same method has the same colour in every plot, report and comparison. */
const char *ms_method_colour(const char *method);

/* Colour of an outcome in HTML. */
const char *ms_outcome_colour(enum ms_outcome o);


/* "block_size=4 KiB fs=ext4 method=mmap": params for people, sizes with binary prefixes,
 * leaving out a comma list of keys and MS_PER_SAMPLE_PARAMS. Caller frees. */
char *ms_params_label(const struct ms_benchmark *b, const char *leave_out);
/* Bytes with a binary prefix: "4 KiB", "1.5 GiB". */
void ms_format_bytes(double bytes, char *buf, size_t len);
/* A value with 3-4 significant digits for tables. */
void ms_format_value(double v, char *buf, size_t len);

/* First of a '|'-separated list of dotted paths ("kernel.release|kernel_release") that holds
 * a string or number in the environment, as text; NULL if none. Caller frees. */
char *ms_env_text(const struct ms_run *run, const char *paths);
/* Whether the run's CPU was emulated (QEMU's TCG): its timings measure the emulator more than
 * the kernel. x86's TCG names itself in the CPU model ("QEMU TCG CPU"); other architectures'
 * do not, so tools/vm also puts mmapsuite.accel=tcg on the guest kernel's command line, which
 * the environment records (kernel.cmdline). */
bool ms_run_emulated(const struct ms_run *run);
#endif
