/* The rename map: chains both ways, the compiled-in map's own rules, and its use where results
 * of an older run are read (results.c) and where an older expectation file matches (expect.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "renames.h"
#include "results.h"
#include "util.h"

static bool holds(const char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

/* Assert that a name renamed and then split is followed to the end of every chain, and back. */
Test(renames, chains_are_followed_both_ways)
{
	static const struct ms_rename map[] = {
		{ "a/one", "b/one" }, { "b/one", "b/one_x" }, { "b/one", "b/one_y" },
		{ "a/two", "c/two" },
	};
	const char *out[8];
	size_t n = ms_renamed_to_in(map, 4, "a/one", out, 8);
	cr_assert_eq(n, 2, "a/one leads to %zu names, expected b/one_x and b/one_y", n);
	cr_assert(holds(out, n, "b/one_x") && holds(out, n, "b/one_y"));
	n = ms_renamed_to_in(map, 4, "b/one_y", out, 8);
	cr_assert_eq(n, 0, "today's name b/one_y was renamed to %zu names", n);
	n = ms_renamed_from_in(map, 4, "b/one_x", out, 8);
	cr_assert(n == 2 && holds(out, n, "b/one") && holds(out, n, "a/one"),
		  "b/one_x has %zu earlier names, expected b/one and a/one", n);
	n = ms_renamed_to_in(map, 4, "a/two", out, 8);
	cr_assert(n == 1 && strcmp(out[0], "c/two") == 0);
	cr_assert_eq(ms_renamed_to_in(map, 4, "z/never", out, 8), 0);
	/* the count is the full count even when out is short */
	cr_assert_eq(ms_renamed_to_in(map, 4, "a/one", out, 1), 2);
}

/* Assert that a loop in a map ends the walk instead of hanging. */
Test(renames, a_loop_ends)
{
	static const struct ms_rename map[] = { { "a/x", "b/x" }, { "b/x", "a/x" } };
	const char *out[4];
	ms_renamed_to_in(map, 2, "a/x", out, 4);
	ms_renamed_from_in(map, 2, "a/x", out, 4);
}

/* Assert that the compiled-in map (lib/renames.def) is well formed: every name is suite/test,
 * no line renames a name to itself, every old name leads to today's names and none of those
 * is an old name again (an old name is never reused). */
Test(renames, compiled_map_is_well_formed)
{
	cr_assert_gt(ms_n_renames, 0);
	for (size_t i = 0; i < ms_n_renames; i++) {
		const struct ms_rename *r = &ms_renames[i];
		cr_assert(strchr(r->old_name, '/') && strchr(r->new_name, '/'),
			  "line %zu: %s -> %s is not suite/test", i, r->old_name, r->new_name);
		cr_assert_str_neq(r->old_name, r->new_name);
		const char *now[64];
		size_t n = ms_renamed_to(r->old_name, now, 64);
		cr_assert(n > 0 && n <= 64);
		for (size_t k = 0; k < n; k++)
			cr_assert_eq(ms_renamed_to(now[k], NULL, 0), 0,
				     "%s leads to %s, which is itself renamed", r->old_name, now[k]);
	}
}

/* Assert that a results file of a run made before a rename is read under today's names: a
 * renamed test keeps its result, a split one gives each variant the old outcome and message,
 * both name the old one; a test never renamed stays as it is; and writing and reading again
 * neither splits twice nor loses renamed_from. */
