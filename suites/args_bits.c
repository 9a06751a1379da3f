/* (h) Argument classes beyond address and length (issue 11): mmap offsets; unknown bits and
 * invalid combinations of flags and protections, with the unknown bits derived from the
 * running kernel (its version for MAP_DROPPABLE and MAP_ABOVE4G, its hardware capabilities
 * for PROT_BTI/PROT_MTE) rather than a fixed list; the required prot values; the lock-all
 * calls; posix_madvise and <sys/mman.h> (shm_open/shm_unlink: shm.c). The cells each test fills are
 * listed in suites/clauses/args-matrix.classes. */
#include "mm_util.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;
	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

/* Protection bits the running kernel knows on this machine: the generic four and the arm64
 * ones the CPU reports (ms_arch_prot_bits(), mm_util.h). GROWSDOWN/UP are known too but refused
 * on a plain mapping: they have their own rows. */
static unsigned long known_prot_bits(void)
{
	return PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP |
	       ms_arch_prot_bits();
}

/* MAP_ flag bits this kernel knows: those its uapi headers name (the legacy set mmap(2)
 * lists, MAP_SYNC, MAP_FIXED_NOREPLACE, the huge-page size field), and MAP_ABOVE4G on x86-64
 * from 6.6. Bits 0-3 are the mapping type, probed on their own. */
static unsigned long known_map_bits(void)
{
	unsigned long k = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE |
			  MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |
			  MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE |
			  MAP_UNINITIALIZED | ((unsigned long)MAP_HUGE_MASK << MAP_HUGE_SHIFT);
#ifdef MAP_32BIT
	k |= MAP_32BIT;
#endif
#if defined(__x86_64__)
	if (kernel_at_least(6, 6))
		k |= 0x80; /* MAP_ABOVE4G */
#endif
	return k;
}

static int memfd_of(size_t len, unsigned char fill)
{
	int fd = memfd_create("mmapsuite-bits", 0);
	xcheck("memfd_create", fd);
	xftruncate(fd, len);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memset(p, fill, len);
	xmunmap(p, len);
	return fd;
}


/* ---- mmap offsets ---- */

/* The rows of mmap's offset classes. */
enum offset_row { OFFSET_UNALIGNED, OFFSET_PLUS_LEN_PAST_OFF_T_MAX, OFFSET_NEAR_MAX_RANGE_FITS };

/* Assert mmap's offset classes on a file of the file system under test, one result per row:
 * an offset that is not a page multiple fails EINVAL; off + len past the largest offset
 * (off_t's maximum) fails EOVERFLOW; the largest page-aligned offset whose range still fits
 * is accepted. */
static void offset_table(enum offset_row row)
{
	static const struct { const char *row; int expect; } rows[] = {
		[OFFSET_UNALIGNED] = { "offset_unaligned", EINVAL },
		[OFFSET_PLUS_LEN_PAST_OFF_T_MAX] = { "offset_plus_len_past_off_t_max", EOVERFLOW },
		[OFFSET_NEAR_MAX_RANGE_FITS] = { "offset_near_max_range_fits", 0 },
	};
	size_t pg = ms_page();
	int fd = ms_file(pg, NULL);
	off_t top = (off_t)((uint64_t)INT64_MAX & ~(uint64_t)(pg - 1)); /* last page start */
	off_t off = row == OFFSET_UNALIGNED ? 1 : row == OFFSET_PLUS_LEN_PAST_OFF_T_MAX ? top
		    : top - (off_t)pg;
	errno = 0;
	void *p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, off);
	int e = errno;
	int expect = rows[row].expect;
	bool ok = expect ? p == MAP_FAILED && e == expect : p != MAP_FAILED;
	if (p != MAP_FAILED)
		munmap(p, pg);
	cr_assert(ok, "row %s: mmap(off %#jx) gave %s, expected %s", rows[row].row,
		  (uintmax_t)off, p == MAP_FAILED ? ms_errname(e) : "a mapping",
		  expect ? ms_errname(expect) : "a mapping");
	xclose(fd);
}
CONFORM_VARIANT(mmap_classes, offset_table, unaligned, "h3 h6", POSIX, offset_table,
		OFFSET_UNALIGNED)
