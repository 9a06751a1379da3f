/* (e) Protection keys: a key whose PKRU bits deny writes makes a store fault SEGV_PKUERR. */
#include "arg_classes.h"

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

/* ---- pkey_mprotect_classes: argument classes (e7, h11) ---- */

/* Assert that pkey_mprotect with pkey -1 answers every class as mprotect(2) does. */
RANGE_TABLE(pkey_mprotect_classes, linux_range_table, "g12 e7", LINUX, ms_range_pkey,
	    0, EINVAL, 0, 0, ENOMEM, ENOMEM, ENOMEM)

/* Assert that pkey_mprotect rounds a partial length up to the page holding the last byte. */
RANGE_ROUNDING(pkey_mprotect_classes, "g12 e7", LINUX, ms_range_pkey)

/* Assert the same of pkey_mprotect with pkey -1. */
CONFORM(pkey_mprotect_classes, unknown_prot_bits_derived_einval, "h11 e7", LINUX)
{
	ms_require_pkey_mprotect();
	ms_unknown_prot_bits_einval(true);
}

/* Assert that pkey_mprotect refuses a key that was never allocated, and one out of range. */
CONFORM(pkey_mprotect_classes, unallocated_pkey_einval, "h11 e7", LINUX)
{
	ms_require_pkey_mprotect();
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	ms_assert_errno(syscall(SYS_pkey_mprotect, p, pg, PROT_READ, 15), EINVAL);
	ms_assert_errno(syscall(SYS_pkey_mprotect, p, pg, PROT_READ, 1024), EINVAL);
	ms_assert_errno(syscall(SYS_pkey_mprotect, p, pg, PROT_READ, -2), EINVAL);
}
