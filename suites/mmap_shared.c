/* (b) File MAP_SHARED: stores reach the file, the page cache is coherent, end of file and
 * truncation, exec, ENOSPC, hole punching. Timestamps are in mmap_shared_times.c, shm_open
 * objects in mmap_shm.c and memfd seals in mmap_memfd.c.
 *
 * Every test uses a file in ms_dir(), the file system under test, except b12 (a tiny private
 * tmpfs the test mounts). */
#include "mm_util.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* ---- b1: stores reach the file ---- */

/* Assert that stores through MAP_SHARED are in the file as read() sees it after msync(MS_SYNC). */
CONFORM(mmap_shared, store_reaches_file_after_msync, "b1", POSIX)
{
	struct ms_file_map m = ms_file_map(4 * ms_page(), NULL, true);
	xmsync(m.p, m.len, MS_SYNC);
	ms_assert_file_bytes(m.fd, 0, m.len, ms_stored, "read() after msync(MS_SYNC)");
	ms_file_map_release(&m);
}

/* Assert that stores through MAP_SHARED are seen by a new mapping of the file reopened after
 * munmap and close. */
CONFORM(mmap_shared, store_seen_by_remap_after_munmap, "b1", POSIX)
{
	char path[PATH_MAX];
	struct ms_file_map m = ms_file_map(4 * ms_page(), path, true);
	ms_file_map_release(&m);
	int fd = xopen(path, O_RDONLY, 0);
	const unsigned char *p = xmmap(NULL, m.len, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_bytes(p, 0, m.len, ms_stored, "new mapping after munmap, close and open");
	xmunmap((void *)p, m.len);
	xclose(fd);
}

/* Assert that read() sees a store through MAP_SHARED at once, without msync. LINUX: the page
 * cache is shared by read() and mappings; POSIX asks only for msync to make it so. */
CONFORM(mmap_shared, store_seen_by_read_without_msync, "b1", LINUX)
{
	struct ms_file_map m = ms_file_map(4 * ms_page(), NULL, true);
	ms_assert_file_bytes(m.fd, 0, m.len, ms_stored, "read() after a store, no msync");
	ms_file_map_release(&m);
}

/* ---- b2: write() is seen by existing mappings ---- */

/* Assert that pwrite() to a file is seen at once through a shared mapping whose pages are
 * already faulted in. LINUX: one page cache; POSIX leaves it to msync(MS_INVALIDATE). */
CONFORM(mmap_shared, pwrite_seen_through_existing_mapping, "b2", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd = ms_file(len, NULL);
	const unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_bytes(p, 0, len, ms_pattern, "mapping before pwrite"); /* faults every page in */
	/* A range that straddles the boundary of pages 1 and 2. */
	size_t from = page + page / 2, to = 2 * page + page / 2;
	unsigned char *buf = malloc(to - from);
	cr_assert(buf);
	for (size_t i = from; i < to; i++)
		buf[i - from] = ms_stored(i);
	xpwrite(fd, buf, to - from, (off_t)from);
	ms_assert_bytes(p, 0, from, ms_pattern, "bytes before the pwrite() range");
	ms_assert_bytes(p, from, to, ms_stored, "bytes written by pwrite() seen through the mapping");
	ms_assert_bytes(p, to, len, ms_pattern, "bytes after the pwrite() range");
	free(buf);
	xmunmap((void *)p, len);
	xclose(fd);
}

/* ---- b3: mappings see each other's stores ---- */

/* Assert that two shared mappings of one file in one process, one at a page offset, see each
 * other's stores. */
CONFORM(mmap_shared, two_mappings_in_one_process_share_stores, "b3", POSIX)
{
	size_t page = ms_page(), len = 4 * page;
	int fd;
	unsigned char *a = ms_map_shared_file(len, NULL, &fd);
	unsigned char *b = xmmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				 (off_t)page); /* b[0] is file offset page */
	cr_assert(a != b);
	a[page + 5] = 0x11;
	cr_assert(b[5] == 0x11, "store at file offset %zu through mapping %p not seen through %p: "
		  "0x%02x\n%s%s", page + 5, (void *)a, (void *)b, b[5], ms_maps_near(a, len),
		  ms_maps_near(b, 2 * page));
	b[page + 9] = 0x22;
	cr_assert(a[2 * page + 9] == 0x22, "store at file offset %zu through %p not seen through "
		  "%p: 0x%02x", 2 * page + 9, (void *)b, (void *)a, a[2 * page + 9]);
	xmunmap(a, len);
	xmunmap(b, 2 * page);
	xclose(fd);
}

