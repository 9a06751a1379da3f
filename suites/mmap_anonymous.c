/* (a) Anonymous mappings: zero fill, sharing and copy-on-write across fork, placement and
 * exhaustion. The rest of group a has files named for its suites: mmap_dev_zero.c,
 * proc_maps.c, vma_merge.c, mmap_droppable.c; the advice anonymous memory takes
 * (MADV_DONTNEED/FREE/WIPEONFORK/DONTFORK) is in madvise.c. None of these depend on the file
 * system under test; they run on each one anyway because the harness runs every suite per
 * file system. */
#include "mm_util.h"
#include "place.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const size_t npages = 16;

/* ---- helpers local to this file ---- */

/* A side's turn in the exchange below stores and checks len bytes: the other side waits 5 s
 * per 2 MiB of them (at least 5 s), not a fixed 5 s, so that a 32 MiB THP (16 KiB pages) under
 * an emulated CPU is given the time its size needs. */
static unsigned turn_limit_s(size_t len)
{
	return 5 * (unsigned)(1 + len / ((size_t)2 << 20));
}

static bool await_turn(bool (*hear)(const struct ms_handshake *), const struct ms_handshake *h,
		       size_t len)
{
	for (unsigned waited = 0; waited < turn_limit_s(len); waited += 5)
		if (hear(h))
			return true;
	return false;
}

/* The copy-on-write exchange every a3 variant runs on a private mapping [p, p + len) already
 * filled with tag 'A': after fork the child stores 'C' into the second half, the parent
 * checks it still sees 'A' there and stores 'B' into the first half, and the child checks it
 * still sees 'A' in the first half and its own 'C' in the second. */
static void check_cow_across_fork(unsigned char *p, size_t len)
{
	size_t half = len / 2;
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		ms_fill_tagged(p + half, len - half, 'C');
		ms_tell_parent(&h);
		child_check(await_turn(ms_hear_parent, &h, len),
			    "no word from the parent within %u s", turn_limit_s(len));
		size_t bad = ms_first_mismatch_tagged(p, half, 'A');
		child_check(bad == half, "the child sees the parent's post-fork store at byte %zu "
			    "(0x%02x, expected 0x%02x): private pages are not copied on write",
			    bad, p[bad], ms_tagged(bad, 'A'));
		bad = ms_first_mismatch_tagged(p + half, len - half, 'C');
		child_check(bad == len - half, "the child lost its own store at byte %zu",
			    half + bad);
		_exit(0);
	}
	cr_assert(await_turn(ms_hear_child, &h, len), "no word from the child within %u s",
		  turn_limit_s(len));
	size_t bad = ms_first_mismatch_tagged(p + half, len - half, 'A');
	if (bad != len - half) {
		ms_tell_child(&h);
		xwait(h.pid);
		cr_assert_fail("the parent sees the child's store at byte %zu (0x%02x, expected "
			       "0x%02x): private pages are not copied on write\n%s", half + bad,
			       p[half + bad], ms_tagged(half + bad, 'A'), ms_maps_near(p, len));
	}
	ms_fill_tagged(p, half, 'B');
	ms_tell_child(&h);
	xwait_ok(h.pid);
	bad = ms_first_mismatch_tagged(p, half, 'B');
	cr_assert(bad == half, "the parent lost its own store at byte %zu", bad);
	ms_handshake_close(&h);
}

/* ---- a1: zero fill ---- */

/* Assert that fresh private anonymous memory reads as zero and keeps what is stored. */
CONFORM(mmap_anonymous, private_reads_zero_and_is_writable, "a1", POSIX)
{
	size_t len = npages * ms_page();
	unsigned char *p = xmap_anon(len, MAP_PRIVATE);
	ms_assert_zero(p, 0, len, "fresh anonymous mapping");
	memset(p, 0xa5, len);
	for (size_t i = 0; i < len; i += 509)
		cr_assert(p[i] == 0xa5, "byte %zu lost the value stored", i);
	xmunmap(p, len);
}

