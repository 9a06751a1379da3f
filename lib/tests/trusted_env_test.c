/* Unit tests of lib/trusted_env.c: which paths a root run may trust, and what ms_env() does with
 * a variable that names one it may not. Paths another user "owns" are made by root with chown
 * to NOBODY, so the tests that need them run as root only (tools/test runs as root). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subprocess.h"
#include "trusted_env.h"

#define NOBODY 65534

static char top[] = "/tmp/mmapsuite-trust-XXXXXX"; /* root-owned 0700: trusted */
static char why[PATH_MAX + 128];

static void make_top(void)
{
	cr_assert_not_null(mkdtemp(top), "mkdtemp: %s", strerror(errno));
}

static void remove_top(void)
{
	/* Only what the tests made: no links are followed (rm -r does not follow them). */
	char *argv[] = { "rm", "-rf", "--one-file-system", top, NULL };
	struct ms_spawn rm = MS_SPAWN_INIT;
	rm.argv = argv;
	rm.find = MS_SPAWN_SEARCH;
	ms_spawn_run(&rm);
}

TestSuite(trusted_env, .init = make_top, .fini = remove_top);

static char *at(const char *rel)
{
	static char paths[4][PATH_MAX];
	static int next;
	char *p = paths[next++ % 4];
	snprintf(p, PATH_MAX, "%s/%s", top, rel);
	return p;
}

static void xmkdir(const char *path, mode_t mode)
{
	cr_assert_eq(mkdir(path, mode), 0, "mkdir %s: %s", path, strerror(errno));
	cr_assert_eq(chmod(path, mode), 0, "chmod %s: %s", path, strerror(errno)); /* past umask */
}

static void xsymlink(const char *target, const char *link)
{
	cr_assert_eq(symlink(target, link), 0, "symlink %s: %s", link, strerror(errno));
}

static void need_root(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to make files owned by another user");
}

static void assert_trusted(const char *path)
{
	why[0] = 0;
	cr_assert(ms_path_is_trusted(path, why, sizeof(why)), "%s refused: %s", path, why);
}

/* Asserts the path is refused, with a reason that names `names` (the component at fault). */
static void assert_refused(const char *path, const char *names)
{
	why[0] = 0;
	cr_assert_not(ms_path_is_trusted(path, why, sizeof(why)), "%s trusted", path);
	cr_assert(strstr(why, names), "%s refused for \"%s\", which does not name %s", path, why,
		  names);
}

/* Assert that a directory of the running user's own under sticky /tmp is trusted, and so is a
 * file yet to be created in it. */
Test(trusted_env, own_directory_under_sticky_tmp_is_trusted)
{
	assert_trusted(top);
	assert_trusted(at("not-yet-created"));
	xmkdir(at("sub"), 0755);
	assert_trusted(at("sub/file"));
}

/* Assert that sticky /tmp itself is refused as the end of a path (anyone may fill it) and that a
 * name yet to be created directly in it is refused (anyone may create it first). */
Test(trusted_env, sticky_tmp_and_a_missing_name_in_it_are_refused)
{
	struct stat st;
	cr_assert_eq(stat("/tmp", &st), 0);
	if ((st.st_mode & 01002) != 01002)
		cr_skip_test("/tmp is not sticky and world-writable here (mode %04o)",
			     (unsigned)(st.st_mode & 07777));
	assert_refused("/tmp", "/tmp");
	char missing[64];
	snprintf(missing, sizeof(missing), "/tmp/mmapsuite-no-such-%d", (int)getpid());
	assert_refused(missing, "/tmp");
	assert_refused("/tmp/", "/tmp");
}

/* Assert that a directory another user owns is refused, and every path below it. */
Test(trusted_env, directory_owned_by_another_user_is_refused)
{
	need_root();
	xmkdir(at("theirs"), 0755);
	cr_assert_eq(chown(at("theirs"), NOBODY, NOBODY), 0);
	assert_refused(at("theirs"), "owned by uid 65534");
	assert_refused(at("theirs/state"), "owned by uid 65534");
}

/* Assert that a link planted by another user in a sticky shared directory is refused even when
 * it points at a directory root owns (whoever owns the link can point it elsewhere later). */