/* In the parent: a missing token means the child failed (xwait_ok reports its exit). */
static void parent_wait(const struct ms_handshake *h)
{
	if (!ms_hear_child(h)) {
		xwait_ok(h->pid);
		ms_broken("child %d exited 0 without signalling", (int)h->pid);
	}
}

/* Assert that a process that opened and mapped the file on its own and the test process,
 * both mapped before any store, see each other's stores. */
CONFORM(mmap_shared, independent_open_in_other_process_shares_stores, "b3", POSIX)
{
	size_t page = ms_page(), len = 4 * page;
	char path[PATH_MAX];
	int fd;
	unsigned char *p = ms_map_shared_file(len, path, &fd);
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		unsigned char *c = ms_child_map_path(path, len);
		child_check(c[3 * page] == ms_pattern(3 * page), "child sees 0x%02x at %zu before "
			    "any store", c[3 * page], 3 * page);
		ms_tell_parent(&h); /* mapped */
		child_check(ms_hear_parent(&h), "no token from the parent"); /* it stored */
		child_check(c[3 * page] == 0xab, "child's mapping shows 0x%02x at file offset %zu "
			    "after the parent stored 0xab", c[3 * page], 3 * page);
		c[page + 1] = 0xcd;
		ms_tell_parent(&h);
		_exit(0);
	}
	parent_wait(&h);
	p[3 * page] = 0xab;
	ms_tell_child(&h);
	parent_wait(&h);
	cr_assert(p[page + 1] == 0xcd, "parent's mapping shows 0x%02x at file offset %zu after "
		  "the child stored 0xcd\n%s", p[page + 1], page + 1, ms_maps_near(p, len));
	xwait_ok(h.pid);
	xmunmap(p, len);
	xclose(fd);
}

/* ---- b4, b5, b6: the last partial page and beyond ---- */

/* Maps the first three pages of fd, a file of size bytes (2 pages + 100) and asserts that
 * they show the file's content up to size and zero after it; what names the zeros. */
