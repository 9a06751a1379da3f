/* (h) Argument classes of mmap(): the errno of each invalid argument (h1-h9, errno tables),
 * its address and length classes (arg_classes.h), offsets, the required and unknown prot
 * bits, unknown flag bits, mapping types and invalid combinations derived from the running
 * kernel, and the errors of mmap(2) not covered elsewhere. munmap_classes: munmap.c. */
#include "arg_classes.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

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

/* Assert that a file mapping with fd -1, or with an fd that is not open, fails with EBADF. */
#define BAD_FD_ROWS(ROW, t)                                                                 \
	ROW(t, shared_minus_1, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, -1, 0), EBADF,  \
	    "POSIX mmap() EBADF: fildes is not a valid open file descriptor")               \
	ROW(t, private_minus_1, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, -1, 0),       \
		 EBADF,                                                                     \
	    "POSIX mmap() EBADF: fildes is not a valid open file descriptor")               \
	ROW(t, shared_closed, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, ms_closed_fd(), 0), \
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
	ms_require_offset_max_reachable();                                                  \
	int fd = ms_file(4 * ms_page(), NULL);                                              \
	off_t last_page = ms_last_offset_page();
#define OFF_OVERFLOW_TEARDOWN(row)                                                          \
	xclose(fd);
CONFORM_ERRNO_ROWS(OFF_OVERFLOW_ROWS, mmap_classes, offset_plus_len_overflow_fails_eoverflow,
		   "h6", POSIX, OFF_OVERFLOW_SETUP, OFF_OVERFLOW_TEARDOWN)

/* Assert that a negative offset fails with EOVERFLOW. LINUX: POSIX does not name this case;
 * Linux on 64-bit treats the offset as unsigned, far beyond MAX_LFS_FILESIZE. With a 32-bit
 * word no negative offset reaches Linux: mmap2 carries an unsigned count of 4096-byte units
 * and glibc's mmap64 answers EINVAL itself (ms_last_offset_page()). */
#if UINTPTR_MAX > 0xffffffffu
#define NEG_OFF_ERRNO EOVERFLOW
#define NEG_OFF_WHY "mmap(2) EOVERFLOW: the offset is beyond the largest file size (64-bit Linux)"
#else
#define NEG_OFF_ERRNO EINVAL
#define NEG_OFF_WHY "glibc mmap64 EINVAL: mmap2 cannot carry a negative offset (32-bit word)"
#endif
#define NEG_OFF_ROWS(ROW, t)                                                                \
	ROW(t, shared, mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd,                     \
		 -(off_t)ms_page()), NEG_OFF_ERRNO, NEG_OFF_WHY)                              \
	ROW(t, private, mmap(NULL, ms_page(), PROT_READ, MAP_PRIVATE, fd,                   \
		 -(off_t)ms_page()), NEG_OFF_ERRNO, NEG_OFF_WHY)
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

/* Assert that MAP_FIXED at an address beyond the user address space (TASK_SIZE) fails with
 * ENOMEM, as does a MAP_FIXED range that starts below the end and crosses it (x86-64 with
 * 4-level paging only). */
