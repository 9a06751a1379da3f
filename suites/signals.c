/* (e) Protection and signals: which access raises which signal, with the exact siginfo
 * (si_signo, si_code, si_addr = the faulting byte), and the Linux-specific protections on top of
 * PROT_*: NX, MDWE, protection keys, guard regions, MAP_GROWSDOWN, hwpoison and mseal. */
#include "mm_util.h"

#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Newer than Debian 12's kernel headers (6.1); the values are uapi and never change. */
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#define PR_GET_MDWE 66
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN (1UL << 0)
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103
#endif

/* ---- e1 e2 e3 e4: PROT_* and munmap ---- */

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

/* Assert that after munmap of a whole mapping a load raises SIGSEGV SEGV_MAPERR at the byte
 * (POSIX: references to unmapped pages raise SIGSEGV; the code is Linux's). */
CONFORM_PER_BACKING(MS_BACKINGS_ANON_PRIVATE_AND_FILE,
                    munmap_signals, whole_unmap_then_access_segv_maperr, "e3 e4", POSIX)
{
	size_t len = 4 * ms_page();
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, NULL);
	memset(p, 0x11, len);
	xmunmap(p, len);
	struct ms_fault f;
	ms_probe_read(p + 3 * ms_page() + 9, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, p + 3 * ms_page() + 9,
		        "load after munmap", p, len);
	ms_probe_write(p, 1, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, p, "store after munmap", p, len);
}

/* Assert that after munmap of the middle page of three only that page faults (SIGSEGV
 * SEGV_MAPERR at the byte) and both neighbours keep their data. */
CONFORM_PER_BACKING(MS_BACKINGS_ANON_PRIVATE_AND_FILE,
                    munmap_signals, partial_unmap_hole_segv_neighbours_intact, "e3 e4", POSIX)
{
	size_t pg = ms_page(), len = 3 * pg;
	unsigned char *p = ms_map_backing(b, len, len, PROT_READ | PROT_WRITE, NULL);
	p[0] = 0xa1;
	p[2 * pg] = 0xa3;
	xmunmap(p + pg, pg);
	struct ms_fault f;
	ms_probe_write(p + pg + pg / 2, 7, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, p + pg + pg / 2, "store into the hole", p,
		        len);
	cr_assert(p[0] == 0xa1 && p[2 * pg] == 0xa3,
		  "%s: neighbours of the hole read 0x%02x 0x%02x, stored 0xa1 0xa3\n%s",
		  ms_backing_name[b], p[0], p[2 * pg], ms_maps_near(p, len));
	xmunmap(p, pg);
	xmunmap(p + 2 * pg, pg);
}

/* Assert that the distinction is exact on one address: the same byte gives SEGV_ACCERR while
 * mapped PROT_NONE and SEGV_MAPERR once unmapped, and si_addr is that byte (not the page). */
CONFORM(signal_info, accerr_then_maperr_same_byte, "e4", LINUX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *byte = p + pg - 3;
	struct ms_fault f;
	ms_probe_read(byte, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_ACCERR, byte, "load from mapped PROT_NONE", p, pg);
	xmunmap(p, pg);
	ms_probe_read(byte, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, byte, "load from the same byte unmapped", p, pg);
}

/* Assert that a load from a whole page past the end of a mapped file raises SIGBUS BUS_ADRERR
 * with si_addr the byte touched, while the partial last page still reads (POSIX: SIGBUS). */
CONFORM(signal_info, beyond_eof_sigbus_adrerr_exact_byte, "e4", POSIX)
{
	size_t pg = ms_page();
	int fd = ms_file(pg + 100, NULL);
	unsigned char *p = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	struct ms_fault f;
	cr_assert(!ms_probe_read(p + pg + 200, &f),
		  "load inside the partial last page (past EOF, same page) faulted: %s %s\n%s",
		  ms_signame(f.signo), ms_sicode_name(f.signo, f.code), ms_maps_near(p, 3 * pg));
	unsigned char *target = p + 2 * pg + 0x3c;
	ms_probe_read(target, &f);
	ms_assert_fault(&f, SIGBUS, BUS_ADRERR, target, "load a page past EOF", p, 3 * pg);
	ms_probe_write(target + 1, 9, &f);
	ms_assert_fault(&f, SIGBUS, BUS_ADRERR, target + 1, "store a page past EOF", p, 3 * pg);
	xmunmap(p, 3 * pg);
	xclose(fd);
}

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

