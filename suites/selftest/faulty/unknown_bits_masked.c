/* unknown_bits_masked: bits the call does not know are silently dropped instead of refused:
 * mprotect keeps only READ/WRITE/EXEC, msync only ASYNC/SYNC/INVALIDATE, mlock2 only
 * MLOCK_ONFAULT, mlockall only CURRENT/FUTURE/ONFAULT, mremap only MAYMOVE/FIXED/DONTUNMAP.
 * Breaks the "unknown bit" rows (P-mprotect-E06, L-mprot-E05, P-msync-E03, L-mlock-E03,
 * P-mlockall-E02, L-mremap-E04). */
#include "../faulty.h"

#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

int mprotect(void *addr, size_t len, int prot)
{
	if (FAULTY_ACTIVE())
		prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	return libc_real.mprotect(addr, len, prot);
}

int msync(void *addr, size_t len, int flags)
{
	if (FAULTY_ACTIVE())
		flags &= MS_ASYNC | MS_SYNC | MS_INVALIDATE;
	return libc_real.msync(addr, len, flags);
}

int mlock2(const void *addr, size_t len, unsigned int flags)
{
	if (FAULTY_ACTIVE())
		flags &= 1; /* MLOCK_ONFAULT */
	return libc_real.mlock2(addr, len, flags);
}

int mlockall(int flags)
{
	if (FAULTY_ACTIVE() && (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)))
		flags &= MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT;
	return libc_real.mlockall(flags);
}

void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	FAULTY_MREMAP_NEW_ADDRESS(flags, new_address);
	if (FAULTY_ACTIVE())
		flags &= MREMAP_MAYMOVE | MREMAP_FIXED | 4 /* MREMAP_DONTUNMAP */;
	return libc_real.mremap(old, old_size, new_size, flags, new_address);
}
