/* Expectation files: every kind of good and bad line, quoting, globs, and the matcher's rule
 * that a message pattern keeps a different failure of the same test a FAIL. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expect.h"
#include "util.h"

static struct ms_expect parsed(const char *text)
{
	struct ms_expect e;
	char err[512] = "";
	int rc = ms_expect_parse(&e, "k.expect", text, false, err, sizeof(err));
	cr_assert_eq(rc, 0, "rejected: %s", err);
	free(e.kernel), free(e.arch);
	e.kernel = ms_strdup("6.1.0-28-arm64");
	e.arch = ms_strdup("aarch64");
	return e;
}

static struct ms_conformance result(const char *suite, const char *test, const char *fs,
				    enum ms_outcome o, const char *message)
{
	return (struct ms_conformance){ .suite = (char *)suite, .test = (char *)test,
					.ids = "b16", .spec = "POSIX", .fs = (char *)fs,
					.outcome = o, .message = (char *)message };
}

Test(expect_parse, good_lines_comments_blanks_and_crlf)
{
	struct ms_expect e = parsed(
		"# header comment\n"
		"\n"
		"   \t\n"
		"faults/anon_* reason=\"zero page never mapped\"\r\n"
		"  mmap_shared/store_past_eof_hidden_after_extend fs=tmpfs kernel=6.* arch=x86_64 "
		"message=\"*byte 0 past*\" reason=\"tmpfs keeps bytes past EOF\"  # trailing\n"
		"thp_zero_page/* reason=bare_word_reason");
	cr_assert_eq(e.n, 3);
	cr_assert_str_eq(e.v[0].test, "faults/anon_*");
	cr_assert_str_eq(e.v[0].reason, "zero page never mapped");
	cr_assert_eq(e.v[0].line, 4);
	cr_assert_null(e.v[0].fs);
	cr_assert_str_eq(e.v[1].fs, "tmpfs");
	cr_assert_str_eq(e.v[1].kernel, "6.*");
	cr_assert_str_eq(e.v[1].arch, "x86_64");
	cr_assert_str_eq(e.v[1].message, "*byte 0 past*");
	cr_assert_eq(e.v[1].line, 5);
	cr_assert_str_eq(e.v[2].reason, "bare_word_reason");
	ms_expect_free(&e);
}

Test(expect_parse, quoting_escapes_and_hash_inside_quotes)
{
	struct ms_expect e = parsed(
		"a/b message=\"say \\\"hi\\\" # not a comment \\\\ \\[x\\]\" reason=\"r \\\"q\\\"\"\n");
	cr_assert_eq(e.n, 1);
	/* \" and \\ are the file's escapes; \[ is kept for fnmatch */
	cr_assert_str_eq(e.v[0].message, "say \"hi\" # not a comment \\ \\[x\\]");
	cr_assert_str_eq(e.v[0].reason, "r \"q\"");
	ms_expect_free(&e);
}