static void assert_zero_past_eof(int fd, size_t size, const char *what)
{
	size_t page = ms_page();
	const unsigned char *p = xmmap(NULL, 3 * page, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_bytes(p, 0, size, ms_pattern, "file content");
	ms_assert_zero(p, size, 3 * page, what);
	xmunmap((void *)p, 3 * page);
}

/* Assert that the bytes past end of file in the last partial page read as zero. */
CONFORM(mmap_shared, partial_last_page_reads_zero_past_eof, "b4", POSIX)
{
	size_t size = 2 * ms_page() + 100;
	int fd = ms_file(size, NULL);
	assert_zero_past_eof(fd, size, "past end of file in the last page");
	xclose(fd);
}

/* Assert that a file shrunk by ftruncate() before mmap shows zero past its new end, not the
 * cut-off data still in the page cache. */
CONFORM(mmap_shared, partial_page_zero_after_shrink_before_map, "b4", POSIX)
{
	size_t page = ms_page(), size = 2 * page + 100;
	int fd = ms_file(3 * page, NULL); /* the whole last page holds data, and is cached */
	xftruncate(fd, (off_t)size);
	assert_zero_past_eof(fd, size, "past the end set by ftruncate() before mmap");
	xclose(fd);
}

/* A new file of size bytes (page + 100) mapped over two pages, 0xee stored past its end in
 * the last page, msync(MS_SYNC)ed when sync, unmapped; returns its descriptor. */
static int file_stored_past_eof(size_t size, bool sync)
{
	size_t page = ms_page();
	int fd = ms_file(size, NULL);
	unsigned char *p = xmap_shared(fd, 2 * page);
	memset(p + size, 0xee, 2 * page - size);
	if (sync)
		xmsync(p, 2 * page, MS_SYNC);
	xmunmap(p, 2 * page);
	return fd;
}

/* Assert that stores past end of file in the last page do not grow the file, and read()
 * stops at end of file, also after msync(MS_SYNC) and munmap. */
CONFORM(mmap_shared, store_past_eof_never_reaches_file, "b5", POSIX)
{
	size_t size = ms_page() + 100;
	int fd = file_stored_past_eof(size, true);
	struct stat st;
	xcheck("fstat", fstat(fd, &st));
	cr_assert(st.st_size == (off_t)size, "stores past end of file changed its size from %zu "
		  "to %lld", size, (long long)st.st_size);
	unsigned char buf[64];
	ssize_t got = pread(fd, buf, sizeof(buf), (off_t)size);
	cr_assert(got == 0, "read() at end of file (%zu) returned %zd (%s) instead of 0", size, got,
		  got < 0 ? ms_errname(errno) : "data");
	ms_assert_file_bytes(fd, 0, size, ms_pattern, "file content");
	xclose(fd);
}

/* Assert that after stores past end of file, a range later added by ftruncate() reads as zero.
 * POSIX ftruncate(): "If the file previously was smaller than this size, ftruncate() shall
 * increase the size of the file and the extended area shall appear as if it were zero-filled";
 * POSIX mmap(): stores past end of file in the last page never reach the file. Checked on every
 * file system. Known deviation: tmpfs on Linux (seen on 6.18) keeps the bytes stored past end
 * of file in the page and shows them after the extension; suites/expect/kernel.expect holds it. */
CONFORM(mmap_shared, store_past_eof_hidden_after_extend, "b5 b16", POSIX)
{
	size_t page = ms_page(), size = page + 100;
	int fd = file_stored_past_eof(size, false);
	xftruncate(fd, (off_t)(2 * page));
	unsigned char *back = ms_read_range(fd, 0, 2 * page);
	ms_assert_bytes(back, 0, size, ms_pattern, "file content");
	size_t leaked = 0, first = 0;
	for (size_t i = 2 * page; i-- > size;)
		if (back[i] != 0)
			leaked++, first = i;
	unsigned char first_byte = back[first];
	free(back); /* before the assertion: a failing one (tmpfs, an XFAIL) ends the test */
	cr_assert(leaked == 0, "%s: %zu of the %zu bytes stored through the mapping past end of file "
		  "(offset %zu) read back after ftruncate() extended the file to %zu, the first at "
		  "offset %zu (0x%02x); POSIX ftruncate: the extended area shall appear zero-filled",
		  ms_fs_name(), leaked, 2 * page - size, size, 2 * page, first, first_byte);
	xclose(fd);
}

/* Assert that a read of a whole page beyond end of file raises SIGBUS, and the partial last
 * page does not. */
CONFORM(mmap_shared, page_beyond_eof_raises_sigbus, "b6", POSIX)
{
	size_t page = ms_page(), size = page + 100;
	int fd = ms_file(size, NULL);
	unsigned char *p = xmap_shared(fd, 4 * page);
	struct ms_fault f;
	cr_assert(!ms_probe_read(p + page + 200, &f), "read in the partial last page raised %s",
		  ms_signame(f.signo));
	cr_assert(ms_probe_read(p + 2 * page, &f) && f.signo == SIGBUS,
		  "read at %p, a whole page past end of file (size %zu): expected SIGBUS, "
		  "got %s\n%s",
		  (void *)(p + 2 * page), size, ms_signame(f.signo), ms_maps_near(p, 4 * page));
	xmunmap(p, 4 * page);
	xclose(fd);
}

/* Probes a read and a write at each of the addresses p + off[i] and asserts SIGBUS with
 * BUS_ADRERR and si_addr equal to that exact byte. */
static void assert_sigbus_adrerr(unsigned char *p, const size_t *off, size_t n, size_t maplen,
				 const char *why)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char *a = p + off[i];
		struct ms_fault f;
		for (int write = 0; write < 2; write++) {
			bool faulted = write ? ms_probe_write(a, 0x5a, &f) : ms_probe_read(a, &f);
			cr_assert(faulted && f.signo == SIGBUS && f.code == BUS_ADRERR &&
				  f.addr == (void *)a,
				  "%s at %p (offset %zu, %s): expected SIGBUS BUS_ADRERR at "
				  "that address, got %s %s at %p%s\n%s", write ? "write" : "read",
				  (void *)a, off[i], why, ms_signame(f.signo),
				  ms_sicode_name(f.signo, f.code), f.addr,
				  ms_fault_page_only(&f, SIGBUS, BUS_ADRERR, a), ms_maps_near(p, maplen));
		}
	}
}

/* Assert that reads and writes beyond end of file get SIGBUS with si_code BUS_ADRERR and
 * si_addr the faulting byte. LINUX: POSIX names SIGBUS only; Linux reports BUS_ADRERR. */
