/* The argument-class fixture the *_classes suites share (issue 11; each call's tables live in
 * the file of its suite): the classes of an address range, the calls under test, a call's
 * class table with one result per class (RANGE_TABLE), and the probes of what this kernel and
 * machine accept (prot and flag bits, the end of the user address space) that the tables of
 * several calls read. The cells the tables fill are listed in
 * suites/clauses/args-matrix.classes. */
#ifndef MMAPSUITE_ARG_CLASSES_H
#define MMAPSUITE_ARG_CLASSES_H

#include "mm_util.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- address and length classes ---- */

/* The classes, each named as its row's result is (suite/table_<class>). */
enum range_class {
	RC_page_aligned,
	RC_addr_unaligned,
	RC_len_not_page_multiple,
	RC_len_zero,
	RC_wraps_top,
	RC_partly_unmapped,
	RC_wholly_unmapped,
};

/* The call under test with (addr, len): 0 on success, -1 with errno set on failure. */
typedef long (*range_call)(void *addr, size_t len);

/* A call as its class table sees it. */
struct range_target {
	const char *name;
	range_call call;
	bool shared_file; /* the call needs a shared file mapping (remap_file_pages) */
	void (*require)(void); /* SKIPs where the call does not exist, or NULL */
	bool lock_limited; /* RLIMIT_MEMLOCK is checked before the range (mlock, mlock2) */
};

/* The calls: mmap(MAP_FIXED), munmap, mprotect(PROT_READ), pkey_mprotect(pkey -1),
 * msync(MS_ASYNC), mlock, munlock, mlock2(0), madvise(MADV_NORMAL), posix_madvise(NORMAL),
 * mincore, mseal, mremap (same size) and remap_file_pages (on a shared file mapping). */
extern const struct range_target ms_range_mmap, ms_range_munmap, ms_range_mprotect,
	ms_range_pkey, ms_range_msync, ms_range_mlock, ms_range_munlock, ms_range_mlock2,
	ms_range_madvise, ms_range_padv, ms_range_mincore, ms_range_mseal, ms_range_mremap,
	ms_range_rfp;

/* Three fresh read-write pages, filled; shared memfd pages when the target needs a file. */
unsigned char *ms_range_three_pages(const struct range_target *t);

/* One row of a call's table: call t with the range of class cls over three fresh pages and
 * assert the answer, success (expect 0) or failure with errno expect. */
void ms_range_row(const struct range_target *t, enum range_class cls, int expect);

/* Rounding of a length that is not a page multiple, for a call that fails ENOMEM on an
 * unmapped page: [p0][p1][p2 unmapped] with len = pg + 1 must succeed (the rounded range
 * ends at p1 and does not reach p2), and [p0][p1 unmapped] with len = pg + 1 must fail
 * ENOMEM (the rounded range includes p1, the page holding the last byte). SKIPs where the
 * call does not exist. */
void ms_range_rounding_by_hole(const struct range_target *t);

/* The test suite/length_rounding_reaches_last_page of a call with nothing else to check of
 * its rounding: ms_range_rounding_by_hole(&target). */
#define RANGE_ROUNDING(suite, ids, spec, target)                                            \
	CONFORM(suite, length_rounding_reaches_last_page, ids, spec)                        \
	{                                                                                   \
		ms_range_rounding_by_hole(&(target));                                       \
	}

/* A call's class table, one result per class it has a row for, suite/table_<class>, with the
 * ids and spec of the table. The expected answers come in the order of enum range_class
 * (page_aligned, addr_unaligned, len_not_page_multiple, len_zero, wraps_top, partly_unmapped,
 * wholly_unmapped): 0 for success, an errno name (EINVAL, ENOMEM, EFAULT), or NONE where the
 * table's document says nothing of the class (no result).
 *   RANGE_TABLE(mlock_classes, posix_range_table, "h14", POSIX, ms_range_mlock,
 *               0, NONE, 0, NONE, ENOMEM, ENOMEM, ENOMEM) */
