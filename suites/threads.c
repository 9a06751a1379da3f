/* (i) What the other threads of a process can reach once munmap or mprotect has returned in
 * one of them: nothing of an unmapped page, no store through a write-protected one. */
#include "mm_util.h"

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- i6: what other threads can reach once munmap/mprotect returned ---- */

/* A fault probe per thread: SIGSEGV/SIGBUS jump back to the faulting thread's own buffer. */
static _Thread_local sigjmp_buf *thread_jump;
static _Thread_local siginfo_t thread_siginfo;

static void thread_fault_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!thread_jump) {
		signal(sig, SIG_DFL);
		return; /* the access repeats and kills the process with the real signal */
	}
	thread_siginfo = *si;
	siglongjmp(*thread_jump, 1);
}

enum race_op { RACE_READ, RACE_WRITE };

struct race {
	volatile unsigned char *page;
	enum race_op op;
	atomic_int changing;    /* the main thread is about to call munmap/mprotect */
	atomic_int changed;     /* the main thread's munmap/mprotect has returned */
	atomic_long touches;
	bool accessed_after;    /* an access that began after `changed` was seen did not fault */
	bool faulted_before;    /* an access faulted before the change began: the set-up is wrong */
	bool faulted_after;     /* an access faulted once the change had begun */
	siginfo_t info;
	unsigned char last_stored;
};

static void *race_toucher(void *arg)
{
	struct race *r = arg;
	sigjmp_buf jump;
	volatile unsigned char value = 0;
	thread_jump = &jump;
	for (;;) {
		volatile int seen = atomic_load_explicit(&r->changed, memory_order_acquire);
		if (sigsetjmp(jump, 1)) {
			/* a fault may come before the toucher saw `changed`, as long as the main
			 * thread had begun the change */
			r->info = thread_siginfo;
			if (atomic_load(&r->changing))
				r->faulted_after = true;
			else
				r->faulted_before = true;
			break;
		}
		if (r->op == RACE_READ) {
			(void)*r->page;
		} else {
			value = (unsigned char)(value + 1 ? value + 1 : 1);
			*r->page = value;
			r->last_stored = value;
		}
		atomic_fetch_add_explicit(&r->touches, 1, memory_order_relaxed);
		if (seen) {
			r->accessed_after = true;
			break;
		}
	}
	thread_jump = NULL;
	return NULL;
}

static int race_rounds_cpu[2] = { -1, -1 };

/* Picks two CPUs this process may run on, so that the toucher holds a TLB entry on another
 * CPU than the one calling munmap/mprotect; with one CPU the race still runs, unpinned. */
