/* (h) Argument validation of mmap() and munmap(): the errno for each invalid argument. The
 * other calls of the family are checked in args_family.c. */
#include "mm_util.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* x86-64 with 4-level paging: the user address space ends one page below 128 TiB
 * (TASK_SIZE_MAX); hints above it are ignored unless the CPU has LA57. */
#if defined(__x86_64__)
static const bool va_is_x86_64 = true;
#else
static const bool va_is_x86_64 = false;
#endif
static const uintptr_t x86_64_low_half_end = (uintptr_t)1 << 47;

/* An address no 64-bit Linux ever gives to user space. On arm64 the top byte of an address is
 * ignored (TBI), so 1 << 63 would be address 0 there: bit 55 (top byte clear, above any
 * 52-bit user space) is used instead. */
#if defined(__aarch64__)
static void *const beyond_user_space = (void *)((uintptr_t)1 << 55);
#else
static void *const beyond_user_space = (void *)((uintptr_t)1 << 63);
#endif

/* Whether the kernel runs x86-64 5-level paging (it clears the la57 flag when it does not):
 * then the user address space reaches 2^56 and 128 TiB is no boundary. */
static bool x86_64_la57(void)
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

/* A child that wants its test skipped exits with this code. */
enum { CHILD_SKIP = 77 };

static void assert_child_ok_or_skip(pid_t pid, const char *skip_reason)
{
	int status = xwait(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_SKIP)
		cr_skip_test("%s", skip_reason);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child %d failed (%s %d, see its message above)", (int)pid,
		  WIFEXITED(status) ? "exit" : "signal",
		  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* Errno tables: each row (the call with its arguments, the expected errno, the clause it
 * judges) is its own result, suite/test_row, so that a failing row hides none of the others.
 * A table is a macro listing ROW(row, call, expected, clause); the test's macro declares one
 * CONFORM per row with the test's ids and spec, around the set-up all its rows share, and
 * checks the row's call with ms_assert_errno_row(). */

/* ---- h1 ---- */

/* Assert that mmap() with len 0 fails with EINVAL, for anonymous and file mappings. */
#define ZERO_LEN_ROWS(ROW)                                                                  \
	ROW(private_anonymous, mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,        \
		 -1, 0), EINVAL,                                                            \
	    "POSIX mmap() EINVAL: len is zero")                                             \
	ROW(shared_anonymous, mmap(NULL, 0, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0), EINVAL, \
	    "POSIX mmap() EINVAL: len is zero")                                             \
	ROW(shared_file, mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0), EINVAL,               \
	    "POSIX mmap() EINVAL: len is zero")                                             \
	ROW(private_file, mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL,             \
	    "POSIX mmap() EINVAL: len is zero")
#define ZERO_LEN_ROW(row, call, expected, clause)                                           \
	CONFORM(mmap_args, zero_length_fails_einval_##row, "h1", POSIX)                     \
	{                                                                                   \
		int fd = ms_file(4 * ms_page(), NULL);                                      \
		ms_assert_errno_row(call, expected, clause);                                \
		xclose(fd);                                                                 \
	}
/* cppcheck-suppress invalidFunctionArg ; length 0 is the argument under test (EINVAL) */
ZERO_LEN_ROWS(ZERO_LEN_ROW)

/* ---- h2 ---- */

/* Assert that flags with neither MAP_SHARED nor MAP_PRIVATE fail with EINVAL. */
/* MAP_FIXED alone names no sharing type either; at an address of our own, so that the
 * vm.mmap_min_addr check (EPERM at 0 without CAP_SYS_RAWIO) stays out of it. */
#define NO_TYPE_ROWS(ROW)                                                                   \
	ROW(anonymous, mmap(NULL, ms_page(), PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL,      \
	    "POSIX mmap() EINVAL: flags names neither MAP_SHARED nor MAP_PRIVATE")          \
	ROW(file, mmap(NULL, ms_page(), PROT_READ, 0, fd, 0), EINVAL,                       \
	    "POSIX mmap() EINVAL: flags names neither MAP_SHARED nor MAP_PRIVATE")          \
	ROW(fixed_anonymous, mmap(own, ms_page(), PROT_READ,                                \
		 MAP_FIXED | MAP_ANONYMOUS, -1, 0), EINVAL,                                 \
	    "POSIX mmap() EINVAL: flags names neither MAP_SHARED nor MAP_PRIVATE")
#define NO_TYPE_ROW(row, call, expected, clause)                                            \
	CONFORM(mmap_args, no_sharing_type_fails_einval_##row, "h2", POSIX)                 \
	{                                                                                   \
		int fd = ms_file(4 * ms_page(), NULL);                                      \
		unsigned char *own = xmmap(NULL, ms_page(), PROT_READ,                      \
						   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);     \
		ms_assert_errno_row(call, expected, clause);                                \
		xmunmap(own, ms_page());                                                    \
		xclose(fd);                                                                 \
	}
NO_TYPE_ROWS(NO_TYPE_ROW)

/* ---- h3 ---- */

/* Assert that a file offset that is not a multiple of the page size fails with EINVAL. */
#define UNALIGNED_OFF_ROWS(ROW)                                                             \
	ROW(shared_offset_1, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd, 1), EINVAL,   \
	    "POSIX mmap() EINVAL: off is not a multiple of the page size")                  \
	ROW(private_half_page, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fd,            \
		 (off_t)ms_page() / 2), EINVAL,                                             \
	    "POSIX mmap() EINVAL: off is not a multiple of the page size")                  \
	ROW(shared_page_plus_512, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd,          \
		 (off_t)ms_page() + 512), EINVAL,                                           \
	    "POSIX mmap() EINVAL: off is not a multiple of the page size")