CONFORM_VARIANT(mmap_classes, offset_table, plus_len_past_off_t_max, "h3 h6", POSIX,
		offset_table, OFFSET_PLUS_LEN_PAST_OFF_T_MAX)
CONFORM_VARIANT(mmap_classes, offset_table, near_max_range_fits, "h3 h6", POSIX, offset_table,
		OFFSET_NEAR_MAX_RANGE_FITS)

/* Assert that an offset past the end of the file maps (the range is legitimate for the
 * file's possible offsets) and that a reference to it raises SIGBUS. POSIX */
CONFORM(mmap_classes, offset_past_eof_maps_then_sigbus, "b6 h6", POSIX)
{
	size_t pg = ms_page();
	int fd = ms_file(pg, NULL);
	unsigned char *p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 4 * (off_t)pg);
	ms_assert_mapped(p);
	struct ms_fault f;
	cr_assert(ms_probe_read(p, &f) && f.signo == SIGBUS, "a read of a page mapped past the "
		  "end of the file %s", f.faulted ? ms_signame(f.signo) : "did not fault");
}

/* ---- protections ---- */

static const struct { const char *name; int prot; } required_prots[] = {
	{ "PROT_NONE", PROT_NONE },
	{ "PROT_READ", PROT_READ },
	{ "PROT_WRITE", PROT_WRITE },
	{ "PROT_READ|PROT_WRITE", PROT_READ | PROT_WRITE },
};

/* What must hold of a mapping with protection prot: a store succeeds iff PROT_WRITE; with
 * PROT_NONE a load faults; with PROT_READ a load succeeds. */
static void check_prot(char *msg, size_t len, const char *how, const char *name,
		       unsigned char *p, int prot)
{
	struct ms_fault f;
	bool wfault = ms_probe_write(p, 1, &f);
	if (wfault == !!(prot & PROT_WRITE))
		snprintf(msg + strlen(msg), len - strlen(msg), "%s%s %s: a store %s; ",
			 "", how, name, wfault ? "faulted" : "succeeded");
	bool rfault = ms_probe_read(p, &f);
	if ((prot == PROT_NONE && !rfault) || ((prot & PROT_READ) && rfault))
		snprintf(msg + strlen(msg), len - strlen(msg), "%s %s: a load %s; ", how, name,
			 rfault ? "faulted" : "succeeded");
}

/* Assert that mmap accepts PROT_NONE, PROT_READ, PROT_WRITE and PROT_READ|PROT_WRITE, and
 * that each grants no write without PROT_WRITE and no access with PROT_NONE. POSIX */
