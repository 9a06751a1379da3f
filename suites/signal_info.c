/* (e) The siginfo of a memory fault, exact: si_code tells a protection fault from an unmapped
 * page on one byte, and si_addr is the byte touched, past a file's end too. Which access raises
 * which signal is with the call that sets it up: PROT_* and NX in mprotect.c (mprotect_signals),
 * unmapped pages in munmap.c (munmap_signals); the Linux-specific protections on top of PROT_*
 * have files of their own: MDWE (prctl_mdwe.c), protection keys (pkey_mprotect.c), guard
 * regions (madvise_guard.c), MAP_GROWSDOWN (mmap_growsdown.c), hwpoison (madvise_hwpoison.c)
 * and mseal (mseal.c). */
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
