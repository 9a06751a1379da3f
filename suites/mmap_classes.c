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
 * A table is a macro listing ROW(t, row, call, expected, clause); CONFORM_ERRNO_ROWS
 * (conform.h) declares one CONFORM per row with the test's ids and spec, between the set-up
 * and the checks all its rows share. */

/* The fixture of the tables whose calls need only a file, fd: 4 pages of the file system
 * under test. */
#define FILE_SETUP(row) int fd = ms_file(4 * ms_page(), NULL);
#define FILE_TEARDOWN(row) xclose(fd);

/* ---- h1 ---- */

/* Assert that mmap() with len 0 fails with EINVAL, for anonymous and file mappings. */
#define ZERO_LEN_ROWS(ROW, t)                                                               \
	ROW(t, private_anonymous, mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,     \
		 -1, 0), EINVAL,                                                            \
	    "POSIX mmap() EINVAL: len is zero")                                             \
	ROW(t, shared_anonymous, mmap(NULL, 0, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1,   \
		 0), EINVAL,                                                                \
	    "POSIX mmap() EINVAL: len is zero")                                             \
	ROW(t, shared_file, mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0), EINVAL,            \
	    "POSIX mmap() EINVAL: len is zero")                                             \
	ROW(t, private_file, mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL,          \
	    "POSIX mmap() EINVAL: len is zero")
/* cppcheck-suppress invalidFunctionArg ; length 0 is the argument under test (EINVAL) */
CONFORM_ERRNO_ROWS(ZERO_LEN_ROWS, mmap_classes, zero_length_fails_einval, "h1", POSIX,
		   FILE_SETUP, FILE_TEARDOWN)

/* ---- h2 ---- */

/* Assert that flags with neither MAP_SHARED nor MAP_PRIVATE fail with EINVAL. */
/* MAP_FIXED alone names no sharing type either; at an address of our own, so that the
 * vm.mmap_min_addr check (EPERM at 0 without CAP_SYS_RAWIO) stays out of it. */
#define NO_TYPE_ROWS(ROW, t)                                                                \
	ROW(t, anonymous, mmap(NULL, ms_page(), PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL,   \
	    "POSIX mmap() EINVAL: flags names neither MAP_SHARED nor MAP_PRIVATE")          \
	ROW(t, file, mmap(NULL, ms_page(), PROT_READ, 0, fd, 0), EINVAL,                    \
	    "POSIX mmap() EINVAL: flags names neither MAP_SHARED nor MAP_PRIVATE")          \
	ROW(t, fixed_anonymous, mmap(own, ms_page(), PROT_READ,                             \
		 MAP_FIXED | MAP_ANONYMOUS, -1, 0), EINVAL,                                 \
	    "POSIX mmap() EINVAL: flags names neither MAP_SHARED nor MAP_PRIVATE")
#define NO_TYPE_SETUP(row)                                                                  \
	int fd = ms_file(4 * ms_page(), NULL);                                              \
	unsigned char *own = xmmap(NULL, ms_page(), PROT_READ,                              \
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#define NO_TYPE_TEARDOWN(row)                                                               \
	xmunmap(own, ms_page());                                                            \
	xclose(fd);
CONFORM_ERRNO_ROWS(NO_TYPE_ROWS, mmap_classes, no_sharing_type_fails_einval, "h2", POSIX,
		   NO_TYPE_SETUP, NO_TYPE_TEARDOWN)

/* ---- h3 ---- */

/* Assert that a file offset that is not a multiple of the page size fails with EINVAL. */
#define UNALIGNED_OFF_ROWS(ROW, t)                                                          \
	ROW(t, shared_offset_1, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd, 1),        \
		 EINVAL,                                                                    \
	    "POSIX mmap() EINVAL: off is not a multiple of the page size")                  \
	ROW(t, private_half_page, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fd,         \
		 (off_t)ms_page() / 2), EINVAL,                                             \
	    "POSIX mmap() EINVAL: off is not a multiple of the page size")                  \
	ROW(t, shared_page_plus_512, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd,       \
		 (off_t)ms_page() + 512), EINVAL,                                           \
	    "POSIX mmap() EINVAL: off is not a multiple of the page size")