/* ---- e6: memory-deny-write-execute ---- */

/* Runs in a child, since MDWE can never be cleared: every W+X request must give EACCES. */
static void mdwe_child(void)
{
	size_t pg = ms_page();
	child_check(prctl(PR_GET_MDWE, 0, 0, 0, 0) == (int)PR_MDWE_REFUSE_EXEC_GAIN,
		    "PR_GET_MDWE after setting it returned %d", prctl(PR_GET_MDWE, 0, 0, 0, 0));
	errno = 0;
	void *wx = mmap(NULL, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	child_check(wx == MAP_FAILED && errno == EACCES,
		    "mmap(PROT_WRITE|PROT_EXEC) under MDWE: expected EACCES, got %p with %s", wx,
		    ms_errname(errno));
	unsigned char *rw = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	child_check(rw != MAP_FAILED, "mmap(RW): %s", ms_errname(errno));
	errno = 0;
	int r = mprotect(rw, pg, PROT_READ | PROT_EXEC);
	child_check(r == -1 && errno == EACCES,
		    "mprotect(RW -> R|X) under MDWE: expected EACCES, got %d with %s", r,
		    ms_errname(errno));
	unsigned char *rx = mmap(NULL, pg, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	child_check(rx != MAP_FAILED, "mmap(PROT_READ|PROT_EXEC) under MDWE refused: %s",
		    ms_errname(errno));
	errno = 0;
	r = mprotect(rx, pg, PROT_READ | PROT_WRITE | PROT_EXEC);
	child_check(r == -1 && errno == EACCES,
		    "mprotect(R|X -> R|W|X) under MDWE: expected EACCES, got %d with %s", r,
		    ms_errname(errno));
	errno = 0;
	r = prctl(PR_SET_MDWE, 0, 0, 0, 0);
	child_check(r == -1 && errno == EPERM,
		    "clearing MDWE: expected EPERM, got %d with %s", r, ms_errname(errno));
	_exit(0);
}

/* Assert that PR_SET_MDWE(PR_MDWE_REFUSE_EXEC_GAIN) refuses W+X maps and adding PROT_EXEC with
 * EACCES, still allows plain R|X, and cannot be undone (EPERM). LINUX (prctl, 6.3+). */
CONFORM(prctl_mdwe, refuses_write_exec_and_exec_gain, "e6", LINUX)
{
	if (prctl(PR_GET_MDWE, 0, 0, 0, 0) == -1 && errno == EINVAL)
		cr_skip_test("prctl(PR_GET_MDWE) gives EINVAL: MDWE needs Linux 6.3 or later");
	pid_t pid = xfork();
	if (pid == 0) {
		child_check(prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) == 0,
			    "prctl(PR_SET_MDWE, REFUSE_EXEC_GAIN): %s", ms_errname(errno));
		mdwe_child();
	}
	xwait_ok(pid);
}

/* ---- e7: protection keys ---- */

/* Assert that a store to a page tagged by pkey_mprotect with a key whose PKRU bits deny writes
 * raises SIGSEGV SEGV_PKUERR at the byte while loads still work, that denying access refuses
 * loads too, and that clearing the rights lets the store through. LINUX (x86 PKU, arm64 POE). */
CONFORM(pkey_mprotect, pkru_denied_write_segv_pkuerr, "e7 e4", LINUX)
{
	ms_require_behaviour(MS_PKU);
	int key = pkey_alloc(0, 0);
	if (key < 0 && (errno == ENOSPC || errno == EINVAL || errno == ENOSYS))
		cr_skip_test("CPU has no PKU (pkey_alloc: %s)", ms_errname(errno));
	xcheck("pkey_alloc", key);
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	p[0] = 0x42;
	xcheck("pkey_mprotect", pkey_mprotect(p, pg, PROT_READ | PROT_WRITE, key));
	struct ms_fault f;

	/* The kernel resets PKRU for a signal handler and the probe's longjmp keeps that value,
	 * so the rights are set again before every probe. */
	xcheck("pkey_set", pkey_set(key, PKEY_DISABLE_WRITE));
	ms_probe_write(p + 0x21, 1, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_PKUERR, p + 0x21, "store with PKEY_DISABLE_WRITE", p, pg);
	xcheck("pkey_set", pkey_set(key, PKEY_DISABLE_WRITE));
	cr_assert(!ms_probe_read(p, &f), "load with PKEY_DISABLE_WRITE faulted: %s %s",
		  ms_signame(f.signo), ms_sicode_name(f.signo, f.code));

	xcheck("pkey_set", pkey_set(key, PKEY_DISABLE_ACCESS));
	ms_probe_read(p + 0x22, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_PKUERR, p + 0x22, "load with PKEY_DISABLE_ACCESS", p, pg);

	xcheck("pkey_set", pkey_set(key, 0));
	cr_assert(!ms_probe_write(p + 0x21, 1, &f), "store with all rights faulted: %s %s",
		  ms_signame(f.signo), ms_sicode_name(f.signo, f.code));
	xmunmap(p, pg);
	pkey_free(key);
}

/* ---- e8: guard regions ---- */

/* Installs guards on pages [first, first + n) of p; SKIPs on kernels without guard regions. */
static void guard_install(unsigned char *p, size_t first, size_t n)
{
	if (madvise(p + first * ms_page(), n * ms_page(), MADV_GUARD_INSTALL) != 0) {
		if (errno == EINVAL)
			ms_require_kernel(6, 13, "MADV_GUARD_INSTALL");
		ms_broken("madvise(MADV_GUARD_INSTALL) at %p: %s", (void *)p, ms_errname(errno));
	}
}

/* Assert that loads and stores to MADV_GUARD_INSTALL pages raise SIGSEGV (Linux reports
 * SEGV_MAPERR: a guard behaves as a hole) at the byte, that neighbours keep their data, and that
 * after MADV_GUARD_REMOVE the pages are accessible again and read as zero (anonymous memory; the
 * guard discarded what was there). LINUX (6.13+). */
CONFORM(madvise_guard, install_segv_remove_restores, "e8 e4", LINUX)
{
	size_t pg = ms_page(), len = 4 * pg;
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	memset(p, 0x77, len);
	guard_install(p, 1, 2);
	struct ms_fault f;
	ms_probe_read(p + pg + 5, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, p + pg + 5, "load from a guard page", p, len);
	ms_probe_write(p + 3 * pg - 1, 1, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, p + 3 * pg - 1, "store to a guard page", p, len);
	cr_assert(p[0] == 0x77 && p[3 * pg] == 0x77,
		  "pages beside the guards changed: 0x%02x 0x%02x", p[0], p[3 * pg]);

	xmadvise(p + pg, 2 * pg, MADV_GUARD_REMOVE);
	cr_assert(!ms_probe_read(p + pg + 5, &f),
		  "load after MADV_GUARD_REMOVE faulted: %s %s at %p\n%s", ms_signame(f.signo),
		  ms_sicode_name(f.signo, f.code), f.addr, ms_maps_near(p, len));
	cr_assert(p[pg + 5] == 0 && p[2 * pg] == 0,
		  "a removed guard page reads 0x%02x, expected the zero page", p[pg + 5]);
	xmunmap(p, len);
}

/* Assert that guards on a MAP_SHARED file mapping on the file system under test also raise
 * SIGSEGV, and that removing them shows the file's data again (the guard never touched the
 * file). LINUX: file-backed guards since 6.15. */
CONFORM(madvise_guard, file_backed_guard_keeps_file_data, "e8", LINUX)
{
	ms_require_kernel(6, 15, "MADV_GUARD_INSTALL on file mappings");
	size_t pg = ms_page(), len = 3 * pg;
	int fd = ms_file(len, NULL);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	guard_install(p, 1, 1);
	struct ms_fault f;
	ms_probe_read(p + pg + 1, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, p + pg + 1, "load from a file guard page", p,
			len);
	xmadvise(p + pg, pg, MADV_GUARD_REMOVE);
	cr_assert(p[pg + 1] == ms_pattern(pg + 1),
		  "after removing the guard byte %zu reads 0x%02x, the file holds 0x%02x", pg + 1,
		  p[pg + 1], ms_pattern(pg + 1));
	xmunmap(p, len);
	xclose(fd);
}

/* Assert that guards are inherited by a fork child and travel with an mremap move. LINUX. */
CONFORM(madvise_guard, survives_fork_and_mremap, "e8", LINUX)
{
	size_t pg = ms_page(), len = 3 * pg;
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	guard_install(p, 1, 1);
	pid_t pid = xfork();
	if (pid == 0) {
		struct ms_fault f;
		ms_probe_read(p + pg, &f);
		child_check(f.faulted && f.signo == SIGSEGV && f.addr == p + pg,
			    "the child's copy of the guard page did not fault (%s %s at %p)",
			    ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr);
		_exit(0);
	}
	xwait_ok(pid);

	/* Move the mapping to a fresh place: the guard must follow, the old place is gone. */
	unsigned char *dst = xmmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	cr_assert(q == dst, "mremap move: %s", ms_errname(errno));
	struct ms_fault f;
	ms_probe_read(q + pg + 2, &f);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, q + pg + 2, "load from the moved guard", q, len);
	cr_assert(!ms_probe_read(q, &f) && !ms_probe_read(q + 2 * pg, &f),
		  "pages around the moved guard fault\n%s", ms_maps_near(q, len));
	xmunmap(q, len);
}