/* Each bad line is refused with the file, its line number and the problem. */
Test(expect_parse, bad_lines_name_file_line_and_problem)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "a/b\n", "k.expect:1: reason=\"...\" is missing" },
		{ "# c\na/b fs=tmpfs\n", "k.expect:2: reason=\"...\" is missing" },
		{ "a/b reason=\"\"\n", "k.expect:1: reason= is empty" },
		{ "a/b reason=\"   \"\n", "k.expect:1: reason= is blank" },
		{ "a/b reason=\"FILL IN: why\"\n", "k.expect:1: the reason is still the placeholder" },
		{ "a/b reason=\"fill in later\"\n", "placeholder" },
		{ "a/b colour=red reason=x\n", "k.expect:1: unknown key 'colour'" },
		{ "a/b fs=tmpfs fs=ext4 reason=x\n", "fs= given twice" },
		{ "a/b fs= reason=x\n", "fs= is empty" },
		{ "a/b tmpfs reason=x\n", "expected KEY=VALUE, found 'tmpfs'" },
		{ "reason=\"x\"\n", "must start with a test glob" },
		{ "faults reason=x\n", "has no '/'" },
		{ "a/b reason=\"open\n", "is not closed" },
		{ "a/b reason=\"x\"y\n", "right after the closing quote" },
		{ "a/b reason=it\"s\n", "a quote inside an unquoted value" },
		{ "a/\"b reason=x\n", "holds a quote" },
		{ "a/b message=\"x\ty\001\" reason=x\n", "control character" },
		{ "ok/1 reason=x\nok/2 reason=y\nbad/3 reason=\n", "k.expect:3:" },
		{ "a/b fs=[tmpfs reason=x\n", "k.expect:1: fs=: the pattern '[tmpfs' has a '[' with no closing ']'" },
		{ "# c\na/b kernel=6.1[ reason=x\n", "k.expect:2: kernel=: the pattern" },
		{ "a/b arch=[[:alpha:] reason=x\n", "arch=: the pattern" },
		{ "a/b arch=[[:alpha reason=x\n", "no closing ']'" },
		{ "a/b message=x\\ reason=x\n", "message=: the pattern 'x\\' ends in a lone" },
		{ "a/[b reason=x\n", "the test glob 'a/[b' has a '['" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ms_expect e;
		char err[512] = "";
		int rc = ms_expect_parse(&e, "k.expect", cases[i].text, false, err, sizeof(err));
		cr_expect_eq(rc, -1, "case %zu accepted: %s", i, cases[i].text);
		cr_expect(strstr(err, cases[i].want) != NULL, "case %zu: '%s' lacks '%s'", i, err,
			  cases[i].want);
		if (rc == 0)
			ms_expect_free(&e);
	}
}

Test(expect_parse, placeholder_allowed_only_when_asked)
{
	struct ms_expect e;
	char err[256];
	cr_assert_eq(ms_expect_parse(&e, "f", "a/b reason=\"FILL IN: x\"\n", true, err,
				     sizeof(err)), 0);
	cr_assert_eq(e.n, 1);
	ms_expect_free(&e);
}

Test(expect_load, missing_file_and_nul_byte_named)
{
	struct ms_expect e;
	char err[512];
	cr_assert_eq(ms_expect_load(&e, "/nonexistent/k.expect", err, sizeof(err)), -1);
	cr_assert(strstr(err, "/nonexistent/k.expect: No such file") != NULL, "%s", err);
	char path[] = "/tmp/mmapsuite-expect-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "a/b reason=x\n\0\n", 15), 15);
	close(fd);
	cr_assert_eq(ms_expect_load(&e, path, err, sizeof(err)), -1);
	unlink(path);
	cr_assert(strstr(err, "NUL byte") != NULL, "%s", err);
}

/* Assert that well-formed brackets, classes and escapes are accepted, and that a reason is
 * text, not a pattern. */
Test(expect_parse, closed_brackets_classes_and_escapes_accepted)
{
	struct ms_expect e = parsed("a/[bc] fs=[]x] kernel=6.[0-9]* arch=[[:alnum:]_]* "
				    "message=\\[x reason=\"see [1\"\n");
	cr_assert_eq(e.n, 1);
	ms_expect_free(&e);
}

/* Assert that only a regular file of at most 4 MiB is read: /dev/zero and a FIFO are named
 * and refused at once (no growing, no waiting for a writer), and so is a larger file. */
Test(expect_load, only_small_regular_files, .timeout = 10)
{
	struct ms_expect e;
	char err[512];
	cr_assert_eq(ms_expect_load(&e, "/dev/zero", err, sizeof(err)), -1);
	cr_assert(strstr(err, "/dev/zero: a character device, not a regular file") != NULL, "%s", err);
	char dir[] = "/tmp/mmapsuite-expect-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char *fifo = ms_asprintf("%s/fifo", dir), *big = ms_asprintf("%s/big", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert_eq(ms_expect_load(&e, fifo, err, sizeof(err)), -1);
	cr_assert(strstr(err, "a FIFO, not a regular file") != NULL, "%s", err);
	cr_assert_eq(ms_expect_load(&e, dir, err, sizeof(err)), -1);
	cr_assert(strstr(err, "a directory, not a regular file") != NULL, "%s", err);
	int fd = open(big, O_WRONLY | O_CREAT | O_EXCL, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, MS_EXPECT_MAX_BYTES + 1), 0);
	close(fd);
	cr_assert_eq(ms_expect_load(&e, big, err, sizeof(err)), -1);
	cr_assert(strstr(err, "4194305 bytes; an expectation file holds at most") != NULL, "%s", err);
	unlink(fifo), unlink(big), rmdir(dir);
	free(fifo), free(big);
}

