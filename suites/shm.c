/* (h) shm_open and shm_unlink (suite shm_classes): the errors of their argument classes, O_TRUNC
 * and a name made new by unlinking. The cells each test fills are listed in
 * suites/clauses/args-matrix.classes; the objects mapped are in mmap_shm.c. */
#include "mm_util.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- shm_open, shm_unlink ---- */

static int lowest_free_fd(void)
{
	int fd = dup(0);
	if (fd >= 0)
		close(fd);
	/* cppcheck-suppress deallocret ; the test needs a closed descriptor */
	return fd;
}

/* Assert shm_open's and shm_unlink's errors: EEXIST for O_CREAT|O_EXCL on an existing name,
 * ENOENT without O_CREAT, ENAMETOOLONG past NAME_MAX, EMFILE without a free descriptor, and
 * ENOENT/ENAMETOOLONG from shm_unlink. POSIX (the EINVAL row of a second slash is glibc's
 * implementation-defined choice). */
CONFORM(shm_classes, errors_table, "b13", POSIX)
{
	char name[64], missing[64], longname[NAME_MAX + 8];
	ms_shm_name(name, sizeof(name), "e");
	ms_shm_name(missing, sizeof(missing), "missing");
	longname[0] = '/';
	memset(longname + 1, 'x', NAME_MAX + 1);
	longname[NAME_MAX + 2] = 0;
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		cr_skip_test("shm_open(%s): %s (is /dev/shm mounted?)", name, ms_errname(errno));
	char msg[1024] = "";
	errno = 0;
	int r = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (r != -1 || errno != EEXIST)
		ms_append(msg, "row o_excl_existing: %d (%s), expected EEXIST",
		          r, ms_errname(errno));
	errno = 0;
	r = shm_open(missing, O_RDWR, 0);
	if (r != -1 || errno != ENOENT)
		ms_append(msg, "row missing_without_creat: %d (%s), expected ENOENT", r,
		          ms_errname(errno));
	errno = 0;
	r = shm_open(longname, O_RDWR | O_CREAT, 0600);
	if (r != -1 || errno != ENAMETOOLONG)
		ms_append(msg, "row name_too_long: %d (%s), expected ENAMETOOLONG",
		          r, ms_errname(errno));
	errno = 0;
	r = shm_open("/mmapsuite/with-slash", O_RDWR | O_CREAT, 0600);
	if (r != -1 || errno != EINVAL)
		ms_append(msg, "row second_slash (glibc): %d (%s), expected EINVAL", r,
		          ms_errname(errno));
	struct rlimit old, low;
	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = (rlim_t)lowest_free_fd();
	errno = 0;
	if (setrlimit(RLIMIT_NOFILE, &low) == 0) {
		r = shm_open(name, O_RDWR, 0);
		int e = errno;
		setrlimit(RLIMIT_NOFILE, &old);
		if (r != -1 || e != EMFILE)
			ms_append(msg, "row no_free_descriptor: %d (%s), expected EMFILE", r,
			          ms_errname(e));
	}
	errno = 0;
	r = shm_unlink(missing);
	if (r != -1 || errno != ENOENT)
		ms_append(msg, "row unlink_missing: %d (%s), expected ENOENT",
		          r, ms_errname(errno));
	errno = 0;
	r = shm_unlink(longname);
	if (r != -1 || errno != ENAMETOOLONG)
		ms_append(msg, "row unlink_too_long: %d (%s), expected ENAMETOOLONG", r,
		          ms_errname(errno));
	close(fd);
	shm_unlink(name);
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that O_TRUNC on an existing object opened O_RDWR empties it. POSIX */
CONFORM(shm_classes, trunc_empties_object, "b13", POSIX)
{
	char name[64];
	ms_shm_name(name, sizeof(name), "t");
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		cr_skip_test("shm_open(%s): %s (is /dev/shm mounted?)", name, ms_errname(errno));
	xftruncate(fd, 2 * ms_page());
	int fd2 = shm_open(name, O_RDWR | O_TRUNC, 0);
	struct stat st = { 0 };
	int e = fd2 < 0 ? errno : 0;
	if (fd2 >= 0)
		fstat(fd2, &st);
	shm_unlink(name);
	cr_assert(fd2 >= 0, "reopen with O_TRUNC: %s", ms_errname(e));
	cr_assert(st.st_size == 0, "size after O_TRUNC: %jd, expected 0", (intmax_t)st.st_size);
}

/* Assert that after shm_unlink the name behaves as never created, while a mapping of the old
 * object keeps its data: open without O_CREAT fails ENOENT, with O_CREAT gives an empty new
 * object. POSIX */
CONFORM(shm_classes, unlinked_name_is_new, "b13", POSIX)
{
	size_t pg = ms_page();
	char name[64];
	ms_shm_name(name, sizeof(name), "u");
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		cr_skip_test("shm_open(%s): %s (is /dev/shm mounted?)", name, ms_errname(errno));
	xftruncate(fd, pg);
	unsigned char *old = xmap_shared(fd, pg);
	old[0] = 0x77;
	ms_assert_ok(shm_unlink(name));
	errno = 0;
	int r = shm_open(name, O_RDWR, 0);
	int e = errno;
	int fresh = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	struct stat st = { 0 };
	if (fresh >= 0)
		fstat(fresh, &st);
	shm_unlink(name);
	cr_assert(r == -1 && e == ENOENT, "open of the unlinked name: %d (%s), expected ENOENT",
		  r, ms_errname(e));
	cr_assert(fresh >= 0 && st.st_size == 0, "O_CREAT|O_EXCL of the unlinked name: %s, size "
		  "%jd", fresh >= 0 ? "created" : ms_errname(errno), (intmax_t)st.st_size);
	cr_assert(old[0] == 0x77, "the old mapping lost its data after unlink");
}

/* ---- shm_classes: owner, mode and permissions (b13) ---- */

/* Assert that O_CREAT gives the new object the caller's effective ids and the mode minus
 * the umask. POSIX shm_open() */
CONFORM(shm_classes, creat_sets_owner_and_mode, "b13", POSIX)
{
	char name[64];
	ms_shm_name(name, sizeof(name), "m");
	mode_t old = umask(022);
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0666);
	umask(old);
	if (fd < 0)
		cr_skip_test("shm_open(%s): %s (is /dev/shm mounted?)", name, ms_errname(errno));
	struct stat st;
	xcheck("fstat", fstat(fd, &st));
	shm_unlink(name);
	cr_assert((st.st_mode & 0777) == 0644, "mode %o, expected 644 (0666 minus umask 022)",
		  st.st_mode & 0777);
	cr_assert(st.st_uid == geteuid() && st.st_gid == getegid(), "owner %d:%d, expected %d:%d",
		  (int)st.st_uid, (int)st.st_gid, (int)geteuid(), (int)getegid());
}

/* Assert that opening or unlinking another user's object without permission fails EACCES.
 * POSIX shm_open(), shm_unlink(). Runs the unprivileged side in a child (root only). */
CONFORM(shm_classes, permission_denied_eacces, "b13", POSIX)
{
	ms_require_root();
	char name[64];
	ms_shm_name(name, sizeof(name), "p");
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		cr_skip_test("shm_open(%s): %s (is /dev/shm mounted?)", name, ms_errname(errno));
	pid_t pid = xfork();
	if (pid == 0) {
		child_check(setgid(65534) == 0 && setuid(65534) == 0, "drop to nobody: %s",
			    ms_errname(errno));
		errno = 0;
		int r = shm_open(name, O_RDWR, 0);
		child_check(r == -1 && errno == EACCES, "shm_open of root's 0600 object: %d (%s), "
			    "expected EACCES", r, ms_errname(errno));
		errno = 0;
		r = shm_unlink(name);
		child_check(r == -1 && errno == EACCES, "shm_unlink of root's object: %d (%s), "
			    "expected EACCES", r, ms_errname(errno));
		_exit(0);
	}
	int status = xwait(pid);
	shm_unlink(name);
	cr_assert(status == 0, "the unprivileged child failed (its message is above)");
}