/* ---- e9: MAP_GROWSDOWN ---- */

/* stack_guard_gap in bytes: the stack_guard_gap= boot parameter (pages), else 256 pages. */
static size_t stack_guard_gap(void)
{
	struct ms_setting s;
	unsigned long pages = ms_cmdline_param("stack_guard_gap", &s) ? strtoul(s.value, NULL, 0)
								      : 256;
	return pages * ms_page();
}

/* The start of the VMA containing addr; 0 if none. */
static unsigned long vma_start(const void *addr)
{
	struct ms_vma vma;
	return ms_vma_at(addr, &vma, NULL, 0) ? vma.start : 0;
}

/* A MAP_GROWSDOWN mapping of 4 pages placed gap_pages above one accessible page:
 * [accessible page][gap_pages unmapped][4 pages MAP_GROWSDOWN]. Returns the growsdown start. */
static unsigned char *growsdown_above_neighbour(size_t gap_pages, unsigned char **base)
{
	size_t pg = ms_page(), total = (1 + gap_pages + 4) * pg;
	unsigned char *r = xmmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmmap(r, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	unsigned char *stack = r + (1 + gap_pages) * pg;
	xmmap(stack, 4 * pg, PROT_READ | PROT_WRITE,
	      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
	xmunmap(r + pg, gap_pages * pg);
	*base = r;
	return stack;
}

/* Assert that a store just below a MAP_GROWSDOWN mapping with free space beneath it (more than
 * stack_guard_gap) succeeds and extends the VMA down to that page. LINUX. */
CONFORM(mmap_growsdown, touch_below_grows_vma, "e9", LINUX)
{
	size_t pg = ms_page(), gap_pages = stack_guard_gap() / pg + 8;
	unsigned char *base, *stack = growsdown_above_neighbour(gap_pages, &base);
	unsigned char *below = stack - 3 * pg + 0x10;
	struct ms_fault f;
	cr_assert(!ms_probe_write(below, 0x66, &f),
		  "store 3 pages below a MAP_GROWSDOWN map faulted: %s %s at %p\n%s",
		  ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr,
		  ms_maps_near(below, 4 * pg));
	cr_assert(*below == 0x66, "the grown page reads 0x%02x, stored 0x66", *below);
	cr_assert(vma_start(stack) == (unsigned long)stack - 3 * pg,
		  "the VMA starts at 0x%lx, expected it grown to %p\n%s", vma_start(stack),
		  (void *)(stack - 3 * pg), ms_maps_near(below, 4 * pg));
	xmunmap(base, (1 + gap_pages + 4) * pg);
}

/* Assert that growth is refused (SIGSEGV SEGV_MAPERR at the byte, VMA unchanged) when it would
 * come closer than stack_guard_gap to an accessible mapping below, and allowed at exactly the
 * gap. LINUX (expand_downwards: refused while address - prev_end < stack_guard_gap). */
CONFORM(mmap_growsdown, stack_guard_gap_refuses_growth, "e9 e4", LINUX)
{
	size_t pg = ms_page(), gap = stack_guard_gap();
	if (gap < 2 * pg)
		cr_skip_test("stack_guard_gap is %zu pages: too small to place a refused growth",
			     gap / pg);
	size_t gap_pages = gap / pg + 2;
	unsigned char *base, *stack = growsdown_above_neighbour(gap_pages, &base);
	unsigned char *prev_end = base + pg;

	unsigned char *too_close = prev_end + gap - pg + 8;
	struct ms_fault f;
	ms_probe_write(too_close, 1, &f);
	size_t total = (size_t)(stack + 4 * pg - base);
	ms_assert_fault(&f, SIGSEGV, SEGV_MAPERR, too_close,
		        "growth to one page inside stack_guard_gap", base, total);
	cr_assert(vma_start(stack) == (unsigned long)stack,
		  "the refused growth moved the VMA start to 0x%lx\n%s", vma_start(stack),
		  ms_maps_near(base, total));

	unsigned char *at_gap = prev_end + gap;
	cr_assert(!ms_probe_write(at_gap, 1, &f),
		  "growth to exactly stack_guard_gap (%zu bytes) above the neighbour faulted: %s %s"
		  "\n%s", gap, ms_signame(f.signo), ms_sicode_name(f.signo, f.code),
		  ms_maps_near(base, total));
	xmunmap(base, (1 + gap_pages + 4) * pg);
}

/* ---- e10: hwpoison ---- */

static sigjmp_buf poison_jump;
static siginfo_t poison_info;

static void poison_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	poison_info = *si;
	siglongjmp(poison_jump, 1);
}

/* Child: poison one page and touch it. The kernel may signal at once (early kill) or at the
 * access; either way the first signal must be SIGBUS BUS_MCEERR_AR/AO on that page. */
static void poison_child(void)
{
	size_t pg = ms_page();
	volatile unsigned char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	child_check(p != MAP_FAILED, "mmap: %s", ms_errname(errno));
	p[0] = 1;
	struct sigaction sa = { .sa_sigaction = poison_handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(poison_jump, 1) == 0) {
		child_check(madvise((void *)p, pg, MADV_HWPOISON) == 0,
			    "madvise(MADV_HWPOISON): %s", ms_errname(errno));
		(void)p[0x10];
		child_check(false, "a load from a hwpoisoned page at %p returned", (void *)p);
	}
	unsigned long a = (unsigned long)poison_info.si_addr;
	child_check(poison_info.si_signo == SIGBUS &&
		    (poison_info.si_code == BUS_MCEERR_AR || poison_info.si_code == BUS_MCEERR_AO),
		    "expected SIGBUS BUS_MCEERR_AR, got %s si_code %d",
		    ms_signame(poison_info.si_signo), poison_info.si_code);
	child_check(a >= (unsigned long)p && a < (unsigned long)p + pg,
		    "si_addr %p is outside the poisoned page %p", (void *)a, (void *)p);
	_exit(0);
}

/* Assert that access to a page poisoned with MADV_HWPOISON raises SIGBUS with a machine-check
 * code and an address in that page. LINUX (root, CONFIG_MEMORY_FAILURE). The poisoned page stays
 * out of use until reboot, as with LTP madvise07. */
CONFORM(madvise_hwpoison, poisoned_page_sigbus_mceerr, "e10", LINUX)
{
	ms_require_behaviour(MS_MEMORY_FAILURE);
	ms_require_root();
	size_t pg = ms_page();
	void *probe = xmmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Without CONFIG_MEMORY_FAILURE the advice itself is unknown (EINVAL); with it, poisoning
	 * a PROT_NONE page fails later, in get_user_pages, with another errno. */
	if (madvise(probe, pg, MADV_HWPOISON) == -1 && errno == EINVAL)
		cr_skip_test("madvise(MADV_HWPOISON) gives EINVAL: kernel built without "
			     "CONFIG_MEMORY_FAILURE");
	xmunmap(probe, pg);
	pid_t pid = xfork();
	if (pid == 0)
		poison_child();
	xwait_ok(pid);
}

/* ---- e11: mseal ---- */

/* A 4-page mapping with prot whose two middle pages are sealed; SKIPs without mseal. */
static unsigned char *map_sealed_middle(int prot)
{
	size_t pg = ms_page();
	ms_require_mseal();
	unsigned char *p = xmmap(NULL, 4 * pg, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xcheck("mseal", ms_sys_mseal(p + pg, 2 * pg, 0));
	return p;
}

/* Assert that munmap, mremap (shrink, grow, move), MAP_FIXED over, and mprotect of a sealed
 * range all fail with EPERM and leave the mapping and its data in place. LINUX (6.10+).
 * Each refused call is one row of a table and its own result (a table is a macro listing
 * ROW(row, call, expected, clause); see args_mmap.c). */
#define SEALED_ROWS(ROW, t)                                                                 \
	ROW(t, munmap_inside, munmap(s + pg, pg), EPERM,                                    \
	    "mseal kernel-doc: munmap of a sealed VMA fails with EPERM")                    \
	ROW(t, munmap_around, munmap(p, 4 * pg), EPERM,                                     \
	    "mseal kernel-doc: munmap of a range holding a sealed VMA fails with EPERM")    \
	ROW(t, mremap_shrink, mremap(s, 2 * pg, pg, 0), EPERM,                              \
	    "mseal kernel-doc: mremap (shrink) of a sealed VMA fails with EPERM")           \
	ROW(t, mremap_grow_move, mremap(s, 2 * pg, 4 * pg, MREMAP_MAYMOVE), EPERM,          \
	    "mseal kernel-doc: mremap (grow, move) of a sealed VMA fails with EPERM")       \
	ROW(t, map_fixed_over,                                                              \
	    mmap(s, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), EPERM,  \
	    "mseal kernel-doc: mmap MAP_FIXED over a sealed VMA fails with EPERM")          \
	ROW(t, mprotect, mprotect(s, pg, PROT_READ), EPERM,                                 \
	    "mseal kernel-doc: mprotect of a sealed VMA fails with EPERM")
#define SEALED_SETUP(row)                                                                   \
	size_t pg = ms_page();                                                              \
	unsigned char *p = map_sealed_middle(PROT_READ | PROT_WRITE);                       \
	unsigned char *s = p + pg;                                                          \
	s[0] = 0x3e;
#define SEALED_TEARDOWN(row)                                                                \
	cr_assert(s[0] == 0x3e && !ms_probe_write(s + 1, 1, NULL) &&                        \
		  !ms_probe_write(s + 2 * pg - 1, 1, NULL),                                 \
		  "the sealed pages lost their data or their write access\n%s",             \
		  ms_maps_near(p, 4 * pg));                                                 \
	/* the unsealed neighbours are still free to change */                              \
	ms_assert_ok(munmap(p, pg));                                                        \
	ms_assert_ok(mprotect(p + 3 * pg, pg, PROT_NONE));
CONFORM_ERRNO_ROWS(SEALED_ROWS, mseal, sealed_vma_refuses_unmap_remap_fixed_mprotect, "e11", LINUX,
		   SEALED_SETUP, SEALED_TEARDOWN)

/* Assert that destructive advice (MADV_DONTNEED, MADV_FREE) on a sealed read-only private
 * anonymous range fails with EPERM and keeps the data, while on a sealed writable one Linux
 * allows it (the owner could overwrite the data anyway). LINUX (6.10+). */
CONFORM(mseal, discard_advice_on_read_only_anon_eperm, "e11", LINUX)
{
	size_t pg = ms_page();
	unsigned char *rw = map_sealed_middle(PROT_READ | PROT_WRITE);
	rw[pg] = 0x99;
	ms_assert_ok(madvise(rw + pg, pg, MADV_DONTNEED));
	cr_assert(rw[pg] == 0, "MADV_DONTNEED on sealed writable anonymous memory kept 0x%02x",
		  rw[pg]);

	unsigned char *ro = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro[pg] = 0x5a;
	xmprotect(ro + pg, pg, PROT_READ);
	xcheck("mseal", ms_sys_mseal(ro + pg, pg, 0));
	ms_assert_errno(madvise(ro + pg, pg, MADV_DONTNEED), EPERM);
	ms_assert_errno(madvise(ro + pg, pg, MADV_FREE), EPERM);
	cr_assert(ro[pg] == 0x5a, "the sealed read-only page reads 0x%02x after refused advice",
		  ro[pg]);
	ms_assert_ok(madvise(ro + pg, pg, MADV_WILLNEED));
}