/* Assert that fresh MAP_SHARED|MAP_ANONYMOUS memory reads as zero and keeps what is stored. */
CONFORM(mmap_anonymous, shared_reads_zero_and_is_writable, "a1", POSIX)
{
	size_t len = npages * ms_page();
	unsigned char *p = xmap_anon(len, MAP_SHARED);
	ms_assert_zero(p, 0, len, "fresh shared anonymous mapping");
	ms_fill_tagged(p, len, 'S');
	size_t bad = ms_first_mismatch_tagged(p, len, 'S');
	cr_assert(bad == len, "byte %zu lost the value stored", bad);
	xmunmap(p, len);
}

/* ---- a2: MAP_SHARED|MAP_ANONYMOUS is shared with children ---- */

/* Assert that a child's stores to MAP_SHARED|MAP_ANONYMOUS memory are seen by the parent. */
CONFORM(mmap_anonymous, shared_stores_seen_across_fork, "a2", POSIX)
{
	size_t len = npages * ms_page();
	unsigned char *p = xmap_anon(len, MAP_SHARED);
	pid_t pid = xfork();
	if (pid == 0) {
		for (size_t i = 0; i < len; i++)
			p[i] = (unsigned char)(i ^ 0x5a);
		_exit(0);
	}
	xwait_ok(pid);
	for (size_t i = 0; i < len; i++)
		cr_assert(p[i] == (unsigned char)(i ^ 0x5a),
			  "byte %zu: the parent sees 0x%02x, the child stored 0x%02x", i, p[i],
			  (unsigned char)(i ^ 0x5a));
	xmunmap(p, len);
}

/* Assert that stores the parent makes to shared anonymous memory after fork reach a running
 * child, and the child's later stores reach the parent (both directions, live). */
CONFORM(mmap_anonymous, shared_stores_seen_both_ways_while_running, "a2", POSIX)
{
	size_t len = npages * ms_page();
	unsigned char *p = xmap_anon(len, MAP_SHARED);
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		child_check(ms_hear_parent(&h), "no word from the parent in time");
		size_t bad = ms_first_mismatch_tagged(p, len, 'P');
		child_check(bad == len, "the child does not see the parent's post-fork store at "
			    "byte %zu (0x%02x, expected 0x%02x)", bad, p[bad], ms_tagged(bad, 'P'));
		ms_fill_tagged(p, len, 'K');
		ms_tell_parent(&h);
		_exit(0);
	}
	ms_fill_tagged(p, len, 'P');
	ms_tell_child(&h);
	cr_assert(ms_hear_child(&h), "no word from the child in time");
	size_t bad = ms_first_mismatch_tagged(p, len, 'K');
	cr_assert(bad == len, "the parent does not see the child's store at byte %zu (0x%02x, "
		  "expected 0x%02x)\n%s", bad, p[bad], ms_tagged(bad, 'K'), ms_maps_near(p, len));
	xwait_ok(h.pid);
	xmunmap(p, len);
}

/* ---- a3: copy-on-write after fork ---- */

/* Assert that private anonymous base pages are copied on write after fork: neither side sees
 * the other's stores. */
CONFORM(mmap_anonymous_cow, base_pages_private_after_fork, "a3", POSIX)
{
	size_t len = npages * ms_page();
	unsigned char *p = xmap_anon(len, MAP_PRIVATE);
	ms_fill_tagged(p, len, 'A');
	check_cow_across_fork(p, len);
	xmunmap(p, len);
}

/* Assert that a private anonymous transparent huge page is copied on write after fork (Linux
 * splits or copies the PMD on the first write); skipped when no THP can be allocated. */
