/* The results root and run directories (results_dir.c) and the writers reaching the run
 * directory through its descriptor (dir_anchor.c): names planted by another user never
 * receive a run or a file. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dir_anchor.h"
#include "results_dir.h"
#include "util.h"

static char top[] = "/tmp/mmapsuite-resdir-XXXXXX";

/* A path in one of a ring of static buffers: a test needs several at once, and nothing to free
 * (each test is a process of its own). */
static char *at(const char *fmt, ...)
{
	static char ring[16][PATH_MAX];
	static unsigned next;
	char *b = ring[next++ % 16];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, PATH_MAX, fmt, ap);
	va_end(ap);
	return b;
}

static void make_top(void)
{
	cr_assert_not_null(mkdtemp(top));
}

static void remove_top(void)
{
	ms_anchor_set(NULL, -1);
	ms_remove_tree(top);
}

TestSuite(results_dir, .init = make_top, .fini = remove_top);

/* Assert that a run directory is made new: a planted link and a planted directory of the run's
 * name are left alone, and the run gets a fresh name with random bytes. */
Test(results_dir, taken_names_give_a_fresh_directory)
{
	char *target = at("%s/attacker", top), *link = at("%s/run-1", top);
	cr_assert_eq(mkdir(target, 0755), 0);
	cr_assert_eq(symlink(target, link), 0);
	char name[NAME_MAX + 1], path[PATH_MAX];
	int fd = ms_run_dir_create(top, "run-1", name, sizeof(name), path, sizeof(path));
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	cr_assert_neq(strcmp(name, "run-1"), 0);
	cr_assert_eq(strncmp(name, "run-1-", 6), 0, "%s", name);
	cr_assert_eq(strlen(name), strlen("run-1-") + 16, "%s", name);
	struct stat st;
	cr_assert_eq(lstat(path, &st), 0);
	cr_assert(S_ISDIR(st.st_mode));
	cr_assert_eq(rmdir(target), 0, "the link's target must stay empty");
	close(fd);
	char name2[NAME_MAX + 1], path2[PATH_MAX];
	cr_assert_eq(mkdir(at("%s/run-2", top), 0755), 0);
	fd = ms_run_dir_create(top, "run-2", name2, sizeof(name2), path2, sizeof(path2));
	cr_assert_geq(fd, 0);
	cr_assert_eq(strncmp(name2, "run-2-", 6), 0, "%s", name2);
	close(fd);
}

/* Assert that inside the anchored run directory the writers never follow a link: a link in
 * place of a file or a directory on the way fails with ELOOP and its target is untouched. */
Test(results_dir, anchored_writers_refuse_links)
{
	char name[NAME_MAX + 1], run[PATH_MAX];
	int fd = ms_run_dir_create(top, "run", name, sizeof(name), run, sizeof(run));
	cr_assert_geq(fd, 0);
	ms_anchor_set(run, fd);
	char *outside = at("%s/outside", top);
	cr_assert_eq(mkdir(outside, 0755), 0);
	char *plots = at("%s/plots", run), *file = at("%s/plots/a.svg", run);
	cr_assert_eq(symlink(outside, plots), 0);
	errno = 0;
	cr_assert_eq(ms_write_file_atomic(file, "x", 1), -1);
	cr_assert(errno == ELOOP || errno == ENOTDIR, "%s", strerror(errno));
	cr_assert_neq(ms_mkdir_p(at("%s/plots/sub", run), 0755), 0);
	char *summary = at("%s/summary.md", run), *victim = at("%s/victim", outside);
	cr_assert_eq(symlink(victim, summary), 0);
	cr_assert_lt(ms_open_new_file(summary, O_TRUNC), 0);
	struct stat st;
	cr_assert_neq(lstat(victim, &st), 0, "nothing may appear outside the run directory");
	/* and the ordinary case still works, subdirectories included */
	cr_assert_eq(ms_mkdir_p(at("%s/more/deep", run), 0755), 0);
	cr_assert_eq(ms_write_file_atomic(at("%s/more/deep/r.json", run), "{}", 2), 0);
	cr_assert_eq(ms_write_file_atomic(at("%s/results.json", run), "{}", 2), 0);
	char *text = ms_read_file(at("%s/more/deep/r.json", run), NULL);
	cr_assert_str_eq(text, "{}");
	free(text);
}

/* Assert that a directory others may write, or another user's, is not private, and one only
 * its owner writes is. */
Test(results_dir, private_directory_check)
{
	char why[PATH_MAX + 128];
	int fd = open(top, O_RDONLY | O_DIRECTORY);
	cr_assert(ms_dir_fd_is_private(fd, top, why, sizeof(why)), "%s", why);
	cr_assert_eq(fchmod(fd, 01777), 0);
	cr_assert(!ms_dir_fd_is_private(fd, top, why, sizeof(why)));
	cr_assert(strstr(why, "mode 1777) is writable by other users") != NULL, "%s", why);
	cr_assert_eq(fchmod(fd, 0700), 0);
	if (geteuid() == 0) {
		cr_assert_eq(fchown(fd, 65534, 65534), 0);
		cr_assert(!ms_dir_fd_is_private(fd, top, why, sizeof(why)));
		cr_assert(strstr(why, "is owned by uid 65534") != NULL, "%s", why);
		cr_assert_eq(fchown(fd, 0, 0), 0);
	}
	close(fd);
	char *db = at("%s/h.sqlite", top);
	cr_assert_eq(ms_parent_dir_check(db, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(symlink("/etc/passwd", db), 0);
	cr_assert_eq(ms_parent_dir_check(db, why, sizeof(why)), -1);
	cr_assert(strstr(why, "(a symbolic link)") != NULL, "%s", why);
	cr_assert_eq(ms_parent_dir_check(at("%s/none/h.sqlite", top), why, sizeof(why)), 1);
}