CONFORM(mmap_shared, beyond_eof_sigbus_siginfo_is_exact, "b6", LINUX)
{
	size_t page = ms_page(), size = page + 100;
	int fd = ms_file(size, NULL);
	unsigned char *p = xmap_shared(fd, 4 * page);
	const size_t off[] = { 2 * page, 2 * page + 777, 3 * page + page - 1 };
	assert_sigbus_adrerr(p, off, sizeof(off) / sizeof(off[0]), 4 * page, "beyond end of file");
	xmunmap(p, 4 * page);
	xclose(fd);
}

/* ---- b7: ftruncate while mapped ---- */

/* A 4-page file, mapped, every page written through the mapping; then cut to 1 page + 100
 * (SHRUNK_SIZE). */
#define SHRUNK_SIZE (ms_page() + 100)
static struct ms_file_map map_then_shrink(void)
{
	struct ms_file_map m = ms_file_map(4 * ms_page(), NULL, true);
	xftruncate(m.fd, (off_t)SHRUNK_SIZE);
	return m;
}

/* Assert that after ftruncate() shrinks a mapped file, a reference to a whole page beyond
 * the new end raises SIGBUS. */
CONFORM(mmap_shared, truncate_shrink_then_access_raises_sigbus, "b7", POSIX)
{
	size_t size = SHRUNK_SIZE, page = ms_page();
	struct ms_file_map m = map_then_shrink();
	struct ms_fault f;
	for (size_t pg = 2; pg < 4; pg++)
		cr_assert(ms_probe_read(m.p + pg * page + 3, &f) && f.signo == SIGBUS,
			  "read at %p (page %zu) after ftruncate() to %zu: expected SIGBUS, "
			  "got %s\n%s",
			  (void *)(m.p + pg * page + 3), pg, size, ms_signame(f.signo),
			  ms_maps_near(m.p, 4 * page));
	ms_file_map_release(&m);
}

/* Assert that the SIGBUS after a shrinking ftruncate() has si_code BUS_ADRERR and si_addr the
 * faulting byte, for reads and writes. LINUX: POSIX names the signal only. */
CONFORM(mmap_shared, truncate_shrink_sigbus_siginfo_is_exact, "b7", LINUX)
{
	size_t page = ms_page();
	struct ms_file_map m = map_then_shrink();
	const size_t off[] = { 2 * page, 2 * page + 1234, 3 * page + 17, 4 * page - 1 };
	assert_sigbus_adrerr(m.p, off, sizeof(off) / sizeof(off[0]), 4 * page,
			     "after ftruncate() shrank the mapped file");
	ms_file_map_release(&m);
}

/* Assert that a shrinking ftruncate() zeroes the tail of the new last page in the mapping,
 * where the test had stored data, and keeps the bytes before the new end. */
CONFORM(mmap_shared, truncate_shrink_zeroes_tail_of_partial_page, "b7", POSIX)
{
	size_t size = SHRUNK_SIZE, page = ms_page();
	struct ms_file_map m = map_then_shrink();
	ms_assert_bytes(m.p, 0, size, ms_stored, "bytes before the new end of file");
	ms_assert_zero(m.p, size, 2 * page, "tail of the partial last page after ftruncate()");
	ms_file_map_release(&m);
}

/* Assert that after a shrink and a regrow by ftruncate(), the regrown range reads as zero
 * through the old mapping (no SIGBUS, no old data) and through read(). */
CONFORM(mmap_shared, truncate_regrow_reads_zero, "b7", POSIX)
{
	size_t size = SHRUNK_SIZE, page = ms_page();
	struct ms_file_map m = map_then_shrink();
	xftruncate(m.fd, (off_t)(4 * page));
	struct ms_fault f;
	for (size_t pg = 2; pg < 4; pg++)
		cr_assert(!ms_probe_read(m.p + pg * page, &f), "read at %p (page %zu) of the "
			  "regrown file raised %s %s\n%s", (void *)(m.p + pg * page), pg,
			  ms_signame(f.signo), ms_sicode_name(f.signo, f.code),
			  ms_maps_near(m.p, 4 * page));
	ms_assert_bytes(m.p, 0, size, ms_stored, "bytes before the old end of file");
	ms_assert_zero(m.p, size, 4 * page, "regrown range through the mapping");
	unsigned char *back = ms_read_range(m.fd, 0, 4 * page);
	ms_assert_zero(back, size, 4 * page, "regrown range through read()");
	free(back);
	ms_file_map_release(&m);
}