#define RANGE_TABLE(suite, table, ids, spec, target, e1, e2, e3, e4, e5, e6, e7)             \
	MS_RANGE_ROW_##e1((suite, table, ids, spec, target), page_aligned, e1)              \
	MS_RANGE_ROW_##e2((suite, table, ids, spec, target), addr_unaligned, e2)            \
	MS_RANGE_ROW_##e3((suite, table, ids, spec, target), len_not_page_multiple, e3)     \
	MS_RANGE_ROW_##e4((suite, table, ids, spec, target), len_zero, e4)                  \
	MS_RANGE_ROW_##e5((suite, table, ids, spec, target), wraps_top, e5)                 \
	MS_RANGE_ROW_##e6((suite, table, ids, spec, target), partly_unmapped, e6)           \
	MS_RANGE_ROW_##e7((suite, table, ids, spec, target), wholly_unmapped, e7)
#define MS_RANGE_ROW_NONE(...)
#define MS_RANGE_ROW_0(...) MS_RANGE_ROW_TEST_(__VA_ARGS__)
#define MS_RANGE_ROW_EINVAL(...) MS_RANGE_ROW_TEST_(__VA_ARGS__)
#define MS_RANGE_ROW_ENOMEM(...) MS_RANGE_ROW_TEST_(__VA_ARGS__)
#define MS_RANGE_ROW_EFAULT(...) MS_RANGE_ROW_TEST_(__VA_ARGS__)
/* One row: a row of an errno table (CONFORM_ERRNO_ROWS, conform.h) per class, whose check is
 * ms_range_row() (it knows success rows, and its message names the class and the range). */
