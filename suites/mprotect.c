/* (g, e) mprotect: holes in the range, alignment, the file's open mode, unknown prot bits, no
 * execution without PROT_EXEC (e5), the signals an access against the protection raises
 * (mprotect_signals) and its argument classes (mprotect_classes). */
#include "arg_classes.h"

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
		  "SEGV_ACCERR%s\n%s", why, (void *)addr, ms_signame(f.signo),
		  ms_sicode_name(f.signo, f.code), f.addr,
		  ms_fault_page_only(&f, SIGSEGV, SEGV_ACCERR, (void *)addr),
		  ms_maps_near((void *)addr, ms_page()));
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
 * (a table is a macro listing ROW(t, row, call, expected, clause); CONFORM_ERRNO_ROWS,
 * conform.h). */

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
	size_t n = ms_return_insn(code);
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
	unsigned char insn[MS_RETURN_INSN_MAX];
	size_t n = ms_return_insn(insn);
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

/* ---- e1 e2 e4: the signal an access against PROT_* raises (mprotect_signals) ---- */

/* Assert that a store to PROT_READ memory raises SIGSEGV SEGV_ACCERR at the byte, for anonymous,
 * shared-file and private-file mappings, and that after mprotect(PROT_READ|PROT_WRITE) the same
 * store succeeds and reads back. POSIX requires SIGSEGV; the si_code is Linux's. */
CONFORM_PER_BACKING(MS_BACKINGS_ANON_PRIVATE_AND_FILE,
                    mprotect_signals, write_to_read_only_segv_then_rw_succeeds, "e1 e4", POSIX)
{
	size_t len = 2 * ms_page();
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ, NULL);
	unsigned char *target = p + ms_page() + 0x35;
	struct ms_fault f;
	ms_probe_write(target, 0x5c, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_ACCERR, target, ms_backing_name[b], p, len);
	cr_assert(*target == (b == MS_ANON_PRIVATE ? 0 : ms_pattern(ms_page() + 0x35)),
		  "%s: the refused store changed the byte to 0x%02x", ms_backing_name[b],
		  *target);

	xmprotect(p, len, PROT_READ | PROT_WRITE);
	cr_assert(!ms_probe_write(target, 0x5c, &f),
		  "%s: store after mprotect(RW) faulted with %s %s at %p\n%s",
		  ms_backing_name[b], ms_signame(f.signo), ms_sicode_name(f.signo, f.code),
		  f.addr, ms_maps_near(p, len));
	cr_assert(*target == 0x5c, "%s: stored 0x5c, read back 0x%02x", ms_backing_name[b],
		  *target);
	xmunmap(p, len);
}

/* Assert that mprotect(PROT_READ) takes write access away from memory that was written before:
 * the next store raises SIGSEGV SEGV_ACCERR at the byte and the old value stays, for every
 * backing (the dirty, already-writable PTE must be write-protected, not only future faults). */
CONFORM_PER_BACKING(MS_BACKINGS_ANON_PRIVATE_AND_FILE,
                    mprotect_signals, rw_to_read_only_then_write_segv, "e1 e4", POSIX)
{
	size_t len = 2 * ms_page();
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, NULL);
	unsigned char *target = p + ms_page() + 0x99;
	*target = 0x31;
	xmprotect(p, len, PROT_READ);
	struct ms_fault f;
	ms_probe_write(target, 0x32, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_ACCERR, target, ms_backing_name[b], p, len);
	cr_assert(*target == 0x31, "%s: the refused store changed 0x31 to 0x%02x",
		  ms_backing_name[b], *target);
	xmunmap(p, len);
}

/* Assert that a store through a MAP_SHARED mapping of an O_RDONLY descriptor (necessarily
 * PROT_READ) raises SIGSEGV SEGV_ACCERR at the byte and leaves the file unchanged. */