/* ---- b8: the mapping keeps the file ---- */

/* Assert that a shared mapping still reads and writes the file after close() and unlink(). */
CONFORM(mmap_shared, mapping_outlives_close_and_unlink, "b8", POSIX)
{
	char path[PATH_MAX];
	struct ms_file_map m = ms_file_map(4 * ms_page(), path, false);
	xclose(m.fd);
	xcheck("unlink", unlink(path));
	struct stat st;
	if (stat(path, &st) != -1 || errno != ENOENT)
		ms_broken("%s still exists after unlink()", path);
	ms_assert_bytes(m.p, 0, m.len, ms_pattern, "mapping after close() and unlink()");
	ms_fill_stored(m.p, 0, m.len);
	ms_assert_bytes(m.p, 0, m.len, ms_stored, "stores after close() and unlink()");
	xmunmap(m.p, m.len);
}

/* ---- b11: PROT_EXEC ---- */

/* A mode-0555 file holding insn (n bytes) at page offset 0 and the pattern after it, reopened
 * O_RDONLY. */
static int exec_file(size_t len, const unsigned char *insn, size_t n)
{
	char path[PATH_MAX];
	int fd = ms_file(len, path);
	xpwrite(fd, insn, n, 0);
	xcheck("fchmod", fchmod(fd, 0555));
	xclose(fd);
	return xopen(path, O_RDONLY, 0);
}

static void *map_exec(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED && errno == EPERM)
		cr_skip_test("%s does not allow PROT_EXEC mappings (mounted noexec?): EPERM",
			     ms_dir());
	ms_assert_mapped(p);
	return p;
}

/* Assert that a PROT_READ|PROT_EXEC shared mapping of a read-only opened 0555 file shows the
 * file's contents. */
CONFORM(mmap_shared, exec_mapping_of_readonly_file_shows_contents, "b11", POSIX)
{
	size_t len = 2 * ms_page();
	unsigned char insn[MS_RETURN_INSN_MAX] = { 0 };
	size_t n = ms_return_insn(insn);
	n = n ? n : 1; /* where no return is known, a zero byte: the contents are what count */
	int fd = exec_file(len, insn, n);
	const unsigned char *p = map_exec(fd, len);
	cr_assert(memcmp(p, insn, n) == 0, "first bytes differ from the file");
	ms_assert_bytes(p, n, len, ms_pattern, "PROT_EXEC mapping");
	xmunmap((void *)p, len);
	xclose(fd);
}

/* Assert that code in a PROT_EXEC file mapping runs. LINUX: needs a known return instruction
 * (ms_return_insn()). */
CONFORM(mmap_shared, exec_mapping_runs_code_from_file, "b11", LINUX)
{
	unsigned char insn[MS_RETURN_INSN_MAX];
	size_t n = ms_return_insn(insn);
	if (!n)
		cr_skip_test("no return instruction known for this architecture");
	size_t len = ms_page();
	int fd = exec_file(len, insn, n);
	void *p = map_exec(fd, len);
	struct ms_fault f;
	cr_assert(!ms_probe_exec(p, &f), "calling the return instruction in the PROT_EXEC file "
		  "mapping at %p raised %s %s at %p\n%s", p, ms_signame(f.signo),
		  ms_sicode_name(f.signo, f.code), f.addr, ms_maps_near(p, len));
	xmunmap(p, len);
	xclose(fd);
}

/* ---- b12: ENOSPC ---- */

/* Assert that on a full file system, a store that needs a new block raises SIGBUS BUS_ADRERR at
 * that byte, every earlier store is in the file, nothing else changed, and stores succeed again
 * once space is freed. LINUX: POSIX does not say how a mapping reports ENOSPC. Checked on a
 * private 256 KiB tmpfs (shmem allocates a page at the write fault and fails it with
 * VM_FAULT_SIGBUS), whatever the file system under test. */