#define MS_RANGE_ROW_TEST_(t, cls, expect) MS_RANGE_ROW_ARGS_(MS_ROW_UNPACK_ t, cls, expect)
#define MS_RANGE_ROW_ARGS_(...) MS_RANGE_ROW_DECLARE_(__VA_ARGS__)
#define MS_RANGE_ROW_DECLARE_(suite, table, ids, spec, target, cls, expect)                 \
	MS_ERRNO_ROW_((suite, table, ids, spec, MS_ROW_NOTHING, MS_ROW_NOTHING,              \
		       MS_RANGE_CHECK_), cls, (&(target), RC_##cls), expect, "")
#define MS_RANGE_CHECK_(call, text, expect, clause) ms_range_row(MS_ROW_UNPACK_ call, expect)

/* The set-up and tear-down of an errno table (CONFORM_ERRNO_ROWS) whose rows use pg, the
 * page size, and hole, [page][hole][page] from ms_map_with_hole(). */
#define MS_HOLE_SETUP(row)                                                                  \
	size_t pg = ms_page();                                                              \
	unsigned char *hole = ms_map_with_hole();
#define MS_HOLE_TEARDOWN(row) xmunmap(hole, 3 * pg);

/* ---- mmap offset classes ---- */

/* The rows of mmap's offset classes. */
enum offset_row { OFFSET_UNALIGNED, OFFSET_PLUS_LEN_PAST_OFF_T_MAX, OFFSET_NEAR_MAX_RANGE_FITS };

/* Assert mmap's offset classes on a file of the file system under test, one result per row:
 * an offset that is not a page multiple fails EINVAL; off + len past the largest offset
 * (ms_last_offset_page() plus a page) fails EOVERFLOW; the largest page-aligned offset whose
 * range still fits is accepted. */
void ms_offset_row(enum offset_row row);

/* The start of the last page mmap() can be given as an offset: off_t's last page with a
 * 64-bit word; with a 32-bit word the last one mmap2 carries, whose offset is a 32-bit count
 * of 4096-byte units (glibc's mmap64 refuses a larger or negative offset with EINVAL before
 * any system call: sysdeps/unix/sysv/linux/mmap64.c, MMAP_OFF_HIGH_MASK), 16 TiB - 4 KiB,
 * which is also 32-bit Linux's MAX_LFS_FILESIZE with 4 KiB pages. */
off_t ms_last_offset_page(void);
/* SKIPs when no offset mmap() can be given reaches past the largest file offset: a 32-bit
 * program on a 64-bit kernel (ms_place_compat()). */
void ms_require_offset_max_reachable(void);

/* ---- what this kernel and machine accept ---- */

/* Whether `uname -r` is at least major.minor. */
bool ms_kernel_at_least(int major, int minor);

/* MAP_ flag bits this kernel knows: those its uapi headers name (the legacy set mmap(2)
 * lists, MAP_SYNC, MAP_FIXED_NOREPLACE, the huge-page size field), and MAP_ABOVE4G on x86-64
 * from 6.6. Bits 0-3 are the mapping type, probed on their own. */
unsigned long ms_known_map_bits(void);

/* Protection bits the running kernel knows on this machine: the generic four and the arm64
 * ones the CPU reports (ms_arch_prot_bits(), mm_util.h). GROWSDOWN/UP are known too but refused
 * on a plain mapping: they have their own rows. */
unsigned long ms_known_prot_bits(void);

/* The flag tables' walk over the bits of an int argument: the next single bit above bit (from
 * bit 0 when bit is 0), up to bit 30, that known does not hold; 0 after the last.
 *   for (int bit = ms_next_bit_not_in(known, 0); bit; bit = ms_next_bit_not_in(known, bit)) */
int ms_next_bit_not_in(unsigned long known, int bit);

/* mprotect or pkey_mprotect(pkey -1) each unknown prot bit: EINVAL, protection unchanged. */
void ms_unknown_prot_bits_einval(bool pkey);

/* The protections every implementation must accept (POSIX mmap, mprotect). */
struct ms_required_prot {
	const char *name;
	int prot;
};
extern const struct ms_required_prot ms_required_prots[4];

/* What must hold of a mapping with protection prot: a store succeeds iff PROT_WRITE; with
 * PROT_NONE a load faults; with PROT_READ a load succeeds. A wrong answer is appended to msg
 * (of len bytes), naming how the protection was set and its name. */
void ms_check_prot(char *msg, size_t len, const char *how, const char *name, unsigned char *p,
		   int prot);

/* A memfd of len bytes, every byte fill. */
int ms_memfd_of(size_t len, unsigned char fill);

/* x86-64 with 4-level paging: the user address space ends one page below 128 TiB
 * (TASK_SIZE_MAX), ms_x86_64_low_half_end; hints above it are ignored unless the CPU has
 * LA57. */
extern const bool ms_va_is_x86_64;
extern const uintptr_t ms_x86_64_low_half_end;

/* An address no Linux ever gives to user space (bit 63; bit 55 on arm64, which ignores the top
 * byte of an address; the last page on s390x, whose user space is the rest, and with a 32-bit
 * word, where the kernel sits above TASK_SIZE). */
extern void *const ms_beyond_user_space;

/* Whether the kernel runs x86-64 5-level paging (it clears the la57 flag when it does not):
 * then the user address space reaches 2^56 and 128 TiB is no boundary. */
bool ms_x86_64_la57(void);

/* Whether the end of the user address space is x86-64's 4-level paging boundary, 128 TiB
 * minus one page (TASK_SIZE): the rows that cross it need it. With 5-level paging MAP_FIXED
 * may go above it: no boundary to test there. */
bool ms_x86_64_4level(void);

/* What the address space must be for each row of the mmap and munmap tables beyond the user
 * address space (by row name); ms_require_va() SKIPs a row whose need is not met. */
#define VA_NEEDED_beyond_user_space true
#define VA_NEEDED_wrapping_end true
#define VA_NEEDED_crossing_task_size ms_x86_64_4level()
void ms_require_va(bool ok);

/* ---- in a forked child ---- */

/* Removes cap from the effective set (the child only), so that a root run still sees what an
 * unprivileged caller sees. glibc has no capget/capset wrapper. */
void ms_child_drop_capability(int cap);

/* Lowers RLIMIT_MEMLOCK to 64 KiB and drops CAP_IPC_LOCK (as root by becoming nobody), or
 * exits MS_CHILD_SKIP if the capability stays. */
void ms_child_limit_memlock(void);

/* ms_assert_errno() for a forked child: a wrong answer fails the child. */
#define child_check_errno(expr, expected)                                                   \
	MS_CHECK_ERRNO_(child_check, expr, #expr, expected, "")

/* ---- file fixtures ---- */

/* An fd that was open a moment ago and is not any more. */
int ms_closed_fd(void);

#endif
