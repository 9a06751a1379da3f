/* results.json: round trip, atomic save, and every kind of bad input named precisely. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results.h"
#include "util.h"
#include "unit_files.h"

static char dir[] = "/tmp/mmapsuite-unit-XXXXXX";

static void make_dir(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
	ms_remove_tree(dir);
}

static struct ms_run *sample_run(void)
{
	struct ms_run *run = ms_run_new("host");
	json_object_set_new(run->environment, "kernel", json_pack("{s:s}", "release", "6.18"));
	struct ms_conformance c = { .suite = "mmap_shared", .test = "store_reaches_file",
				    .ids = "b1 b3", .spec = "POSIX", .fs = "ext4",
				    .outcome = MS_FAIL, .message = "byte 7 is 0x00, not \"x\"",
				    .duration_s = 0.25,
				    .kernel_log = "WARNING: CPU: 1 PID: 7 at mm/x.c:1\nCall Trace:" };
	ms_run_add_conformance(run, &c);
	c.outcome = MS_SKIP, c.message = NULL, c.fs = "dir:/mnt/nfs", c.kernel_log = NULL;
	ms_run_add_conformance(run, &c);
	double samples[] = { 1.5, 2.5, 2.0 };
	struct ms_benchmark b = { .bench_case = "seq_read", .metric = "throughput",
				  .unit = "MB/s", .higher_is_better = true, .samples = samples,
				  .n_samples = 3, .median = 2.0, .ci_low = 1.5, .ci_high = 2.5,
				  .noisy = true, .overview = "performance" };
	b.params = json_pack("{s:s, s:i}", "method", "mmap", "block_size", 4096);
	b.counters = json_pack("{s:{s:f}}", "page-faults", "per_op", 0.5);
	ms_run_add_benchmark(run, &b);
	json_decref(b.params);
	json_decref(b.counters);
	json_object_set_new(run->extra, "note", json_string("kept"));
	return run;
}

static char *path_in_dir(const char *name)
{
	return ms_asprintf("%s/%s", dir, name);
}

TestSuite(results, .init = make_dir, .fini = remove_dir);

/* Assert that a saved run loads back with every field equal. */
Test(results, save_then_load_round_trips_every_field)
{
	struct ms_run *run = sample_run();
	char *path = path_in_dir("results.json"), err[512];
	cr_assert_eq(ms_run_save(run, path), 0);
	struct ms_run *back = ms_run_load(path, err, sizeof(err));
	cr_assert_not_null(back, "%s", err);
	cr_assert_str_eq(back->id, run->id);
	cr_assert_str_eq(back->time, run->time);
	cr_assert_str_eq(back->place, "host");
	cr_assert_eq(back->n_conformance, 2);
	cr_assert_str_eq(back->conformance[0].ids, "b1 b3");
	cr_assert_eq(back->conformance[0].outcome, MS_FAIL);
	cr_assert_str_eq(back->conformance[0].message, "byte 7 is 0x00, not \"x\"");
	cr_assert_null(back->conformance[1].message);
	cr_assert_str_eq(back->conformance[0].kernel_log, run->conformance[0].kernel_log);
	cr_assert_null(back->conformance[1].kernel_log);
	cr_assert_str_eq(back->conformance[1].fs, "dir:/mnt/nfs");
	cr_assert_float_eq(back->conformance[0].duration_s, 0.25, 1e-12);
	cr_assert_eq(back->n_benchmarks, 1);
	cr_assert_eq(back->benchmarks[0].n_samples, 3);
	cr_assert_float_eq(back->benchmarks[0].samples[1], 2.5, 1e-12);
	cr_assert(back->benchmarks[0].noisy && back->benchmarks[0].higher_is_better);
	cr_assert_str_eq(back->benchmarks[0].overview, "performance");
	cr_assert(json_equal(back->benchmarks[0].params, run->benchmarks[0].params));
	cr_assert(json_equal(back->benchmarks[0].counters, run->benchmarks[0].counters));
	cr_assert(json_equal(back->environment, run->environment));
	cr_assert(json_equal(back->extra, run->extra));
	/* and the second save is byte-identical to the first */
	char *again = path_in_dir("again.json");
	cr_assert_eq(ms_run_save(back, again), 0);
	char *a = ms_read_file(path, NULL), *b = ms_read_file(again, NULL);
	cr_assert_str_eq(a, b);
	free(a), free(b), free(path), free(again);
	ms_run_free(run);
	ms_run_free(back);
}

/* Assert that a failed save leaves the previous file as it was and no temporary behind. */
Test(results, failed_save_keeps_the_old_file)
{
	struct ms_run *run = sample_run();
	char *path = path_in_dir("results.json");
	ms_unit_write_text(path, "old contents\n");
	/* a directory where the temporary file would go makes the write fail */
	char *blocker = ms_asprintf("%s.tmp.%d", path, (int)getpid());
	cr_assert_eq(mkdir(blocker, 0700), 0);
	cr_assert_eq(ms_run_save(run, path), -1);
	char *text = ms_read_file(path, NULL);
	cr_assert_str_eq(text, "old contents\n");
	rmdir(blocker);
	free(text), free(blocker), free(path);
	ms_run_free(run);
}

struct bad_case {
	const char *name, *content, *expect;
};

static void expect_rejected(const struct bad_case *c)
{
	char *path = path_in_dir(c->name), err[512];
	ms_unit_write_text(path, c->content);
	struct ms_run *run = ms_run_load(path, err, sizeof(err));
	cr_assert_null(run, "%s was accepted", c->name);
	cr_assert(strstr(err, path) != NULL, "the message does not name the file: %s", err);
	cr_assert(strstr(err, c->expect) != NULL, "%s: expected '%s' in: %s", c->name, c->expect,
		  err);
	char *after = ms_read_file(path, NULL);
	cr_assert_str_eq(after, c->content, "%s was modified", c->name);
	free(after), free(path);
}