CONFORM(mmap_shared, enospc_store_raises_sigbus_without_corruption, "b12", LINUX)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	ms_private_tmpfs("size=256k", dir);
	size_t page = ms_page(), pages = 256, len = pages * page; /* 4x the file system */
	snprintf(path, sizeof(path), "%s/sparse", dir);
	int fd = xopen(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	xftruncate(fd, (off_t)len);
	unsigned char *p = xmap_shared(fd, len);
	struct ms_fault f = { 0 };
	size_t full = pages;
	for (size_t pg = 0; pg < pages; pg++) {
		if (ms_probe_write(p + pg * page + 8, ms_stored(pg * page + 8), &f)) {
			full = pg;
			break;
		}
		ms_fill_stored(p, pg * page, (pg + 1) * page);
	}
	cr_assert(full < pages, "stored into all %zu pages of a sparse %zu KiB file on a 256 KiB "
		  "tmpfs without a fault\n%s", pages, len / 1024, ms_maps_near(p, 0));
	cr_assert(full > 0, "the first store into an empty 256 KiB tmpfs faulted (%s)",
		  ms_signame(f.signo));
	unsigned char *want = p + full * page + 8;
	cr_assert(f.signo == SIGBUS && f.code == BUS_ADRERR && f.addr == (void *)want,
		  "store into page %zu of a full tmpfs: expected SIGBUS BUS_ADRERR at %p, "
		  "got %s %s at %p%s\n%s", full, (void *)want, ms_signame(f.signo),
		  ms_sicode_name(f.signo, f.code), f.addr,
		  ms_fault_page_only(&f, SIGBUS, BUS_ADRERR, want), ms_maps_near(want, 1));
	unsigned char *back = ms_read_range(fd, 0, len);
	ms_assert_bytes(back, 0, full * page, ms_stored, "read() of the pages stored before ENOSPC");
	ms_assert_zero(back, full * page, len, "read() of the pages never stored (holes)");
	cr_assert(xfstat(fd).st_size == (off_t)len, "ENOSPC changed the file size");
	/* Free one page by punching it; the failed store then succeeds. */
	xcheck("fallocate(PUNCH_HOLE)", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
						  0, (off_t)page));
	cr_assert(!ms_probe_write(want, 0x77, &f), "store at %p still raised %s after a page was "
		  "freed", (void *)want, ms_signame(f.signo));
	xpread(fd, back, 1, (off_t)(full * page + 8));
	cr_assert(back[0] == 0x77, "store after freeing space not in the file: 0x%02x", back[0]);
	free(back);
	xmunmap(p, len);
	xclose(fd);
}

/* ---- b15: hole punching while mapped ---- */

/* An 8-page file, mapped and faulted in, with page 3 dirtied through the mapping. */
static struct ms_file_map map_for_punch(void)
{
	struct ms_file_map m = ms_file_map(8 * ms_page(), NULL, false);
	ms_assert_bytes(m.p, 0, m.len, ms_pattern, "file before punching");
	memset(m.p + 3 * ms_page(), 0x3c, ms_page());
	return m;
}

static void punch(int fd, size_t off, size_t len)
{
	int mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	if (fallocate(fd, mode, (off_t)off, (off_t)len) != 0) {
		if (errno == EOPNOTSUPP)
			cr_skip_test("%s does not support FALLOC_FL_PUNCH_HOLE", ms_fs_name());
		ms_broken("fallocate(PUNCH_HOLE, %zu, %zu): %s", off, len, ms_errname(errno));
	}
}

/* Checks bytes of the 8-page mapping p after [from, to) was punched: zero inside, the file's
 * pattern outside (page 3 holds 0x3c where it was not punched), in the mapping and in read(). */
static void assert_punched(int fd, const unsigned char *p, size_t from, size_t to)
{
	size_t page = ms_page(), len = 8 * page;
	const unsigned char *views[2] = { p, ms_read_range(fd, 0, len) };
	const char *names[2] = { "mapping", "read()" };
	for (int v = 0; v < 2; v++)
		for (size_t i = 0; i < len; i++) {
			bool dirtied = i >= 3 * page && i < 4 * page;
			unsigned char want = i >= from && i < to ? 0
					     : dirtied ? 0x3c : ms_pattern(i);
			cr_assert(views[v][i] == want, "%s after punching [%zu, %zu): byte %zu "
				  "is 0x%02x, expected 0x%02x\n%s", names[v], from, to, i,
				  views[v][i], want, ms_maps_near(p, len));
		}
	free((void *)views[1]);
}

/* Assert that fallocate(PUNCH_HOLE) of mapped, cached and dirty pages zeroes exactly that
 * range in the mapping and in the file, without SIGBUS and keeping the size. LINUX. */
