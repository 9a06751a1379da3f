/* The shared core of the "faulty mmap" libraries of `mmapsuite selftest`.
 *
 * Each library is preloaded (LD_PRELOAD) into mmapsuite-conform and breaks one semantic of the
 * mmap family the way a real kernel or libc bug would. It interposes only the functions it
 * breaks; everything else reaches libc untouched. A library stays transparent until the test
 * support code calls mmapsuite_faulty_arm() at the start of a test body, and even then it
 * breaks only calls made from the test program itself (the main executable), never those of
 * Criterion or other libraries, so the harness around the test keeps working and a failure is
 * the test's own verdict. */
#ifndef MMAPSUITE_FAULTY_H
#define MMAPSUITE_FAULTY_H

#include <signal.h>
#include <stdarg.h> /* FAULTY_MREMAP_NEW_ADDRESS */
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/types.h>

/* Called by ms_test_init() (suites/conform.c) in each test's process; inherited by fork.
 * With the interposed functions, the only symbol a faulty library exports. */
void mmapsuite_faulty_arm(void);

#pragma GCC visibility push(hidden)

/* True when the library is armed and caller (a return address) lies in the main program. */
bool faulty_active_for(const void *caller);
/* For use at the top of an interposed function: is this call one to break? */
#define FAULTY_ACTIVE() faulty_active_for(__builtin_return_address(0))

/* libc's own implementations, found with dlsym(RTLD_NEXT) at the first call: the
 * constructors of the program's libraries (Criterion's among them) run before ours and may
 * already call an interposed function. */
struct faulty_libc {
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd, off_t off);
	int (*munmap)(void *addr, size_t len);
	int (*mprotect)(void *addr, size_t len, int prot);
	int (*msync)(void *addr, size_t len, int flags);
	void *(*mremap)(void *old, size_t old_size, size_t new_size, int flags, ...);
	int (*madvise)(void *addr, size_t len, int advice);
	int (*mincore)(void *addr, size_t len, unsigned char *vec);
	int (*mlock)(const void *addr, size_t len);
	int (*mlock2)(const void *addr, size_t len, unsigned int flags);
	int (*munlock)(const void *addr, size_t len);
	int (*mlockall)(int flags);
	int (*sigaction)(int sig, const struct sigaction *act, struct sigaction *old);
	pid_t (*fork)(void);
};
const struct faulty_libc *faulty_libc(void);
#define libc_real (*faulty_libc())
/* Any other function of the libraries after this one (aborts if there is none). */
void *faulty_next(const char *name);

size_t faulty_page(void);

/* Declares new_address, mremap's optional fifth argument: read only for the flags that use
 * it. For the top of an mremap wrapper, whose last named parameter is flags. */
#define FAULTY_MREMAP_NEW_ADDRESS(flags, new_address)                                     \
	void *new_address = NULL;                                                          \
	if ((flags) & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {                                 \
		va_list faulty_ap;                                                         \
		va_start(faulty_ap, flags);                                                \
		new_address = va_arg(faulty_ap, void *);                                   \
		va_end(faulty_ap);                                                         \
	}

/* ---- shared_to_private.c: MAP_SHARED file mappings silently made private ---- */

/* When (if ever) stores to such a mapping are copied to the file. The faults that use the
 * engine define this constant. */
enum faulty_writeback {
	WRITEBACK_NEVER,            /* shared_as_private */
	WRITEBACK_AT_MUNMAP,        /* store_at_munmap_only: msync does not write back */
	WRITEBACK_AT_MSYNC_MUNMAP,  /* noncoherent_shared: a non-coherent cache */
};
extern const enum faulty_writeback faulty_writeback_mode;

#pragma GCC visibility pop

#endif