Test(trusted_env, link_planted_by_another_user_is_refused)
{
	need_root();
	xmkdir(at("shared"), 01777);
	xmkdir(at("roots"), 0700);
	xsymlink(at("roots"), at("shared/state"));
	cr_assert_eq(lchown(at("shared/state"), NOBODY, NOBODY), 0);
	assert_refused(at("shared/state"), "owned by uid 65534");
	assert_refused(at("shared/state/area"), "owned by uid 65534");
}

/* Assert that a root-owned link is followed and its target checked: to a trusted directory it
 * is trusted, to a shared one refused. */
Test(trusted_env, own_link_is_followed_and_its_target_checked)
{
	xmkdir(at("real"), 0700);
	xmkdir(at("open"), 0777);
	xsymlink(at("real"), at("to-real"));
	xsymlink("open", at("to-open")); /* relative target */
	assert_trusted(at("to-real/file"));
	assert_refused(at("to-open/file"), "open");
}

/* Assert that a missing component under a world-writable directory is refused, sticky or not,
 * and that an existing own directory under a non-sticky world-writable one is refused too (it
 * can be renamed away and replaced). */
Test(trusted_env, missing_component_under_world_writable_directory_is_refused)
{
	xmkdir(at("sticky"), 01777);
	xmkdir(at("open"), 0777);
	xmkdir(at("open/mine"), 0700);
	assert_refused(at("sticky/missing/file"), "sticky");
	assert_refused(at("open/missing"), "open");
	assert_refused(at("open/mine/file"), "open");
	xmkdir(at("sticky/mine"), 0700);
	assert_trusted(at("sticky/mine/file"));
}

/* Assert that a group-writable directory counts as writable by others. */
Test(trusted_env, group_writable_directory_is_refused)
{
	xmkdir(at("group"), 0775);
	assert_refused(at("group/file"), "writable by other users");
}

/* Assert that relative paths are checked from the current directory, and ".." is taken
 * lexically from there. */
Test(trusted_env, relative_paths_are_checked_from_the_current_directory)
{
	xmkdir(at("cwd"), 0700);
	xmkdir(at("cwd/sub"), 0700);
	xmkdir(at("open"), 0777);
	char saved[PATH_MAX];
	cr_assert_not_null(getcwd(saved, sizeof(saved)));
	cr_assert_eq(chdir(at("cwd")), 0);
	why[0] = 0;
	bool sub = ms_path_is_trusted("sub/file", why, sizeof(why));
	bool dot = ms_path_is_trusted("./sub/../sub/file", why, sizeof(why));
	bool up = ms_path_is_trusted("../open/file", why, sizeof(why));
	char up_why[sizeof(why)];
	snprintf(up_why, sizeof(up_why), "%s", why);
	cr_assert_eq(chdir(saved), 0);
	cr_assert(sub && dot, "a relative path in an own directory was refused: %s", why);
	cr_assert_not(up, "../open/file was trusted from %s", at("cwd"));
	cr_assert(strstr(up_why, "open"), "refused for \"%s\", which does not name open", up_why);
}

/* Assert that an empty path is refused rather than taken as the current directory. */
Test(trusted_env, empty_path_is_refused)
{
	assert_refused("", "empty");
}

/* Assert that a link loop ends in a refusal, not a hang or a stack overflow. */
Test(trusted_env, link_loop_is_refused, .timeout = 10)
{
	xsymlink(at("b"), at("a"));
	xsymlink(at("a"), at("b"));
	xsymlink("self", at("self"));
	assert_refused(at("a/file"), "cannot follow the link");
	assert_refused(at("self"), "cannot follow the link");
}

/* Runs ms_env(name) with name=value in a forked child; returns its wait status and what it
 * printed on stderr. */
static int env_in_child(const char *name, const char *value, char *err, size_t errlen)
{
	int pipefd[2];
	cr_assert_eq(pipe(pipefd), 0);
	fflush(NULL);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		setenv(name, value, 1);
		const char *v = ms_env(name);
		_exit(v && strcmp(v, value) == 0 ? 0 : 1);
	}
	close(pipefd[1]);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < errlen && (r = read(pipefd[0], err + n, errlen - 1 - n)) > 0)
		n += (size_t)r;
	err[n] = 0;
	close(pipefd[0]);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* Assert that a root run given a path variable that points into another user's reach exits 2
 * with a message naming the variable and the path, and honours one that does not. */
