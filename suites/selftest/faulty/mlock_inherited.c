/* mlock_inherited: memory locks survive fork: the child of a process that locked memory (mlock,
 * mlock2, mlockall(MCL_CURRENT)) starts with the same ranges locked, as if VM_LOCKED were
 * copied with the VMAs. */
#include "../faulty.h"

#include <pthread.h>
#include <stdint.h>

#define MAX_LOCKED 64

struct locked {
	const void *addr;
	size_t len;
	unsigned int flags;
};

static struct locked locked[MAX_LOCKED];
static int n_locked;
static int locked_all; /* mlockall flags in force, 0 when none */
static pthread_mutex_t locked_lock = PTHREAD_MUTEX_INITIALIZER;

static void remember(const void *addr, size_t len, unsigned int flags)
{
	pthread_mutex_lock(&locked_lock);
	if (n_locked < MAX_LOCKED)
		locked[n_locked++] = (struct locked){ addr, len, flags };
	pthread_mutex_unlock(&locked_lock);
}

int mlock(const void *addr, size_t len)
{
	int r = libc_real.mlock(addr, len);
	if (r == 0 && FAULTY_ACTIVE())
		remember(addr, len, 0);
	return r;
}

int mlock2(const void *addr, size_t len, unsigned int flags)
{
	int r = libc_real.mlock2(addr, len, flags);
	if (r == 0 && FAULTY_ACTIVE())
		remember(addr, len, flags);
	return r;
}

int mlockall(int flags)
{
	int r = libc_real.mlockall(flags);
	if (r == 0 && FAULTY_ACTIVE() && (flags & MCL_CURRENT))
		locked_all = flags & (MCL_CURRENT | MCL_ONFAULT);
	return r;
}

/* An unlock of any part forgets the whole locked range: close enough for one test. */
int munlock(const void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr, end = start + len;
	pthread_mutex_lock(&locked_lock);
	for (int i = 0; i < n_locked; i++) {
		uintptr_t s = (uintptr_t)locked[i].addr, e = s + locked[i].len;
		if (s < end && e > start)
			locked[i--] = locked[--n_locked];
	}
	pthread_mutex_unlock(&locked_lock);
	return libc_real.munlock(addr, len);
}

int munlockall(void)
{
	locked_all = 0;
	pthread_mutex_lock(&locked_lock);
	n_locked = 0;
	pthread_mutex_unlock(&locked_lock);
	return ((int (*)(void))faulty_next("munlockall"))();
}

pid_t fork(void)
{
	bool active = FAULTY_ACTIVE();
	pid_t pid = libc_real.fork();
	if (pid != 0 || !active)
		return pid;
	/* The child: lock what the parent had locked. Failures (RLIMIT_MEMLOCK) leave it
	 * unlocked, which is the correct behaviour anyway. */
	for (int i = 0; i < n_locked; i++)
		libc_real.mlock2(locked[i].addr, locked[i].len, locked[i].flags);
	if (locked_all)
		libc_real.mlockall(locked_all);
	return pid;
}
