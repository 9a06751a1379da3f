/* The argument-class fixture the *_classes suites share (arg_classes.h): the range classes
 * and their rows, and the probes of what this kernel and machine accept. Each call's tables
 * live in the file of its suite (mmap_classes.c, munmap.c, mprotect.c, mlock.c ...). */
#include "arg_classes.h"
#include "place.h"

#include <linux/capability.h>
#include <linux/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const class_name[] = {
	[RC_page_aligned] = "page_aligned",       [RC_addr_unaligned] = "addr_unaligned",
	[RC_len_not_page_multiple] = "len_not_page_multiple", [RC_len_zero] = "len_zero",
	[RC_wraps_top] = "wraps_top",             [RC_partly_unmapped] = "partly_unmapped",
	[RC_wholly_unmapped] = "wholly_unmapped",
};

/* Whether RLIMIT_MEMLOCK answers ENOMEM before the call looks at the range: mm/mlock.c
 * do_mlock() compares the length with the limit first unless the caller has CAP_IPC_LOCK.
 * The soft limit is raised to the hard one first (this test runs in its own process). */
static bool lock_limit_checked_first(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0)
		return false;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_MEMLOCK, &rl);
	return rl.rlim_max != RLIM_INFINITY && !ms_capable(CAP_IPC_LOCK);
}

unsigned char *ms_range_three_pages(const struct range_target *t)
{
	size_t pg = ms_page();
	unsigned char *p;
	if (t->shared_file) {
		int fd = memfd_create("mmapsuite-classes", 0);
		xcheck("memfd_create", fd);
		xftruncate(fd, 3 * pg);
		p = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		xclose(fd);
	} else {
		p = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	memset(p, 0xa5, 3 * pg);
	return p;
}

void ms_range_row(const struct range_target *t, enum range_class cls, int expect)
{
	if (t->require)
		t->require();
	size_t pg = ms_page();
	if (t->lock_limited && cls == RC_wraps_top && lock_limit_checked_first())
		cr_skip_test("row wraps_top not judged: %s checks RLIMIT_MEMLOCK before the range "
			     "and fails ENOMEM for any length past the limit, and this process lacks "
			     "CAP_IPC_LOCK (run as root)", t->name);
	if (cls == RC_wraps_top && ms_place_compat())
		cr_skip_test("row wraps_top not judged: addr + len wraps in this 32-bit program's "
			     "word but not in the 64-bit kernel's, which zero-extends a compat "
			     "call's arguments and sees a range past TASK_SIZE (and %s would act on "
			     "every mapping above addr)", t->name);
	unsigned char *p = ms_range_three_pages(t);
	unsigned char *addr = p;
	size_t len = pg;
	switch (cls) {
	case RC_page_aligned: break;
	case RC_addr_unaligned: addr = p + 1; break;
	case RC_len_not_page_multiple: len = pg + 1; break;
	case RC_len_zero: len = 0; break;
	/* addr + len wraps to one page below addr */
	case RC_wraps_top: len = (size_t)0 - pg; break;
	case RC_partly_unmapped: xmunmap(p + pg, pg); len = 3 * pg; break;
	case RC_wholly_unmapped: xmunmap(p + pg, pg); addr = p + pg; break;
	}
	errno = 0;
	long r = t->call(addr, len);
	int e = errno;
	bool ok = expect ? (r == -1 && e == expect) : r == 0;
	cr_assert(ok, "row %s: %s(%p, %#zx) returned %ld (%s), expected %s", class_name[cls],
		  t->name, (void *)addr, len, r, r == -1 ? ms_errname(e) : "no error",
		  expect ? ms_errname(expect) : "success");
}

void ms_range_rounding_by_hole(const struct range_target *t)
{
	if (t->require)
		t->require();
	size_t pg = ms_page();
	unsigned char *p = ms_range_three_pages(t);
	xmunmap(p + 2 * pg, pg);
	errno = 0;
	long r = t->call(p, pg + 1);
	cr_assert(r == 0, "%s(p, page + 1) over [mapped][mapped][hole] returned %ld (%s): the "
		  "rounded range must end at the second page", t->name, r, ms_errname(errno));
	p = ms_range_three_pages(t);
	xmunmap(p + pg, pg);
	errno = 0;
	r = t->call(p, pg + 1);
	cr_assert(r == -1 && errno == ENOMEM, "%s(p, page + 1) over [mapped][hole] returned %ld "
		  "(%s), expected ENOMEM: the page holding the last byte belongs to the range",
		  t->name, r, ms_errname(errno));
}

/* ---- the calls under test (arg_classes.h) ---- */

/* Defines the target ms_range_<var>: its name in messages, its call (expr, of a, the address,
 * and l, the length: 0, or -1 with errno set) and its other fields. */
#define RANGE_TARGET(var, label, expr, ...)                                                 \
	static long call_##var(void *a, size_t l)                                           \
	{                                                                                   \
		return expr;                                                                \
	}                                                                                   \
	const struct range_target ms_range_##var = { .name = label, .call = call_##var,     \
						    __VA_ARGS__ };