CONFORM(mmap_classes, prot_required_values_accepted, "a1 e1 e2", POSIX)
{
	size_t pg = ms_page();
	char msg[1024] = "";
	for (size_t i = 0; i < sizeof(required_prots) / sizeof(required_prots[0]); i++) {
		unsigned char *p = mmap(NULL, pg, required_prots[i].prot,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			ms_append(msg, "mmap %s failed with %s", required_prots[i].name,
			          ms_errname(errno));
			continue;
		}
		check_prot(msg, sizeof(msg), "mmap", required_prots[i].name, p,
			   required_prots[i].prot);
		munmap(p, pg);
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert the same four values through mprotect of a read-write mapping. POSIX */
CONFORM(mprotect_classes, prot_required_values_accepted, "g12 e1 e2", POSIX)
{
	size_t pg = ms_page();
	char msg[1024] = "";
	for (size_t i = 0; i < sizeof(required_prots) / sizeof(required_prots[0]); i++) {
		unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		/* A refused row still unmaps its page: no `continue` between map and unmap. */
		if (mprotect(p, pg, required_prots[i].prot) != 0)
			ms_append(msg, "mprotect %s failed with %s", required_prots[i].name,
			          ms_errname(errno));
		else
			check_prot(msg, sizeof(msg), "mprotect", required_prots[i].name, p,
				   required_prots[i].prot);
		xmunmap(p, pg);
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that a prot bit this kernel does not know, given to mmap with PROT_READ or with
 * PROT_NONE, grants nothing: either mmap refuses it with EINVAL, or the mapping refuses
 * stores (PROT_READ) and every access (PROT_NONE). POSIX (mmap: no write without PROT_WRITE,
 * no access with PROT_NONE alone); Linux ignores such bits in mmap. */
CONFORM(mmap_classes, unknown_prot_bits_grant_nothing, "e1 e2 h11", POSIX)
{
	size_t pg = ms_page();
	unsigned long known = known_prot_bits();
	char msg[2048] = "";
	int probed = 0;
	for (int b = 0; b < 31; b++) {
		int bit = 1 << b;
		if (known & (unsigned long)bit)
			continue;
		for (int base = 0; base < 2; base++) {
			int prot = (base ? PROT_READ : PROT_NONE) | bit;
			unsigned char *p = mmap(NULL, pg, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED) {
				if (errno != EINVAL)
					ms_append(msg, "prot %#x: %s, expected EINVAL or a mapping",
					          prot, ms_errname(errno));
				continue;
			}
			probed++;
			struct ms_fault f;
			if (!ms_probe_write(p, 1, &f))
				ms_append(msg, "prot %#x: a store succeeded", prot);
			if (!base && !ms_probe_read(p, &f))
				ms_append(msg, "prot %#x: a load succeeded", prot);
			munmap(p, pg);
		}
	}
	cr_assert(msg[0] == 0, "unknown prot bits (known here: %#lx): %s", known, msg);
}

/* mprotect or pkey_mprotect(pkey -1) each unknown prot bit: EINVAL, protection unchanged. */
static void unknown_prot_bits_einval(bool pkey)
{
	size_t pg = ms_page();
	unsigned long known = known_prot_bits();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	char msg[2048] = "";
	for (int b = 0; b < 31; b++) {
		int bit = 1 << b;
		if (known & (unsigned long)bit)
			continue;
		errno = 0;
		long r = pkey ? syscall(SYS_pkey_mprotect, p, pg, PROT_READ | bit, -1)
			      : mprotect(p, pg, PROT_READ | bit);
		if (r != -1 || errno != EINVAL)
			ms_append(msg, "bit %#x: returned %ld (%s), expected EINVAL", bit, r,
			          ms_errname(errno));
		struct ms_fault f;
		if (ms_probe_write(p, 1, &f)) {
			ms_append(msg, "bit %#x: the refused call changed the protection", bit);
			xmprotect(p, pg, PROT_READ | PROT_WRITE);
		}
	}
	cr_assert(msg[0] == 0, "%s with prot bits unknown here (known: %#lx): %s",
		  pkey ? "pkey_mprotect" : "mprotect", known, msg);
}

/* Assert that mprotect refuses with EINVAL every prot bit the running kernel does not know
 * (derived: generic bits plus the arm64 ones the CPU reports) and changes nothing. */
CONFORM(mprotect_classes, unknown_prot_bits_derived_einval, "h11 g12", LINUX)
{
	unknown_prot_bits_einval(false);
}

/* Assert the same of pkey_mprotect with pkey -1. */
CONFORM(pkey_mprotect_classes, unknown_prot_bits_derived_einval, "h11 e7", LINUX)
{
	ms_require_pkey_mprotect();
	unknown_prot_bits_einval(true);
}

/* Assert that pkey_mprotect refuses a key that was never allocated, and one out of range. */
CONFORM(pkey_mprotect_classes, unallocated_pkey_einval, "h11 e7", LINUX)
{
	ms_require_pkey_mprotect();
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	ms_assert_errno(syscall(SYS_pkey_mprotect, p, pg, PROT_READ, 15), EINVAL);
	ms_assert_errno(syscall(SYS_pkey_mprotect, p, pg, PROT_READ, 1024), EINVAL);
	ms_assert_errno(syscall(SYS_pkey_mprotect, p, pg, PROT_READ, -2), EINVAL);
}

/* ---- mmap flags and types ---- */

/* Assert that each MAP_ flag bit this kernel does not know is refused with EOPNOTSUPP under
 * MAP_SHARED_VALIDATE, and ignored under MAP_SHARED (the mapping shows the file). */
CONFORM(mmap_classes, unknown_flag_bits_refused_or_ignored, "k3 k5", LINUX)
{
	size_t pg = ms_page();
	int fd = memfd_of(pg, 0x5a);
	unsigned long known = known_map_bits();
	char msg[2048] = "";
	for (int b = 4; b < 31; b++) {
		int bit = 1 << b;
		if (known & (unsigned long)bit)
			continue;
		errno = 0;
		void *p = mmap(NULL, pg, PROT_READ, MAP_SHARED_VALIDATE | bit, fd, 0);
		if (p != MAP_FAILED || errno != EOPNOTSUPP) {
			ms_append(msg, "MAP_SHARED_VALIDATE|%#x: %s, expected EOPNOTSUPP", bit,
			          p == MAP_FAILED ? ms_errname(errno) : "mapped");
			if (p != MAP_FAILED)
				munmap(p, pg);
		}
		unsigned char *q = mmap(NULL, pg, PROT_READ, MAP_SHARED | bit, fd, 0);
		if (q == MAP_FAILED)
			ms_append(msg, "MAP_SHARED|%#x: %s, expected the bit ignored", bit,
			          ms_errname(errno));
		else if (q[0] != 0x5a)
			ms_append(msg, "MAP_SHARED|%#x: reads %#x, not the file", bit, q[0]);
		if (q != MAP_FAILED)
			munmap(q, pg);
	}
	cr_assert(msg[0] == 0, "flag bits unknown here (known: %#lx): %s", known, msg);
}

/* Assert that of the sixteen values of the mapping-type field, an anonymous mapping accepts
 * exactly MAP_SHARED, MAP_PRIVATE and, from Linux 6.11, MAP_DROPPABLE; every other value
 * fails EINVAL (MAP_SHARED_VALIDATE needs a file). */
CONFORM(mmap_classes, mapping_types_probe, "k3 a11", LINUX)
{
	size_t pg = ms_page();
	bool droppable = kernel_at_least(6, 11);
	char msg[1024] = "";
	for (int t = 0; t < 16; t++) {
		bool valid = t == MAP_SHARED || t == MAP_PRIVATE || (t == MAP_DROPPABLE && droppable);
		errno = 0;
		void *p = mmap(NULL, pg, PROT_READ, t | MAP_ANONYMOUS, -1, 0);
		int e = errno;
		if (valid && p == MAP_FAILED)
			ms_append(msg, "type %#x: %s, expected a mapping", t, ms_errname(e));
		else if (!valid && (p != MAP_FAILED || e != EINVAL))
			ms_append(msg, "type %#x: %s, expected EINVAL", t,
			          p == MAP_FAILED ? ms_errname(e) : "mapped");
		if (p != MAP_FAILED)
			munmap(p, pg);
	}
	cr_assert(msg[0] == 0, "kernel %s MAP_DROPPABLE: %s", droppable ? "with" : "without", msg);
}

/* Assert that invalid combinations of known flags fail EINVAL: a shared grows-down mapping,
 * MAP_HUGETLB on a file outside hugetlbfs, MAP_FIXED_NOREPLACE at an unaligned address, and
 * MAP_DROPPABLE with a file (where the kernel has it). */
CONFORM(mmap_classes, invalid_flag_combinations, "k1 k3 a11", LINUX)
{
	size_t pg = ms_page();
	int fd = memfd_of(pg, 0);
	unsigned char *hint = xmmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmunmap(hint, pg);
	struct { const char *row; void *addr; int flags; int fd; } rows[] = {
		{ "shared_growsdown", NULL, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1 },
		{ "hugetlb_on_memfd", NULL, MAP_SHARED_VALIDATE | MAP_HUGETLB, fd },
		{ "noreplace_unaligned", hint + 1, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1 },
		{ "droppable_with_file", NULL, MAP_DROPPABLE, fd },
	};
	size_t n = sizeof(rows) / sizeof(rows[0]) - (kernel_at_least(6, 11) ? 0 : 1);
	char msg[1024] = "";
	for (size_t i = 0; i < n; i++) {
		errno = 0;
		void *p = mmap(rows[i].addr, pg, PROT_READ, rows[i].flags, rows[i].fd, 0);
		if (p != MAP_FAILED || errno != EINVAL)
			ms_append(msg, "row %s: %s, expected EINVAL", rows[i].row,
			          p == MAP_FAILED ? ms_errname(errno) : "mapped");
		if (p != MAP_FAILED)
			munmap(p, pg);
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* ---- mmap errors of mmap(2) not covered elsewhere ---- */

/* Assert that a shared writable mapping of an append-only file fails EACCES. */
CONFORM(mmap_classes, append_only_shared_write_eacces, "h5", LINUX)
{
	size_t pg = ms_page();
	char path[PATH_MAX];
	int fd = ms_file(pg, path);
	int attr = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &attr) != 0)
		cr_skip_test("%s does not keep inode flags (FS_IOC_GETFLAGS: %s)", ms_fs_name(),
			     ms_errname(errno));
	int with = attr | FS_APPEND_FL;
	if (ioctl(fd, FS_IOC_SETFLAGS, &with) != 0)
		cr_skip_test("cannot make a file append-only on %s (%s; needs CAP_LINUX_IMMUTABLE)",
			     ms_fs_name(), ms_errname(errno));
	int afd = open(path, O_RDWR | O_APPEND);
	int open_err = errno;
	errno = 0;
	void *p = afd >= 0 ? mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, afd, 0) : MAP_FAILED;
	int e = errno;
	ioctl(fd, FS_IOC_SETFLAGS, &attr); /* the file must be removable at exit */
	cr_assert(afd >= 0, "open(O_RDWR|O_APPEND) of the append-only file: %s",
		  ms_errname(open_err));
	cr_assert(p == MAP_FAILED && e == EACCES, "shared PROT_WRITE mapping of an append-only "
		  "file: %s, expected EACCES", p == MAP_FAILED ? ms_errname(e) : "mapped");
}

/* Assert that PROT_EXEC on a file of a noexec mount fails EPERM. */
CONFORM(mmap_classes, exec_on_noexec_mount_eperm, "e5 h5", LINUX)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	ms_private_tmpfs("size=64k", dir);
	/* noexec is a flag of the mount, not a tmpfs option: set it by a bind remount */
	if (mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_NOEXEC | MS_NOSUID | MS_NODEV,
		  NULL) != 0)
		ms_broken("remount %s noexec: %s", dir, ms_errname(errno));
	snprintf(path, sizeof(path), "%s/f", dir);
	int fd = xopen(path, O_RDWR | O_CREAT, 0600);
	xftruncate(fd, ms_page());
	ms_assert_errno(mmap(NULL, ms_page(), PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0), EPERM);
	/* cppcheck-suppress leakReturnValNotUsed ; kept until the test's own process exits */
	ms_assert_mapped(mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fd, 0));
	xclose(fd);
}

