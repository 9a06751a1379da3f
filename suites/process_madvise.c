/* (g) process_madvise: advice given to another process's memory through a pidfd (memory
 * reaped from a killed one, process_mrelease, is in process_mrelease.c). */
#include "mm_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

/* As in madvise.c: PAGEOUT may miss a folio another reference holds at that instant, so a
 * test faults the range back in and tries again, a few times. */
static const int pageout_attempts = 3;

/* ---- g17 ---- */

/* A child that, each time the parent's token arrives, faults in all of [p, p + len) (inherited,
 * never touched by the parent) and answers with its own; it exits when the parent closes its
 * end (or says nothing for 5 s). */
static void fork_toucher(const unsigned char *p, size_t len, struct ms_handshake *h)
{
	if (ms_fork_handshake(h) == 0) {
		while (ms_hear_parent(h)) {
			ms_touch_pages(p, len);
			ms_tell_parent(h);
		}
		_exit(0);
	}
}

static void child_touch(const struct ms_handshake *h)
{
	ms_tell_child(h);
	cr_assert(ms_hear_child(h), "the child did not touch its pages in time");
}

static void release_toucher(struct ms_handshake *h)
{
	ms_handshake_close(h);
	xwait_ok(h->pid);
}

/* Assert that process_madvise(MADV_PAGEOUT) on another process's clean file mapping returns
 * the number of bytes advised and drops the pages from the page cache (seen through the
 * parent's own untouched mapping of the file). LINUX, 5.10+; per file system as for
 * madvise: tmpfs pages stay without swap. */
CONFORM(process_madvise, pageout_other_process_file_pages, "g17", LINUX)
{
	ms_require_kernel(5, 10, "process_madvise");
	ms_stay_on_this_cpu(); /* the child inherits it: its pages join this CPU's batch */
	/* Two halves of 128 KiB: ms_file() writes in 64 KiB chunks, so no large folio of
	 * ext4 or xfs straddles the halves (PAGEOUT skips a large folio it covers partly
	 * when it cannot split it). */
	size_t n = 64, page = ms_page(), len = n * page;
	bool shmem = ms_fs_kind() == MS_FS_TMPFS;
	if (shmem && ms_swap_active())
		cr_skip_test("tmpfs with swap: residency after PAGEOUT depends on swap writeback");
	int fd = ms_file(len, NULL);
	xfsync(fd);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	struct ms_handshake h;
	fork_toucher(p, len, &h);
	int pidfd = xpidfd_open(h.pid);
	struct iovec iov[2] = { { p, len / 2 }, { p + len / 2, len / 2 } };
	ssize_t r;
	int e, attempts = 0;
	long resident;
	do { /* attempts: see pageout_attempts */
		child_touch(&h);
		errno = 0;
		r = process_madvise(pidfd, iov, 2, MADV_PAGEOUT, 0);
		e = errno;
		resident = ms_resident(p, len);
	} while (++attempts < pageout_attempts && r == (ssize_t)len && !shmem && resident != 0);
	release_toucher(&h);
	if (r < 0 && e == EPERM)
		cr_skip_test("process_madvise needs CAP_SYS_NICE and ptrace access: EPERM");
	cr_assert(r == (ssize_t)len, "process_madvise(PAGEOUT, 2 x %zu bytes) returned %zd (%s)",
		  len / 2, r, ms_errname(e));
	if (shmem)
		cr_assert(resident == (long)n, "tmpfs without swap: %ld of %zu pages resident",
			  resident, n);
	else
		cr_assert(resident == 0, "%s: %ld of %zu pages the child had touched are still "
			  "cached after process_madvise(PAGEOUT) (%d attempts)", ms_fs_name(),
			  resident, n, attempts);
	xclose(pidfd);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert the process_madvise errno cases: flags other than 0 and advice it does not take
 * give EINVAL, an fd that is no pidfd gives EBADF, a reaped process gives ESRCH. LINUX. */
CONFORM(process_madvise, bad_arguments_fail, "g17", LINUX)
{
	ms_require_kernel(5, 10, "process_madvise");
	size_t len = 4 * ms_page();
	unsigned char *p = xmap_anon(len, MAP_PRIVATE);
	struct iovec iov = { p, len };
	pid_t pid = xfork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	int pidfd = xpidfd_open(pid);
	errno = 0;
	ssize_t flags_r = process_madvise(pidfd, &iov, 1, MADV_COLD, 1);
	int flags_e = errno;
	errno = 0;
	ssize_t advice_r = process_madvise(pidfd, &iov, 1, MADV_DONTFORK, 0);
	int advice_e = errno;
	xkill(pid, SIGKILL);
	xwait(pid);
	cr_assert(flags_r == -1 && flags_e == EINVAL, "flags 1: expected EINVAL, got %zd with %s",
		  flags_r, ms_errname(flags_e));
	cr_assert(advice_r == -1 && advice_e == EINVAL, "MADV_DONTFORK: expected EINVAL, got %zd "
		  "with %s", advice_r, ms_errname(advice_e));
	ms_assert_errno(process_madvise(pidfd, &iov, 1, MADV_COLD, 0), ESRCH);
	int not_pidfd = ms_file(ms_page(), NULL);
	ms_assert_errno(process_madvise(not_pidfd, &iov, 1, MADV_COLD, 0), EBADF);
	xclose(not_pidfd);
	xclose(pidfd);
	xmunmap(p, len);
}