#define UNALIGNED_OFF_ROW(row, call, expected, clause)                                      \
	CONFORM(mmap_args, unaligned_offset_fails_einval_##row, "h3", POSIX)                \
	{                                                                                   \
		int fd = ms_file(4 * ms_page(), NULL);                                      \
		ms_assert_errno_row(call, expected, clause);                                \
		xclose(fd);                                                                 \
	}
UNALIGNED_OFF_ROWS(UNALIGNED_OFF_ROW)

/* Assert that MAP_FIXED with an address that is not page aligned fails with EINVAL and leaves
 * the mapping at the aligned address below it untouched. */
#define FIXED_UNALIGNED_ROWS(ROW)                                                           \
	ROW(addr_plus_1, mmap(p + 1, page, PROT_READ,                                       \
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL,                   \
	    "POSIX mmap() EINVAL: MAP_FIXED and addr is not a multiple of the page size")   \
	ROW(addr_plus_half_page, mmap(p + page / 2, page, PROT_READ,                        \
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL,                   \
	    "POSIX mmap() EINVAL: MAP_FIXED and addr is not a multiple of the page size")
#define FIXED_UNALIGNED_ROW(row, call, expected, clause)                                    \
	CONFORM(mmap_args, fixed_unaligned_addr_fails_einval_##row, "h3", POSIX)            \
	{                                                                                   \
		size_t page = ms_page();                                                    \
		unsigned char *p = xmmap(NULL, 2 * page, PROT_READ | PROT_WRITE,            \
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);       \
		p[0] = 0x3c;                                                                \
		ms_assert_errno_row(call, expected, clause);                                \
		cr_assert(p[0] == 0x3c,                                                     \
			  "the failed MAP_FIXED at %p changed the mapping below it\n%s",    \
			  (void *)(p + 1), ms_maps_near(p, 2 * page));                      \
		xmunmap(p, 2 * page);                                                       \
	}
FIXED_UNALIGNED_ROWS(FIXED_UNALIGNED_ROW)

/* ---- h4 ---- */

/* closed_fd: an fd that was open a moment ago and is not any more. */
static int closed_fd(void)
{
	int fd = ms_file(ms_page(), NULL);
	xclose(fd);
	/* cppcheck-suppress deallocret ; the test needs a closed descriptor */
	return fd;
}

/* Assert that a file mapping with fd -1, or with an fd that is not open, fails with EBADF. */
#define BAD_FD_ROWS(ROW)                                                                    \
	ROW(shared_minus_1, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, -1, 0), EBADF,     \
	    "POSIX mmap() EBADF: fildes is not a valid open file descriptor")               \
	ROW(private_minus_1, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, -1, 0), EBADF,   \
	    "POSIX mmap() EBADF: fildes is not a valid open file descriptor")               \
	ROW(shared_closed, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, closed_fd(), 0), EBADF, \
	    "POSIX mmap() EBADF: fildes is not a valid open file descriptor")
#define BAD_FD_ROW(row, call, expected, clause)                                             \
	CONFORM(mmap_args, bad_fd_fails_ebadf_##row, "h4", POSIX)                           \
	{                                                                                   \
		ms_assert_errno_row(call, expected, clause);                                \
	}
BAD_FD_ROWS(BAD_FD_ROW)

/* Assert that mapping a pipe, whose file type mmap() does not support, fails with ENODEV. */
#define PIPE_ROWS(ROW)                                                                      \
	ROW(shared, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fds[0], 0), ENODEV,        \
	    "POSIX mmap() ENODEV: fildes refers to a file type mmap() does not support")    \
	ROW(private, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fds[0], 0), ENODEV,      \
	    "POSIX mmap() ENODEV: fildes refers to a file type mmap() does not support")