Test(trusted_env, root_run_exits_2_on_an_untrusted_path_variable)
{
	need_root();
	char err[2048];
	xmkdir(at("open"), 0777);
	int status = env_in_child("MMAPSUITE_STATE_DIR", at("open/state"), err, sizeof(err));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2,
		  "MMAPSUITE_STATE_DIR in a 0777 directory: wait status %#x, stderr: %s", status, err);
	cr_assert(strstr(err, "MMAPSUITE_STATE_DIR") && strstr(err, at("open/state")),
		  "the message does not name the variable and path: %s", err);

	status = env_in_child("MMAPSUITE_LIBRARY_PATH", "/usr/lib:/tmp", err, sizeof(err));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2,
		  "a path list holding /tmp: wait status %#x, stderr: %s", status, err);

	status = env_in_child("MMAPSUITE_STATE_DIR", at("state"), err, sizeof(err));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "a trusted MMAPSUITE_STATE_DIR was not honoured: wait status %#x, stderr: %s",
		  status, err);
}

/* Assert that a value variable is honoured as given, wherever it might point. */
Test(trusted_env, value_variable_is_not_checked_as_a_path)
{
	char err[2048];
	int status = env_in_child("MMAPSUITE_NO_GLOBAL_SETTINGS", "/tmp", err, sizeof(err));
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "wait status %#x, stderr: %s",
		  status, err);
}

/* Assert that an empty variable reads as unset. */
Test(trusted_env, empty_variable_reads_as_unset)
{
	setenv("MMAPSUITE_OUT", "", 1);
	cr_assert_null(ms_env("MMAPSUITE_OUT"));
	unsetenv("MMAPSUITE_OUT");
	cr_assert_null(ms_env("MMAPSUITE_OUT"));
}

/* Assert that asking for a variable missing from the list aborts: the list is the whole truth.
 * A suite of its own: the abort would skip trusted_env's .fini and leave its directory behind. */
Test(trusted_env_abort, unlisted_variable_aborts, .signal = SIGABRT)
{
	int null = open("/dev/null", O_WRONLY);
	dup2(null, 2); /* the expected "internal error" message would only clutter the log */
	ms_env("MMAPSUITE_NOT_IN_THE_LIST");
}

/* Assert that docs/security.md lists exactly the variables of ms_env_vars, one table row
 * each ("| `MMAPSUITE_NAME` | ..."), so that what a root run honours is written down. */
Test(trusted_env, security_doc_lists_exactly_the_variables)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/docs/security.md", MS_SOURCE_DIR);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot read %s: %s", path, strerror(errno));
	regex_t row;
	cr_assert_eq(regcomp(&row, "^\\| *`(MMAPSUITE_[A-Z0-9_]+)`", REG_EXTENDED), 0);
	char listed[64][64];
	int n_listed = 0;
	char line[2048];
	while (fgets(line, sizeof(line), f)) {
		regmatch_t m[2];
		if (regexec(&row, line, 2, m, 0) != 0)
			continue;
		int len = (int)(m[1].rm_eo - m[1].rm_so);
		cr_assert_lt(n_listed, 64);
		snprintf(listed[n_listed++], sizeof(listed[0]), "%.*s", len, line + m[1].rm_so);
	}
	fclose(f);
	regfree(&row);
	for (int i = 0; i < n_listed; i++) {
		bool known = false;
		for (const struct ms_env_var *v = ms_env_vars; v->name; v++)
			known |= strcmp(v->name, listed[i]) == 0;
		cr_expect(known, "%s lists %s, which the code does not read (lib/trusted_env.c)",
			  path, listed[i]);
		for (int j = 0; j < i; j++)
			cr_expect_str_neq(listed[i], listed[j], "%s lists %s twice", path, listed[i]);
	}
	for (const struct ms_env_var *v = ms_env_vars; v->name; v++) {
		bool documented = false;
		for (int i = 0; i < n_listed; i++)
			documented |= strcmp(v->name, listed[i]) == 0;
		cr_expect(documented, "%s does not list %s (a table row \"| `%s` | ...\")", path,
			  v->name, v->name);
	}
}
