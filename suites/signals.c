/* (e) Protection and signals: which access raises which signal, with the exact siginfo
 * (si_signo, si_code, si_addr = the faulting byte). The Linux-specific protections on top of
 * PROT_* have files of their own: NX (mprotect.c), MDWE (prctl_mdwe.c), protection keys
 * (pkey_mprotect.c), guard regions (madvise_guard.c), MAP_GROWSDOWN (mmap_growsdown.c),
 * hwpoison (madvise_hwpoison.c) and mseal (mseal.c). */
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
