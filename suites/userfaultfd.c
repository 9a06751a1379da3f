/* (d) userfaultfd: d12. Missing faults resolved by a handler thread or turned into SIGBUS,
 * write-protect faults, and minor faults on shmem. A handler waits a bounded time and closes
 * the userfaultfd on any failure, which wakes the faulting thread, so no test can hang. */
#include "mm_util.h"

#include <poll.h>
#include <pthread.h>
#include <string.h>

enum uffd_resolve { UFFD_COPY, UFFD_UNPROTECT, UFFD_CONTINUE };

struct uffd_handler {
	int uffd;
	enum uffd_resolve how;
	void *fill;          /* UFFD_COPY: the page installed */
	int error;           /* 0, or what went wrong in the handler */
	const char *what;
	struct uffd_msg msg; /* the fault it resolved */
};

/* Resolves one fault (copy a page in, remove write protection, or map the cached page), waiting at
 * most 5 s on the host (the tests allow 10; both scale with the place). On any failure it closes
 * the userfaultfd, which wakes a blocked faulting thread, so the test can never hang. */
static void *uffd_handle_one(void *arg)
{
	struct uffd_handler *h = arg;
	struct pollfd pfd = { .fd = h->uffd, .events = POLLIN };
	int r = poll(&pfd, 1, (int)(ms_scaled_s(5) * 1000));
	if (r != 1) {
		h->error = r == 0 ? ETIMEDOUT : errno, h->what = "poll(userfaultfd)";
		close(h->uffd);
		return NULL;
	}
	if (read(h->uffd, &h->msg, sizeof(h->msg)) != (ssize_t)sizeof(h->msg)) {
		h->error = errno, h->what = "read(userfaultfd)";
		close(h->uffd);
		return NULL;
	}
	struct uffdio_range range = {
		.start = h->msg.arg.pagefault.address & ~(uint64_t)(ms_page() - 1),
		.len = ms_page(),
	};
	struct uffdio_copy copy = { .dst = range.start, .src = (uintptr_t)h->fill,
				    .len = ms_page() };
	struct uffdio_writeprotect unprotect = { .range = range, .mode = 0 };
	struct uffdio_continue cont = { .range = range };
	int ret = h->how == UFFD_COPY ? ioctl(h->uffd, UFFDIO_COPY, &copy) :
		  h->how == UFFD_UNPROTECT ? ioctl(h->uffd, UFFDIO_WRITEPROTECT, &unprotect) :
		  ioctl(h->uffd, UFFDIO_CONTINUE, &cont);
	if (ret != 0) {
		h->error = errno, h->what = "the resolving ioctl";
		close(h->uffd);
	}
	return NULL;
}

static void start_handler(pthread_t *thread, struct uffd_handler *h)
{
	if (pthread_create(thread, NULL, uffd_handle_one, h) != 0)
		ms_broken("pthread_create failed");
}

/* True when a userfaultfd event is pending (the test expected none). */
static bool uffd_event_pending(int uffd)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	return poll(&pfd, 1, 0) == 1;
}

/* Assert that a read of a missing page in a userfaultfd-registered anonymous range is
 * delivered to the handler as a pagefault event at that page (read, not write), and the
 * faulting thread then sees exactly the page the handler copied in. LINUX. */