Test(expect_match, globs_over_test_fs_kernel_arch)
{
	struct ms_expect e = parsed("faults/anon_* fs=tmpfs kernel=6.1.* arch=aarch64 reason=r1\n"
				    "mmap_shared/* fs=dir:* reason=r2\n"
				    "x/y kernel=6.12.* reason=r3\n"
				    "z/w arch=x86_64 reason=r4\n");
	struct ms_conformance c = result("faults", "anon_read_maps_zero_page", "tmpfs", MS_FAIL, "m");
	cr_assert_eq(ms_expect_match(&e, &c, NULL), &e.v[0]);
	c.fs = "ext4";
	cr_assert_null(ms_expect_match(&e, &c, NULL), "fs glob must hold");
	c = result("mmap_shared", "t", "dir:/mnt/nfs", MS_FAIL, NULL);
	cr_assert_eq(ms_expect_match(&e, &c, NULL), &e.v[1], "'*' crosses '/' in fs labels");
	c = result("x", "y", "tmpfs", MS_FAIL, "m");
	cr_assert_null(ms_expect_match(&e, &c, NULL), "kernel 6.1.0 is not 6.12.*");
	c = result("z", "w", "tmpfs", MS_FAIL, "m");
	cr_assert_null(ms_expect_match(&e, &c, NULL), "arch aarch64 is not x86_64");
	c = result("faults", "other", "tmpfs", MS_FAIL, "m");
	cr_assert_null(ms_expect_match(&e, &c, NULL), "test glob must hold");
	ms_expect_free(&e);
}

/* fs= names a label or a type: fs=tmpfs holds for dir:/dev/shm when that is a tmpfs. */
Test(expect_match, fs_glob_matches_label_or_type)
{
	struct ms_expect e = parsed("a/b fs=tmpfs reason=r\n");
	struct ms_conformance c = result("a", "b", "dir:/dev/shm", MS_FAIL, "m");
	cr_assert_null(ms_expect_match(&e, &c, NULL), "type unknown: the label alone decides");
	cr_assert_eq(ms_expect_match(&e, &c, "tmpfs"), &e.v[0]);
	cr_assert_null(ms_expect_match(&e, &c, "ext4"), "an ext4 directory is not a tmpfs");
	ms_expect_free(&e);
}

/* A message pattern makes the line match only that failure: a crash stays a FAIL. */
Test(expect_match, message_glob_keeps_other_failures)
{
	struct ms_expect e = parsed("a/b message=\"*zero page replaced*\" reason=r\n");
	struct ms_conformance c = result("a", "b", "tmpfs", MS_FAIL,
					 "write after read (zero page replaced): 0 minor\nmaps...");
	cr_assert_not_null(ms_expect_match(&e, &c, NULL), "'*' crosses newlines");
	c.message = "crashed: SIGSEGV";
	cr_assert_null(ms_expect_match(&e, &c, NULL));
	c.message = NULL;
	cr_assert_null(ms_expect_match(&e, &c, NULL), "no message does not match a message glob");
	c.outcome = MS_PASS;
	cr_assert_not_null(ms_expect_match(&e, &c, NULL), "a pass matches whatever the glob: XPASS");
	c.outcome = MS_SKIP;
	cr_assert_null(ms_expect_match(&e, &c, NULL), "a skip did not run");
	c.outcome = MS_BROKEN;
	c.message = "zero page replaced";
	cr_assert_null(ms_expect_match(&e, &c, NULL), "a broken set-up is never a deviation");
	ms_expect_free(&e);
}