/* Assert that corrupt, truncated, foreign and future files are refused with a reason. */
Test(results, bad_files_are_refused_with_a_reason)
{
	static const struct bad_case cases[] = {
		{ "empty.json", "", "empty" },
		{ "truncated.json", "{\"schema\": \"mmapsuite-results\", \"schema_ver", "not valid JSON" },
		{ "foreign.json", "{\"name\": \"package.json\"}", "not a results file" },
		{ "array.json", "[1, 2]", "not a results file" },
		{ "future.json", "{\"schema\": \"mmapsuite-results\", \"schema_version\": 99}",
		  "newer" },
		{ "outcome.json",
		  "{\"schema\":\"mmapsuite-results\",\"schema_version\":1,\"id\":\"x\",\"time\":\"t\","
		  "\"place\":\"host\",\"environment\":{},\"extra\":{},\"benchmarks\":[],"
		  "\"conformance\":[{\"suite\":\"s\",\"test\":\"t\",\"ids\":\"a1\",\"spec\":\"POSIX\","
		  "\"fs\":\"tmpfs\",\"place\":\"host\",\"outcome\":\"maybe\",\"duration_s\":1}]}",
		  "conformance[0].outcome" },
		{ "samples.json",
		  "{\"schema\":\"mmapsuite-results\",\"schema_version\":1,\"id\":\"x\",\"time\":\"t\","
		  "\"place\":\"host\",\"environment\":{},\"extra\":{},\"conformance\":[],"
		  "\"benchmarks\":[{\"case\":\"c\",\"params\":{},\"metric\":\"m\",\"unit\":\"u\","
		  "\"higher_is_better\":true,\"samples\":[1,\"two\"],\"median\":1,\"ci_low\":1,"
		  "\"ci_high\":1,\"noisy\":false,\"counters\":{},\"place\":\"host\"}]}",
		  "benchmarks[0].samples[1]" },
		{ "missing.json", "{\"schema\":\"mmapsuite-results\",\"schema_version\":1}",
		  "missing" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_rejected(&cases[i]);
}

/* Assert that a missing file and a directory without results.json are named. */
Test(results, missing_file_is_named)
{
	char err[512];
	cr_assert_null(ms_run_load_dir(dir, err, sizeof(err)));
	cr_assert(strstr(err, "results.json") && strstr(err, "No such file"), "%s", err);
}

/* Assert that a run from before schema 4 reads its "BROKEN: " results as broken, the prefix
 * taken off, whether stored as "fail" or "broken", while a version 4 failure whose message
 * reads "BROKEN: " stays a failure. */
Test(results, old_schema_broken_messages_read_as_broken)
{
	static const char *const head = "\"id\":\"x\",\"time\":\"t\",\"place\":\"host\","
		"\"environment\":{},\"extra\":{},\"benchmarks\":[],\"conformance\":[";
	static const char *const rows =
		"{\"suite\":\"s\",\"test\":\"as_fail\",\"ids\":\"a1\",\"spec\":\"POSIX\","
		"\"fs\":\"tmpfs\",\"place\":\"host\",\"outcome\":\"fail\","
		"\"message\":\"BROKEN: open(x): ENOENT\",\"duration_s\":1},"
		"{\"suite\":\"s\",\"test\":\"as_broken\",\"ids\":\"a1\",\"spec\":\"POSIX\","
		"\"fs\":\"tmpfs\",\"place\":\"host\",\"outcome\":\"broken\","
		"\"message\":\"BROKEN: fork: EAGAIN\",\"duration_s\":1},"
		"{\"suite\":\"s\",\"test\":\"plain_fail\",\"ids\":\"a1\",\"spec\":\"POSIX\","
		"\"fs\":\"tmpfs\",\"place\":\"host\",\"outcome\":\"fail\","
		"\"message\":\"byte 7 is 0\",\"duration_s\":1}]}";
	static const struct {
		int version;
		enum ms_outcome as_fail;
		const char *as_fail_message, *as_broken_message;
	} cases[] = {
		{ 3, MS_BROKEN, "open(x): ENOENT", "fork: EAGAIN" },
		{ 1, MS_BROKEN, "open(x): ENOENT", "fork: EAGAIN" },
		{ MS_SCHEMA_VERSION, MS_FAIL, "BROKEN: open(x): ENOENT", "BROKEN: fork: EAGAIN" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *all = ms_asprintf("{\"schema\":\"mmapsuite-results\",\"schema_version\":%d,%s%s",
				        cases[i].version, head, rows);
		char *path = path_in_dir("old.json");
		ms_unit_write_text(path, all);
		char err[512];
		struct ms_run *run = ms_run_load(path, err, sizeof(err));
		cr_assert_not_null(run, "version %d: %s", cases[i].version, err);
		cr_assert_eq(run->n_conformance, 3);
		const struct ms_conformance *c = run->conformance;
		cr_assert_eq(c[0].outcome, cases[i].as_fail, "version %d: \"fail\" + prefix read as %s",
			     cases[i].version, ms_outcome_name(c[0].outcome));
		cr_assert_str_eq(c[0].message, cases[i].as_fail_message);
		cr_assert_eq(c[1].outcome, MS_BROKEN, "version %d", cases[i].version);
		cr_assert_str_eq(c[1].message, cases[i].as_broken_message);
		cr_assert_eq(c[2].outcome, MS_FAIL, "version %d: a plain failure changed",
			     cases[i].version);
		cr_assert_str_eq(c[2].message, "byte 7 is 0");
		ms_run_free(run);
		free(path), free(all);
	}
}