#define PIPE_ROW(row, call, expected, clause)                                               \
	CONFORM(mmap_args, pipe_fails_enodev_##row, "h4", POSIX)                            \
	{                                                                                   \
		int fds[2];                                                                 \
		xpipe(fds);                                                                 \
		ms_assert_errno_row(call, expected, clause);                                \
		xclose(fds[0]);                                                             \
		xclose(fds[1]);                                                             \
	}
PIPE_ROWS(PIPE_ROW)

/* Assert that mapping a directory fails with ENODEV. LINUX: directories have no mmap file
 * operation on tmpfs, ext4, xfs and btrfs; POSIX only says "a type not supported". */
CONFORM(mmap_args, directory_fails_enodev, "h4", LINUX)
{
	int fd = xopen(ms_dir(), O_RDONLY | O_DIRECTORY, 0);
	ms_assert_errno(mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fd, 0), ENODEV);
	xclose(fd);
}

/* ---- h5 ---- */

/* Assert that an fd not open for reading (O_WRONLY) cannot be mapped at all: EACCES whatever
 * the protection and sharing type. */
CONFORM(mmap_args, write_only_fd_fails_eacces, "h5", POSIX)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE };
	static const int flags[] = { MAP_SHARED, MAP_PRIVATE };
	int rw = ms_file(4 * ms_page(), NULL);
	int fd = reopen(rw, O_WRONLY);
	/* every combination is tried and every wrong answer listed: one hides no other */
	char wrong[1024] = "";
	for (size_t i = 0; i < sizeof(prots) / sizeof(prots[0]); i++)
		for (size_t j = 0; j < sizeof(flags) / sizeof(flags[0]); j++) {
			errno = 0;
			void *p = mmap(NULL, ms_page(), prots[i], flags[j], fd, 0);
			int e = errno;
			size_t used = strlen(wrong);
			if (p != MAP_FAILED || e != EACCES)
				snprintf(wrong + used, sizeof(wrong) - used, "%sprot 0x%x %s gave %s",
					 used ? "; " : "", prots[i],
					 flags[j] == MAP_SHARED ? "MAP_SHARED" : "MAP_PRIVATE",
					 p == MAP_FAILED ? ms_errname(e) : "a mapping");
			if (p != MAP_FAILED)
				munmap(p, ms_page());
		}
	cr_assert(!wrong[0], "mmap(O_WRONLY fd, ...) expected EACCES for every prot and type: %s",
		  wrong);
	xclose(fd);
	xclose(rw);
}

/* Assert that PROT_WRITE with MAP_SHARED on an fd opened O_RDONLY fails with EACCES, while
 * PROT_READ with MAP_SHARED on the same fd succeeds (the control, in every row). */
