/* (c) File MAP_PRIVATE and copy-on-write.
 *
 * Every test maps a scratch file on the file system under test (ms_dir()). POSIX says private
 * stores never reach the file and are not seen by others (c1, c2); what a private mapping shows
 * when the file changes underneath it is unspecified, so those tests are labelled LINUX and say
 * what Linux does (observed on 6.18 the same on tmpfs, ext4, xfs and btrfs). */
#include "mm_util.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static const size_t npages = 16;

/* The index of the first byte of [p, p+len) that does not hold the ms_file() pattern for file
 * offset off + i, or -1 when every byte does. */
static long first_pattern_mismatch(const unsigned char *p, size_t len, size_t off)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ms_pattern(off + i))
			return (long)i;
	return -1;
}

/* Assert that stores through MAP_PRIVATE never reach the file: not after msync(MS_SYNC), not
 * after munmap, and not through a new mapping of the file. */
CONFORM(mmap_private, store_never_reaches_file, "c1", POSIX)
{
	struct ms_file_map m = ms_file_map_private(npages * ms_page());
	memset(m.p, 0xc1, m.len);
	xmsync(m.p, m.len, MS_SYNC);
	ms_assert_file_bytes(m.fd, 0, m.len, ms_pattern, "the file after msync(MS_SYNC)");
	xmunmap(m.p, m.len);
	xfsync(m.fd);
	ms_assert_file_bytes(m.fd, 0, m.len, ms_pattern, "the file after munmap and fsync");
	unsigned char *again = xmmap(NULL, m.len, PROT_READ, MAP_SHARED, m.fd, 0);
	long bad = first_pattern_mismatch(again, m.len, 0);
	cr_assert(bad < 0, "a new MAP_SHARED mapping shows 0x%02x at byte %ld, expected 0x%02x",
		  again[bad], bad, ms_pattern((size_t)bad));
	xmunmap(again, m.len);
	xclose(m.fd);
}

/* Assert that another process that opened and mapped the same file does not see the stores
 * made through this process's private mapping. */
CONFORM(mmap_private, store_invisible_to_other_process, "c2", POSIX)
{
	size_t len = npages * ms_page();
	char path[4096];
	int fd = ms_file(len, path);
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		int own = open(path, O_RDONLY);
		child_check(own >= 0, "open(%s): %s", path, ms_errname(errno));
		unsigned char *q = mmap(NULL, len, PROT_READ, MAP_SHARED, own, 0);
		child_check(q != MAP_FAILED, "mmap: %s", ms_errname(errno));
		ms_tell_parent(&h);
		child_check(ms_hear_parent(&h), "no token from the parent");
		long bad = first_pattern_mismatch(q, len, 0);
		child_check(bad < 0, "the other process sees 0x%02x at byte %ld, the file holds "
			    "0x%02x: a private store leaked", q[bad], bad, ms_pattern((size_t)bad));
		_exit(0);
	}
	cr_assert(ms_hear_child(&h), "the child did not map the file");
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memset(p, 0xc2, len);
	ms_tell_child(&h);
	xwait_ok(h.pid);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that stores a fork child makes to an inherited private file mapping are seen neither
 * by the parent nor in the file. */
CONFORM(mmap_private, child_store_invisible_to_parent, "c2 i2", POSIX)
{
	struct ms_file_map m = ms_file_map_private(npages * ms_page());
	/* share page 0 before the fork, leave the rest lazy */
	(void)*(volatile unsigned char *)m.p;
	pid_t pid = xfork();
	if (pid == 0) {
		memset(m.p, 0xc2, m.len);
		_exit(0);
	}
	xwait_ok(pid);
	long bad = first_pattern_mismatch(m.p, m.len, 0);
	cr_assert(bad < 0, "the parent sees 0x%02x at byte %ld after the child's private store; "
		  "expected the file's 0x%02x\n%s", m.p[bad], bad, ms_pattern((size_t)bad),
		  ms_maps_near(m.p, m.len));
	ms_assert_file_bytes(m.fd, 0, m.len, ms_pattern,
			     "the file after the child's private store");
	ms_file_map_release(&m);
}

/* Assert that a write() to the file shows through private pages that were not yet written
 * (mapped or not yet touched), and no longer through a page once it was copied on write.
 * LINUX: POSIX leaves this unspecified; Linux maps the page-cache page read-only until the first
 * private store, so it is visible before COW and hidden after, on tmpfs, ext4, xfs and btrfs. */
