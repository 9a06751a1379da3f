/* A test's forked children (conform.h): fork, signals only to the test's own children, the
 * bounded wait, the parent/child token handshake, and how a child reports its failure. Runs
 * inside each test's own process. */
#include "conform.h"
#include "time_scale.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

void ms_send_token(int fd)
{
	char c = 't';
	if (write(fd, &c, 1) != 1)
		_exit(3);
}

bool ms_await_token(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;
	int ms = (int)(ms_scaled_s(5) * 1000); /* a TCG guest under load is slower */
	int r;
	while ((r = poll(&pfd, 1, ms)) < 0 && errno == EINTR)
		;
	return r == 1 && read(fd, &c, 1) == 1;
}

/* ---- signals only to our own children ---- */

static pid_t our_children[256];

void ms_remember_child(pid_t pid)
{
	for (size_t i = 0; pid > 0 && i < sizeof(our_children) / sizeof(our_children[0]); i++)
		if (our_children[i] == 0 || our_children[i] == pid) {
			our_children[i] = pid;
			return;
		}
}

static bool is_our_child(pid_t pid)
{
	for (size_t i = 0; pid > 0 && i < sizeof(our_children) / sizeof(our_children[0]); i++)
		if (our_children[i] == pid)
			return true;
	return false;
}

pid_t ms_xfork(const char *file, int line)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		ms_broken("%s:%d: fork: %s", file, line, ms_errname(errno));
	if (pid == 0)
		memset(our_children, 0, sizeof(our_children)); /* the parent's are not ours */
	ms_remember_child(pid);
	return pid;
}

unsigned char *ms_child_map_path_at(const char *file, int line, const char *path, size_t len)
{
	int fd = open(path, O_RDWR);
	if (fd < 0)
		ms_child_fail(file, line, "open(%s): %s", path, ms_errname(errno));
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		ms_child_fail(file, line, "mmap: %s", ms_errname(errno));
	close(fd); /* the mapping keeps the file */
	return p;
}

pid_t ms_fork_handshake_at(const char *file, int line, struct ms_handshake *h)
{
	ms_xcheck(file, line, "pipe", pipe(h->to_parent));
	ms_xcheck(file, line, "pipe", pipe(h->to_child));
	h->pid = ms_xfork(file, line);
	/* Each side keeps only its own ends: a side that dies then gives the other end-of-file
	 * at once instead of the full wait. */
	int *unused[2] = { &h->to_parent[h->pid == 0 ? 0 : 1], &h->to_child[h->pid == 0 ? 1 : 0] };
	for (int i = 0; i < 2; i++) {
		close(*unused[i]);
		*unused[i] = -1;
	}
	return h->pid;
}

void ms_handshake_close(struct ms_handshake *h)
{
	int *fds[4] = { &h->to_parent[0], &h->to_parent[1], &h->to_child[0], &h->to_child[1] };
	for (int i = 0; i < 4; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

void ms_xkill(const char *file, int line, pid_t pid, int sig)
{
	if (!is_our_child(pid))
		ms_broken("%s:%d: refused kill(%d, %s): %s", file, line, (int)pid, ms_signame(sig),
			  pid <= 0 ? "a pid <= 0 names a process group or every process"
				   : "not a child this test forked");
	if (syscall(SYS_kill, pid, sig) != 0 && errno != ESRCH)
		ms_broken("%s:%d: kill(%d, %s): %s", file, line, (int)pid, ms_signame(sig),
			  ms_errname(errno));
}

double ms_scaled_s(double host_s)
{
	return host_s * ms_time_factor();
}

double ms_child_limit_s(void)
{
	return ms_scaled_s(MS_CHILD_LIMIT_S);
}

int ms_wait_bounded_at(const char *file, int line, pid_t pid)
{
	int status;
	/* Bounded by the clock, not by a count of sleeps: a sleep lasts longer than asked under
	 * load and shorter when a signal cuts it, and either way a count would move the bound. */
	double deadline = ms_now_s() + ms_child_limit_s();
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			ms_broken("%s:%d: waitpid(%d): %s", file, line, (int)pid, ms_errname(errno));
		if (ms_now_s() >= deadline)
			break;
		usleep(10000); /* every 10 ms */
	}
	ms_xkill(file, line, pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

int ms_xwait(const char *file, int line, pid_t pid)
{
	int status = ms_wait_bounded_at(file, line, pid);
	if (status == -1)
		ms_broken("%s:%d: child %d did not finish within %.0f s (%.0f s scaled by the "
			  "place's time factor); killed", file, line, (int)pid, ms_child_limit_s(),
			  MS_CHILD_LIMIT_S);
	return status;
}

void ms_xwait_ok(const char *file, int line, pid_t pid)
{
	int status = ms_xwait(file, line, pid);
	if (WIFSIGNALED(status))
		cr_assert_fail("%s:%d: child %d died of %s", file, line, (int)pid,
			       ms_signame(WTERMSIG(status)));
	if (WEXITSTATUS(status) == MS_BROKEN_EXIT) /* its set-up failed: ms_broken() in the child */
		ms_broken("%s:%d: child %d: its set-up failed (its message is above)", file, line,
			  (int)pid);
	cr_assert(WEXITSTATUS(status) == 0, "%s:%d: child %d failed (exit %d, see its message above)",
		  file, line, (int)pid, WEXITSTATUS(status));
}

void ms_xwait_ok_or_skip_at(const char *file, int line, pid_t pid, const char *reason)
{
	int status = ms_xwait(file, line, pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == MS_CHILD_SKIP)
		cr_skip_test("%s", reason);
	if (WIFEXITED(status) && WEXITSTATUS(status) == MS_BROKEN_EXIT)
		ms_broken("%s:%d: child %d: its set-up failed (its message is above)", file, line,
			  (int)pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "%s:%d: child %d failed (status 0x%x, see its message above)", file, line,
		  (int)pid, status);
}

void ms_child_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "child %d: %s:%d: ", (int)getpid(), file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(1);
}

pid_t ms_child_fork_at(const char *file, int line)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		ms_child_fail(file, line, "fork: %s", ms_errname(errno));
	return pid;
}

void ms_child_wait_ok_at(const char *file, int line, pid_t pid)
{
	int st = 0;
	pid_t r;
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	if (r != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		ms_child_fail(file, line, "grandchild %d failed (status 0x%x, see its message "
			      "above)", (int)pid, st);
}
