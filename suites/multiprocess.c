/* (i) fork, exec and several processes on one mapping: coherence of shared file and shm
 * mappings, the mapping type across fork, memory locks across fork and exec, mappings across
 * exec, concurrent map/fault/unmap, KSM. What other threads can reach once munmap or mprotect
 * has returned is in threads.c. Every wait is bounded (pipes polled with a timeout, xwait). */
#include "conform.h"
#include "mm_util.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PR_SET_MEMORY_MERGE
#define PR_SET_MEMORY_MERGE 67 /* uapi values, Linux 6.4 */
#define PR_GET_MEMORY_MERGE 68
#endif

static const size_t npages = 16;

/* ---- i1: coherence across fork and independent opens ---- */

/* Assert that a MAP_SHARED file mapping inherited across fork is coherent both ways while
 * both processes run: the child's stores are seen by the parent's mapping and by read(), and
 * the parent's write() is seen by the child's mapping. */
CONFORM(multiprocess_shared_file, coherent_across_fork, "i1", POSIX)
{
	size_t len = npages * ms_page();
	int fd;
	unsigned char *p = ms_map_shared_file(len, NULL, &fd);
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		ms_fill_tagged(p, len, 'c');
		ms_tell_parent(&h);
		child_check(ms_hear_parent(&h), "no word from the parent in time");
		size_t bad = ms_first_mismatch_tagged(p, len, 'w');
		child_check(bad == len, "the child's mapping does not show the parent's write() at "
			    "byte %zu (0x%02x, expected 0x%02x)", bad, p[bad], ms_tagged(bad, 'w'));
		_exit(0);
	}
	cr_assert(ms_hear_child(&h), "no word from the child in time");
	size_t bad = ms_first_mismatch_tagged(p, len, 'c');
	cr_assert(bad == len, "%s: the parent's mapping does not show the child's store at byte "
		  "%zu (0x%02x, expected 0x%02x)\n%s", ms_fs_name(), bad, p[bad], ms_tagged(bad, 'c'),
		  ms_maps_near(p, len));
	unsigned char *buf = ms_read_range(fd, 0, len);
	bad = ms_first_mismatch_tagged(buf, len, 'c');
	cr_assert(bad == len, "%s: read() does not return the child's store at byte %zu",
		  ms_fs_name(), bad);
	ms_fill_tagged(buf, len, 'w');
	xpwrite(fd, buf, len, 0);
	ms_tell_child(&h);
	xwait_ok(h.pid);
	free(buf);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that two processes that open and map the same file independently (each its own
 * open() and mmap(MAP_SHARED)) see each other's stores, in turn, page by page. */
CONFORM(multiprocess_shared_file, coherent_across_independent_opens, "i1", POSIX)
{
	size_t pg = ms_page(), len = npages * pg;
	char path[PATH_MAX];
	int fd = ms_file(len, path);
	xclose(fd);
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		unsigned char *c = ms_child_map_path(path, len);
		/* even pages: the child writes and the parent checks; odd: the other way */
		for (size_t i = 0; i < npages; i += 2) {
			ms_fill_tagged(c + i * pg, pg, (unsigned char)i);
			ms_tell_parent(&h);
			child_check(ms_hear_parent(&h), "no word from the parent in time");
			size_t bad = ms_first_mismatch_tagged(c + (i + 1) * pg, pg, (unsigned char)(i + 1));
			child_check(bad == pg, "page %zu: the child does not see the parent's "
				    "store at +%zu (0x%02x)", i + 1, bad, c[(i + 1) * pg + bad]);
		}
		_exit(0);
	}
	fd = xopen(path, O_RDWR, 0);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	for (size_t i = 0; i < npages; i += 2) {
		cr_assert(ms_hear_child(&h), "no word from the child in time (page %zu)", i);
		size_t bad = ms_first_mismatch_tagged(p + i * pg, pg, (unsigned char)i);
		if (bad != pg) {
			xkill(h.pid, SIGKILL);
			xwait(h.pid);
			cr_assert_fail("%s page %zu: the parent does not see the child's store at "
				       "+%zu (0x%02x, expected 0x%02x)\n%s", ms_fs_name(), i, bad,
				       p[i * pg + bad], ms_tagged(bad, (unsigned char)i),
				       ms_maps_near(p, len));
		}
		ms_fill_tagged(p + (i + 1) * pg, pg, (unsigned char)(i + 1));
		ms_tell_child(&h);
	}
	xwait_ok(h.pid);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that a POSIX shared memory object opened by name in a child and mapped there shares
 * its pages with the parent's mapping of the same object. */
