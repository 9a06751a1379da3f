/* (a) MAP_DROPPABLE: anonymous memory that reclaim may drop, even dirty, and that a fork
 * child sees wiped (Linux 6.11+). */
#include "mm_util.h"

#include <unistd.h>

static const size_t npages = 16;

/* ---- a11: MAP_DROPPABLE ---- */

/* The flags of a droppable anonymous mapping, or a SKIP when this kernel lacks them. */
static void *map_droppable(size_t len)
{
	ms_require_kernel(6, 11, "MAP_DROPPABLE");
	errno = 0;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_DROPPABLE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		cr_assert_fail("mmap(MAP_DROPPABLE|MAP_ANONYMOUS) on Linux 6.11+: MAP_FAILED with "
			       "%s", ms_errname(errno));
	return p;
}

/* Assert that a MAP_DROPPABLE mapping reads zero, keeps stores while memory is plentiful,
 * and that reclaim (MADV_PAGEOUT) drops even dirty pages, which then read zero without any
 * signal (Linux 6.11+; droppable pages are never swapped). */
CONFORM(mmap_droppable, reclaim_drops_dirty_pages, "a11", LINUX)
{
	size_t pg = ms_page(), len = npages * pg;
	ms_stay_on_this_cpu();
	unsigned char *p = map_droppable(len);
	ms_assert_zero(p, 0, len, "fresh droppable mapping");
	ms_fill_tagged(p, len, 'R');
	size_t bad = ms_first_mismatch_tagged(p, len, 'R');
	cr_assert(bad == len, "byte %zu lost the value stored", bad);
	if (madvise(p, len, MADV_PAGEOUT) != 0)
		cr_skip_test("madvise(MADV_PAGEOUT): %s", ms_errname(errno));
	long res = ms_resident(p, len);
	cr_assert(res == 0, "%ld of %zu dirty droppable pages survived reclaim\n%s", res, npages,
		  ms_maps_near(p, len));
	ms_assert_zero(p, 0, len, "after its page was dropped");
	xmunmap(p, len);
}

/* Assert that droppable memory is wiped in a fork child (Linux sets VM_WIPEONFORK on it) and
 * that MAP_DROPPABLE is refused with EINVAL for a file mapping. */
CONFORM(mmap_droppable, wiped_on_fork_and_anonymous_only, "a11", LINUX)
{
	size_t len = npages * ms_page();
	unsigned char *p = map_droppable(len);
	ms_fill_tagged(p, len, 'V');
	pid_t pid = xfork();
	if (pid == 0) {
		for (size_t i = 0; i < len; i++)
			child_check(p[i] == 0, "child: byte %zu of droppable memory is 0x%02x, "
				    "expected 0 (wiped on fork)", i, p[i]);
		_exit(0);
	}
	xwait_ok(pid);
	int fd = ms_file(len, NULL);
	ms_assert_errno(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_DROPPABLE, fd, 0), EINVAL);
	xclose(fd);
	xmunmap(p, len);
}