/* The type of a directory under test comes from the run's environment. */
Test(expect_apply, fs_type_from_environment)
{
	struct ms_expect e = parsed("a/b fs=tmpfs reason=known\n");
	struct ms_run *run = ms_run_new("host");
	json_decref(run->environment);
	run->environment = json_pack("{s:[{s:s, s:s}]}", "filesystems", "label", "dir:/dev/shm",
				     "type", "tmpfs");
	struct ms_conformance c = result("a", "b", "dir:/dev/shm", MS_FAIL, "m");
	ms_run_add_conformance(run, &c);
	c = result("a", "b", "dir:/srv", MS_FAIL, "m");
	ms_run_add_conformance(run, &c);
	cr_assert_eq(ms_expect_apply(&e, run, 0), 1);
	cr_assert_eq(run->conformance[0].outcome, MS_XFAIL);
	cr_assert_eq(run->conformance[1].outcome, MS_FAIL, "no type recorded: no match");
	ms_run_free(run);
	ms_expect_free(&e);
}

Test(expect_apply, fail_to_xfail_pass_to_xpass_with_line)
{
	struct ms_expect e = parsed("# c\na/* reason=\"known\"\n");
	struct ms_run *run = ms_run_new("host");
	struct ms_conformance c = result("a", "f", "tmpfs", MS_FAIL, "m");
	ms_run_add_conformance(run, &c);
	c = result("a", "p", "tmpfs", MS_PASS, NULL);
	ms_run_add_conformance(run, &c);
	c = result("b", "f", "tmpfs", MS_FAIL, "m");
	ms_run_add_conformance(run, &c);
	cr_assert_eq(ms_expect_apply(&e, run, 0), 2);
	cr_assert_eq(run->conformance[0].outcome, MS_XFAIL);
	cr_assert_str_eq(run->conformance[0].expect_reason, "known");
	cr_assert_str_eq(run->conformance[0].expect_file, "k.expect");
	cr_assert_eq(run->conformance[0].expect_line, 2);
	cr_assert_eq(run->conformance[1].outcome, MS_XPASS);
	cr_assert_eq(run->conformance[2].outcome, MS_FAIL);
	cr_assert_eq(ms_expect_apply(&e, run, 0), 0, "applying twice changes nothing");

	/* results.json keeps them (schema 2) */
	json_t *j = ms_run_to_json(run);
	char err[256];
	struct ms_run *back = ms_run_from_json(j, err, sizeof(err));
	cr_assert_not_null(back, "%s", err);
	cr_assert_eq(back->conformance[0].outcome, MS_XFAIL);
	cr_assert_str_eq(back->conformance[0].expect_reason, "known");
	cr_assert_eq(back->conformance[0].expect_line, 2);
	/* version 1 knows no xfail */
	json_object_set_new(j, "schema_version", json_integer(1));
	cr_assert_null(ms_run_from_json(j, err, sizeof(err)));
	cr_assert(strstr(err, "'xfail' is not pass, fail, skip or broken") != NULL, "%s", err);
	json_decref(j);
	ms_run_free(back);
	ms_run_free(run);
	ms_expect_free(&e);
}

/* What `expect --from` writes reads back to the same values. */
Test(expect_format, round_trip_through_the_parser)
{
	const char *msg = "byte 7 is \"x\" [at 0x7f12aa000] * ok\nsecond line";
	char *glob = ms_expect_message_glob(msg);
	cr_assert_str_eq(glob, "*byte 7 is \"x\" \\[at *] \\* ok*");
	cr_assert_eq(fnmatch(glob, msg, 0), 0, "the glob matches its own message");
	char *line = ms_expect_format("a/b", "dir:/mnt/my disk", "6.1.0-28-arm64", "aarch64",
				      glob, "FILL IN: why \\ \"so\"");
	struct ms_expect e;
	char err[256];
	cr_assert_eq(ms_expect_parse(&e, "f", line, true, err, sizeof(err)), 0, "%s: %s", line,
		     err);
	cr_assert_eq(e.n, 1);
	cr_assert_str_eq(e.v[0].fs, "dir:/mnt/my disk");
	cr_assert_str_eq(e.v[0].message, glob);
	cr_assert_str_eq(e.v[0].reason, "FILL IN: why \\ \"so\"");
	ms_expect_free(&e);
	free(line);
	free(glob);
	glob = ms_expect_message_glob(NULL);
	cr_assert_str_eq(glob, "*");
	free(glob);
}
