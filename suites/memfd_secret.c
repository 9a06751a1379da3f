/* (k) memfd_secret: memory only its owner can reach, not even the kernel on its behalf (GUP)
 * nor another process (Linux 5.14). */
#include "mm_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- k8: memfd_secret ---- */

/* memfd_secret(2) has no glibc wrapper (2.36), hence the raw system call. */
static int secret_fd(void)
{
	ms_require_behaviour(MS_SECRETMEM);
#ifdef SYS_memfd_secret
	int fd = (int)syscall(SYS_memfd_secret, 0);
#else
	/* powerpc and others: the architecture's system call table has no memfd_secret */
	cr_skip_test("memfd_secret: no system call number on this architecture");
	int fd = -1;
#endif
	if (fd < 0 && errno == ENOSYS)
		cr_skip_test("memfd_secret: ENOSYS (kernel without CONFIG_SECRETMEM, or booted "
			     "without secretmem.enable=1 on 5.14-6.4)");
	if (fd < 0)
		ms_broken("memfd_secret(0): %s", ms_errname(errno));
	return fd;
}

static unsigned char *map_secret(int fd, size_t len)
{
	xftruncate(fd, (off_t)len);
	errno = 0;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED && errno == EAGAIN)
		cr_skip_test("mmap of memfd_secret: EAGAIN (secret memory is mlocked: "
			     "RLIMIT_MEMLOCK too small)");
	if (p == MAP_FAILED)
		ms_broken("mmap(memfd_secret): %s", ms_errname(errno));
	return p;
}

/* Assert that memfd_secret memory works for its owner (reads zero, keeps stores) but GUP
 * cannot reach it: vmsplice() of it fails with EFAULT, while vmsplice() of ordinary memory
 * works. */
CONFORM(memfd_secret, owner_reads_gup_fails_efault, "k8", LINUX)
{
	size_t pg = ms_page();
	int fd = secret_fd();
	unsigned char *p = map_secret(fd, pg);
	ms_assert_zero(p, 0, pg, "fresh secret memory");
	memset(p, 0x5e, pg);
	cr_assert(p[pg - 1] == 0x5e, "secret memory lost a store");
	int pipefd[2];
	xpipe(pipefd);
	static unsigned char plain[4096];
	struct iovec ok = { .iov_base = plain, .iov_len = sizeof(plain) };
	if (vmsplice(pipefd[1], &ok, 1, 0) != (ssize_t)sizeof(plain))
		ms_broken("vmsplice of ordinary memory: %s", ms_errname(errno));
	struct iovec secret = { .iov_base = p, .iov_len = pg };
	ms_assert_errno(vmsplice(pipefd[1], &secret, 1, 0), EFAULT);
	xmunmap(p, pg);
	xclose(fd);
	close(pipefd[0]), close(pipefd[1]);
}

/* Assert that another process cannot read memfd_secret memory: process_vm_readv() of it
 * fails with EFAULT and /proc/PID/mem returns EIO, while both work on the same process's
 * ordinary memory. The parent reads the child (ptrace access of an ancestor). */
CONFORM(memfd_secret, other_process_cannot_read, "k8", LINUX)
{
	size_t pg = ms_page();
	int fd = secret_fd();
	unsigned char *secret = map_secret(fd, pg);
	memset(secret, 0x5e, pg);
	unsigned char *plain = xmmap(NULL, pg, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(plain, 0x70, pg);
	int go[2];
	xpipe(go);
	pid_t pid = xfork();
	if (pid == 0) { /* the target: it holds both mappings (inherited) until told to go */
		char c;
		close(go[1]);
		(void)!read(go[0], &c, 1); /* returns at the parent's close, or when it dies */
		_exit(0);
	}
	unsigned char buf[64];
	struct iovec local = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct iovec remote_plain = { .iov_base = plain, .iov_len = sizeof(buf) };
	struct iovec remote_secret = { .iov_base = secret, .iov_len = sizeof(buf) };
	errno = 0;
	ssize_t n_plain = process_vm_readv(pid, &local, 1, &remote_plain, 1, 0);
	int e_plain = errno;
	/* cppcheck-suppress uninitvar ; process_vm_readv fills buf before it is read */
	bool plain_ok = n_plain == (ssize_t)sizeof(buf) && buf[0] == 0x70;
	errno = 0;
	ssize_t n_secret = process_vm_readv(pid, &local, 1, &remote_secret, 1, 0);
	int e_secret = errno;
	char mem[64];
	snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)pid);
	int memfd = open(mem, O_RDONLY);
	errno = 0;
	ssize_t m_plain = memfd >= 0 ? pread(memfd, buf, 8, (off_t)(uintptr_t)plain) : -1;
	errno = 0;
	ssize_t m_secret = memfd >= 0 ? pread(memfd, buf, 8, (off_t)(uintptr_t)secret) : -1;
	int e_mem = errno;
	if (memfd >= 0)
		close(memfd);
	xclose(go[1]);
	xwait_ok(pid);
	if (!plain_ok)
		cr_skip_test("process_vm_readv of the child's ordinary memory: %s (ptrace access "
			     "denied here)", ms_errname(e_plain));
	cr_assert(n_secret == -1 && e_secret == EFAULT, "process_vm_readv of another process's "
		  "secret memory: got %zd with %s, expected -1 with EFAULT", n_secret,
		  ms_errname(e_secret));
	if (m_plain != 8)
		ms_broken("pread(%s) of ordinary memory failed", mem);
	cr_assert(m_secret == -1 && e_mem == EIO, "pread(%s) of secret memory: got %zd with %s, "
		  "expected -1 with EIO", mem, m_secret, ms_errname(e_mem));
	xmunmap(secret, pg);
	xmunmap(plain, pg);
	xclose(fd);
}
