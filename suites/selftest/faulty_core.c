/* Arming, the caller check and libc's real functions, shared by every faulty library. */
#include "faulty.h"

#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct faulty_libc real;
static volatile int resolved;

static volatile int armed;
static uintptr_t main_lo, main_hi; /* the main program's loaded segments */
static size_t page_size;

void mmapsuite_faulty_arm(void)
{
	armed = 1;
}

bool faulty_active_for(const void *caller)
{
	uintptr_t at = (uintptr_t)caller;
	return armed && at >= main_lo && at < main_hi;
}

size_t faulty_page(void)
{
	faulty_libc();
	return page_size;
}

/* The first object dl_iterate_phdr reports is the main program. */
static int find_main_program(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size, (void)data;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		if (start < lo)
			lo = start;
		if (start + ph->p_memsz > hi)
			hi = start + ph->p_memsz;
	}
	main_lo = lo;
	main_hi = hi;
	return 1;
}

void *faulty_next(const char *name)
{
	void *sym = dlsym(RTLD_NEXT, name);
	if (!sym) {
		/* Without libc's own function every call would recurse into ourselves. */
		fprintf(stderr, "faulty mmap library: libc has no %s: %s\n", name, dlerror());
		abort();
	}
	return sym;
}

/* Idempotent: two threads racing here store the same values. */
static void resolve(void)
{
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	dl_iterate_phdr(find_main_program, NULL);
	*(void **)&real.mmap = faulty_next("mmap");
	*(void **)&real.munmap = faulty_next("munmap");
	*(void **)&real.mprotect = faulty_next("mprotect");
	*(void **)&real.msync = faulty_next("msync");
	*(void **)&real.mremap = faulty_next("mremap");
	*(void **)&real.madvise = faulty_next("madvise");
	*(void **)&real.mincore = faulty_next("mincore");
	*(void **)&real.mlock = faulty_next("mlock");
	*(void **)&real.mlock2 = faulty_next("mlock2");
	*(void **)&real.munlock = faulty_next("munlock");
	*(void **)&real.mlockall = faulty_next("mlockall");
	*(void **)&real.sigaction = faulty_next("sigaction");
	*(void **)&real.fork = faulty_next("fork");
	resolved = 1;
}

const struct faulty_libc *faulty_libc(void)
{
	if (!resolved)
		resolve();
	return &real;
}

__attribute__((constructor)) static void faulty_init(void)
{
	faulty_libc();
}
