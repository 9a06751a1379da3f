/* (e) Guard regions, MADV_GUARD_INSTALL/REMOVE: pages that fault SEGV_MAPERR without a VMA of
 * their own, on anonymous and file memory, across fork and mremap. */
#include "mm_util.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Newer than Debian 12's kernel headers (6.1); the values are uapi and never change. */
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103
#endif

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
	int fd;
	unsigned char *p = ms_map_shared_file(len, NULL, &fd);
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