CONFORM(mmap_private, file_change_visible_until_cow, "c3", LINUX)
{
	size_t page = ms_page();
	struct ms_file_map m = ms_file_map_private(3 * page);
	(void)*(volatile unsigned char *)m.p;      /* page 0: mapped, not written */
	m.p[page] = 0xaa;                          /* page 1: copied on write */
	/* page 2: never touched */
	unsigned char news[3] = { 0x30, 0x31, 0x32 };
	for (int i = 0; i < 3; i++)
		xpwrite(m.fd, &news[i], 1, (off_t)(i * page + 7));
	cr_assert(m.p[7] == news[0], "mapped, unwritten private page: byte 7 is 0x%02x, the file "
		  "now holds 0x%02x (Linux shows file changes until COW; fs %s)", m.p[7], news[0],
		  ms_fs_name());
	cr_assert(m.p[2 * page + 7] == news[2], "untouched private page: byte %zu is 0x%02x, the "
		  "file now holds 0x%02x (fs %s)", 2 * page + 7, m.p[2 * page + 7], news[2],
		  ms_fs_name());
	cr_assert(m.p[page + 7] == ms_pattern(page + 7), "COWed private page: byte %zu is 0x%02x "
		  "after a write() to the file; the private copy held 0x%02x (fs %s)", page + 7,
		  m.p[page + 7], ms_pattern(page + 7), ms_fs_name());
	cr_assert(m.p[page] == 0xaa, "COWed private page lost its private store");
	ms_file_map_release(&m);
}

/* Assert that MADV_DONTNEED on a private file mapping drops the private copy and the next
 * access reads the file's current data. LINUX: the man page documents this for private file
 * mappings ("repopulated ... from the up-to-date contents of the underlying mapped file"). */
CONFORM(mmap_private, dontneed_refaults_file_data, "c4", LINUX)
{
	size_t page = ms_page();
	struct ms_file_map m = ms_file_map_private(2 * page);
	memset(m.p, 0xc4, m.len);
	unsigned char fresh = 0x5c;
	xpwrite(m.fd, &fresh, 1, 9); /* the file changes while the private copy exists */
	cr_assert(m.p[9] == 0xc4, "the private copy changed before MADV_DONTNEED");
	xmadvise(m.p, page, MADV_DONTNEED);
	cr_assert(m.p[9] == fresh, "after MADV_DONTNEED byte 9 is 0x%02x; expected the file's "
		  "current 0x%02x (fs %s)\n%s", m.p[9], fresh, ms_fs_name(),
		  ms_maps_near(m.p, m.len));
	long bad = first_pattern_mismatch(m.p + 10, page - 10, 10);
	cr_assert(bad < 0, "after MADV_DONTNEED byte %ld is 0x%02x, expected the file's 0x%02x",
		  bad + 10, m.p[10 + bad], ms_pattern((size_t)bad + 10));
	cr_assert(m.p[page] == 0xc4, "MADV_DONTNEED of page 0 also dropped page 1's private copy");
	ms_file_map_release(&m);
}

/* Assert that MAP_PRIVATE|MAP_POPULATE of a read-only mapping prefaults every page without
 * copying any (smaps Anonymous 0), so a later write() to the file still shows through.
 * LINUX: MAP_POPULATE is Linux-only. */
CONFORM(mmap_private, populate_read_only_shares_page_cache, "c5 d6", LINUX)
{
	size_t len = npages * ms_page();
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	long rss = ms_smaps_kb(p, "Rss"), anon = ms_smaps_kb(p, "Anonymous");
	cr_assert(rss == (long)(len / 1024), "MAP_POPULATE left Rss %ld kB of %zu kB (fs %s)\n%s",
		  rss, len / 1024, ms_fs_name(), ms_maps_near(p, len));
	cr_assert(anon == 0, "MAP_POPULATE of a read-only private mapping copied %ld kB "
		  "(smaps Anonymous); expected 0", anon);
	unsigned char fresh = 0x77;
	xpwrite(fd, &fresh, 1, 3 * ms_page() + 1);
	cr_assert(p[3 * ms_page() + 1] == fresh, "after MAP_POPULATE a write() to the file is not "
		  "seen: the page was copied (fs %s)", ms_fs_name());
	ms_assert_file_bytes(fd, 0, 3 * ms_page(), ms_pattern, "the file after MAP_POPULATE");
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that MAP_PRIVATE|MAP_POPULATE of a writable mapping breaks COW at populate time (every
 * page anonymous, later stores take no fault) and leaves the file unchanged. LINUX: populate
 * touches writable private mappings with write faults (mm/gup.c), as kselftest map_populate
 * expects; the file stays untouched as POSIX requires of any private store. */
CONFORM(mmap_private, populate_writable_copies_not_file, "c5 c1 c8", LINUX)
{
	size_t len = npages * ms_page();
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_POPULATE,
				 fd, 0);
	long anon = ms_smaps_kb(p, "Anonymous");
	cr_assert(anon == (long)(len / 1024), "writable MAP_PRIVATE|MAP_POPULATE: smaps Anonymous "
		  "%ld kB, expected all %zu kB copied at populate time (fs %s)\n%s", anon,
		  len / 1024, ms_fs_name(), ms_maps_near(p, len));
	long bad = first_pattern_mismatch(p, len, 0);
	cr_assert(bad < 0, "populated private copy differs from the file at byte %ld", bad);
	ms_assert_no_faults("stores after MAP_POPULATE",
			    for (size_t off = 0; off < len; off += ms_page()) p[off] = 0xc5);
	ms_assert_file_bytes(fd, 0, len, ms_pattern, "the file after populate and stores");
	xmunmap(p, len);
	xclose(fd);
}

