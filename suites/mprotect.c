/* (g, e) mprotect: holes in the range, alignment, the file's open mode, unknown prot bits, and
 * no execution without PROT_EXEC (e5). The signals it raises are in signals.c, its argument
 * classes in args_*.c. */
#include "mm_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>

static void assert_write_faults(volatile unsigned char *addr, const char *why)
{
	struct ms_fault f;
	ms_probe_write(addr, 1, &f);
	cr_assert(f.faulted && f.signo == SIGSEGV && f.code == SEGV_ACCERR &&
		  f.addr == (void *)addr, "%s: a write to %p gave %s %s at %p; expected SIGSEGV "
		  "SEGV_ACCERR\n%s", why, (void *)addr, ms_signame(f.signo),
		  ms_sicode_name(f.signo, f.code), f.addr, ms_maps_near((void *)addr, ms_page()));
}

static void assert_write_works(volatile unsigned char *addr, const char *why)
{
	struct ms_fault f;
	cr_assert(!ms_probe_write(addr, 1, &f), "%s: a write to %p gave %s %s\n%s", why,
		  (void *)addr, ms_signame(f.signo), ms_sicode_name(f.signo, f.code),
		  ms_maps_near((void *)addr, ms_page()));
}

/* ---- g12: mprotect ---- */

/* Assert that mprotect() over a range with an unmapped hole fails with ENOMEM. */
CONFORM(mprotect, range_with_hole_fails_enomem, "g12", POSIX)
{
	size_t page = ms_page();
	unsigned char *p = ms_map_with_hole();
	ms_assert_errno(mprotect(p, 3 * page, PROT_READ), ENOMEM);
	xmunmap(p, 3 * page);
}

/* Assert that a mprotect() failing on a hole has already changed the pages before the hole
 * and left those after it alone. LINUX: POSIX leaves the partial effect unspecified; Linux
 * walks the range in order and stops at the first gap. */
CONFORM(mprotect, hole_changes_only_pages_before_it, "g12", LINUX)
{
	size_t page = ms_page();
	unsigned char *p = ms_map_with_hole();
	ms_assert_errno(mprotect(p, 3 * page, PROT_READ), ENOMEM);
	assert_write_faults(p + 5, "page before the hole after mprotect(PROT_READ)");
	assert_write_works(p + 2 * page + 5, "page after the hole");
	xmunmap(p, 3 * page);
}

/* Assert that mprotect() at address 0, where nothing is mapped, fails with ENOMEM. */
CONFORM(mprotect, address_zero_fails_enomem, "g12", POSIX)
{
	ms_assert_errno(mprotect(NULL, ms_page(), PROT_READ), ENOMEM);
}

/* Assert that mprotect() with an address that is not page aligned fails with EINVAL.
 * LINUX: POSIX makes this a "may fail"; Linux always fails. */
CONFORM(mprotect, unaligned_address_fails_einval, "g12", LINUX)
{
	size_t page = ms_page();
	unsigned char *p = xmap_anon(2 * page, MAP_PRIVATE);
	ms_assert_errno(mprotect(p + 1, page, PROT_READ), EINVAL);
	assert_write_works(p, "page of the refused mprotect");
	xmunmap(p, 2 * page);
}

/* Assert that adding PROT_WRITE to a MAP_SHARED mapping of an fd opened O_RDONLY fails with
 * EACCES and the mapping stays read-only, while a MAP_PRIVATE one of the same fd may. */
CONFORM(mprotect, shared_write_on_read_only_fd_fails_eacces, "g12", POSIX)
{
	size_t page = ms_page();
	int rw = ms_file(2 * page, NULL);
	int fd = ms_reopen(rw, O_RDONLY);
	unsigned char *shared = xmmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	ms_assert_errno(mprotect(shared, page, PROT_READ | PROT_WRITE), EACCES);
	assert_write_faults(shared, "MAP_SHARED of O_RDONLY fd after the refused mprotect");
	unsigned char *private = xmmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
	ms_assert_ok(mprotect(private, page, PROT_READ | PROT_WRITE));
	assert_write_works(private, "MAP_PRIVATE of O_RDONLY fd made writable");
	xmunmap(shared, page);
	xmunmap(private, page);
	xclose(fd);
	xclose(rw);
}

/* Each errno case below is one row of a table, and each row its own result, suite/test_row
 * (a table is a macro listing ROW(row, call, expected, clause); see args_mmap.c). */