#define RDONLY_SHARED_WRITE_ROWS(ROW)                                                       \
	ROW(write, mmap(NULL, ms_page(), PROT_WRITE, MAP_SHARED, fd, 0), EACCES,            \
	    "POSIX mmap() EACCES: PROT_WRITE with MAP_SHARED and fildes not open for writing") \
	ROW(read_write, mmap(NULL, ms_page(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES, \
	    "POSIX mmap() EACCES: PROT_WRITE with MAP_SHARED and fildes not open for writing")
#define RDONLY_SHARED_WRITE_ROW(row, call, expected, clause)                                \
	CONFORM(mmap_args, read_only_fd_shared_write_fails_eacces_##row, "h5", POSIX)       \
	{                                                                                   \
		int rw = ms_file(4 * ms_page(), NULL);                                      \
		int fd = reopen(rw, O_RDONLY);                                              \
		ms_assert_errno_row(call, expected, clause);                                \
		unsigned char *p = mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd, 0);     \
		ms_assert_mapped(p);                                                        \
		cr_assert(p[7] == ms_pattern(7), "the read-only shared mapping reads 0x%02x " \
			  "at byte 7, the file holds 0x%02x", p[7], ms_pattern(7));         \
		xmunmap(p, ms_page());                                                      \
		xclose(fd);                                                                 \
		xclose(rw);                                                                 \
	}
RDONLY_SHARED_WRITE_ROWS(RDONLY_SHARED_WRITE_ROW)

/* Assert that PROT_WRITE with MAP_PRIVATE on an fd opened O_RDONLY succeeds, the copy is
 * writable, and the stores never reach the file. */
CONFORM(mmap_args, read_only_fd_private_write_succeeds, "h5", POSIX)
{
	size_t page = ms_page();
	int rw = ms_file(4 * page, NULL);
	int fd = reopen(rw, O_RDONLY);
	unsigned char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ms_assert_mapped(p);
	memset(p, 0xee, page);
	xmunmap(p, page);
	unsigned char buf[64];
	xpread(rw, buf, sizeof(buf), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert(buf[i] == ms_pattern(i), "a private store reached the file at byte %zu "
			  "(0x%02x, expected 0x%02x)", i, buf[i], ms_pattern(i));
	xclose(fd);
	xclose(rw);
}

/* ---- h6 ---- */

/* Assert that an offset plus length beyond the largest file offset fails with EOVERFLOW. */
#define OFF_OVERFLOW_ROWS(ROW)                                                              \
	ROW(shared, mmap(NULL, 2 * ms_page(), PROT_READ, MAP_SHARED, fd, last_page),        \
	    EOVERFLOW, "POSIX mmap() EOVERFLOW: off plus len exceeds the offset maximum of "\
	    "the open file description")                                                    \
	ROW(private, mmap(NULL, 2 * ms_page(), PROT_READ, MAP_PRIVATE, fd, last_page),      \
	    EOVERFLOW, "POSIX mmap() EOVERFLOW: off plus len exceeds the offset maximum of "\
	    "the open file description")
#define OFF_OVERFLOW_ROW(row, call, expected, clause)                                       \
	CONFORM(mmap_args, offset_plus_len_overflow_fails_eoverflow_##row, "h6", POSIX)     \
	{                                                                                   \
		int fd = ms_file(4 * ms_page(), NULL);                                      \
		off_t last_page = (off_t)((uint64_t)INT64_MAX & ~(uint64_t)(ms_page() - 1)); \
		ms_assert_errno_row(call, expected, clause);                                \
		xclose(fd);                                                                 \
	}
OFF_OVERFLOW_ROWS(OFF_OVERFLOW_ROW)

/* Assert that a negative offset fails with EOVERFLOW. LINUX: POSIX does not name this case;
 * Linux on 64-bit treats the offset as unsigned, far beyond MAX_LFS_FILESIZE (some 32-bit
 * architectures answer EINVAL). */
#define NEG_OFF_ROWS(ROW)                                                                   \
	ROW(shared, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd,                        \
		 -(off_t)ms_page()), EOVERFLOW,                                             \
	    "mmap(2) EOVERFLOW: the offset is beyond the largest file size (64-bit Linux)") \
	ROW(private, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fd,                      \
		 -(off_t)ms_page()), EOVERFLOW,                                             \
	    "mmap(2) EOVERFLOW: the offset is beyond the largest file size (64-bit Linux)")
#define NEG_OFF_ROW(row, call, expected, clause)                                            \
	CONFORM(mmap_args, negative_offset_fails_eoverflow_##row, "h6", LINUX)              \
	{                                                                                   \
		int fd = ms_file(4 * ms_page(), NULL);                                      \
		ms_assert_errno_row(call, expected, clause);                                \
		xclose(fd);                                                                 \
	}
NEG_OFF_ROWS(NEG_OFF_ROW)

/* ---- h7 ---- */

/* Assert that a length no address space can hold fails with ENOMEM: SIZE_MAX rounded down to
 * a page, and SIZE_MAX itself (which rounds up to 0). POSIX: "insufficient room in the
 * address space". */
#define HUGE_LEN_ROWS(ROW)                                                                  \
	ROW(private_anonymous, mmap(NULL, huge, PROT_READ,                                  \
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,                               \
	    "POSIX mmap() ENOMEM: insufficient room in the address space")                  \
	ROW(private_anonymous_size_max, mmap(NULL, SIZE_MAX, PROT_READ,                     \
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,                               \
	    "POSIX mmap() ENOMEM: insufficient room in the address space")                  \
	ROW(shared_anonymous, mmap(NULL, huge, PROT_READ, MAP_SHARED | MAP_ANONYMOUS,       \
		 -1, 0), ENOMEM,                                                            \
	    "POSIX mmap() ENOMEM: insufficient room in the address space")                  \
	ROW(shared_file, mmap(NULL, huge, PROT_READ, MAP_SHARED, fd, 0), ENOMEM,            \
	    "POSIX mmap() ENOMEM: insufficient room in the address space")
#define HUGE_LEN_ROW(row, call, expected, clause)                                           \
	CONFORM(mmap_args, huge_length_fails_enomem_##row, "h7", POSIX)                     \
	{                                                                                   \
		size_t huge = SIZE_MAX & ~(ms_page() - 1);                                  \
		int fd = ms_file(4 * ms_page(), NULL);                                      \
		(void)huge;                                                                 \
		ms_assert_errno_row(call, expected, clause);                                \
		xclose(fd);                                                                 \
	}
HUGE_LEN_ROWS(HUGE_LEN_ROW)

/* ---- h8 ---- */

/* Whether the end of the user address space is x86-64's 4-level paging boundary, 128 TiB
 * minus one page (TASK_SIZE): the rows that cross it need it. With 5-level paging MAP_FIXED
 * may go above it: no boundary to test there. */
static bool x86_64_4level(void)
{
	return va_is_x86_64 && !x86_64_la57();
}

#define ANY_VA true
#define NEEDS_X86_64_4LEVEL x86_64_4level()
static void require_va(bool ok)
{
	if (!ok)
		cr_skip_test("this row crosses x86-64's 4-level paging boundary (128 TiB): not "
			     "this machine's address space");
}

/* Assert that MAP_FIXED at an address beyond the user address space (TASK_SIZE) fails with
 * ENOMEM, as does a MAP_FIXED range that starts below the end and crosses it (x86-64 with
 * 4-level paging only). Rows: ROW(row, needs, call, expected, clause). */
#define FIXED_BEYOND_ROWS(ROW)                                                              \
	ROW(beyond_user_space, ANY_VA,                                                      \
	    mmap(beyond_user_space, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, \
		 -1, 0), ENOMEM,                                                            \
	    "POSIX mmap() ENOMEM: MAP_FIXED and the range exceeds the address space")       \
	ROW(crossing_task_size, NEEDS_X86_64_4LEVEL,                                        \
	    mmap((void *)(x86_64_low_half_end - page), 2 * page, PROT_READ,                 \
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM,                   \
	    "POSIX mmap() ENOMEM: MAP_FIXED and the range exceeds the address space")
#define FIXED_BEYOND_ROW(row, needs, call, expected, clause)                                \
	CONFORM(mmap_args, fixed_beyond_task_size_fails_enomem_##row, "h8", POSIX)          \
	{                                                                                   \
		require_va(needs);                                                          \
		size_t page = ms_page();                                                    \
		ms_assert_errno_row(call, expected, clause);                                \
	}
FIXED_BEYOND_ROWS(FIXED_BEYOND_ROW)

/* Assert that without MAP_FIXED a hint above 128 TiB is not honoured on x86-64 unless the
 * CPU has 5-level paging: the mapping lands below 128 TiB. LINUX, x86-64 only. */
CONFORM(mmap_args, high_hint_stays_below_47_bits, "h8", LINUX)
{
	if (!va_is_x86_64)
		cr_skip_test("the 47-bit default address space is an x86-64 rule");
	bool la57 = x86_64_la57();
	void *hint = (void *)(x86_64_low_half_end * 2);
	unsigned char *p = mmap(hint, ms_page(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ms_assert_mapped(p);
	if (la57)
		cr_assert((uintptr_t)p < ((uintptr_t)1 << 56),
			  "LA57: hint %p gave %p, beyond the 56-bit user space", hint, (void *)p);
	else
		cr_assert((uintptr_t)p + ms_page() <= x86_64_low_half_end,
			  "without LA57 the hint %p must be ignored, but the mapping is at %p",
			  hint, (void *)p);
	xmunmap(p, ms_page());
}

/* Assert that once RLIMIT_AS is reached, a mapping that would exceed it fails with ENOMEM
 * while a small one still fits. Done in a child: the lowered limit cannot be raised back
 * without privilege. */
CONFORM(mmap_args, rlimit_as_exceeded_fails_enomem, "h8", POSIX)
{
	pid_t pid = xfork();
	if (pid == 0) {
		long vm_kb = ms_status_kb("VmSize");
		child_check(vm_kb > 0, "no VmSize in /proc/self/status");
		rlim_t limit = ((rlim_t)vm_kb + 8192) * 1024; /* 8 MiB of headroom */
		struct rlimit rl = { .rlim_cur = limit, .rlim_max = limit };
		child_check(setrlimit(RLIMIT_AS, &rl) == 0, "setrlimit(RLIMIT_AS): %s",
			    ms_errname(errno));
		size_t big = 64u << 20;
		errno = 0;
		void *p = mmap(NULL, big, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		child_check(p == MAP_FAILED && errno == ENOMEM,
			    "64 MiB with RLIMIT_AS = VmSize + 8 MiB: expected ENOMEM, got %s",
			    p == MAP_FAILED ? ms_errname(errno) : "a mapping");
		p = mmap(NULL, 1u << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		child_check(p != MAP_FAILED, "1 MiB within RLIMIT_AS failed: %s",
			    ms_errname(errno));
		_exit(0);
	}
	xwait_ok(pid);
}

/* ---- h9 ---- */

/* In a forked child: lowers RLIMIT_MEMLOCK to 64 KiB and drops CAP_IPC_LOCK (as root by
 * becoming nobody), or exits CHILD_SKIP if the capability stays. */
static void child_limit_memlock(void)
{
	struct rlimit rl = { .rlim_cur = 64 << 10, .rlim_max = 64 << 10 };
	child_check(setrlimit(RLIMIT_MEMLOCK, &rl) == 0, "setrlimit(RLIMIT_MEMLOCK): %s",
		    ms_errname(errno));
	if (geteuid() == 0) {
		child_check(setgid(65534) == 0 && setuid(65534) == 0, "setuid(nobody): %s",
			    ms_errname(errno));
	}
	if (ms_capable(CAP_IPC_LOCK)) /* it ignores RLIMIT_MEMLOCK */
		_exit(CHILD_SKIP);
}

/* Assert that a MAP_LOCKED mapping larger than RLIMIT_MEMLOCK fails with EAGAIN without
 * CAP_IPC_LOCK. LINUX: MAP_LOCKED is Linux-only. */
CONFORM(mmap_args, map_locked_over_memlock_limit_fails_eagain, "h9", LINUX)
{
	pid_t pid = xfork();
	if (pid == 0) {
		child_limit_memlock();
		errno = 0;
		void *p = mmap(NULL, 1u << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
		child_check(p == MAP_FAILED && errno == EAGAIN,
			    "MAP_LOCKED 1 MiB over a 64 KiB RLIMIT_MEMLOCK: expected EAGAIN, "
			    "got %s", p == MAP_FAILED ? ms_errname(errno) : "a mapping");
		p = mmap(NULL, 16u << 10, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
		child_check(p != MAP_FAILED, "MAP_LOCKED 16 KiB within the limit failed: %s",
			    ms_errname(errno));
		_exit(0);
	}
	assert_child_ok_or_skip(pid, "the process keeps CAP_IPC_LOCK (not root, so it cannot "
				"become nobody), which lifts RLIMIT_MEMLOCK");
}

/* Assert that after mlockall(MCL_FUTURE) a mapping that would exceed RLIMIT_MEMLOCK fails
 * with EAGAIN without CAP_IPC_LOCK. */
CONFORM(mmap_args, mcl_future_over_memlock_limit_fails_eagain, "h9", POSIX)
{
	pid_t pid = xfork();
	if (pid == 0) {
		child_limit_memlock();
		child_check(mlockall(MCL_FUTURE) == 0, "mlockall(MCL_FUTURE): %s",
			    ms_errname(errno));
		errno = 0;
		void *p = mmap(NULL, 1u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		child_check(p == MAP_FAILED && errno == EAGAIN,
			    "1 MiB under MCL_FUTURE over a 64 KiB RLIMIT_MEMLOCK: expected EAGAIN, "
			    "got %s", p == MAP_FAILED ? ms_errname(errno) : "a mapping");
		_exit(0);
	}
	assert_child_ok_or_skip(pid, "the process keeps CAP_IPC_LOCK (not root, so it cannot "
				"become nobody), which lifts RLIMIT_MEMLOCK");
}

/* ---- h10 ---- */

/* Assert that munmap() with an address that is not page aligned fails with EINVAL and
 * unmaps nothing. */
#define MUNMAP_UNALIGNED_ROWS(ROW)                                                          \
	ROW(addr_plus_1, munmap(p + 1, page), EINVAL,                                       \
	    "POSIX munmap() EINVAL: addr is not a multiple of the page size")               \
	ROW(addr_plus_half_page, munmap(p + page / 2, page), EINVAL,                        \
	    "POSIX munmap() EINVAL: addr is not a multiple of the page size")
#define MUNMAP_UNALIGNED_ROW(row, call, expected, clause)                                   \
	CONFORM(munmap_args, unaligned_addr_fails_einval_##row, "h10", POSIX)               \
	{                                                                                   \
		size_t page = ms_page();                                                    \
		unsigned char *p = xmmap(NULL, 2 * page, PROT_READ | PROT_WRITE,            \
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);               \
		p[0] = 1;                                                                   \
		p[page] = 2;                                                                \
		ms_assert_errno_row(call, expected, clause);                                \
		cr_assert(!ms_probe_read(p, NULL) && !ms_probe_read(p + page, NULL) &&      \
			  p[0] == 1 && p[page] == 2,                                        \
			  "a failed munmap changed the mapping at %p\n%s", (void *)p,       \
			  ms_maps_near(p, 2 * page));                                       \
		xmunmap(p, 2 * page);                                                       \
	}
MUNMAP_UNALIGNED_ROWS(MUNMAP_UNALIGNED_ROW)

/* Assert that munmap() with len 0 fails with EINVAL. */
CONFORM(munmap_args, zero_length_fails_einval, "h10", POSIX)
{
	unsigned char *p = xmmap(NULL, ms_page(), PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* cppcheck-suppress invalidFunctionArg ; length 0 is the argument under test (EINVAL) */
	ms_assert_errno(munmap(p, 0), EINVAL);
	cr_assert(!ms_probe_read(p, NULL), "munmap(%p, 0) unmapped the page\n%s", (void *)p,
		  ms_maps_near(p, ms_page()));
	xmunmap(p, ms_page());
}

/* Assert that munmap() of a range outside the process address space fails with EINVAL: one
 * beyond TASK_SIZE, one whose end wraps around (and unmaps nothing), and one crossing TASK_SIZE
 * (x86-64 with 4-level paging only). Rows: ROW(row, needs, call, expected, clause). */
#define MUNMAP_OUTSIDE_ROWS(ROW)                                                            \
	ROW(beyond_user_space, ANY_VA, munmap(beyond_user_space, page), EINVAL,             \
	    "POSIX munmap() EINVAL: addresses outside the valid range of the address space") \
	ROW(wrapping_end, ANY_VA, munmap(p, SIZE_MAX & ~(page - 1)), EINVAL,                \
	    "POSIX munmap() EINVAL: addresses outside the valid range of the address space") \
	ROW(crossing_task_size, NEEDS_X86_64_4LEVEL,                                        \
	    munmap((void *)(x86_64_low_half_end - page), 2 * page), EINVAL,                 \
	    "POSIX munmap() EINVAL: addresses outside the valid range of the address space")
#define MUNMAP_OUTSIDE_ROW(row, needs, call, expected, clause)                              \
	CONFORM(munmap_args, outside_address_space_fails_einval_##row, "h10", POSIX)        \
	{                                                                                   \
		require_va(needs);                                                          \
		size_t page = ms_page();                                                    \
		unsigned char *p = xmmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, \
					 -1, 0);                                            \
		ms_assert_errno_row(call, expected, clause);                                \
		cr_assert(!ms_probe_read(p, NULL),                                          \
			  "a failed munmap unmapped the page at %p\n%s", (void *)p,         \
			  ms_maps_near(p, page));                                           \
		xmunmap(p, page);                                                           \
	}
MUNMAP_OUTSIDE_ROWS(MUNMAP_OUTSIDE_ROW)
