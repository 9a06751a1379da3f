/* (i) fork, exec and several processes or threads on one mapping: coherence of shared file
 * and shm mappings, the mapping type across fork, memory locks across fork and exec, mappings
 * across exec, concurrent map/fault/unmap, KSM, and what threads can reach once munmap or
 * mprotect has returned. Every wait is bounded (pipes polled with a timeout, xwait). */
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
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int c2p[2], p2c[2];
	xpipe(c2p);
	xpipe(p2c);
	pid_t pid = xfork();
	if (pid == 0) {
		ms_fill_tagged(p, len, 'c');
		ms_send_token(c2p[1]);
		child_check(ms_await_token(p2c[0]), "no word from the parent within 5 s");
		size_t bad = ms_first_mismatch_tagged(p, len, 'w');
		child_check(bad == len, "the child's mapping does not show the parent's write() at "
			    "byte %zu (0x%02x, expected 0x%02x)", bad, p[bad], ms_tagged(bad, 'w'));
		_exit(0);
	}
	cr_assert(ms_await_token(c2p[0]), "no word from the child within 5 s");
	size_t bad = ms_first_mismatch_tagged(p, len, 'c');
	cr_assert(bad == len, "%s: the parent's mapping does not show the child's store at byte "
		  "%zu (0x%02x, expected 0x%02x)\n%s", ms_fs_name(), bad, p[bad], ms_tagged(bad, 'c'),
		  ms_maps_near(p, len));
	unsigned char *buf = ms_read_range(fd, 0, len);
	bad = ms_first_mismatch_tagged(buf, len, 'c');
	cr_assert(bad == len, "%s: read() does not return the child's store at byte %zu",
		ms_fs_name(),
		  bad);
	ms_fill_tagged(buf, len, 'w');
	xpwrite(fd, buf, len, 0);
	ms_send_token(p2c[1]);
	xwait_ok(pid);
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
	int c2p[2], p2c[2];
	xpipe(c2p);
	xpipe(p2c);
	pid_t pid = xfork();
	if (pid == 0) {
		int cfd = open(path, O_RDWR);
		child_check(cfd >= 0, "open(%s): %s", path, ms_errname(errno));
		unsigned char *c = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		child_check(c != MAP_FAILED, "mmap: %s", ms_errname(errno));
		/* even pages: the child writes and the parent checks; odd: the other way */
		for (size_t i = 0; i < npages; i += 2) {
			ms_fill_tagged(c + i * pg, pg, (unsigned char)i);
			ms_send_token(c2p[1]);
			child_check(ms_await_token(p2c[0]), "no word from the parent within 5 s");
			size_t bad = ms_first_mismatch_tagged(c + (i + 1) * pg, pg, (unsigned char)(i + 1));
			child_check(bad == pg, "page %zu: the child does not see the parent's "
				    "store at +%zu (0x%02x)", i + 1, bad, c[(i + 1) * pg + bad]);
		}
		_exit(0);
	}
	fd = xopen(path, O_RDWR, 0);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	for (size_t i = 0; i < npages; i += 2) {
		cr_assert(ms_await_token(c2p[0]), "no word from the child within 5 s (page %zu)", i);
		size_t bad = ms_first_mismatch_tagged(p + i * pg, pg, (unsigned char)i);
		if (bad != pg) {
			xkill(pid, SIGKILL);
			xwait(pid);
			cr_assert_fail("%s page %zu: the parent does not see the child's store at "
				       "+%zu (0x%02x, expected 0x%02x)\n%s", ms_fs_name(), i, bad,
				       p[i * pg + bad], ms_tagged(bad, (unsigned char)i),
				       ms_maps_near(p, len));
		}
		ms_fill_tagged(p + (i + 1) * pg, pg, (unsigned char)(i + 1));
		ms_send_token(p2c[1]);
	}
	xwait_ok(pid);
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
	size_t len = npages * ms_page();
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	int c2p[2], p2c[2];
	xpipe(c2p);
	xpipe(p2c);
	pid_t pid = xfork();
	if (pid == 0) {
		ms_fill_tagged(p, len, 'x');
		ms_send_token(c2p[1]);
		child_check(ms_await_token(p2c[0]), "no word from the parent within 5 s");
		size_t bad = ms_first_mismatch_tagged(p, len, 'x');
		child_check(bad == len, "the child's private copy changed at byte %zu (0x%02x): "
			    "the parent's store leaked into it", bad, p[bad]);
		_exit(0);
	}
	cr_assert(ms_await_token(c2p[0]), "no word from the child within 5 s");
	for (size_t i = 0; i < len; i++)
		cr_assert(p[i] == ms_pattern(i), "%s: the parent's private mapping shows the "
			  "child's store at byte %zu (0x%02x, file byte 0x%02x)\n%s", ms_fs_name(),
			  i, p[i], ms_pattern(i), ms_maps_near(p, len));
	unsigned char *buf = ms_read_range(fd, 0, len);
	for (size_t i = 0; i < len; i++)
		cr_assert(buf[i] == ms_pattern(i), "%s: the child's private store reached the file "
			  "at byte %zu", ms_fs_name(), i);
	memset(p, 0x3c, len);
	ms_send_token(p2c[1]);
	xwait_ok(pid);
	free(buf);
	xmunmap(p, len);
	xclose(fd);
}