CONFORM_ERRNO_ROWS(UNALIGNED_OFF_ROWS, mmap_classes, unaligned_offset_fails_einval, "h3", POSIX,
		   FILE_SETUP, FILE_TEARDOWN)

/* Assert that MAP_FIXED with an address that is not page aligned fails with EINVAL and leaves
 * the mapping at the aligned address below it untouched. */
#define FIXED_UNALIGNED_ROWS(ROW, t)                                                        \
	ROW(t, addr_plus_1, mmap(p + 1, page, PROT_READ,                                    \
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL,                   \
	    "POSIX mmap() EINVAL: MAP_FIXED and addr is not a multiple of the page size")   \
	ROW(t, addr_plus_half_page, mmap(p + page / 2, page, PROT_READ,                     \
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EINVAL,                   \
	    "POSIX mmap() EINVAL: MAP_FIXED and addr is not a multiple of the page size")
#define FIXED_UNALIGNED_SETUP(row)                                                          \
	size_t page = ms_page();                                                            \
	unsigned char *p = xmmap(NULL, 2 * page, PROT_READ | PROT_WRITE,                    \
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);               \
	p[0] = 0x3c;
#define FIXED_UNALIGNED_TEARDOWN(row)                                                       \
	cr_assert(p[0] == 0x3c,                                                             \
		  "the failed MAP_FIXED at %p changed the mapping below it\n%s",            \
		  (void *)(p + 1), ms_maps_near(p, 2 * page));                              \
	xmunmap(p, 2 * page);
CONFORM_ERRNO_ROWS(FIXED_UNALIGNED_ROWS, mmap_classes, fixed_unaligned_addr_fails_einval, "h3", POSIX,
		   FIXED_UNALIGNED_SETUP, FIXED_UNALIGNED_TEARDOWN)

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
#define BAD_FD_ROWS(ROW, t)                                                                 \
	ROW(t, shared_minus_1, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, -1, 0), EBADF,  \
	    "POSIX mmap() EBADF: fildes is not a valid open file descriptor")               \
	ROW(t, private_minus_1, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, -1, 0),       \
		 EBADF,                                                                     \
	    "POSIX mmap() EBADF: fildes is not a valid open file descriptor")               \
	ROW(t, shared_closed, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, closed_fd(), 0), \
		 EBADF,                                                                     \
	    "POSIX mmap() EBADF: fildes is not a valid open file descriptor")
#define BAD_FD_SETUP(row)
#define BAD_FD_TEARDOWN(row)
CONFORM_ERRNO_ROWS(BAD_FD_ROWS, mmap_classes, bad_fd_fails_ebadf, "h4", POSIX,
		   BAD_FD_SETUP, BAD_FD_TEARDOWN)

/* Assert that mapping a pipe, whose file type mmap() does not support, fails with ENODEV. */
#define PIPE_ROWS(ROW, t)                                                                   \
	ROW(t, shared, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fds[0], 0), ENODEV,     \
	    "POSIX mmap() ENODEV: fildes refers to a file type mmap() does not support")    \
	ROW(t, private, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fds[0], 0), ENODEV,   \
	    "POSIX mmap() ENODEV: fildes refers to a file type mmap() does not support")
#define PIPE_SETUP(row)                                                                     \
	int fds[2];                                                                         \
	xpipe(fds);
#define PIPE_TEARDOWN(row)                                                                  \
	xclose(fds[0]);                                                                     \
	xclose(fds[1]);
CONFORM_ERRNO_ROWS(PIPE_ROWS, mmap_classes, pipe_fails_enodev, "h4", POSIX,
		   PIPE_SETUP, PIPE_TEARDOWN)

/* Assert that mapping a directory fails with ENODEV. LINUX: directories have no mmap file
 * operation on tmpfs, ext4, xfs and btrfs; POSIX only says "a type not supported". */
CONFORM(mmap_classes, directory_fails_enodev, "h4", LINUX)
{
	int fd = xopen(ms_dir(), O_RDONLY | O_DIRECTORY, 0);
	ms_assert_errno(mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fd, 0), ENODEV);
	xclose(fd);
}

/* ---- h5 ---- */