CONFORM(multiprocess_shm_open, coherent_across_processes, "i1", POSIX)
{
	size_t len = npages * ms_page();
	char name[64];
	snprintf(name, sizeof(name), "/mmapsuite-i1-%d", (int)getpid());
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		cr_skip_test("shm_open(%s): %s (is /dev/shm mounted?)", name, ms_errname(errno));
	if (ftruncate(fd, (off_t)len) != 0) {
		shm_unlink(name);
		ms_broken("ftruncate(shm): %s", ms_errname(errno));
	}
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		shm_unlink(name);
		ms_broken("mmap(shm): %s", ms_errname(errno));
	}
	pid_t pid = fork();
	ms_remember_child(pid);
	if (pid == 0) {
		int cfd = shm_open(name, O_RDWR, 0);
		child_check(cfd >= 0, "child: shm_open(%s): %s", name, ms_errname(errno));
		unsigned char *c = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		child_check(c != MAP_FAILED, "child: mmap(shm): %s", ms_errname(errno));
		ms_fill_tagged(c, len, 's');
		_exit(0);
	}
	int status = pid > 0 ? ms_xwait(__FILE__, __LINE__, pid) : -1;
	shm_unlink(name);
	cr_assert(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the child failed (status 0x%x, see its message above)", status);
	size_t bad = ms_first_mismatch_tagged(p, len, 's');
	cr_assert(bad == len, "the parent does not see the child's store to the shm object at "
		  "byte %zu (0x%02x, expected 0x%02x)", bad, p[bad], ms_tagged(bad, 's'));
	xmunmap(p, len);
	xclose(fd);
}

/* ---- i2: mapping type across fork ---- */

/* Assert that an inherited MAP_PRIVATE file mapping stays private after fork: the child's
 * stores reach neither the parent's mapping nor the file, and the parent's later stores do
 * not reach the child. */
CONFORM(multiprocess_private_file, stays_private_across_fork, "i2", POSIX)
{
	struct ms_file_map m = ms_file_map_private(npages * ms_page());
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		ms_fill_tagged(m.p, m.len, 'x');
		ms_tell_parent(&h);
		child_check(ms_hear_parent(&h), "no word from the parent in time");
		size_t bad = ms_first_mismatch_tagged(m.p, m.len, 'x');
		child_check(bad == m.len, "the child's private copy changed at byte %zu (0x%02x): "
			    "the parent's store leaked into it", bad, m.p[bad]);
		_exit(0);
	}
	cr_assert(ms_hear_child(&h), "no word from the child in time");
	ms_assert_bytes(m.p, 0, m.len, ms_pattern, "the parent's private mapping after the child's "
			"private store");
	ms_assert_file_bytes(m.fd, 0, m.len, ms_pattern,
			     "the file after the child's private store");
	memset(m.p, 0x3c, m.len);
	ms_tell_child(&h);
	xwait_ok(h.pid);
	ms_file_map_release(&m);
}

/* Assert that the child's /proc/self/maps shows an inherited shared file mapping as 's' and a
 * private one as 'p', with the parent's protections. */
CONFORM(multiprocess_private_file, maps_type_kept_in_child, "i2", LINUX)
{
	size_t len = npages * ms_page();
	int fd;
	void *shared = ms_map_shared_file(len, NULL, &fd);
	void *private = xmmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	pid_t pid = xfork();
	if (pid == 0) {
		struct ms_vma vma;
		child_check(ms_vma_at(shared, &vma, NULL, 0), "child: the shared mapping is gone");
		child_check(strcmp(vma.perms, "rw-s") == 0, "child: shared mapping shows %s, "
			    "expected rw-s", vma.perms);
		child_check(ms_vma_at(private, &vma, NULL, 0),
			    "child: the private mapping is gone");
		child_check(strcmp(vma.perms, "r--p") == 0, "child: private mapping shows %s, "
			    "expected r--p", vma.perms);
		_exit(0);
	}
	xwait_ok(pid);
	xmunmap(shared, len);
	/* cppcheck-suppress doubleFree ; two different mappings of the same length are unmapped */
	xmunmap(private, len);
	xclose(fd);
}