/* Writes buf at addr through /proc/self/mem; returns the byte count or -1 with errno. */
static ssize_t write_proc_self_mem(void *addr, const void *buf, size_t n)
{
	int fd = xopen("/proc/self/mem", O_RDWR, 0);
	ssize_t w = pwrite(fd, buf, n, (off_t)(uintptr_t)addr);
	int e = errno;
	close(fd);
	errno = e;
	return w;
}

/* Assert that a write through /proc/self/mem into a read-only private mapping of a read-only
 * file changes only this process's copy, never the file (Dirty COW, CVE-2016-5195). LINUX:
 * /proc/pid/mem writes use FOLL_FORCE, which breaks COW on a read-only private mapping. */
CONFORM(mmap_private, proc_mem_write_never_reaches_file, "c6", LINUX)
{
	size_t len = 2 * ms_page();
	char path[4096];
	int wfd = ms_file(len, path);
	int fd = xopen(path, O_RDONLY, 0);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	static const char evil[] = "dirty cow";
	ssize_t w = write_proc_self_mem(p + 5, evil, sizeof(evil));
	if (w < 0 && (errno == EPERM || errno == EACCES || errno == EIO))
		cr_skip_test("writing /proc/self/mem into a read-only mapping is refused (%s): "
			     "this kernel restricts FOLL_FORCE (CONFIG_PROC_MEM_NO_FORCE or "
			     "_FORCE_PTRACE, or proc_mem.force_override=)", ms_errname(errno));
	cr_assert(w == (ssize_t)sizeof(evil), "pwrite(/proc/self/mem, %p): %zd, %s",
		  (void *)(p + 5), w, ms_errname(errno));
	cr_assert(memcmp(p + 5, evil, sizeof(evil)) == 0, "the forced write is not visible in "
		  "the writer's private mapping at %p\n%s", (void *)(p + 5), ms_maps_near(p, len));
	ms_assert_file_bytes(wfd, 0, len, ms_pattern,
			     "the file after a /proc/self/mem write into a R/O private map");
	unsigned char *fresh = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	long bad = first_pattern_mismatch(fresh, len, 0);
	cr_assert(bad < 0, "a new shared mapping shows 0x%02x at byte %ld: the forced private "
		  "write reached the page cache", fresh[bad], bad);
	xmunmap(fresh, len);
	xmunmap(p, len);
	xclose(fd);
	xclose(wfd);
}

struct dontneed_racer {
	void *addr;
	size_t len;
	volatile int stop;
};

static void *dontneed_loop(void *arg)
{
	struct dontneed_racer *r = arg;
	while (!r->stop)
		madvise(r->addr, r->len, MADV_DONTNEED);
	return NULL;
}

/* Assert that racing /proc/self/mem writes with MADV_DONTNEED of the same read-only private
 * page (the Dirty COW exploit, bounded to 300 ms) never modifies the file. LINUX. */
CONFORM(mmap_private, proc_mem_race_with_dontneed_never_reaches_file, "c6", LINUX)
{
	size_t len = ms_page();
	char path[4096];
	int wfd = ms_file(len, path);
	int fd = xopen(path, O_RDONLY, 0);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	int mem = xopen("/proc/self/mem", O_RDWR, 0);
	struct dontneed_racer racer = { .addr = p, .len = len };
	pthread_t thread;
	if (pthread_create(&thread, NULL, dontneed_loop, &racer) != 0)
		ms_broken("pthread_create failed");
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long writes = 0;
	int err = 0;
	do {
		if (pwrite(mem, "MOO", 3, (off_t)(uintptr_t)p) != 3)
			err = errno;
		writes++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!err && (t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) <
			 300000000L);
	racer.stop = 1;
	pthread_join(thread, NULL);
	close(mem);
	if (err == EPERM || err == EACCES || err == EIO)
		cr_skip_test("writing /proc/self/mem into a read-only mapping is refused (%s): "
			     "this kernel restricts FOLL_FORCE", ms_errname(err));
	cr_assert(err == 0, "pwrite(/proc/self/mem) failed after %ld writes: %s", writes,
		  ms_errname(err));
	ms_assert_file_bytes(wfd, 0, len, ms_pattern,
			     "the file after racing /proc/self/mem writes with MADV_DONTNEED");
	xmunmap(p, len);
	xclose(fd);
	xclose(wfd);
}