Test(renames, old_results_read_under_todays_names)
{
	const char *text =
		"{\"schema\": \"mmapsuite-results\", \"schema_version\": 2, \"id\": \"r\","
		" \"time\": \"t\", \"place\": \"host\", \"environment\": {}, \"extra\": {},"
		" \"benchmarks\": [], \"conformance\": ["
		"{\"suite\": \"faults\", \"test\": \"anon_first_touch_fault_counts\", \"ids\": \"d9\","
		" \"spec\": \"LINUX\", \"fs\": \"tmpfs\", \"place\": \"host\", \"outcome\": \"pass\","
		" \"message\": null, \"duration_s\": 0.1},"
		"{\"suite\": \"mremap\", \"test\": \"shrink_releases_tail\", \"ids\": \"g10\","
		" \"spec\": \"LINUX\", \"fs\": \"ext4\", \"place\": \"host\", \"outcome\": \"fail\","
		" \"message\": \"moved\", \"duration_s\": 0.2},"
		"{\"suite\": \"mmap_shared\", \"test\": \"store_reaches_file_after_msync\","
		" \"ids\": \"b1\", \"spec\": \"POSIX\", \"fs\": \"tmpfs\", \"place\": \"host\","
		" \"outcome\": \"pass\", \"message\": null, \"duration_s\": 0.3}]}";
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	cr_assert_not_null(root, "%s", jerr.text);
	char err[256] = "";
	struct ms_run *run = ms_run_from_json(root, err, sizeof(err));
	json_decref(root);
	cr_assert_not_null(run, "%s", err);
	cr_assert_eq(run->n_conformance, 1 + 4 + 1, "%zu results, expected 6", run->n_conformance);
	const struct ms_conformance *c = &run->conformance[0];
	cr_assert_str_eq(c->suite, "fault_counts");
	cr_assert_str_eq(c->test, "anon_first_touch_fault_counts");
	cr_assert_str_eq(c->renamed_from, "faults/anon_first_touch_fault_counts");
	const char *suffix[] = { "anon_private", "anon_shared", "file_private", "file_shared" };
	for (size_t k = 0; k < 4; k++) {
		c = &run->conformance[1 + k];
		char *want = ms_asprintf("shrink_releases_tail_%s", suffix[k]);
		bool found = false;
		for (size_t j = 1; j < 5; j++)
			found |= !strcmp(run->conformance[j].test, want);
		cr_assert(found, "no variant %s", want);
		free(want);
		cr_assert_str_eq(c->suite, "mremap");
		cr_assert_eq(c->outcome, MS_FAIL);
		cr_assert_str_eq(c->message, "moved");
		cr_assert_str_eq(c->ids, "g10");
		cr_assert_str_eq(c->fs, "ext4");
		cr_assert_str_eq(c->renamed_from, "mremap/shrink_releases_tail");
	}
	c = &run->conformance[5];
	cr_assert_str_eq(c->test, "store_reaches_file_after_msync");
	cr_assert_null(c->renamed_from);

	json_t *again = ms_run_to_json(run);
	struct ms_run *run2 = ms_run_from_json(again, err, sizeof(err));
	json_decref(again);
	cr_assert_not_null(run2, "%s", err);
	cr_assert_eq(run2->n_conformance, 6);
	cr_assert_str_eq(run2->conformance[1].renamed_from, "mremap/shrink_releases_tail");
	ms_run_free(run);
	ms_run_free(run2);
}

/* Assert that an expectation line written under an old name matches the renamed test and
 * every variant of a split one, and still no other test. */
Test(renames, old_expectation_lines_match_new_names)
{
	struct ms_expect e;
	char err[256] = "";
	cr_assert_eq(ms_expect_parse(&e, "old.expect",
				     "faults/anon_* reason=r1\n"
				     "mremap/shrink_releases_tail message=*moved* reason=r2\n",
				     false, err, sizeof(err)), 0, "%s", err);
	struct ms_conformance c = { .suite = "fault_counts", .test = "anon_has_no_fault_around",
				    .ids = "d10", .spec = "LINUX", .fs = "tmpfs",
				    .outcome = MS_FAIL, .message = "m" };
	cr_assert_eq(ms_expect_match(&e, &c, NULL), &e.v[0]);
	c.suite = "mremap", c.test = "shrink_releases_tail_file_shared", c.message = "moved";
	cr_assert_eq(ms_expect_match(&e, &c, NULL), &e.v[1]);
	c.test = "shrink_releases_tail_anon_private";
	cr_assert_eq(ms_expect_match(&e, &c, NULL), &e.v[1]);
	c.test = "grow_in_place_keeps_data";
	cr_assert_null(ms_expect_match(&e, &c, NULL), "a test never named faults/* or shrink matched");
	ms_expect_free(&e);
}