/* ---- i3: memory locks across fork and exec; mappings across exec ---- */

/* Assert that mlock() is not inherited: the child's copy of a locked range shows Locked: 0 kB
 * and no "lo" VmFlag, while the parent's stays locked. */
CONFORM(multiprocess_mlock, mlock_not_inherited_by_child, "i3", POSIX)
{
	size_t len = npages * ms_page();
	unsigned char *p = xmap_anon(len, MAP_PRIVATE);
	if (mlock(p, len) != 0)
		cr_skip_test("mlock(%zu bytes): %s (RLIMIT_MEMLOCK too small?)", len,
			     ms_errname(errno));
	long parent_kb = ms_smaps_kb(p, "Locked");
	cr_assert(parent_kb == (long)(len / 1024), "the parent's mlocked range shows Locked: %ld "
		  "kB, expected %zu", parent_kb, len / 1024);
	pid_t pid = xfork();
	if (pid == 0) {
		long kb = ms_smaps_kb(p, "Locked");
		const char *flags = ms_vma_flags(p);
		child_check(kb == 0, "child: the inherited range shows Locked: %ld kB, expected 0",
			    kb);
		child_check(!ms_vmflags_have(flags, "lo"), "child: the inherited range still has "
			    "VM_LOCKED (VmFlags:%s)", flags);
		_exit(0);
	}
	xwait_ok(pid);
	parent_kb = ms_smaps_kb(p, "Locked");
	cr_assert(parent_kb == (long)(len / 1024), "after fork the parent's range shows Locked: "
		  "%ld kB, expected %zu", parent_kb, len / 1024);
	xmunmap(p, len);
}

/* Assert that mlockall(MCL_CURRENT | MCL_FUTURE) is not inherited: the child's VmLck is 0 and
 * its new mappings are not locked, while the locking process's are. */