/* Assert that an fd not open for reading (O_WRONLY) cannot be mapped at all: EACCES whatever
 * the protection and sharing type. */
CONFORM(mmap_classes, write_only_fd_fails_eacces, "h5", POSIX)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_WRITE, PROT_READ | PROT_WRITE };
	static const int flags[] = { MAP_SHARED, MAP_PRIVATE };
	int rw = ms_file(4 * ms_page(), NULL);
	int fd = ms_reopen(rw, O_WRONLY);
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
#define RDONLY_SHARED_WRITE_ROWS(ROW, t)                                                    \
	ROW(t, write, mmap(NULL, ms_page(), PROT_WRITE, MAP_SHARED, fd, 0), EACCES,         \
	    "POSIX mmap() EACCES: PROT_WRITE with MAP_SHARED and fildes not open for writing") \
	ROW(t, read_write, mmap(NULL, ms_page(), PROT_READ | PROT_WRITE, MAP_SHARED, fd,    \
		 0), EACCES,                                                                \
	    "POSIX mmap() EACCES: PROT_WRITE with MAP_SHARED and fildes not open for writing")
#define RDONLY_SHARED_WRITE_SETUP(row)                                                      \
	int rw = ms_file(4 * ms_page(), NULL);                                              \
	int fd = ms_reopen(rw, O_RDONLY);
#define RDONLY_SHARED_WRITE_TEARDOWN(row)                                                   \
	unsigned char *p = mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd, 0);             \
	ms_assert_mapped(p);                                                                \
	cr_assert(p[7] == ms_pattern(7), "the read-only shared mapping reads 0x%02x "       \
		  "at byte 7, the file holds 0x%02x", p[7], ms_pattern(7));                 \
	xmunmap(p, ms_page());                                                              \
	xclose(fd);                                                                         \
	xclose(rw);
CONFORM_ERRNO_ROWS(RDONLY_SHARED_WRITE_ROWS, mmap_classes, read_only_fd_shared_write_fails_eacces,
		   "h5", POSIX, RDONLY_SHARED_WRITE_SETUP, RDONLY_SHARED_WRITE_TEARDOWN)

/* Assert that PROT_WRITE with MAP_PRIVATE on an fd opened O_RDONLY succeeds, the copy is
 * writable, and the stores never reach the file. */
CONFORM(mmap_classes, read_only_fd_private_write_succeeds, "h5", POSIX)
{
	size_t page = ms_page();
	int rw = ms_file(4 * page, NULL);
	int fd = ms_reopen(rw, O_RDONLY);
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
#define OFF_OVERFLOW_ROWS(ROW, t)                                                           \
	ROW(t, shared, mmap(NULL, 2 * ms_page(), PROT_READ, MAP_SHARED, fd, last_page),     \
	    EOVERFLOW,                                                                      \
		 "POSIX mmap() EOVERFLOW: off plus len exceeds the offset maximum of "      \
	    "the open file description")                                                    \
	ROW(t, private, mmap(NULL, 2 * ms_page(), PROT_READ, MAP_PRIVATE, fd, last_page),   \
	    EOVERFLOW,                                                                      \
		 "POSIX mmap() EOVERFLOW: off plus len exceeds the offset maximum of "      \
	    "the open file description")
#define OFF_OVERFLOW_SETUP(row)                                                             \
	int fd = ms_file(4 * ms_page(), NULL);                                              \
	off_t last_page = (off_t)((uint64_t)INT64_MAX & ~(uint64_t)(ms_page() - 1));
#define OFF_OVERFLOW_TEARDOWN(row)                                                          \
	xclose(fd);
CONFORM_ERRNO_ROWS(OFF_OVERFLOW_ROWS, mmap_classes, offset_plus_len_overflow_fails_eoverflow,
		   "h6", POSIX, OFF_OVERFLOW_SETUP, OFF_OVERFLOW_TEARDOWN)

/* Assert that a negative offset fails with EOVERFLOW. LINUX: POSIX does not name this case;
 * Linux on 64-bit treats the offset as unsigned, far beyond MAX_LFS_FILESIZE (some 32-bit
 * architectures answer EINVAL). */
#define NEG_OFF_ROWS(ROW, t)                                                                \
	ROW(t, shared, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd,                     \
		 -(off_t)ms_page()), EOVERFLOW,                                             \
	    "mmap(2) EOVERFLOW: the offset is beyond the largest file size (64-bit Linux)") \
	ROW(t, private, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fd,                   \
		 -(off_t)ms_page()), EOVERFLOW,                                             \
	    "mmap(2) EOVERFLOW: the offset is beyond the largest file size (64-bit Linux)")