CONFORM(mprotect_signals, write_to_shared_read_only_fd_segv, "e1 e4", POSIX)
{
	size_t len = ms_page();
	int fd = ms_read_only_file(len);
	unsigned char *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	struct ms_fault f;
	ms_probe_write(p + 7, 0xee, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_ACCERR, p + 7, "store to a read-only shared file map", p,
		        len);
	unsigned char byte;
	xpread(fd, &byte, 1, 7);
	cr_assert(byte == ms_pattern(7), "the file byte 7 changed to 0x%02x", byte);
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that both a load and a store to PROT_NONE memory raise SIGSEGV SEGV_ACCERR with si_addr
 * the byte touched, for every backing (POSIX: SIGSEGV; the code is Linux's). */
CONFORM_PER_BACKING(MS_BACKINGS_ANON_PRIVATE_AND_FILE,
                    mprotect_signals, prot_none_read_and_write_segv_accerr, "e2 e4", POSIX)
{
	size_t len = 3 * ms_page();
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, NULL);
	p[ms_page()] = 1; /* populated pages must be refused too, not only empty ones */
	xmprotect(p + ms_page(), ms_page(), PROT_NONE);
	struct ms_fault f;
	unsigned char *target = p + ms_page() + 0x101;
	ms_probe_read(target, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_ACCERR, target, "load from PROT_NONE", p, len);
	target = p + 2 * ms_page() - 1;
	ms_probe_write(target, 3, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_ACCERR, target, "store to PROT_NONE", p, len);
	cr_assert(!ms_probe_write(p + 2 * ms_page(), 2, NULL) && !ms_probe_read(p, NULL),
		  "%s: the pages beside the PROT_NONE page are no longer accessible\n%s",
		  ms_backing_name[b], ms_maps_near(p, len));
	xmunmap(p, len);
}

/* Assert that a PROT_NONE mapping created by mmap itself (never accessible) refuses a load with
 * the signal Criterion expects: the declared-signal form of e2, with no handler of our own. */
CONFORM(mprotect_signals, prot_none_load_kills_with_sigsegv, "e2", POSIX, .signal = SIGSEGV)
{
	volatile unsigned char *p = xmmap(NULL, ms_page(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
					  -1, 0);
	(void)p[10];
	cr_assert_fail("a load from PROT_NONE memory at %p returned\n%s", (void *)p,
		       ms_maps_near((void *)p, ms_page()));
}

/* ---- mprotect_classes: argument classes (g12, h11) ---- */

/* Assert POSIX's mprotect classes: EINVAL for an unaligned addr, ENOMEM for a range outside
 * the address space or with unmapped pages. POSIX says nothing of len 0: that row is in the
 * LINUX table. */
RANGE_TABLE(mprotect_classes, posix_range_table, "g12", POSIX, ms_range_mprotect,
	    0, EINVAL, 0, NONE, ENOMEM, ENOMEM, ENOMEM)

/* Assert mprotect(2)'s classes; len 0 succeeds. */
RANGE_TABLE(mprotect_classes, linux_range_table, "g12", LINUX, ms_range_mprotect,
	    0, EINVAL, 0, 0, ENOMEM, ENOMEM, ENOMEM)

/* Assert that mprotect(p, page + 1, PROT_READ) protects exactly two pages: a store into the
 * page holding the last byte faults, a store into the next page does not. POSIX */
CONFORM(mprotect_classes, length_rounding_protects_whole_last_page, "g12 e1", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = ms_range_three_pages(&ms_range_mprotect);
	ms_assert_ok(mprotect(p, pg + 1, PROT_READ));
	struct ms_fault f;
	cr_assert(ms_probe_write(p + 2 * pg - 1, 1, &f) && f.signo == SIGSEGV,
		  "a store into the page holding the last byte did not fault");
	cr_assert(!ms_probe_write(p + 2 * pg, 1, &f), "a store into the page after the range "
		  "faulted with %s", ms_signame(f.signo));
	ms_range_rounding_by_hole(&ms_range_mprotect);
}

/* Assert the same four values through mprotect of a read-write mapping. POSIX */
CONFORM(mprotect_classes, prot_required_values_accepted, "g12 e1 e2", POSIX)
{
	size_t pg = ms_page();
	char msg[1024] = "";
	for (size_t i = 0; i < sizeof(ms_required_prots) / sizeof(ms_required_prots[0]); i++) {
		unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		/* A refused row still unmaps its page: no `continue` between map and unmap. */
		if (mprotect(p, pg, ms_required_prots[i].prot) != 0)
			ms_append(msg, "mprotect %s failed with %s", ms_required_prots[i].name,
			          ms_errname(errno));
		else
			ms_check_prot(msg, sizeof(msg), "mprotect", ms_required_prots[i].name, p,
				   ms_required_prots[i].prot);
		xmunmap(p, pg);
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that mprotect refuses with EINVAL every prot bit the running kernel does not know
 * (derived: generic bits plus the arm64 ones the CPU reports) and changes nothing. */
CONFORM(mprotect_classes, unknown_prot_bits_derived_einval, "h11 g12", LINUX)
{
	ms_unknown_prot_bits_einval(false);
}

/* Assert that mprotect rejects every prot bit outside PROT_READ|WRITE|EXEC|SEM and the two
 * GROWS flags with EINVAL and leaves the protection unchanged. LINUX (POSIX: EINVAL "may").
 * arm64's PROT_BTI and PROT_MTE are skipped where the CPU has the feature (the kernel then
 * accepts them: QEMU virt -cpu max has BTI). */
CONFORM(mprotect_classes, unknown_prot_bits_einval, "h11", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmap_anon(pg, MAP_PRIVATE);
	static const unsigned long bad[] = { 0x10, 0x20, 0x40, 0x80, 0x100, 0x1000, 0x10000,
					     0x400000, 0x4000000, 0x80000000ul };
	/* every bit is tried and every wrong answer listed: one bit hides no other */
	char wrong[1024] = "";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i] & ms_arch_prot_bits())
			continue;
		errno = 0;
		int r = mprotect(p, pg, PROT_READ | (int)bad[i]);
		size_t used = strlen(wrong);
		if (r != -1 || errno != EINVAL)
			snprintf(wrong + used, sizeof(wrong) - used, "%sPROT_READ|0x%lx gave %d with %s",
				 used ? "; " : "", bad[i], r, ms_errname(errno));
	}
	cr_assert(!wrong[0], "mprotect(%p, ...) expected EINVAL for every unknown bit: %s\n%s",
		  (void *)p, wrong, ms_maps_near(p, pg));
	cr_assert(!ms_probe_write(p, 1, NULL), "a refused mprotect still removed write access\n%s",
		  ms_maps_near(p, pg));
	xmunmap(p, pg);
}

/* Assert that PROT_GROWSDOWN together with PROT_GROWSUP, and either one on a mapping that does
 * not grow that way, give EINVAL. LINUX. */
#define GROWS_FLAGS_ROWS(ROW, t)                                                            \
	ROW(t, both, mprotect(p + pg, pg, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP),       \
		 EINVAL,                                                                    \
	    "mprotect(2) EINVAL: both PROT_GROWSUP and PROT_GROWSDOWN")                     \
	ROW(t, growsdown, mprotect(p + pg, pg, PROT_READ | PROT_GROWSDOWN), EINVAL,         \
	    "mprotect(2) EINVAL: PROT_GROWSDOWN on a mapping that does not grow down")      \
	ROW(t, growsup, mprotect(p + pg, pg, PROT_READ | PROT_GROWSUP), EINVAL,             \
	    "mprotect(2) EINVAL: PROT_GROWSUP on a mapping that does not grow up")
#define GROWS_FLAGS_SETUP(row)                                                              \
	size_t pg = ms_page();                                                              \
	unsigned char *p = xmap_anon(2 * pg, MAP_PRIVATE);
#define GROWS_FLAGS_TEARDOWN(row)                                                           \
	xmunmap(p, 2 * pg);
CONFORM_ERRNO_ROWS(GROWS_FLAGS_ROWS, mprotect_classes, grows_flags_on_plain_mapping_einval,
		   "h11", LINUX, GROWS_FLAGS_SETUP, GROWS_FLAGS_TEARDOWN)

/* Assert that PROT_GROWSDOWN on a MAP_GROWSDOWN mapping succeeds and extends the change down
 * to the start of the mapping: pages below the range become read-only too, the page above it
 * stays writable. LINUX (mprotect(2): "extend the change to the start of the mapping"). */
CONFORM(mprotect_classes, growsdown_extends_change_to_vma_start, "h11", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	ms_assert_ok(mprotect(p + 2 * pg, pg, PROT_READ | PROT_GROWSDOWN));
	struct ms_fault f;
	for (size_t i = 0; i < 3; i++) {
		ms_probe_write(p + i * pg, 1, &f);
		cr_assert(f.faulted && f.code == SEGV_ACCERR && f.addr == p + i * pg,
			  "page %zu (below the PROT_GROWSDOWN range) is still writable or faults "
			  "wrongly (%s %s)\n%s", i, ms_signame(f.signo),
			  ms_sicode_name(f.signo, f.code), ms_maps_near(p, 4 * pg));
	}
	cr_assert(!ms_probe_write(p + 3 * pg, 1, &f),
		  "the page above the range lost write access\n%s", ms_maps_near(p, 4 * pg));
	xmunmap(p, 4 * pg);
}

/* Assert the map-count limit of splits: at vm.max_map_count an mprotect or mlock that would
 * split a mapping fails ENOMEM. */
CONFORM(mprotect_classes, split_past_map_count_enomem, "g4 g12 h14", LINUX)
{
	long max = ms_map_count_limit();
	pid_t pid = xfork();
	if (pid == 0) {
		size_t pg = ms_page(), pages;
		char *base = ms_split_to_map_count_limit(max, &pages);
		child_check(errno == ENOMEM, "the split at the limit: %s", ms_errname(errno));
		/* one more split of the untouched tail, by mlock this time */
		char *tail = base + (pages - 3) * pg;
		errno = 0;
		int r = mlock(tail + pg, pg);
		child_check(r == -1 && errno == ENOMEM, "mlock splitting at the limit: %d (%s), "
			    "expected ENOMEM", r, ms_errname(errno));
		_exit(0);
	}
	xwait_ok(pid);
}