static void race_pick_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return;
	for (int c = 0, n = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			race_rounds_cpu[n++] = c;
	if (race_rounds_cpu[1] < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(race_rounds_cpu[0], &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void race_install_handler(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = thread_fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Asserts that the access after the change faulted with SIGSEGV, si_code code, at the page. */
static void assert_race_fault(const struct race *r, int code, int round)
{
	cr_assert(r->faulted_after && r->info.si_signo == SIGSEGV && r->info.si_code == code &&
		  r->info.si_addr == (void *)r->page,
		  "round %d: got %s %s at %p, expected SIGSEGV %s at %p", round,
		  ms_signame(r->info.si_signo), ms_sicode_name(r->info.si_signo, r->info.si_code),
		  r->info.si_addr, ms_sicode_name(SIGSEGV, code), (void *)r->page);
}

/* Starts a thread touching r->page in a loop, waits until it has touched it 1000 times, runs
 * change() on the page, then tells the thread and joins it (bounded). */
static void race_round(struct race *r, void (*change)(void *page), int round)
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	if (race_rounds_cpu[1] >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(race_rounds_cpu[1], &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	int e = pthread_create(&t, &attr, race_toucher, r);
	pthread_attr_destroy(&attr);
	if (e)
		ms_broken("pthread_create: %s", ms_errname(e));
	/* only a stalled machine takes this long: 5 s on the host, scaled with the place */
	double wait_s = ms_scaled_s(5), end = ms_now_s() + wait_s;
	while (atomic_load_explicit(&r->touches, memory_order_relaxed) < 1000 &&
	       !r->faulted_before) {
		if (ms_now_s() >= end)
			ms_broken("round %d: the toucher thread made %ld accesses in %.0f s", round,
				  atomic_load(&r->touches), wait_s);
	}
	atomic_store(&r->changing, 1);
	change((void *)r->page);
	atomic_store_explicit(&r->changed, 1, memory_order_release);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	long long join_ns = (long long)now.tv_nsec + (long long)(wait_s * 1e9);
	now.tv_sec += (time_t)(join_ns / 1000000000LL);
	now.tv_nsec = (long)(join_ns % 1000000000LL);
	e = pthread_timedjoin_np(t, NULL, &now);
	if (e)
		ms_broken("round %d: the toucher thread did not stop within %.0f s: %s", round,
			  wait_s, ms_errname(e));
	cr_assert(!r->faulted_before, "round %d: the toucher faulted before the change (%s %s "
		  "at %p)", round, ms_signame(r->info.si_signo),
		  ms_sicode_name(r->info.si_signo, r->info.si_code), r->info.si_addr);
}

static void do_munmap(void *page)
{
	xmunmap(page, ms_page());
}

static void do_mprotect_read(void *page)
{
	xmprotect(page, ms_page(), PROT_READ);
}

/* What every race test does first: pick the two CPUs, install the fault handler. */
static void race_prepare(void)
{
	race_pick_cpus();
	race_install_handler();
}

/* A race over a new private anonymous read-write page. */
static struct race race_on_anon_page(enum race_op op)
{
	struct race r = { .op = op };
	r.page = xmap_anon(ms_page(), MAP_PRIVATE);
	return r;
}

enum { race_rounds = 30 };

/* Assert that once munmap() has returned in one thread, a thread on another CPU that was
 * reading the page the whole time faults on its next read, with SIGSEGV SEGV_MAPERR at the
 * page's address (the TLB was shot down before munmap returned); 30 rounds. */
CONFORM(threads_munmap, other_thread_read_faults_maperr, "i6", POSIX)
{
	race_prepare();
	for (int round = 0; round < race_rounds; round++) {
		struct race r = race_on_anon_page(RACE_READ);
		r.page[0] = 1;
		race_round(&r, do_munmap, round);
		cr_assert(!r.accessed_after, "round %d: a read of %p that began after munmap "
			  "returned did not fault (stale TLB entry on CPU %d)", round,
			  (void *)r.page, race_rounds_cpu[1]);
		assert_race_fault(&r, SEGV_MAPERR, round);
	}
}

/* Assert that once mprotect(PROT_READ) has returned, a thread on another CPU that was storing
 * to the page the whole time faults on its next store with SIGSEGV SEGV_ACCERR at the page's
 * address, and the page holds exactly the last store that completed before; 30 rounds. */
CONFORM(threads_mprotect, other_thread_write_faults_accerr, "i6", POSIX)
{
	race_prepare();
	for (int round = 0; round < race_rounds; round++) {
		struct race r = race_on_anon_page(RACE_WRITE);
		race_round(&r, do_mprotect_read, round);
		cr_assert(!r.accessed_after, "round %d: a store to %p that began after mprotect "
			  "returned did not fault (stale writable TLB entry)", round,
			  (void *)r.page);
		assert_race_fault(&r, SEGV_ACCERR, round);
		cr_assert(r.page[0] == r.last_stored, "round %d: the page holds 0x%02x, the last "
			  "completed store was 0x%02x", round, r.page[0], r.last_stored);
		xmunmap((void *)r.page, ms_page());
	}
}

/* Assert that once munmap() of a MAP_SHARED file page has returned, a thread on another CPU
 * that was storing to it faults on its next store (SEGV_MAPERR at the page), and the file
 * holds exactly the last store that completed before: no store through a stale TLB entry
 * reaches the page cache. */
CONFORM(threads_munmap, other_thread_file_store_never_lands, "i6 i1", POSIX)
{
	race_prepare();
	int fd = ms_file(ms_page(), NULL);
	for (int round = 0; round < race_rounds; round++) {
		struct race r = { .op = RACE_WRITE };
		r.page = xmmap(NULL, ms_page(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		race_round(&r, do_munmap, round);
		cr_assert(!r.accessed_after, "%s round %d: a store to %p that began after munmap "
			  "returned did not fault", ms_fs_name(), round, (void *)r.page);
		assert_race_fault(&r, SEGV_MAPERR, round);
		unsigned char in_file;
		xpread(fd, &in_file, 1, 0);
		cr_assert(in_file == r.last_stored, "%s round %d: the file holds 0x%02x, the last "
			  "store completed before munmap was 0x%02x", ms_fs_name(), round, in_file,
			  r.last_stored);
	}
	xclose(fd);
}