CONFORM(mmap_anonymous_cow, thp_private_after_fork, "a3", LINUX)
{
	ms_require_behaviour(MS_THP);
	const size_t huge = ms_thp_pmd_size();
	unsigned char *p = xmmap_aligned(huge, huge, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (madvise(p, huge, MADV_HUGEPAGE) != 0)
		cr_skip_test("madvise(MADV_HUGEPAGE): %s (no transparent huge pages)",
			     ms_errname(errno));
	ms_fill_tagged(p, huge, 'A');
	long thp_kb = ms_smaps_kb(p, "AnonHugePages");
	if (thp_kb < (long)(huge >> 10))
		cr_skip_test("no THP was allocated for a PMD-aligned MADV_HUGEPAGE region "
			     "(AnonHugePages %ld kB; see /sys/kernel/mm/transparent_hugepage)",
			     thp_kb);
	check_cow_across_fork(p, huge);
	xmunmap(p, huge);
}

/* Assert that a private anonymous page that was swapped out before fork is copied on write
 * like a resident one; skipped without swap. */
CONFORM(mmap_anonymous_cow, swapped_page_private_after_fork, "a3", LINUX)
{
	size_t len = npages * ms_page();
	long swap_kb = ms_meminfo_kb("SwapTotal");
	if (swap_kb <= 0)
		cr_skip_test("no swap configured (SwapTotal %ld kB): cannot swap a page out",
			     swap_kb);
	ms_stay_on_this_cpu();
	unsigned char *p = xmap_anon(len, MAP_PRIVATE);
	ms_fill_tagged(p, len, 'A');
	if (madvise(p, len, MADV_PAGEOUT) != 0)
		cr_skip_test("madvise(MADV_PAGEOUT): %s", ms_errname(errno));
	if (ms_smaps_kb(p, "Swap") <= 0)
		cr_skip_test("MADV_PAGEOUT did not swap the pages out (Swap 0 kB in smaps)");
	check_cow_across_fork(p, len);
	xmunmap(p, len);
}

/* Assert that a page the child pins with vmsplice() keeps the child's snapshot when the
 * parent writes after the child unmapped it (the CVE-2020-29374 case from kselftest cow.c:
 * a pin must never leak the parent's later stores). */
CONFORM(mmap_anonymous_cow, vmsplice_pin_in_child_keeps_snapshot, "a3", LINUX)
{
	size_t len = ms_page();
	unsigned char *p = xmap_anon(len, MAP_PRIVATE);
	ms_fill_tagged(p, len, 'A');
	int data[2];
	xpipe(data);
	struct ms_handshake h;
	if (ms_fork_handshake(&h) == 0) {
		struct iovec iov = { .iov_base = p, .iov_len = len };
		child_check(vmsplice(data[1], &iov, 1, 0) == (ssize_t)len, "vmsplice: %s",
			    ms_errname(errno));
		child_check(munmap(p, len) == 0, "munmap: %s", ms_errname(errno));
		ms_tell_parent(&h);
		child_check(ms_hear_parent(&h), "no word from the parent in time");
		_exit(0);
	}
	cr_assert(ms_hear_child(&h), "no word from the child in time");
	ms_fill_tagged(p, len, 'B');
	ms_tell_child(&h);
	xwait_ok(h.pid);
	unsigned char *got = malloc(len);
	size_t have = 0;
	while (have < len) {
		ssize_t r = read(data[0], got + have, len - have);
		if (r <= 0)
			ms_broken("read(pipe): %s", r == 0 ? "end of file" : ms_errname(errno));
		have += (size_t)r;
	}
	size_t bad = ms_first_mismatch_tagged(got, len, 'A');
	cr_assert(bad == len, "the page the child spliced shows the parent's later store at byte "
		  "%zu (0x%02x, expected 0x%02x): the pin follows the parent's page",
		  bad, got[bad], ms_tagged(bad, 'A'));
	free(got);
	xmunmap(p, len);
}

/* ---- a4: placement ---- */

struct range {
	unsigned long start, end;
};

struct snapshot {
	struct range *ranges;
	size_t n, max;
};

static bool add_range(const struct ms_vma *vma, void *arg)
{
	struct snapshot *s = arg;
	s->ranges[s->n++] = (struct range){ vma->start, vma->end };
	return s->n < s->max;
}

/* The VMAs of this process now, into ranges (at most max); returns how many. */
static size_t snapshot_maps(struct range *ranges, size_t max)
{
	struct snapshot s = { ranges, 0, max };
	if (!ms_vma_walk(add_range, &s))
		ms_broken("fopen(/proc/self/maps): %s", ms_errname(errno));
	return s.n;
}

/* Assert that kernel-chosen addresses are never 0 nor MAP_FAILED, page aligned, and never
 * overlap a mapping that existed before or another one returned, for 48 mappings of mixed
 * sizes, hinted and unhinted (a hint inside an existing mapping is only a hint). */
CONFORM(mmap_anonymous, kernel_chosen_address_is_free, "a4", POSIX)
{
	struct range before[512];
	size_t nbefore = snapshot_maps(before, 512);
	if (nbefore >= 512)
		ms_broken("more than 512 mappings before the test");
	enum { count = 48 };
	unsigned char *got[count];
	size_t lens[count];
	for (int i = 0; i < count; i++) {
		lens[i] = ms_page() * (size_t)(1 + (i * 37) % 23);
		/* every third call hints at an address that is already taken */
		/* cppcheck-suppress uninitvar ; got[i - 1] is read only once set */
		void *hint = i % 3 == 2 ? got[i - 1] : NULL;
		errno = 0;
		got[i] = mmap(hint, lens[i], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
		cr_assert(got[i] != MAP_FAILED, "mmap %d (len %zu, hint %p): MAP_FAILED with %s", i,
			  lens[i], hint, ms_errname(errno));
		cr_assert(got[i] != NULL, "mmap %d returned address 0", i);
		cr_assert(((uintptr_t)got[i] & (ms_page() - 1)) == 0,
			  "mmap %d returned %p, not page aligned", i, (void *)got[i]);
		unsigned long s = (unsigned long)got[i], e = s + lens[i];
		for (size_t k = 0; k < nbefore; k++)
			cr_assert(e <= before[k].start || s >= before[k].end,
				  "mmap %d (hint %p) returned [%#lx, %#lx), overlapping the "
				  "earlier mapping [%#lx, %#lx)\n%s", i, hint, s, e,
				  before[k].start, before[k].end, ms_maps_near(got[i], lens[i]));
		for (int k = 0; k < i; k++) {
			unsigned long ks = (unsigned long)got[k], ke = ks + lens[k];
			cr_assert(e <= ks || s >= ke, "mmap %d returned [%#lx, %#lx), overlapping "
				  "mmap %d's [%#lx, %#lx)", i, s, e, k, ks, ke);
		}
		memset(got[i], i + 1, lens[i]);
	}
	/* every mapping still holds its own bytes: nothing was placed over another */
	for (int i = 0; i < count; i++)
		for (size_t b = 0; b < lens[i]; b += ms_page())
			cr_assert(got[i][b] == (unsigned char)(i + 1), "mapping %d at %p lost its "
				  "contents at +%zu", i, (void *)got[i], b);
}

/* ---- a5: exhaustion ---- */

/* One of the 1024 reservations that must exhaust the address space a mapping without a hint can
 * get: 1 TiB where that is the low 128 or 256 TiB (x86-64, arm64 and ppc64 keep such mappings
 * below their default map window); 16 PiB on s390x, where it is the whole 64-bit space less one
 * page (TASK_SIZE_MAX is -PAGE_SIZE; the page tables grow to five levels on demand); 16 MiB
 * with a 32-bit word, where it is at most 4 GiB (3 GiB less 16 MiB on arm's 3 GiB split).
 * The messages give it in the unit exhaustion_unit, 1 << exhaustion_shift bytes. */
#if defined(__s390x__)
static const size_t exhaustion_step = (size_t)1 << 54;
#define exhaustion_shift 40
#define exhaustion_unit "TiB"
#elif UINTPTR_MAX == 0xffffffffu
static const size_t exhaustion_step = (size_t)1 << 24;
#define exhaustion_shift 20
#define exhaustion_unit "MiB"
#else
static const size_t exhaustion_step = (size_t)1 << 40;
#define exhaustion_shift 40
#define exhaustion_unit "TiB"
#endif

/* Assert that mapping more address space than the process has fails with ENOMEM (PROT_NONE
 * reservations of exhaustion_step, which cost no memory, until the user space is full). */
CONFORM(mmap_anonymous, address_space_exhaustion_fails_enomem, "a5", POSIX)
{
	pid_t pid = xfork();
	if (pid == 0) {
		/* in a child: the parent's address space stays usable */
		int n;
		for (n = 0; n < 1024; n++) {
			errno = 0;
			void *p = mmap(NULL, exhaustion_step, PROT_NONE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (p == MAP_FAILED)
				break;
		}
		child_check(n < 1024, "1024 PROT_NONE reservations of %zu %s all succeeded",
			    exhaustion_step >> exhaustion_shift, exhaustion_unit);
		child_check(errno == ENOMEM, "reservation %d failed with %s, expected ENOMEM", n,
			    ms_errname(errno));
		child_check(n >= 1, "even the first reservation of %zu %s failed (ENOMEM)",
			    exhaustion_step >> exhaustion_shift, exhaustion_unit);
		_exit(0);
	}
	xwait_ok(pid);
}

struct vma_count {
	long vmas;
	bool vectors_counted; /* ms_place_compat(), read once: it opens /proc/kallsyms */
};

static bool count_real_vma(const struct ms_vma *vma, void *arg)
{
	struct vma_count *c = arg;
	bool gate = strcmp(vma->name, "[vsyscall]") == 0 ||
		    (strcmp(vma->name, "[vectors]") == 0 && !c->vectors_counted);
	c->vmas += !gate;
	return true;
}

/* VMAs of this process: /proc/self/maps lines less the gate areas, which are no VMAs: x86-64's
 * [vsyscall] and 32-bit arm's [vectors] (the kuser helpers' page, get_gate_vma() in
 * arch/arm/kernel/process.c, not counted in map_count). An arm64 kernel gives a 32-bit
 * program its [vectors] as a real special mapping, counted (aarch32_kuser_helpers_setup() in
 * arch/arm64/kernel/vdso.c). */
static long count_vmas(void)
{
	struct vma_count c = { .vmas = 0, .vectors_counted = ms_place_compat() };
	ms_vma_walk(count_real_vma, &c);
	return c.vmas;
}

/* Assert that vm.max_map_count bounds the VMAs of a process: an mprotect that must split a
 * VMA fails with ENOMEM once the process holds exactly vm.max_map_count VMAs, and an mmap that
 * needs a new VMA fails with ENOMEM once it holds more. Linux's mmap tests map_count > max,
 * split tests map_count >= max, so mmap can still create one VMA past the limit (observed on
 * 6.18, and so since at least 2.6); the test pins both edges exactly. */
CONFORM(mmap_anonymous, max_map_count_exhaustion_fails_enomem, "a5", LINUX)
{
	long max = ms_map_count_limit();
	pid_t pid = xfork();
	if (pid == 0) {
		size_t pages = 2 * (size_t)max + 16;
		char *base = mmap(NULL, pages * ms_page(), PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		child_check(base != MAP_FAILED, "reserve %zu pages: %s", pages, ms_errname(errno));
		size_t i;
		int err = 0;
		/* each mprotect of a lone page in the middle of the reservation adds two VMAs */
		for (i = 1; i < pages - 1; i += 2) {
			if (mprotect(base + i * ms_page(), ms_page(), PROT_READ) != 0) {
				err = errno;
				break;
			}
		}
		child_check(i < pages - 1, "%zu splits did not reach vm.max_map_count %ld", i / 2,
			    max);
		child_check(err == ENOMEM, "the split at the limit failed with %s, expected ENOMEM",
			    ms_errname(err));
		/* shared anonymous mappings never merge, so each needs a VMA of its own */
		long vmas_at_split = count_vmas();
		void *extra;
		int extras = 0;
		for (;;) {
			errno = 0;
			extra = mmap(NULL, ms_page(), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
			if (extra == MAP_FAILED || ++extras > 4)
				break;
		}
		err = errno;
		child_check(extra == MAP_FAILED && err == ENOMEM, "mmap at vm.max_map_count: got "
			    "%p with %s, expected MAP_FAILED with ENOMEM", extra, ms_errname(err));
		child_check(vmas_at_split == max, "the split was refused at %ld VMAs, "
			    "vm.max_map_count is %ld", vmas_at_split, max);
		long vmas = count_vmas();
		child_check(vmas == max + 1, "mmap was refused at %ld VMAs, expected %ld "
			    "(vm.max_map_count + 1)", vmas, max + 1);
		_exit(0);
	}
	xwait_ok(pid);
}