/* Assert that a private writable mapping that would pass RLIMIT_DATA fails ENOMEM (Linux
 * 4.7 on). Runs in a child: the limit is the child's. */
CONFORM(mmap_classes, rlimit_data_fails_enomem, "h8", LINUX)
{
	FILE *f = fopen("/proc/cmdline", "r");
	char cmd[4096] = "";
	if (f) {
		if (!fgets(cmd, sizeof(cmd), f))
			cmd[0] = 0;
		fclose(f);
	}
	if (strstr(cmd, "ignore_rlimit_data"))
		cr_skip_test("RLIMIT_DATA ignored by ignore_rlimit_data (/proc/cmdline)");
	pid_t pid = xfork();
	if (pid == 0) {
		long data_kb = ms_status_kb("VmData");
		child_check(data_kb > 0, "VmData unreadable");
		struct rlimit rl = { (rlim_t)(data_kb + 1024) * 1024, RLIM_INFINITY };
		child_check(setrlimit(RLIMIT_DATA, &rl) == 0, "setrlimit: %s", ms_errname(errno));
		errno = 0;
		void *p = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		child_check(p == MAP_FAILED && errno == ENOMEM, "64 MiB past RLIMIT_DATA: %s, "
			    "expected ENOMEM", p == MAP_FAILED ? ms_errname(errno) : "mapped");
		_exit(0);
	}
	xwait_ok(pid);
}

