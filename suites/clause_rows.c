/* Tests for rows of suites/clauses/ that no other test judged (issue 11): lock ownership
 * across processes and across mremap, MADV_DOFORK, shm_open's owner, mode and permissions,
 * the map-count limit of splits, MADV_POPULATE past end of file, and the rounding of
 * remap_file_pages and of mremap's old size. */
#include "mm_util.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Assert that munlock in one process leaves the lock another process holds on the same
 * (shared) page: locks belong to address spaces. POSIX munlock() */
CONFORM(munlock_classes, other_process_locks_kept, "h14 i3", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				 -1, 0);
	p[0] = 1;
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		child_check(mlock(p, pg) == 0, "child mlock: %s", ms_errname(errno));
		ms_tell_parent(&h);
		child_check(ms_hear_parent(&h), "the parent never answered");
		child_check(ms_vma_has_flag(p, "lo"), "after the parent's munlock the child's mapping is no "
			    "longer locked (VmFlags without lo)");
		_exit(0);
	}
	bool ready = ms_hear_child(&h);
	if (ready) {
		ms_assert_ok(mlock(p, pg));
		ms_assert_ok(munlock(p, pg));
	}
	ms_tell_child(&h);
	xwait_ok(h.pid);
	cr_assert(ready, "the child could not lock the page");
}

/* Assert that a locked mapping grown by mremap stays locked over its whole new size. */
CONFORM(mremap_classes, locked_mapping_stays_locked, "g5 h14", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	if (mlock(p, pg) != 0)
		cr_skip_test("mlock failed with %s (RLIMIT_MEMLOCK?)", ms_errname(errno));
	unsigned char *q = mremap(p, pg, 4 * pg, MREMAP_MAYMOVE);
	ms_assert_mapped(q);
	long locked = ms_smaps_kb(q, "Locked");
	cr_assert(locked >= (long)(4 * pg / 1024), "after growing a locked mapping to 4 pages, "
		  "Locked: %ld kB\n%s", locked, ms_maps_near(q, 4 * pg));
}

/* Assert that the length of mremap's old range is rounded up: remapping page + 1 bytes of a
 * three-page mapping to three pages moves two pages (the one holding the last byte
 * included) and takes nothing of the third. */
CONFORM(mremap_classes, length_rounding_moves_whole_last_page, "g5 h12", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 3; i++)
		memset(p + i * pg, 0x11 * (i + 1), pg);
	unsigned char *q = mremap(p, pg + 1, 3 * pg, MREMAP_MAYMOVE);
	ms_assert_mapped(q);
	cr_assert(q[pg] == 0x22 && q[2 * pg - 1] == 0x22, "the page holding the last byte did "
		  "not move with the range (reads %#x)", q[pg]);
	cr_assert(q[2 * pg] == 0, "the grown part reads %#x, expected a new zero page", q[2 * pg]);
}

/* Assert that remap_file_pages rounds its size down: page + 1 bytes remap one page, and the
 * next page keeps showing its own file page. */
CONFORM(remap_file_pages_classes, length_rounding_down_to_pages, "g18", LINUX)
{
	size_t pg = ms_page();
	int fd = ms_file(3 * pg, NULL);
	unsigned char *p = xmap_shared(fd, 3 * pg);
	if (remap_file_pages(p, pg + 1, 0, 2, 0) != 0)
		cr_skip_test("remap_file_pages: %s", ms_errname(errno));
	cr_assert(p[0] == ms_pattern(2 * pg), "the first page does not show file page 2");
	cr_assert(p[pg] == ms_pattern(pg), "the second page no longer shows file page 1: the "
		  "size was not rounded down");
}

/* Assert that MADV_DOFORK undoes MADV_DONTFORK: the child inherits the range again. */
CONFORM(madvise_classes, dofork_restores_inheritance, "a10 g13", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	p[0] = 0x42;
	ms_assert_ok(madvise(p, pg, MADV_DONTFORK));
	ms_assert_ok(madvise(p, pg, MADV_DOFORK));
	pid_t pid = xfork();
	if (pid == 0) {
		struct ms_fault f;
		child_check(!ms_probe_read(p, &f), "the child has no mapping after DOFORK (%s)",
			    ms_signame(f.signo));
		child_check(p[0] == 0x42, "the child reads %#x", p[0]);
		_exit(0);
	}
	xwait_ok(pid);
}

/* Assert that MADV_POPULATE_READ over a file mapping reaching past end of file fails
 * EFAULT (the access would raise SIGBUS). */
CONFORM(madvise_classes, populate_past_eof_efault, "d7 g13", LINUX)
{
	size_t pg = ms_page();
	int fd = ms_file(pg, NULL);
	unsigned char *p = xmmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
	errno = 0;
	int r = madvise(p, 2 * pg, MADV_POPULATE_READ);
	if (r == -1 && errno == EINVAL)
		cr_skip_test("MADV_POPULATE_READ is not in this kernel (EINVAL; Linux 5.14)");
	cr_assert(r == -1 && errno == EFAULT, "MADV_POPULATE_READ past end of file: %d (%s), "
		  "expected EFAULT", r, ms_errname(errno));
}

/* Assert the map-count limit of splits: at vm.max_map_count an mprotect or mlock that would
 * split a mapping fails ENOMEM. */
CONFORM(mprotect_classes, split_past_map_count_enomem, "g4 g12 h14", LINUX)
{
	long max = ms_map_count_limit();
	pid_t pid = xfork();
	if (pid == 0) {
		size_t pg = ms_page(), pages;
		char *base = ms_split_to_map_count_limit(max, &pages);
		child_check(errno == ENOMEM, "the split at the limit: %s", ms_errname(errno));
		/* one more split of the untouched tail, by mlock this time */
		char *tail = base + (pages - 3) * pg;
		errno = 0;
		int r = mlock(tail + pg, pg);
		child_check(r == -1 && errno == ENOMEM, "mlock splitting at the limit: %d (%s), "
			    "expected ENOMEM", r, ms_errname(errno));
		_exit(0);
	}
	xwait_ok(pid);
}

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