static long mmap_fixed(void *a, size_t l)
{
	void *r = mmap(a, l, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	/* cppcheck-suppress memleak ; MAP_FIXED over the test's own mapping */
	return r == MAP_FAILED ? -1 : 0;
}
/* posix_madvise returns the error number; anything but 0 or a positive errno is itself
 * wrong (P-padv-03) and is reported as errno 0 with -1, which matches no row. */
static long posix_madvise_normal(void *a, size_t l)
{
	int r = posix_madvise(a, l, POSIX_MADV_NORMAL);
	if (r == 0)
		return 0;
	errno = r > 0 ? r : 0;
	return -1;
}
static long mincore_into_scratch(void *a, size_t l)
{
	static unsigned char vec[8];
	return mincore(a, l, vec);
}
static long mremap_same_size(void *a, size_t l)
{
	void *r = mremap(a, l, l ? l : ms_page(), 0);
	return r == MAP_FAILED ? -1 : 0;
}

RANGE_TARGET(mmap, "mmap(MAP_FIXED)", mmap_fixed(a, l))
RANGE_TARGET(munmap, "munmap", munmap(a, l))
RANGE_TARGET(mprotect, "mprotect", mprotect(a, l, PROT_READ))
RANGE_TARGET(pkey, "pkey_mprotect(pkey -1)", syscall(SYS_pkey_mprotect, a, l, PROT_READ, -1),
	     .require = ms_require_pkey_mprotect)
RANGE_TARGET(msync, "msync(MS_ASYNC)", msync(a, l, MS_ASYNC))
RANGE_TARGET(mlock, "mlock", mlock(a, l), .lock_limited = true)
RANGE_TARGET(munlock, "munlock", munlock(a, l))
RANGE_TARGET(mlock2, "mlock2", syscall(SYS_mlock2, a, l, 0), .lock_limited = true)
RANGE_TARGET(madvise, "madvise(MADV_NORMAL)", madvise(a, l, MADV_NORMAL))
RANGE_TARGET(padv, "posix_madvise(NORMAL)", posix_madvise_normal(a, l))
RANGE_TARGET(mincore, "mincore", mincore_into_scratch(a, l))
RANGE_TARGET(mseal, "mseal", ms_sys_mseal(a, l, 0), .require = ms_require_mseal)
RANGE_TARGET(mremap, "mremap(same size)", mremap_same_size(a, l))
RANGE_TARGET(rfp, "remap_file_pages", remap_file_pages(a, l, 0, 0, 0), .shared_file = true)

/* ---- mmap offset classes ---- */

void ms_offset_row(enum offset_row row)
{
	static const struct { const char *row; int expect; } rows[] = {
		[OFFSET_UNALIGNED] = { "offset_unaligned", EINVAL },
		[OFFSET_PLUS_LEN_PAST_OFF_T_MAX] = { "offset_plus_len_past_off_t_max", EOVERFLOW },
		[OFFSET_NEAR_MAX_RANGE_FITS] = { "offset_near_max_range_fits", 0 },
	};
	if (row == OFFSET_PLUS_LEN_PAST_OFF_T_MAX)
		ms_require_offset_max_reachable();
	size_t pg = ms_page();
	int fd = ms_file(pg, NULL);
	off_t top = ms_last_offset_page();
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

void ms_require_offset_max_reachable(void)
{
	if (ms_place_compat())
		cr_skip_test("not judged: this 32-bit program's mmap2 counts its offset in 4096-byte "
			     "units in 32 bits, so its largest offset, 16 TiB - 4 KiB, is far below "
			     "its 64-bit kernel's largest file offset (MAX_LFS_FILESIZE, 2^63 - 1): "
			     "off plus len cannot pass the offset maximum, and the kernel maps it");
}

off_t ms_last_offset_page(void)
{
#if UINTPTR_MAX > 0xffffffffu
	return (off_t)((uint64_t)INT64_MAX & ~(uint64_t)(ms_page() - 1));
#else
	return (off_t)((uint64_t)UINT32_MAX * 4096 & ~(uint64_t)(ms_page() - 1));
#endif
}

/* ---- what this kernel and machine accept ---- */

bool ms_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;
	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

unsigned long ms_known_map_bits(void)
{
	unsigned long k = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE |
			  MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |
			  MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE |
			  MAP_UNINITIALIZED | ((unsigned long)MAP_HUGE_MASK << MAP_HUGE_SHIFT);
#ifdef MAP_32BIT
	k |= MAP_32BIT;
#endif
#if defined(__x86_64__)
	if (ms_kernel_at_least(6, 6))
		k |= 0x80; /* MAP_ABOVE4G */
#endif
	return k;
}

unsigned long ms_known_prot_bits(void)
{
	return PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP |
	       ms_arch_prot_bits();
}

const struct ms_required_prot ms_required_prots[4] = {
	{ "PROT_NONE", PROT_NONE },
	{ "PROT_READ", PROT_READ },
	{ "PROT_WRITE", PROT_WRITE },
	{ "PROT_READ|PROT_WRITE", PROT_READ | PROT_WRITE },
};

void ms_check_prot(char *msg, size_t len, const char *how, const char *name, unsigned char *p,
		   int prot)
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

int ms_next_bit_not_in(unsigned long known, int bit)
{
	for (int b = bit ? __builtin_ctz((unsigned)bit) + 1 : 0; b < 31; b++)
		if (!(known & (1ul << b)))
			return 1 << b;
	return 0;
}

void ms_unknown_prot_bits_einval(bool pkey)
{
	size_t pg = ms_page();
	unsigned long known = ms_known_prot_bits();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	char msg[2048] = "";
	for (int bit = ms_next_bit_not_in(known, 0); bit; bit = ms_next_bit_not_in(known, bit)) {
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

int ms_memfd_of(size_t len, unsigned char fill)
{
	int fd = memfd_create("mmapsuite-bits", 0);
	xcheck("memfd_create", fd);
	xftruncate(fd, len);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	memset(p, fill, len);
	xmunmap(p, len);
	return fd;
}

#if defined(__x86_64__)
const bool ms_va_is_x86_64 = true;
#else
const bool ms_va_is_x86_64 = false;
#endif
#if UINTPTR_MAX > 0xffffffffu
const uintptr_t ms_x86_64_low_half_end = (uintptr_t)1 << 47;
#else
const uintptr_t ms_x86_64_low_half_end = 0; /* a 32-bit word has no 47-bit boundary (unused) */
#endif

/* On arm64 the top byte of an address is ignored (TBI), so 1 << 63 would be address 0 there:
 * bit 55 (top byte clear, above any 52-bit user space) is used instead. s390x gives user space
 * an address space of its own, all 64 bits of it but the last page (TASK_SIZE_MAX is
 * -PAGE_SIZE, arch/s390/include/asm/processor.h; its pages are 4 KiB): that page. A 32-bit
 * word has no bit 63: the last page, above any split's TASK_SIZE (arm's 3 GiB split ends user
 * space at PAGE_OFFSET - 16 MiB, 0xbf000000, arch/arm/include/asm/memory.h). */
#if defined(__aarch64__)
void *const ms_beyond_user_space = (void *)((uintptr_t)1 << 55);
#elif defined(__s390x__) || UINTPTR_MAX == 0xffffffffu
void *const ms_beyond_user_space = (void *)-(uintptr_t)4096;
#else
void *const ms_beyond_user_space = (void *)((uintptr_t)1 << 63);
#endif

bool ms_x86_64_la57(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	bool la57 = false;
	while (f && !la57 && fgets(line, sizeof(line), f))
		la57 = strncmp(line, "flags", 5) == 0 && strstr(line, " la57");
	if (f)
		fclose(f);
	return la57;
}

bool ms_x86_64_4level(void)
{
	return ms_va_is_x86_64 && !ms_x86_64_la57();
}

void ms_require_va(bool ok)
{
	if (!ok)
		cr_skip_test("this row crosses x86-64's 4-level paging boundary (128 TiB): not "
			     "this machine's address space");
}

/* ---- in a forked child ---- */

void ms_child_drop_capability(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	child_check(syscall(SYS_capget, &hdr, data) == 0, "capget: %s", ms_errname(errno));
	data[cap / 32].effective &= ~(1u << (cap % 32));
	child_check(syscall(SYS_capset, &hdr, data) == 0, "capset: %s", ms_errname(errno));
}

void ms_child_limit_memlock(void)
{
	struct rlimit rl = { .rlim_cur = 64 << 10, .rlim_max = 64 << 10 };
	child_check(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "setrlimit(RLIMIT_MEMLOCK): %s",
		    ms_errname(errno));
	if (geteuid() == 0) {
		child_check(setgid(65534) == 0 && setuid(65534) == 0, "setuid(nobody): %s",
			    ms_errname(errno));
	}
	if (ms_capable(CAP_IPC_LOCK)) /* it ignores RLIMIT_MEMLOCK */
		_exit(MS_CHILD_SKIP);
}

/* ---- file fixtures ---- */

int ms_closed_fd(void)
{
	int fd = ms_file(ms_page(), NULL);
	xclose(fd);
	/* cppcheck-suppress deallocret ; the test needs a closed descriptor */
	return fd;
}