/* The perms column ("rw-s") of the /proc/self/maps line that contains addr. */
static bool maps_perms(const void *addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 && (unsigned long)addr >= s &&
		    (unsigned long)addr < e)
			found = true;
	}
	if (f)
		fclose(f);
	return found;
}

/* Assert that the child's /proc/self/maps shows an inherited shared file mapping as 's' and a
 * private one as 'p', with the parent's protections. */
CONFORM(multiprocess_private_file, maps_type_kept_in_child, "i2", LINUX)
{
	size_t len = npages * ms_page();
	int fd = ms_file(len, NULL);
	void *shared = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	void *private = xmmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	pid_t pid = xfork();
	if (pid == 0) {
		char perms[5];
		child_check(maps_perms(shared, perms), "child: the shared mapping is gone");
		child_check(strcmp(perms, "rw-s") == 0, "child: shared mapping shows %s, expected "
			    "rw-s", perms);
		child_check(maps_perms(private, perms), "child: the private mapping is gone");
		child_check(strcmp(perms, "r--p") == 0, "child: private mapping shows %s, expected "
			    "r--p", perms);
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
		const char *flags = vma_flags(p);
		child_check(kb == 0, "child: the inherited range shows Locked: %ld kB, expected 0",
			    kb);
		child_check(!vmflags_have(flags, "lo"), "child: the inherited range still has "
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
			_exit(77);
		size_t len = 4 * ms_page();
		void *mine = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
		child_check(mine != MAP_FAILED, "mmap: %s", ms_errname(errno));
		child_check(ms_smaps_kb(mine, "Locked") == (long)(len / 1024), "MCL_FUTURE did not "
			    "lock a new mapping of the locking process (Locked: %ld kB)",
			    ms_smaps_kb(mine, "Locked"));
		pid_t grandchild = fork();
		child_check(grandchild >= 0, "fork: %s", ms_errname(errno));
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
		int st;
		child_check(waitpid(grandchild, &st, 0) == grandchild && WIFEXITED(st) &&
			    WEXITSTATUS(st) == 0, "the grandchild failed (status 0x%x)", st);
		_exit(0);
	}
	int status = xwait(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		cr_skip_test("mlockall(MCL_CURRENT | MCL_FUTURE) failed: RLIMIT_MEMLOCK too small "
			     "without CAP_IPC_LOCK");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the child failed (status 0x%x, see its message above)", status);
}

/* Runs script with /bin/sh in a child that first calls prepare(arg) (which may _exit(77) to
 * ask for a SKIP), and returns the script's standard output (up to outlen), bounded to 5 s. */
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
	while (used + 1 < outlen && poll(&pfd, 1, 5000) == 1) {
		ssize_t n = read(fds[0], out + used, outlen - 1 - used);
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	out[used] = 0;
	close(fds[0]);
	int status = xwait(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		cr_skip_test("the set-up before exec could not run (see the message above)");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the exec'd shell failed "
		  "(status 0x%x); its output:\n%s", status, out);
}

static void lock_future(void *arg)
{
	(void)arg;
	if (mlockall(MCL_FUTURE) != 0) {
		fprintf(stderr, "mlockall(MCL_FUTURE): %s\n", ms_errname(errno));
		_exit(77);
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
 * so that no mapping of the exec'd shell can be there by chance. */
#define EXEC_MARK_ADDR ((void *)0x200000000000UL)

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
	for (char *line = out; *line;) {
		unsigned long s, e;
		if (sscanf(line, "%lx-%lx", &s, &e) == 2)
			cr_assert(e <= (unsigned long)EXEC_MARK_ADDR ||
				  s >= (unsigned long)EXEC_MARK_ADDR + len, "a mapping of the old "
				  "image at %p survived execve:\n%s", EXEC_MARK_ADDR, out);
		char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
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
	return read_long_file("/proc/self/ksm_merging_pages");
}

enum { ksm_pages = 32, ksm_skip = 77 };

static long ksm_full_scans(void)
{
	return read_long_file("/sys/kernel/mm/ksm/full_scans");
}

/* Waits up to 5 s for this process's ksm_merging_pages to reach want. ksmd's pace is
 * best-effort: it walks every mergeable page on the machine, pages_to_scan per wake-up. It
 * merges a page on its second pass over it (the first only checksums it) and sees a page
 * unmerged on its next pass; the first full scan counted may have begun before the wait, so
 * scans_needed is one more than that. A miss is a failure only when ksmd completed those
 * scans; otherwise the child exits ksm_skip with the reason in `why`. */
static long ksm_await_merging(long want, long scans_needed, char *why, size_t whylen)
{
	long scans0 = ksm_full_scans(), merged = -1;
	for (int i = 0; i < 250; i++) {
		merged = self_ksm_merging_pages();
		if (merged == want)
			return merged;
		usleep(20000);
	}
	long scans = ksm_full_scans() - scans0;
	if (scans0 >= 0 && scans < scans_needed) {
		snprintf(why, whylen, "ksmd completed only %ld full scans in 5 s (%ld needed; "
			 "ksm_merging_pages %ld, waiting for %ld): the machine has more mergeable "
			 "memory than ksmd gets through", scans, scans_needed, merged, want);
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

	pid_t pid = fork();
	child_check(pid >= 0, "fork: %s", ms_errname(errno));
	if (pid == 0) {
		memset(p + 7 * pg, 0x11, pg);
		_exit(0);
	}
	int st;
	child_check(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "the grandchild failed (status 0x%x)", st);
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
	.fini = mm_settings_restore)
{
	const char *ksm_run = ms_machine_setting(MS_KSM_RUN)->path;
	if (access(ksm_run, F_OK) != 0)
		cr_skip_test("%s: %s (kernel built without CONFIG_KSM)", ksm_run,
			     ms_errname(errno));
	if (access("/proc/self/ksm_merging_pages", R_OK) != 0)
		cr_skip_test("/proc/self/ksm_merging_pages is missing (Linux 6.1+)");
	char *why = xmmap(NULL, ms_page(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			  -1, 0);
	mm_setting_change(MS_KSM_RUN, "1");
	pid_t pid = xfork();
	if (pid == 0)
		ksm_worker(why, ms_page());
	int status = xwait(pid);
	mm_settings_restore();
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
			_exit(errno == EPERM ? 77 : 1);
		}
		pid_t grandchild = fork();
		child_check(grandchild >= 0, "fork: %s", ms_errname(errno));
		if (grandchild == 0) {
			int on = prctl(PR_GET_MEMORY_MERGE, 0, 0, 0, 0);
			child_check(on == 1, "child: PR_GET_MEMORY_MERGE is %d (%s), expected 1",
				    on, ms_errname(errno));
			void *p = mmap(NULL, 4 * ms_page(), PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			child_check(p != MAP_FAILED, "mmap: %s", ms_errname(errno));
			const char *flags = vma_flags(p);
			child_check(vmflags_have(flags, "mg"), "child: a new anonymous mapping is "
				    "not mergeable (VmFlags:%s)", flags);
			_exit(0);
		}
		int st;
		child_check(waitpid(grandchild, &st, 0) == grandchild && WIFEXITED(st) &&
			    WEXITSTATUS(st) == 0, "the grandchild failed (status 0x%x)", st);
		_exit(0);
	}
	int status = xwait(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		cr_skip_test("prctl(PR_SET_MEMORY_MERGE) needs CAP_SYS_RESOURCE (EPERM)");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the child failed (status 0x%x, see its message above)", status);
}

/* ---- i6: what other threads can reach once munmap/mprotect returned ---- */

/* A fault probe per thread: SIGSEGV/SIGBUS jump back to the faulting thread's own buffer. */
static _Thread_local sigjmp_buf *thread_jump;
static _Thread_local siginfo_t thread_siginfo;

static void thread_fault_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!thread_jump) {
		signal(sig, SIG_DFL);
		return; /* the access repeats and kills the process with the real signal */
	}
	thread_siginfo = *si;
	siglongjmp(*thread_jump, 1);
}

enum race_op { RACE_READ, RACE_WRITE };

struct race {
	volatile unsigned char *page;
	enum race_op op;
	atomic_int changing;    /* the main thread is about to call munmap/mprotect */
	atomic_int changed;     /* the main thread's munmap/mprotect has returned */
	atomic_long touches;
	bool accessed_after;    /* an access that began after `changed` was seen did not fault */
	bool faulted_before;    /* an access faulted before the change began: the set-up is wrong */
	bool faulted_after;     /* an access faulted once the change had begun */
	siginfo_t info;
	unsigned char last_stored;
};

static void *race_toucher(void *arg)
{
	struct race *r = arg;
	sigjmp_buf jump;
	volatile unsigned char value = 0;
	thread_jump = &jump;
	for (;;) {
		volatile int seen = atomic_load_explicit(&r->changed, memory_order_acquire);
		if (sigsetjmp(jump, 1)) {
			/* a fault may come before the toucher saw `changed`, as long as the main
			 * thread had begun the change */
			r->info = thread_siginfo;
			if (atomic_load(&r->changing))
				r->faulted_after = true;
			else
				r->faulted_before = true;
			break;
		}
		if (r->op == RACE_READ) {
			(void)*r->page;
		} else {
			value = (unsigned char)(value + 1 ? value + 1 : 1);
			*r->page = value;
			r->last_stored = value;
		}
		atomic_fetch_add_explicit(&r->touches, 1, memory_order_relaxed);
		if (seen) {
			r->accessed_after = true;
			break;
		}
	}
	thread_jump = NULL;
	return NULL;
}

static int race_rounds_cpu[2] = { -1, -1 };

/* Picks two CPUs this process may run on, so that the toucher holds a TLB entry on another
 * CPU than the one calling munmap/mprotect; with one CPU the race still runs, unpinned. */
static void race_pick_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return;
	for (int c = 0, n = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			race_rounds_cpu[n++] = c;
	if (race_rounds_cpu[1] < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(race_rounds_cpu[0], &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void race_install_handler(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = thread_fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Starts a thread touching r->page in a loop, waits until it has touched it 1000 times, runs
 * change() on the page, then tells the thread and joins it (bounded). */
static void race_round(struct race *r, void (*change)(void *page), int round)
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	if (race_rounds_cpu[1] >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(race_rounds_cpu[1], &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	int e = pthread_create(&t, &attr, race_toucher, r);
	pthread_attr_destroy(&attr);
	if (e)
		ms_broken("pthread_create: %s", ms_errname(e));
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (atomic_load_explicit(&r->touches, memory_order_relaxed) < 1000 &&
	       !r->faulted_before) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= 5) /* only a stalled machine takes this long */
			ms_broken("round %d: the toucher thread made %ld accesses in 5 s", round,
				  atomic_load(&r->touches));
	}
	atomic_store(&r->changing, 1);
	change((void *)r->page);
	atomic_store_explicit(&r->changed, 1, memory_order_release);
	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_sec += 5;
	e = pthread_timedjoin_np(t, NULL, &now);
	if (e)
		ms_broken("round %d: the toucher thread did not stop within 5 s: %s", round,
			  ms_errname(e));
	cr_assert(!r->faulted_before, "round %d: the toucher faulted before the change (%s %s "
		  "at %p)", round, ms_signame(r->info.si_signo),
		  ms_sicode_name(r->info.si_signo, r->info.si_code), r->info.si_addr);
}

static void do_munmap(void *page)
{
	xmunmap(page, ms_page());
}

static void do_mprotect_read(void *page)
{
	xmprotect(page, ms_page(), PROT_READ);
}

enum { race_rounds = 30 };

/* Assert that once munmap() has returned in one thread, a thread on another CPU that was
 * reading the page the whole time faults on its next read, with SIGSEGV SEGV_MAPERR at the
 * page's address (the TLB was shot down before munmap returned); 30 rounds. */
CONFORM(threads_munmap, other_thread_read_faults_maperr, "i6", POSIX)
{
	race_pick_cpus();
	race_install_handler();
	for (int round = 0; round < race_rounds; round++) {
		struct race r = { .op = RACE_READ };
		r.page = xmmap(NULL, ms_page(), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		r.page[0] = 1;
		race_round(&r, do_munmap, round);
		cr_assert(!r.accessed_after, "round %d: a read of %p that began after munmap "
			  "returned did not fault (stale TLB entry on CPU %d)", round,
			  (void *)r.page, race_rounds_cpu[1]);
		cr_assert(r.faulted_after && r.info.si_signo == SIGSEGV &&
			  r.info.si_code == SEGV_MAPERR && r.info.si_addr == (void *)r.page,
			  "round %d: got %s %s at %p, expected SIGSEGV SEGV_MAPERR at %p", round,
			  ms_signame(r.info.si_signo), ms_sicode_name(r.info.si_signo,
			  r.info.si_code), r.info.si_addr, (void *)r.page);
	}
}

/* Assert that once mprotect(PROT_READ) has returned, a thread on another CPU that was storing
 * to the page the whole time faults on its next store with SIGSEGV SEGV_ACCERR at the page's
 * address, and the page holds exactly the last store that completed before; 30 rounds. */
CONFORM(threads_mprotect, other_thread_write_faults_accerr, "i6", POSIX)
{
	race_pick_cpus();
	race_install_handler();
	for (int round = 0; round < race_rounds; round++) {
		struct race r = { .op = RACE_WRITE };
		r.page = xmmap(NULL, ms_page(), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		race_round(&r, do_mprotect_read, round);
		cr_assert(!r.accessed_after, "round %d: a store to %p that began after mprotect "
			  "returned did not fault (stale writable TLB entry)", round,
			  (void *)r.page);
		cr_assert(r.faulted_after && r.info.si_signo == SIGSEGV &&
			  r.info.si_code == SEGV_ACCERR && r.info.si_addr == (void *)r.page,
			  "round %d: got %s %s at %p, expected SIGSEGV SEGV_ACCERR at %p", round,
			  ms_signame(r.info.si_signo), ms_sicode_name(r.info.si_signo,
			  r.info.si_code), r.info.si_addr, (void *)r.page);
		cr_assert(r.page[0] == r.last_stored, "round %d: the page holds 0x%02x, the last "
			  "completed store was 0x%02x", round, r.page[0], r.last_stored);
		xmunmap((void *)r.page, ms_page());
	}
}

/* Assert that once munmap() of a MAP_SHARED file page has returned, a thread on another CPU
 * that was storing to it faults on its next store (SEGV_MAPERR at the page), and the file
 * holds exactly the last store that completed before: no store through a stale TLB entry
 * reaches the page cache. */
CONFORM(threads_munmap, other_thread_file_store_never_lands, "i6 i1", POSIX)
{
	race_pick_cpus();
	race_install_handler();
	int fd = ms_file(ms_page(), NULL);
	for (int round = 0; round < race_rounds; round++) {
		struct race r = { .op = RACE_WRITE };
		r.page = xmmap(NULL, ms_page(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		race_round(&r, do_munmap, round);
		cr_assert(!r.accessed_after, "%s round %d: a store to %p that began after munmap "
			  "returned did not fault", ms_fs_name(), round, (void *)r.page);
		cr_assert(r.faulted_after && r.info.si_signo == SIGSEGV &&
			  r.info.si_code == SEGV_MAPERR && r.info.si_addr == (void *)r.page,
			  "round %d: got %s %s at %p, expected SIGSEGV SEGV_MAPERR at %p", round,
			  ms_signame(r.info.si_signo), ms_sicode_name(r.info.si_signo,
			  r.info.si_code), r.info.si_addr, (void *)r.page);
		unsigned char in_file;
		xpread(fd, &in_file, 1, 0);
		cr_assert(in_file == r.last_stored, "%s round %d: the file holds 0x%02x, the last "
			  "store completed before munmap was 0x%02x", ms_fs_name(), round, in_file,
			  r.last_stored);
	}
	xclose(fd);
}