/* Assert that mprotect() with protection bits no architecture defines fails with EINVAL and
 * changes nothing. LINUX: POSIX leaves unknown bits unspecified. */
#define PROT_BITS_ROWS(ROW, t)                                                              \
	ROW(t, bit_8, mprotect(p, page, PROT_READ | 0x100), EINVAL,                         \
	    "mprotect(2) EINVAL: prot is invalid")                                          \
	ROW(t, bit_30, mprotect(p, page, 0x40000000), EINVAL,                               \
	    "mprotect(2) EINVAL: prot is invalid")
#define PROT_BITS_SETUP(row)                                                                \
	size_t page = ms_page();                                                            \
	unsigned char *p = xmap_anon(page, MAP_PRIVATE);
#define PROT_BITS_TEARDOWN(row)                                                             \
	assert_write_works(p, "page of the refused mprotect");                              \
	xmunmap(p, page);
CONFORM_ERRNO_ROWS(PROT_BITS_ROWS, mprotect, unknown_prot_bits_fail_einval, "g12 h11", LINUX,
		   PROT_BITS_SETUP, PROT_BITS_TEARDOWN)

/* ---- e5: no execution without PROT_EXEC ---- */

/* The machine code of a bare return. */
static size_t put_return_insn(unsigned char *at)
{
#if defined(__x86_64__) || defined(__i386__)
	at[0] = 0xc3; /* ret */
	return 1;
#elif defined(__aarch64__)
	const uint32_t ret = 0xd65f03c0; /* ret x30, little-endian */
	memcpy(at, &ret, sizeof(ret));
	return sizeof(ret);
#elif defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2
	/* blr, in the CPU's byte order; ELFv2 calls a code address (ELFv1: a descriptor) */
	const uint32_t blr = 0x4e800020;
	memcpy(at, &blr, sizeof(blr));
	return sizeof(blr);
#else
	(void)at;
	return 0;
#endif
}

/* Assert that calling code in a PROT_READ|PROT_WRITE mapping raises SIGSEGV SEGV_ACCERR at the
 * instruction (NX), and that after mprotect(PROT_READ|PROT_EXEC) the same call returns. LINUX:
 * POSIX leaves the effect of missing PROT_EXEC to the implementation; Linux enforces it where
 * the CPU can (x86-64 NX, arm64 XN) unless READ_IMPLIES_EXEC is set. */
CONFORM(mprotect_exec, call_into_non_exec_segv_then_exec_runs, "e5 e4", LINUX)
{
	ms_require_behaviour(MS_NX);
	if (personality(0xffffffff) & READ_IMPLIES_EXEC)
		cr_skip_test("the READ_IMPLIES_EXEC personality makes readable maps executable");
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	unsigned char *code = p + 0x40;
	size_t n = put_return_insn(code);
	if (!n)
		cr_skip_test("no `ret` encoding known for this architecture");
	__builtin___clear_cache((char *)code, (char *)code + n);
	struct ms_fault f;
	ms_probe_exec(code, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_ACCERR, code, "call into PROT_READ|PROT_WRITE", p, pg);

	xmprotect(p, pg, PROT_READ | PROT_EXEC);
	cr_assert(!ms_probe_exec(code, &f),
		  "call into PROT_READ|PROT_EXEC faulted: %s %s at %p\n%s", ms_signame(f.signo),
		  ms_sicode_name(f.signo, f.code), f.addr, ms_maps_near(p, pg));
	xmunmap(p, pg);
}

/* Assert that calling code in a file mapped PROT_READ only (the file holds a `ret`) raises
 * SIGSEGV SEGV_ACCERR at the instruction: file backings obey NX as anonymous memory does. */
CONFORM(mprotect_exec, call_into_read_only_file_map_segv, "e5", LINUX)
{
	ms_require_behaviour(MS_NX);
	if (personality(0xffffffff) & READ_IMPLIES_EXEC)
		cr_skip_test("the READ_IMPLIES_EXEC personality makes readable maps executable");
	size_t pg = ms_page();
	unsigned char insn[8];
	size_t n = put_return_insn(insn);
	if (!n)
		cr_skip_test("no `ret` encoding known for this architecture");
	int fd = ms_file(pg, NULL);
	xpwrite(fd, insn, n, 0x80);
	unsigned char *p = xmmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0);
	struct ms_fault f;
	ms_probe_exec(p + 0x80, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_ACCERR, p + 0x80, "call into a PROT_READ file map", p,
			pg);
	xmunmap(p, pg);
	xclose(fd);
}