#define FIXED_BEYOND_ROWS(ROW, t)                                                           \
	ROW(t, beyond_user_space,                                                           \
	    mmap(ms_beyond_user_space, page, PROT_READ,                                        \
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,                                   \
		 -1, 0), ENOMEM,                                                            \
	    "POSIX mmap() ENOMEM: MAP_FIXED and the range exceeds the address space")       \
	ROW(t, crossing_task_size,                                                          \
	    mmap((void *)(ms_x86_64_low_half_end - page), 2 * page, PROT_READ,                 \
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM,                   \
	    "POSIX mmap() ENOMEM: MAP_FIXED and the range exceeds the address space")
#define FIXED_BEYOND_SETUP(row) ms_require_va(VA_NEEDED_##row); size_t page = ms_page();
#define FIXED_BEYOND_TEARDOWN(row)
CONFORM_ERRNO_ROWS(FIXED_BEYOND_ROWS, mmap_classes, fixed_beyond_task_size_fails_enomem, "h8", POSIX,
		   FIXED_BEYOND_SETUP, FIXED_BEYOND_TEARDOWN)

/* Assert that without MAP_FIXED a hint above 128 TiB is not honoured on x86-64 unless the
 * CPU has 5-level paging: the mapping lands below 128 TiB. LINUX, x86-64 only. */
CONFORM(mmap_classes, high_hint_stays_below_47_bits, "h8", LINUX)
{
	if (!ms_va_is_x86_64)
		cr_skip_test("the 47-bit default address space is an x86-64 rule");
	bool la57 = ms_x86_64_la57();
	void *hint = (void *)(ms_x86_64_low_half_end * 2);
	unsigned char *p = mmap(hint, ms_page(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ms_assert_mapped(p);
	if (la57)
		cr_assert((uintptr_t)p < ms_x86_64_low_half_end << 9, /* 2^56 */
			  "LA57: hint %p gave %p, beyond the 56-bit user space", hint, (void *)p);
	else
		cr_assert((uintptr_t)p + ms_page() <= ms_x86_64_low_half_end,
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

/* Assert that a MAP_LOCKED mapping larger than RLIMIT_MEMLOCK fails with EAGAIN without
 * CAP_IPC_LOCK. LINUX: MAP_LOCKED is Linux-only. */
CONFORM(mmap_classes, map_locked_over_memlock_limit_fails_eagain, "h9", LINUX)
{
	pid_t pid = xfork();
	if (pid == 0) {
		ms_child_limit_memlock();
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
	xwait_ok_or_skip(pid, "the process keeps CAP_IPC_LOCK (not root, so it cannot "
				"become nobody), which lifts RLIMIT_MEMLOCK");
}

/* Assert that after mlockall(MCL_FUTURE) a mapping that would exceed RLIMIT_MEMLOCK fails
 * with EAGAIN without CAP_IPC_LOCK. */
CONFORM(mmap_classes, mcl_future_over_memlock_limit_fails_eagain, "h9", POSIX)
{
	pid_t pid = xfork();
	if (pid == 0) {
		ms_child_limit_memlock();
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
	xwait_ok_or_skip(pid, "the process keeps CAP_IPC_LOCK (not root, so it cannot "
				"become nobody), which lifts RLIMIT_MEMLOCK");
}

/* ---- address and length classes (arg_classes.h) ---- */

/* Assert that mmap(MAP_FIXED) answers each range class as POSIX says: EINVAL for an
 * unaligned addr and for len 0, ENOMEM for a range past the address space, success over
 * mapped or unmapped pages (a fixed mapping replaces whatever was there). */
RANGE_TABLE(mmap_classes, posix_range_table, "h1 h3 h8 k2", POSIX, ms_range_mmap,
	    0, EINVAL, 0, EINVAL, ENOMEM, 0, 0)

/* Assert the same classes against mmap(2): length > 0, aligned addr, ENOMEM past the CPU's
 * address space. */
RANGE_TABLE(mmap_classes, linux_range_table, "h1 h3 h8 k2", LINUX, ms_range_mmap,
	    0, EINVAL, 0, EINVAL, ENOMEM, 0, 0)

/* Assert that a MAP_FIXED mapping of page + 1 bytes replaces exactly two pages: the page
 * holding the last byte reads zero, the page after it keeps its old contents. POSIX */
CONFORM(mmap_classes, length_rounding_fixed_replaces_whole_last_page, "h3 k2", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = ms_range_three_pages(&ms_range_mmap);
	/* cppcheck-suppress leakReturnValNotUsed ; kept until the test's own process exits */
	ms_assert_mapped(mmap(p, pg + 1, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	cr_assert(p[pg] == 0 && p[2 * pg - 1] == 0, "the second page reads %#x..%#x, expected "
		  "zero: the partial page was not replaced", p[pg], p[2 * pg - 1]);
	cr_assert(p[2 * pg] == 0xa5, "the third page reads %#x, expected the old 0xa5: the "
		  "mapping reached past the page holding its last byte", p[2 * pg]);
}

/* ---- mmap offsets ---- */

/* Assert mmap's offset classes (ms_offset_row(), arg_classes.h), one result per row. */
CONFORM_VARIANT(mmap_classes, offset_table, unaligned, "h3 h6", POSIX, ms_offset_row,
		OFFSET_UNALIGNED)
CONFORM_VARIANT(mmap_classes, offset_table, plus_len_past_off_t_max, "h3 h6", POSIX,
		ms_offset_row, OFFSET_PLUS_LEN_PAST_OFF_T_MAX)
CONFORM_VARIANT(mmap_classes, offset_table, near_max_range_fits, "h3 h6", POSIX, ms_offset_row,
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

/* Assert that mmap accepts PROT_NONE, PROT_READ, PROT_WRITE and PROT_READ|PROT_WRITE, and
 * that each grants no write without PROT_WRITE and no access with PROT_NONE. POSIX */
CONFORM(mmap_classes, prot_required_values_accepted, "a1 e1 e2", POSIX)
{
	size_t pg = ms_page();
	char msg[1024] = "";
	for (size_t i = 0; i < sizeof(ms_required_prots) / sizeof(ms_required_prots[0]); i++) {
		unsigned char *p = mmap(NULL, pg, ms_required_prots[i].prot,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			ms_append(msg, "mmap %s failed with %s", ms_required_prots[i].name,
			          ms_errname(errno));
			continue;
		}
		ms_check_prot(msg, sizeof(msg), "mmap", ms_required_prots[i].name, p,
			   ms_required_prots[i].prot);
		munmap(p, pg);
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
	unsigned long known = ms_known_prot_bits();
	char msg[2048] = "";
	int probed = 0;
	for (int bit = ms_next_bit_not_in(known, 0); bit; bit = ms_next_bit_not_in(known, bit)) {
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

/* ---- mmap flags and types ---- */

/* Assert that each MAP_ flag bit this kernel does not know is refused with EOPNOTSUPP under
 * MAP_SHARED_VALIDATE, and ignored under MAP_SHARED (the mapping shows the file). */
CONFORM(mmap_classes, unknown_flag_bits_refused_or_ignored, "k3 k5", LINUX)
{
	size_t pg = ms_page();
	int fd = ms_memfd_of(pg, 0x5a);
	unsigned long known = ms_known_map_bits();
	char msg[2048] = "";
	for (int bit = ms_next_bit_not_in(known | 0xf, 0); bit;
	     bit = ms_next_bit_not_in(known | 0xf, bit)) {
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
	bool droppable = ms_kernel_at_least(6, 11);
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
	int fd = ms_memfd_of(pg, 0);
	unsigned char *hint = xmmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmunmap(hint, pg);
	struct { const char *row; void *addr; int flags; int fd; } rows[] = {
		{ "shared_growsdown", NULL, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1 },
		{ "hugetlb_on_memfd", NULL, MAP_SHARED_VALIDATE | MAP_HUGETLB, fd },
		{ "noreplace_unaligned", hint + 1, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1 },
		{ "droppable_with_file", NULL, MAP_DROPPABLE, fd },
	};
	size_t n = sizeof(rows) / sizeof(rows[0]) - (ms_kernel_at_least(6, 11) ? 0 : 1);
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
	char cmd[4096];
	ms_read_first_line("/proc/cmdline", cmd, sizeof(cmd));
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