/* Assert that a page a fork child vmsplice()d into a pipe (a GUP reference) and then unmapped
 * keeps the data it had at splice time when the parent writes its copy: the parent's store
 * must COW, not reuse the pinned page (CVE-2020-29374). LINUX: vmsplice is Linux-only; fixed
 * in 5.8 and 5.19 (kselftest cow "vmsplice() + unmap in child"). */
CONFORM(mmap_private, vmsplice_in_child_keeps_old_data, "c7", LINUX)
{
	size_t page = ms_page();
	int fd = ms_file(page, NULL);
	unsigned char *p = xmmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memset(p, 0xa1, page); /* COW now: the page is an anonymous private copy */
	int pipefd[2];
	xpipe(pipefd);
	pid_t pid = xfork();
	if (pid == 0) {
		struct iovec iov = { .iov_base = p, .iov_len = page };
		ssize_t n = vmsplice(pipefd[1], &iov, 1, 0);
		child_check(n == (ssize_t)page, "vmsplice: %zd, %s", n, ms_errname(errno));
		child_check(munmap(p, page) == 0, "munmap: %s", ms_errname(errno));
		_exit(0);
	}
	xwait_ok(pid);
	memset(p, 0xb2, page); /* the parent's copy changes after the splice */
	unsigned char *got = xmmap(NULL, page, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ssize_t r = read(pipefd[0], got, page);
	cr_assert(r == (ssize_t)page, "read(pipe): %zd, %s", r, ms_errname(errno));
	for (size_t i = 0; i < page; i++)
		cr_assert(got[i] == 0xa1, "pipe byte %zu is 0x%02x, spliced as 0xa1: the parent's "
			  "later store reached the spliced page (COW reused a GUP-referenced page)",
			  i, got[i]);
	cr_assert(p[0] == 0xb2, "the parent lost its own store");
	xmunmap(got, page);
	xmunmap(p, page);
	xclose(fd);
}

/* Assert that a private THP shared with a fork child stays correct when the child splits it
 * (mprotect of one subpage) and the parent then writes every byte: the child keeps the old data.
 * LINUX: THP is Linux-only; SKIP when no huge page could be allocated (THP disabled or
 * fragmented memory). */
CONFORM(mmap_private, cow_after_thp_split_keeps_old_data, "c7 j5", LINUX)
{
	ms_require_behaviour(MS_THP);
	size_t huge = ms_thp_pmd_size();
	unsigned char *p = xmmap_aligned(huge, huge, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (madvise(p, huge, MADV_HUGEPAGE) != 0)
		cr_skip_test("MADV_HUGEPAGE: %s (THP not built in)", ms_errname(errno));
	for (size_t i = 0; i < huge; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	long thp = ms_smaps_kb(p, "AnonHugePages");
	if (thp < (long)(huge >> 10))
		cr_skip_test("no transparent huge page was allocated (AnonHugePages %ld kB; "
			     "memory is fragmented)",
			     thp);
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		child_check(mprotect(p + 5 * ms_page(), ms_page(), PROT_READ) == 0, "mprotect: %s",
			    ms_errname(errno));
		ms_tell_parent(&h);
		child_check(ms_hear_parent(&h), "no token from the parent");
		for (size_t i = 0; i < huge; i++)
			child_check(p[i] == (unsigned char)(i * 7 + 3), "byte %zu of the split THP "
				    "is 0x%02x in the child after the parent's write, expected "
				    "0x%02x", i, p[i], (unsigned char)(i * 7 + 3));
		_exit(0);
	}
	cr_assert(ms_hear_child(&h), "the child did not split the THP");
	memset(p, 0xee, huge);
	ms_tell_child(&h);
	xwait_ok(h.pid);
	for (size_t i = 0; i < huge; i += 4093)
		cr_assert(p[i] == 0xee, "the parent lost its store at byte %zu", i);
	xmunmap(p, huge);
}