CONFORM_ERRNO_ROWS(NEG_OFF_ROWS, mmap_classes, negative_offset_fails_eoverflow, "h6", LINUX,
		   FILE_SETUP, FILE_TEARDOWN)

/* ---- h7 ---- */

/* Assert that a length no address space can hold fails with ENOMEM: SIZE_MAX rounded down to
 * a page, and SIZE_MAX itself (which rounds up to 0). POSIX: "insufficient room in the
 * address space". */
#define HUGE_LEN_ROWS(ROW, t)                                                               \
	ROW(t, private_anonymous, mmap(NULL, huge, PROT_READ,                               \
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,                               \
	    "POSIX mmap() ENOMEM: insufficient room in the address space")                  \
	ROW(t, private_anonymous_size_max, mmap(NULL, SIZE_MAX, PROT_READ,                  \
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,                               \
	    "POSIX mmap() ENOMEM: insufficient room in the address space")                  \
	ROW(t, shared_anonymous, mmap(NULL, huge, PROT_READ, MAP_SHARED | MAP_ANONYMOUS,    \
		 -1, 0), ENOMEM,                                                            \
	    "POSIX mmap() ENOMEM: insufficient room in the address space")                  \
	ROW(t, shared_file, mmap(NULL, huge, PROT_READ, MAP_SHARED, fd, 0), ENOMEM,         \
	    "POSIX mmap() ENOMEM: insufficient room in the address space")
#define HUGE_LEN_SETUP(row)                                                                 \
	size_t huge = SIZE_MAX & ~(ms_page() - 1);                                          \
	int fd = ms_file(4 * ms_page(), NULL);                                              \
	(void)huge;
#define HUGE_LEN_TEARDOWN(row)                                                              \
	xclose(fd);
CONFORM_ERRNO_ROWS(HUGE_LEN_ROWS, mmap_classes, huge_length_fails_enomem, "h7", POSIX,
		   HUGE_LEN_SETUP, HUGE_LEN_TEARDOWN)

/* ---- h8 ---- */

/* Whether the end of the user address space is x86-64's 4-level paging boundary, 128 TiB
 * minus one page (TASK_SIZE): the rows that cross it need it. With 5-level paging MAP_FIXED
 * may go above it: no boundary to test there. */
static bool x86_64_4level(void)
{
	return va_is_x86_64 && !x86_64_la57();
}

/* What the address space must be for each row of the two tables below (by row name). */
#define VA_NEEDED_beyond_user_space true
#define VA_NEEDED_wrapping_end true
#define VA_NEEDED_crossing_task_size x86_64_4level()
static void require_va(bool ok)
{
	if (!ok)
		cr_skip_test("this row crosses x86-64's 4-level paging boundary (128 TiB): not "
			     "this machine's address space");
}

/* Assert that MAP_FIXED at an address beyond the user address space (TASK_SIZE) fails with
 * ENOMEM, as does a MAP_FIXED range that starts below the end and crosses it (x86-64 with
 * 4-level paging only). */
#define FIXED_BEYOND_ROWS(ROW, t)                                                           \
	ROW(t, beyond_user_space,                                                           \
	    mmap(beyond_user_space, page, PROT_READ,                                        \
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,                                   \
		 -1, 0), ENOMEM,                                                            \
	    "POSIX mmap() ENOMEM: MAP_FIXED and the range exceeds the address space")       \
	ROW(t, crossing_task_size,                                                          \
	    mmap((void *)(x86_64_low_half_end - page), 2 * page, PROT_READ,                 \
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM,                   \
	    "POSIX mmap() ENOMEM: MAP_FIXED and the range exceeds the address space")
#define FIXED_BEYOND_SETUP(row) require_va(VA_NEEDED_##row); size_t page = ms_page();
#define FIXED_BEYOND_TEARDOWN(row)
CONFORM_ERRNO_ROWS(FIXED_BEYOND_ROWS, mmap_classes, fixed_beyond_task_size_fails_enomem, "h8", POSIX,
		   FIXED_BEYOND_SETUP, FIXED_BEYOND_TEARDOWN)

/* Assert that without MAP_FIXED a hint above 128 TiB is not honoured on x86-64 unless the
 * CPU has 5-level paging: the mapping lands below 128 TiB. LINUX, x86-64 only. */
CONFORM(mmap_classes, high_hint_stays_below_47_bits, "h8", LINUX)
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
CONFORM(mmap_classes, rlimit_as_exceeded_fails_enomem, "h8", POSIX)
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
CONFORM(mmap_classes, map_locked_over_memlock_limit_fails_eagain, "h9", LINUX)
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
CONFORM(mmap_classes, mcl_future_over_memlock_limit_fails_eagain, "h9", POSIX)
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
#define MUNMAP_UNALIGNED_ROWS(ROW, t)                                                       \
	ROW(t, addr_plus_1, munmap(p + 1, page), EINVAL,                                    \
	    "POSIX munmap() EINVAL: addr is not a multiple of the page size")               \
	ROW(t, addr_plus_half_page, munmap(p + page / 2, page), EINVAL,                     \
	    "POSIX munmap() EINVAL: addr is not a multiple of the page size")
#define MUNMAP_UNALIGNED_SETUP(row)                                                         \
	size_t page = ms_page();                                                            \
	unsigned char *p = xmmap(NULL, 2 * page, PROT_READ | PROT_WRITE,                    \
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);                       \
	p[0] = 1;                                                                           \
	p[page] = 2;
#define MUNMAP_UNALIGNED_TEARDOWN(row)                                                      \
	cr_assert(!ms_probe_read(p, NULL) && !ms_probe_read(p + page, NULL) &&              \
		  p[0] == 1 && p[page] == 2,                                                \
		  "a failed munmap changed the mapping at %p\n%s", (void *)p,               \
		  ms_maps_near(p, 2 * page));                                               \
	xmunmap(p, 2 * page);
CONFORM_ERRNO_ROWS(MUNMAP_UNALIGNED_ROWS, munmap_classes, unaligned_addr_fails_einval, "h10", POSIX,
		   MUNMAP_UNALIGNED_SETUP, MUNMAP_UNALIGNED_TEARDOWN)

/* Assert that munmap() with len 0 fails with EINVAL. */
CONFORM(munmap_classes, zero_length_fails_einval, "h10", POSIX)
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
 * (x86-64 with 4-level paging only). */
#define MUNMAP_OUTSIDE_ROWS(ROW, t)                                                         \
	ROW(t, beyond_user_space, munmap(beyond_user_space, page), EINVAL,                  \
	    "POSIX munmap() EINVAL: addresses outside the valid range of the address space") \
	ROW(t, wrapping_end, munmap(p, SIZE_MAX & ~(page - 1)), EINVAL,                     \
	    "POSIX munmap() EINVAL: addresses outside the valid range of the address space") \
	ROW(t, crossing_task_size,                                                          \
	    munmap((void *)(x86_64_low_half_end - page), 2 * page), EINVAL,                 \
	    "POSIX munmap() EINVAL: addresses outside the valid range of the address space")
#define MUNMAP_OUTSIDE_SETUP(row)                                                           \
	require_va(VA_NEEDED_##row);                                                        \
	size_t page = ms_page();                                                            \
	unsigned char *p = xmmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#define MUNMAP_OUTSIDE_TEARDOWN(row)                                                        \
	cr_assert(!ms_probe_read(p, NULL), "a failed munmap unmapped the page at %p\n%s",   \
		  (void *)p, ms_maps_near(p, page));                                        \
	xmunmap(p, page);
CONFORM_ERRNO_ROWS(MUNMAP_OUTSIDE_ROWS, munmap_classes, outside_address_space_fails_einval,
		   "h10", POSIX, MUNMAP_OUTSIDE_SETUP, MUNMAP_OUTSIDE_TEARDOWN)