CONFORM(mmap_shared, punch_hole_zeroes_mapped_range, "b15", LINUX)
{
	size_t page = ms_page();
	struct ms_file_map m = map_for_punch();
	punch(m.fd, 2 * page, 3 * page);
	struct ms_fault f;
	cr_assert(!ms_probe_read(m.p + 3 * page, &f), "read of a punched page raised %s %s\n%s",
		  ms_signame(f.signo), ms_sicode_name(f.signo, f.code), ms_maps_near(m.p, m.len));
	assert_punched(m.fd, m.p, 2 * page, 5 * page);
	cr_assert(xfstat(m.fd).st_size == (off_t)m.len, "punching a hole changed the file size");
	ms_file_map_release(&m);
}

/* Assert that punching a range that starts and ends inside pages zeroes exactly those bytes
 * of the mapped partial pages. LINUX. */
CONFORM(mmap_shared, punch_hole_unaligned_zeroes_exact_bytes, "b15", LINUX)
{
	size_t page = ms_page();
	struct ms_file_map m = map_for_punch();
	punch(m.fd, page + 100, 3 * page);
	assert_punched(m.fd, m.p, page + 100, 4 * page + 100);
	ms_file_map_release(&m);
}

/* Assert that MADV_REMOVE on a shared file mapping frees the range: the mapping and the file
 * read zeros there. LINUX (madvise(2): tmpfs, ext4, xfs, btrfs via punch hole). */
CONFORM(mmap_shared, madv_remove_zeroes_range, "b15", LINUX)
{
	size_t page = ms_page();
	struct ms_file_map m = map_for_punch();
	if (madvise(m.p + 2 * page, 3 * page, MADV_REMOVE) != 0) {
		if (errno == EOPNOTSUPP)
			cr_skip_test("%s does not support MADV_REMOVE", ms_fs_name());
		cr_assert_fail("madvise(MADV_REMOVE) on a shared %s mapping: %s", ms_fs_name(),
			       ms_errname(errno));
	}
	assert_punched(m.fd, m.p, 2 * page, 5 * page);
	ms_file_map_release(&m);
}

/* Assert that a store into a punched range refaults and reaches the file. LINUX. */
CONFORM(mmap_shared, store_after_punch_reaches_file, "b15", LINUX)
{
	size_t page = ms_page();
	struct ms_file_map m = map_for_punch();
	punch(m.fd, 2 * page, 3 * page);
	m.p[3 * page + 9] = 0xa9;
	xmsync(m.p, m.len, MS_SYNC);
	unsigned char c;
	xpread(m.fd, &c, 1, (off_t)(3 * page + 9));
	cr_assert(c == 0xa9, "store into a punched page: read() shows 0x%02x, stored 0xa9", c);
	m.p[3 * page + 9] = 0;
	assert_punched(m.fd, m.p, 2 * page, 5 * page);
	ms_file_map_release(&m);
}

/* ---- b17: file offsets ---- */

/* Assert that a MAP_SHARED mapping at a non-zero, page-aligned offset shows the file from that
 * offset, and a store through it lands at that offset of the file and nowhere else. POSIX
 * mmap(): "pa ... of the object at off". */
CONFORM(mmap_shared, offset_mapping_shows_and_stores_at_offset, "b17 b1", POSIX)
{
	size_t page = ms_page(), len = 8 * page, off = 3 * page, maplen = 2 * page;
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	for (size_t i = 0; i < maplen; i++)
		cr_assert(p[i] == ms_pattern(off + i),
			  "byte %zu of a mapping at file offset %zu is 0x%02x, the file's byte %zu "
			  "is 0x%02x\n%s", i, off, p[i], off + i, ms_pattern(off + i),
			  ms_maps_near(p, maplen));
	p[page + 7] = ms_stored(off + page + 7);
	xmsync(p, maplen, MS_SYNC);
	unsigned char *back = ms_read_range(fd, 0, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char want = i == off + page + 7 ? ms_stored(i) : ms_pattern(i);
		cr_assert(back[i] == want, "after a store at byte %zu of a mapping at offset %zu, "
			  "file byte %zu is 0x%02x, expected 0x%02x", page + 7, off, i, back[i],
			  want);
	}
	free(back);
	xmunmap(p, maplen);
	xclose(fd);
}