CONFORM(multiprocess_mlock, mlockall_not_inherited_by_child, "i3", POSIX)
{
	pid_t pid = xfork();
	if (pid == 0) {
		/* in a child, so that the test process's own memory is never locked */
		if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
			_exit(MS_CHILD_SKIP);
		size_t len = 4 * ms_page();
		void *mine = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
		child_check(mine != MAP_FAILED, "mmap: %s", ms_errname(errno));
		child_check(ms_smaps_kb(mine, "Locked") == (long)(len / 1024), "MCL_FUTURE did not "
			    "lock a new mapping of the locking process (Locked: %ld kB)",
			    ms_smaps_kb(mine, "Locked"));
		pid_t grandchild = child_fork();
		if (grandchild == 0) {
			long vmlck = ms_status_kb("VmLck");
			child_check(vmlck == 0, "child of mlockall: VmLck %ld kB, expected 0",
				vmlck);
			void *q = mmap(NULL, len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			child_check(q != MAP_FAILED, "mmap: %s", ms_errname(errno));
			*(volatile char *)q = 1;
			long kb = ms_smaps_kb(q, "Locked");
			child_check(kb == 0, "child of mlockall: a new mapping is locked (Locked: "
				    "%ld kB): MCL_FUTURE was inherited", kb);
			_exit(0);
		}
		child_wait_ok(grandchild);
		_exit(0);
	}
	xwait_ok_or_skip(pid, "mlockall(MCL_CURRENT | MCL_FUTURE) failed: RLIMIT_MEMLOCK too "
			 "small without CAP_IPC_LOCK");
}

/* Runs script with /bin/sh in a child that first calls prepare(arg) (which may
 * _exit(MS_CHILD_SKIP) to ask for a SKIP), and returns the script's standard output (up to
 * outlen), bounded to 5 s on the host (ms_scaled_s). */
static void run_after_exec(void (*prepare)(void *), void *arg, const char *script, char *out,
			   size_t outlen)
{
	if (access("/bin/sh", X_OK) != 0)
		cr_skip_test("no /bin/sh to exec: %s", ms_errname(errno));
	int fds[2];
	xpipe(fds);
	pid_t pid = xfork();
	if (pid == 0) {
		close(fds[0]);
		prepare(arg);
		child_check(dup2(fds[1], STDOUT_FILENO) == STDOUT_FILENO, "dup2: %s",
			    ms_errname(errno));
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		child_check(false, "execl(/bin/sh): %s", ms_errname(errno));
	}
	close(fds[1]);
	size_t used = 0;
	struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
	int wait_ms = (int)(ms_scaled_s(5) * 1000);
	while (used + 1 < outlen && poll(&pfd, 1, wait_ms) == 1) {
		ssize_t n = read(fds[0], out + used, outlen - 1 - used);
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	out[used] = 0;
	close(fds[0]);
	int status = xwait(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == MS_CHILD_SKIP)
		cr_skip_test("the set-up before exec could not run (see the message above)");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the exec'd shell failed "
		  "(status 0x%x); its output:\n%s", status, out);
}

static void lock_future(void *arg)
{
	(void)arg;
	if (mlockall(MCL_FUTURE) != 0) {
		fprintf(stderr, "mlockall(MCL_FUTURE): %s\n", ms_errname(errno));
		_exit(MS_CHILD_SKIP);
	}
	/* the control: MCL_FUTURE is in force in this process before the exec */
	void *p = mmap(NULL, ms_page(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	child_check(p != MAP_FAILED, "mmap: %s", ms_errname(errno));
	child_check(ms_smaps_kb(p, "Locked") == (long)(ms_page() / 1024), "MCL_FUTURE did not "
		    "lock a new mapping before exec (Locked: %ld kB)", ms_smaps_kb(p, "Locked"));
}

/* Assert that execve() clears MCL_FUTURE: a process that called mlockall(MCL_FUTURE), and
 * whose new mappings were locked, runs the new image with VmLck: 0 kB although every mapping
 * of that image is new. */
CONFORM(multiprocess_exec, mcl_future_cleared_by_execve, "i3", POSIX)
{
	char out[256];
	/* $$ is the exec'd shell itself: the process that called mlockall */
	run_after_exec(lock_future, NULL, "while read key value unit; do "
		       "case $key in VmLck:) echo \"$value\";; esac; done < /proc/$$/status",
		       out, sizeof(out));
	char *end;
	long vmlck = strtol(out, &end, 10);
	cr_assert(end != out, "no VmLck line from the exec'd shell; it printed \"%s\"", out);
	cr_assert(vmlck == 0, "after execve the new image has VmLck: %ld kB, expected 0: "
		  "MCL_FUTURE survived exec", vmlck);
}

struct exec_marks {
	void *anon;
	size_t len;
	const char *path;
};

/* A fixed address far from where the loader, heap, stack or mmap base of the new image land,
 * so that no mapping of the exec'd shell can be there by chance: 32 TiB, or 512 MiB with a
 * 32-bit word (below arm's PIE base, 2/3 of TASK_SIZE, and its mmap base under the stack). */
#if UINTPTR_MAX > 0xffffffffu
#define EXEC_MARK_ADDR ((void *)0x200000000000UL)
#else
#define EXEC_MARK_ADDR ((void *)0x20000000UL)
#endif

static void map_marks(void *arg)
{
	struct exec_marks *m = arg;
	void *p = mmap(EXEC_MARK_ADDR, m->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	child_check(p == EXEC_MARK_ADDR, "mmap at %p: %p, %s", EXEC_MARK_ADDR, p,
		    ms_errname(errno));
	memset(p, 0x42, m->len);
	int fd = open(m->path, O_RDWR);
	child_check(fd >= 0, "open(%s): %s", m->path, ms_errname(errno));
	void *f = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	child_check(f != MAP_FAILED, "mmap(%s): %s", m->path, ms_errname(errno));
	close(fd); /* the mapping keeps the file; only exec may drop it */
	m->anon = p;
}

/* Assert that after execve() none of the old image's mappings remain: neither an anonymous
 * mapping at a fixed address nor a MAP_SHARED mapping of a file on the file system under test
 * appears in the new image's /proc/self/maps. */
CONFORM(multiprocess_exec, mappings_gone_after_exec, "i3", POSIX)
{
	size_t len = 4 * ms_page();
	char path[PATH_MAX];
	xclose(ms_file(len, path));
	struct exec_marks marks = { .len = len, .path = path };
	static char out[65536];
	run_after_exec(map_marks, &marks, "while read line; do echo \"$line\"; done "
		       "< /proc/$$/maps", out, sizeof(out));
	cr_assert(strstr(out, "[stack]") != NULL, "the exec'd shell's maps have no [stack] line; "
		  "it printed:\n%s", out);
	cr_assert(strstr(out, path) == NULL, "%s: the file mapping of %s survived execve:\n%s",
		  ms_fs_name(), path, out);
	FILE *maps = fmemopen(out, strlen(out), "r");
	if (!maps)
		ms_broken("fmemopen of the exec'd shell's maps: %s", ms_errname(errno));
	int survivors = ms_maps_count(maps, (unsigned long)EXEC_MARK_ADDR,
				      (unsigned long)EXEC_MARK_ADDR + len);
	fclose(maps);
	cr_assert(survivors == 0, "a mapping of the old image at %p survived execve:\n%s",
		  EXEC_MARK_ADDR, out);
}

/* ---- i4: concurrent map/fault/unmap of one file ---- */

enum { i4_workers = 3, i4_rounds = 40, i4_pages = 48 };

/* The byte a worker leaves at offset i of its page in a round: the page's first 8 bytes say
 * who and when, the rest is derived from them, so a torn or misplaced page is recognisable. */
static unsigned char i4_byte(size_t page, int round, size_t i)
{
	return (unsigned char)((page * 31u + (unsigned)round * 7u + i * 3u) ^ (i >> 8));
}

static void i4_worker(const char *path, int id)
{
	size_t pg = ms_page(), len = i4_pages * pg;
	int fd = open(path, O_RDWR); /* an open of its own, not the parent's */
	child_check(fd >= 0, "worker %d: open(%s): %s", id, path, ms_errname(errno));
	for (int round = 0; round < i4_rounds; round++) {
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		child_check(p != MAP_FAILED, "worker %d round %d: mmap: %s", id, round,
			    ms_errname(errno));
		for (size_t page = (size_t)id; page < i4_pages; page += i4_workers) {
			unsigned char *q = p + page * pg;
			/* what this worker stored last round, through another mapping */
			if (round > 0)
				for (size_t i = 0; i < pg; i++)
					child_check(q[i] == i4_byte(page, round - 1, i),
						    "worker %d round %d: page %zu byte %zu is "
						    "0x%02x, expected 0x%02x (stored in round %d "
						    "through the last mapping)", id, round, page,
						    i, q[i], i4_byte(page, round - 1, i),
						    round - 1);
			for (size_t i = 0; i < pg; i++)
				q[i] = i4_byte(page, round, i);
		}
		/* every other round drop the page tables too, so the next touch refaults */
		if (round % 2)
			child_check(madvise(p, len, MADV_DONTNEED) == 0, "madvise: %s",
				    ms_errname(errno));
		child_check(munmap(p, len) == 0, "munmap: %s", ms_errname(errno));
	}
	close(fd);
	_exit(0);
}

/* Assert that three processes, each with its own open() of one file, mapping it MAP_SHARED,
 * storing into their own pages, dropping page tables and unmapping, 40 times concurrently,
 * never lose or mix up a store: each sees its previous round's data through a new mapping,
 * and read() finds every page as its owner last left it. */
CONFORM(multiprocess_concurrent, map_fault_unmap_keeps_data, "i4", POSIX)
{
	size_t pg = ms_page(), len = i4_pages * pg;
	char path[PATH_MAX];
	xclose(ms_file(len, path));
	pid_t pids[i4_workers];
	for (int w = 0; w < i4_workers; w++) {
		pids[w] = xfork();
		if (pids[w] == 0)
			i4_worker(path, w);
	}
	for (int w = 0; w < i4_workers; w++)
		xwait_ok(pids[w]);
	int fd = xopen(path, O_RDONLY, 0);
	unsigned char *buf = ms_read_range(fd, 0, len);
	for (size_t page = 0; page < i4_pages; page++)
		for (size_t i = 0; i < pg; i++)
			cr_assert(buf[page * pg + i] == i4_byte(page, i4_rounds - 1, i),
				  "%s: read() after the workers finished: page %zu (worker %zu) "
				  "byte %zu is 0x%02x, expected 0x%02x", ms_fs_name(), page,
				  page % i4_workers, i, buf[page * pg + i],
				  i4_byte(page, i4_rounds - 1, i));
	free(buf);
	xclose(fd);
}

/* ---- i5: KSM ---- */

static long self_ksm_merging_pages(void)
{
	return ms_read_long_file("/proc/self/ksm_merging_pages");
}

enum { ksm_pages = 32, ksm_skip = MS_CHILD_SKIP };

static long ksm_full_scans(void)
{
	return ms_read_long_file("/sys/kernel/mm/ksm/full_scans");
}

/* Waits up to 5 s on the host (ms_scaled_s) for this process's ksm_merging_pages to reach want.
 * ksmd's pace is best-effort: it walks every mergeable page on the machine, pages_to_scan per
 * wake-up. It merges a page on its second pass over it (the first only checksums it) and sees a
 * page unmerged on its next pass; the first full scan counted may have begun before the wait, so
 * scans_needed is one more than that. A miss is a failure only when ksmd completed those scans;
 * otherwise the child exits ksm_skip with the reason in `why`. */
static long ksm_await_merging(long want, long scans_needed, char *why, size_t whylen)
{
	long scans0 = ksm_full_scans(), merged = -1;
	double wait_s = ms_scaled_s(5), end = ms_now_s() + wait_s;
	do {
		merged = self_ksm_merging_pages();
		if (merged == want)
			return merged;
		usleep(20000);
	} while (ms_now_s() < end);
	long scans = ksm_full_scans() - scans0;
	if (scans0 >= 0 && scans < scans_needed) {
		snprintf(why, whylen, "ksmd completed only %ld full scans in %.0f s (%ld needed; "
			 "ksm_merging_pages %ld, waiting for %ld): the machine has more mergeable "
			 "memory than ksmd gets through", scans, wait_s, scans_needed, merged, want);
		_exit(ksm_skip);
	}
	return merged;
}

/* In a child, with ksmd running: identical pages merge; a write unmerges only that page; and
 * after fork, a merged page is copied on write like any private page (a3, KSM variant). */
static void ksm_worker(char *why, size_t whylen)
{
	size_t pg = ms_page(), len = ksm_pages * pg;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	child_check(p != MAP_FAILED, "mmap: %s", ms_errname(errno));
	memset(p, 0x5a, len); /* not zero: zero pages may be handled by use_zero_pages */
	child_check(madvise(p, len, MADV_MERGEABLE) == 0, "madvise(MADV_MERGEABLE): %s",
		    ms_errname(errno));
	long merged = ksm_await_merging(ksm_pages, 3, why, whylen);
	child_check(merged == ksm_pages, "ksmd merged %ld of %d identical pages in 5 s and at "
		    "least 3 full scans", merged, ksm_pages);
	for (size_t i = 0; i < len; i++)
		child_check(p[i] == 0x5a, "merged page %zu reads 0x%02x at +%zu, expected 0x5a",
			    i / pg, p[i], i % pg);

	pid_t pid = child_fork();
	if (pid == 0) {
		memset(p + 7 * pg, 0x11, pg);
		_exit(0);
	}
	child_wait_ok(pid);
	child_check(p[7 * pg] == 0x5a && p[8 * pg - 1] == 0x5a, "a KSM page written by a fork "
		    "child changed in the parent (0x%02x): not copied on write", p[7 * pg]);

	memset(p + 5 * pg, 0xa7, pg);
	for (size_t i = 0; i < len; i++) {
		unsigned char want = i / pg == 5 ? 0xa7 : 0x5a;
		child_check(p[i] == want, "after writing page 5: page %zu reads 0x%02x at +%zu, "
			    "expected 0x%02x", i / pg, p[i], i % pg, want);
	}
	/* ksmd, not the write fault, updates the count on its next pass over the page */
	merged = ksm_await_merging(ksm_pages - 1, 2, why, whylen);
	child_check(merged == ksm_pages - 1, "5 s and at least 2 full scans after writing one "
		    "merged page %ld pages are merged, expected %d (the written one unmerged)",
		    merged, ksm_pages - 1);
	_exit(0);
}

/* Assert that KSM merges identical MADV_MERGEABLE pages (ksm_merging_pages reaches all 32),
 * that the data reads unchanged, that a write unmerges exactly the written page, and that a
 * merged page is still copied on write after fork. Runs ksmd (as root) and restores its
 * state. SKIPs when ksmd is too busy with the rest of the machine to finish its scans. */
CONFORM(multiprocess_ksm, merges_identical_unmerges_on_write, "i5 a3", LINUX,
	.fini = ms_settings_restore, MS_ALONE)
{
	const char *ksm_run = ms_machine_setting(MS_KSM_RUN)->path;
	if (access(ksm_run, F_OK) != 0)
		cr_skip_test("%s: %s (kernel built without CONFIG_KSM)", ksm_run,
			     ms_errname(errno));
	if (access("/proc/self/ksm_merging_pages", R_OK) != 0)
		cr_skip_test("/proc/self/ksm_merging_pages is missing (Linux 6.1+)");
	char *why = xmmap(NULL, ms_page(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			  -1, 0);
	ms_setting_change(MS_KSM_RUN, "1");
	pid_t pid = xfork();
	if (pid == 0)
		ksm_worker(why, ms_page());
	int status = xwait(pid);
	ms_settings_restore();
	if (WIFEXITED(status) && WEXITSTATUS(status) == ksm_skip)
		cr_skip_test("%s", why);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the KSM worker failed (status 0x%x, see its message above)", status);
}

/* Assert that PR_SET_MEMORY_MERGE is inherited by fork: the child reads it back with
 * PR_GET_MEMORY_MERGE and its new anonymous mappings are mergeable ("mg" in VmFlags). */
CONFORM(multiprocess_ksm, prctl_memory_merge_inherited_by_fork, "i5", LINUX)
{
	ms_require_kernel(6, 4, "PR_SET_MEMORY_MERGE");
	const char *ksm_run = ms_machine_setting(MS_KSM_RUN)->path;
	if (access(ksm_run, F_OK) != 0)
		cr_skip_test("%s: %s (kernel built without CONFIG_KSM)", ksm_run,
			     ms_errname(errno));
	pid_t pid = xfork();
	if (pid == 0) {
		/* in a child, so the test process itself never becomes mergeable */
		if (prctl(PR_SET_MEMORY_MERGE, 1, 0, 0, 0) != 0) {
			fprintf(stderr, "prctl(PR_SET_MEMORY_MERGE): %s\n", ms_errname(errno));
			_exit(errno == EPERM ? MS_CHILD_SKIP : 1);
		}
		pid_t grandchild = child_fork();
		if (grandchild == 0) {
			int on = prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0);
			child_check(on == 1, "child: PR_GET_MEMORY_MERGE is %d (%s), expected 1",
				    on, ms_errname(errno));
			void *p = mmap(NULL, 4 * ms_page(), PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			child_check(p != MAP_FAILED, "mmap: %s", ms_errname(errno));
			const char *flags = ms_vma_flags(p);
			child_check(ms_vmflags_have(flags, "mg"), "child: a new anonymous mapping "
				    "is not mergeable (VmFlags:%s)", flags);
			_exit(0);
		}
		child_wait_ok(grandchild);
		_exit(0);
	}
	xwait_ok_or_skip(pid, "prctl(PR_SET_MEMORY_MERGE) needs CAP_SYS_RESOURCE (EPERM)");
}