/* Assert that mmap fails EMFILE when the number of mapped regions would pass the limit
 * (POSIX). Linux's limit is vm.max_map_count and its answer is ENOMEM: a deviation kept in
 * suites/expect/kernel.expect. */
CONFORM(mmap_classes, map_count_limit_fails_emfile, "a5", POSIX)
{
	long max = ms_map_count_limit();
	pid_t pid = xfork();
	if (pid == 0) {
		size_t pg = ms_page(), pages;
		ms_split_to_map_count_limit(max, &pages);
		void *p;
		int tries = 0;
		do {
			errno = 0;
			p = mmap(NULL, pg, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		} while (p != MAP_FAILED && ++tries < 8);
		child_check(p == MAP_FAILED && errno == EMFILE, "mmap at the map-count limit: %s, "
			    "expected EMFILE", p == MAP_FAILED ? ms_errname(errno) : "mapped");
		_exit(0);
	}
	xwait_ok(pid);
}

/* ---- msync, mlock2, mlockall, mremap flags ---- */

/* Assert msync's flags: every bit other than MS_ASYNC, MS_INVALIDATE, MS_SYNC fails EINVAL,
 * MS_SYNC|MS_ASYNC fails EINVAL, and flags 0 is accepted as MS_ASYNC (msync(2) NOTES). */
CONFORM(msync_classes, flags_table, "f4", LINUX)
{
	size_t pg = ms_page();
	int fd = memfd_of(pg, 0);
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char msg[2048] = "";
	for (int b = 0; b < 31; b++) {
		int bit = 1 << b;
		if (bit & (MS_ASYNC | MS_INVALIDATE | MS_SYNC))
			continue;
		errno = 0;
		if (msync(p, pg, MS_ASYNC | bit) != -1 || errno != EINVAL)
			ms_append(msg, "MS_ASYNC|%#x: %s, expected EINVAL", bit, ms_errname(errno));
	}
	errno = 0;
	if (msync(p, pg, MS_SYNC | MS_ASYNC) != -1 || errno != EINVAL)
		ms_append(msg, "MS_SYNC|MS_ASYNC: %s, expected EINVAL", ms_errname(errno));
	if (msync(p, pg, 0) != 0)
		ms_append(msg, "flags 0: %s, expected success", ms_errname(errno));
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that mlock2 refuses every flag bit other than MLOCK_ONFAULT with EINVAL. */
CONFORM(mlock_classes, mlock2_flags_table, "h14", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	char msg[2048] = "";
	for (int b = 0; b < 31; b++) {
		int bit = 1 << b;
		if (bit == MLOCK_ONFAULT)
			continue;
		errno = 0;
		if (syscall(SYS_mlock2, p, pg, bit) != -1 || errno != EINVAL)
			ms_append(msg, "flag %#x: %s, expected EINVAL", bit, ms_errname(errno));
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that mlockall fails EINVAL for flags 0 and for every bit it does not implement;
 * MCL_ONFAULT alone is not a request either. POSIX */
CONFORM(mlockall_classes, flags_table, "h14", POSIX)
{
	char msg[2048] = "";
	errno = 0;
	if (mlockall(0) != -1 || errno != EINVAL)
		ms_append(msg, "flags 0: %s, expected EINVAL", ms_errname(errno));
	errno = 0;
	if (mlockall(MCL_ONFAULT) != -1 || errno != EINVAL)
		ms_append(msg, "MCL_ONFAULT alone: %s, expected EINVAL", ms_errname(errno));
	for (int b = 0; b < 31; b++) {
		int bit = 1 << b;
		if (bit & (MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
			continue;
		errno = 0;
		if (mlockall(bit) != -1 || errno != EINVAL)
			ms_append(msg, "flag %#x: %s, expected EINVAL", bit, ms_errname(errno));
	}
	munlockall();
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that mlockall(MCL_CURRENT|MCL_FUTURE) locks what is mapped and what is mapped later,
 * and that munlockall unlocks everything and ends the locking of new mappings. POSIX */
CONFORM(mlockall_classes, current_and_future_then_munlockall, "h14 d4", POSIX)
{
	size_t pg = ms_page();
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		cr_skip_test("mlockall failed with %s (RLIMIT_MEMLOCK; needs CAP_IPC_LOCK)",
			     ms_errname(errno));
	long vmlck = ms_status_kb("VmLck");
	unsigned char *q = xmmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long q_locked = ms_smaps_kb(q, "Locked");
	ms_assert_ok(munlockall());
	long after = ms_status_kb("VmLck");
	unsigned char *r = xmmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r[0] = 1;
	long r_locked = ms_smaps_kb(r, "Locked");
	cr_assert(vmlck > 0, "VmLck is %ld kB after mlockall(MCL_CURRENT)", vmlck);
	/* >=: the new mapping may merge with a locked neighbour into one VMA */
	cr_assert(q_locked >= (long)(2 * pg / 1024), "a mapping made after MCL_FUTURE shows "
		  "Locked: %ld kB, expected at least %zu", q_locked, 2 * pg / 1024);
	cr_assert(after == 0, "VmLck is %ld kB after munlockall", after);
	cr_assert(r_locked == 0, "a mapping made after munlockall shows Locked: %ld kB", r_locked);
}

/* Assert mremap's flags: every bit other than MAYMOVE, FIXED and DONTUNMAP fails EINVAL, and
 * FIXED or DONTUNMAP without MAYMOVE fails EINVAL. */
CONFORM(mremap_classes, flags_table, "h12 g7 g8", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	char msg[2048] = "";
	int known = MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP;
	for (int b = 0; b < 31; b++) {
		int bit = 1 << b;
		if (bit & known)
			continue;
		errno = 0;
		void *r = mremap(p, pg, pg, MREMAP_MAYMOVE | bit);
		if (r != MAP_FAILED || errno != EINVAL)
			ms_append(msg, "MAYMOVE|%#x: %s, expected EINVAL", bit,
			          r == MAP_FAILED ? ms_errname(errno) : "remapped");
		if (r != MAP_FAILED)
			p = r;
	}
	errno = 0;
	if (mremap(p, pg, pg, MREMAP_FIXED, p + 16 * pg) != MAP_FAILED || errno != EINVAL)
		ms_append(msg, "FIXED without MAYMOVE: %s, expected EINVAL", ms_errname(errno));
	errno = 0;
	if (mremap(p, pg, pg, MREMAP_DONTUNMAP) != MAP_FAILED || errno != EINVAL)
		ms_append(msg, "DONTUNMAP without MAYMOVE: %s, expected EINVAL", ms_errname(errno));
	cr_assert(msg[0] == 0, "%s", msg);
}

/* ---- posix_madvise ---- */

/* Assert that posix_madvise returns EINVAL (as its value, errno untouched) for advice values
 * outside the five POSIX names and outside every Linux advice too. POSIX */
CONFORM(posix_madvise_classes, unknown_advice_einval, "g13", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	static const int bad[] = { 5, 6, 7, 50, 99, 200, 4096, -1 };
	char msg[1024] = "";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		int r = posix_madvise(p, pg, bad[i]);
		if (r != EINVAL)
			ms_append(msg, "advice %d returned %d (%s), expected EINVAL", bad[i], r,
			          r > 0 ? ms_errname(r) : "not an error number");
		if (errno != 0)
			ms_append(msg, "advice %d set errno to %s", bad[i], ms_errname(errno));
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that none of the five POSIX advice values changes what private anonymous memory
 * holds (POSIX_MADV_DONTNEED included: the advice never changes semantics). POSIX */
CONFORM(posix_madvise_classes, advice_keeps_contents, "g13 a8", POSIX)
{
	size_t pg = ms_page(), len = 4 * pg;
	static const struct { const char *name; int advice; } adv[] = {
		{ "NORMAL", POSIX_MADV_NORMAL },     { "SEQUENTIAL", POSIX_MADV_SEQUENTIAL },
		{ "RANDOM", POSIX_MADV_RANDOM },     { "WILLNEED", POSIX_MADV_WILLNEED },
		{ "DONTNEED", POSIX_MADV_DONTNEED },
	};
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	ms_fill_tagged(p, len, 0x3c);
	char msg[1024] = "";
	for (size_t i = 0; i < sizeof(adv) / sizeof(adv[0]); i++) {
		int r = posix_madvise(p, len, adv[i].advice);
		if (r != 0)
			ms_append(msg, "POSIX_MADV_%s returned %s", adv[i].name, ms_errname(r));
		size_t bad = ms_first_mismatch_tagged(p, len, 0x3c);
		if (bad != len) {
			ms_append(msg, "after POSIX_MADV_%s byte %zu changed", adv[i].name, bad);
			ms_fill_tagged(p, len, 0x3c);
		}
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* ---- <sys/mman.h> ---- */

/* Assert that <sys/mman.h> defines the symbols POSIX names, usable as documented: PROT_ bits
 * distinct and combinable with PROT_NONE holding none, MAP_SHARED and MAP_PRIVATE distinct
 * with MAP_FIXED apart from both, MAP_ANON a synonym of MAP_ANONYMOUS, the MS_ and MCL_
 * flags distinct, five distinct POSIX_MADV_ values, and MAP_FAILED what a failing mmap
 * returns. POSIX */
CONFORM(header_classes, constants_are_distinct, "h2", POSIX)
{
	char msg[1024] = "";
	int prots[] = { PROT_READ, PROT_WRITE, PROT_EXEC };
	for (int i = 0; i < 3; i++) {
		if (!prots[i] || (prots[i] & PROT_NONE))
			ms_append(msg, "PROT value %d overlaps PROT_NONE", i);
		for (int j = i + 1; j < 3; j++)
			if (prots[i] & prots[j])
				ms_append(msg, "PROT values %#x and %#x overlap",
				          prots[i], prots[j]);
	}
	if (MAP_SHARED == MAP_PRIVATE || (MAP_FIXED & (MAP_SHARED | MAP_PRIVATE)))
		ms_append(msg, "MAP_SHARED, MAP_PRIVATE, MAP_FIXED not distinct");
	if (MAP_ANON != MAP_ANONYMOUS)
		ms_append(msg, "MAP_ANON %#x differs from MAP_ANONYMOUS %#x",
		          MAP_ANON, MAP_ANONYMOUS);
	if ((MS_ASYNC & MS_SYNC) || (MS_INVALIDATE & (MS_SYNC | MS_ASYNC)) || !MS_ASYNC ||
	    !MS_SYNC || !MS_INVALIDATE)
		ms_append(msg, "MS_ flags not distinct bits");
	if ((MCL_CURRENT & MCL_FUTURE) || !MCL_CURRENT || !MCL_FUTURE)
		ms_append(msg, "MCL_ flags not distinct bits");
	int adv[] = { POSIX_MADV_NORMAL, POSIX_MADV_SEQUENTIAL, POSIX_MADV_RANDOM,
		      POSIX_MADV_WILLNEED, POSIX_MADV_DONTNEED };
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++)
			if (adv[i] == adv[j])
				ms_append(msg, "POSIX_MADV values %d and %d equal", i, j);
	size_t len = 0;
	off_t off = 0;
	mode_t mode = 0;
	(void)mode;
	/* cppcheck-suppress invalidFunctionArg ; length 0 is the argument under test (EINVAL) */
	void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, off);
	if (p != MAP_FAILED)
		ms_append(msg, "mmap of length 0 returned %p, not MAP_FAILED", p);
	cr_assert(msg[0] == 0, "%s", msg);
}