CONFORM(userfaultfd, userfaultfd_missing_fault_resolved_by_handler, "d12", LINUX, .timeout = 10)
{
	size_t page = ms_page(), len = 4 * page;
	int uffd = ms_userfaultfd_or_skip(0);
	unsigned char *p = ms_anon_nothp(len);
	xuffd_register(uffd, p, len, UFFDIO_REGISTER_MODE_MISSING);
	unsigned char *fill = xmmap(NULL, page, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(fill, 0x42, page);
	struct uffd_handler h = { .uffd = uffd, .how = UFFD_COPY, .fill = fill };
	pthread_t thread;
	start_handler(&thread, &h);
	unsigned char got = *(volatile unsigned char *)(p + 2 * page + 5);
	pthread_join(thread, NULL);
	cr_assert(h.error == 0, "the fault handler failed: %s: %s", h.what, ms_errname(h.error));
	cr_assert(h.msg.event == UFFD_EVENT_PAGEFAULT, "event %u, expected UFFD_EVENT_PAGEFAULT",
		  h.msg.event);
	cr_assert(h.msg.arg.pagefault.address == (uintptr_t)(p + 2 * page),
		  "fault reported at %p, the read was in page %p",
		  (void *)(uintptr_t)h.msg.arg.pagefault.address, (void *)(p + 2 * page));
	cr_assert(!(h.msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE),
		  "a read fault was reported as a write (flags 0x%llx)",
		  (unsigned long long)h.msg.arg.pagefault.flags);
	cr_assert(got == 0x42 && p[2 * page] == 0x42, "the faulting read saw 0x%02x, the handler "
		  "copied in 0x42", got);
	cr_assert(ms_resident(p, len) == 1, "%ld pages resident after one resolved fault",
		  ms_resident(p, len));
	xmunmap(fill, page);
	xmunmap(p, len);
	xclose(uffd);
}

/* Assert that with UFFD_FEATURE_SIGBUS a missing fault raises SIGBUS (BUS_ADRERR) at the
 * exact faulting address instead of waiting for a handler. LINUX. */
CONFORM(userfaultfd, userfaultfd_sigbus_mode_raises_sigbus, "d12 e4", LINUX)
{
	size_t page = ms_page(), len = 4 * page;
	int uffd = ms_userfaultfd_or_skip(UFFD_FEATURE_SIGBUS);
	unsigned char *p = ms_anon_nothp(len);
	xuffd_register(uffd, p, len, UFFDIO_REGISTER_MODE_MISSING);
	struct ms_fault f;
	unsigned char *at = p + page + 123;
	bool faulted = ms_probe_read(at, &f);
	cr_assert(faulted && f.signo == SIGBUS && f.code == BUS_ADRERR && f.addr == at,
		  "read of a missing page: %s %s at %p; expected SIGBUS BUS_ADRERR at %p%s\n%s",
		  ms_signame(f.signo), ms_sicode_name(f.signo, f.code), f.addr, (void *)at,
		  ms_fault_page_only(&f, SIGBUS, BUS_ADRERR, at), ms_maps_near(p, len));
	xmunmap(p, len);
	xclose(uffd);
}

/* Assert that with write protection (UFFDIO_WRITEPROTECT) reads proceed without an event and
 * a write is delivered as a WP write fault, and completes once the handler unprotects the
 * page. LINUX (anonymous WP: 5.7). */
CONFORM(userfaultfd, userfaultfd_wp_write_reported_then_completes, "d12", LINUX, .timeout = 10)
{
	size_t page = ms_page(), len = 4 * page;
	int uffd = ms_userfaultfd_or_skip(0);
	unsigned char *p = ms_anon_nothp(len);
	memset(p, 0x11, len);
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = len }, .mode = UFFDIO_REGISTER_MODE_WP,
	};
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) != 0)
		cr_skip_test("UFFDIO_REGISTER_MODE_WP on anonymous memory: %s (needs Linux 5.7 "
			     "and CONFIG_HAVE_ARCH_USERFAULTFD_WP)", ms_errname(errno));
	struct uffdio_writeprotect wp = { .range = reg.range, .mode = UFFDIO_WRITEPROTECT_MODE_WP };
	xcheck("ioctl(UFFDIO_WRITEPROTECT)", ioctl(uffd, UFFDIO_WRITEPROTECT, &wp));
	ms_touch_read(p + 2 * page);
	cr_assert(!uffd_event_pending(uffd), "a read of a write-protected page raised an event");
	struct uffd_handler h = { .uffd = uffd, .how = UFFD_UNPROTECT };
	pthread_t thread;
	start_handler(&thread, &h);
	p[2 * page + 9] = 0x77;
	pthread_join(thread, NULL);
	cr_assert(h.error == 0, "the fault handler failed: %s: %s", h.what, ms_errname(h.error));
	uint64_t flags = h.msg.arg.pagefault.flags;
	cr_assert(h.msg.event == UFFD_EVENT_PAGEFAULT && h.msg.arg.pagefault.address ==
		  (uintptr_t)(p + 2 * page) && (flags & UFFD_PAGEFAULT_FLAG_WP) &&
		  (flags & UFFD_PAGEFAULT_FLAG_WRITE), "event %u at %p flags 0x%llx; expected a WP "
		  "write fault at %p", h.msg.event, (void *)(uintptr_t)h.msg.arg.pagefault.address,
		  (unsigned long long)flags, (void *)(p + 2 * page));
	cr_assert(p[2 * page + 9] == 0x77 && p[2 * page] == 0x11, "the page after the resolved "
		  "write holds 0x%02x/0x%02x, expected 0x77/0x11", p[2 * page + 9], p[2 * page]);
	xmunmap(p, len);
	xclose(uffd);
}

/* Assert that a minor fault (page in the shmem page cache, not yet mapped here) is delivered
 * with UFFD_PAGEFAULT_FLAG_MINOR, and after the handler changed the page through a second
 * mapping and issued UFFDIO_CONTINUE, the faulting read sees the changed contents. LINUX
 * (5.14). */
CONFORM(userfaultfd, userfaultfd_minor_fault_on_shmem, "d12", LINUX, .timeout = 10)
{
	size_t page = ms_page(), len = 4 * page;
	int uffd = ms_userfaultfd_or_skip(UFFD_FEATURE_MINOR_SHMEM);
	int fd = (int)xcheck("memfd_create", memfd_create("mmapsuite-uffd-minor", MFD_CLOEXEC));
	unsigned char *data = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				    -1, 0);
	memset(data, 0x21, len);
	xpwrite(fd, data, len, 0);
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *alias = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	xuffd_register(uffd, p, len, UFFDIO_REGISTER_MODE_MINOR);
	alias[page + 3] = 0x99; /* what a handler would do: fix the page up, then continue */
	struct uffd_handler h = { .uffd = uffd, .how = UFFD_CONTINUE };
	pthread_t thread;
	start_handler(&thread, &h);
	unsigned char got = *(volatile unsigned char *)(p + page + 3);
	pthread_join(thread, NULL);
	cr_assert(h.error == 0, "the fault handler failed: %s: %s", h.what, ms_errname(h.error));
	cr_assert(h.msg.arg.pagefault.address == (uintptr_t)(p + page) &&
		  (h.msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_MINOR), "fault at %p flags "
		  "0x%llx; expected a minor fault at %p",
		  (void *)(uintptr_t)h.msg.arg.pagefault.address,
		  (unsigned long long)h.msg.arg.pagefault.flags, (void *)(p + page));
	cr_assert(got == 0x99, "after UFFDIO_CONTINUE the read saw 0x%02x, the page cache holds "
		  "0x99", got);
	xmunmap(alias, len);
	xmunmap(p, len);
	xmunmap(data, len);
	xclose(fd);
	xclose(uffd);
}
