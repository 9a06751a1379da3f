/* Support for conformance tests: the CONFORM() declaration, x*() set-up wrappers that end a
 * test as BROKEN with file:line and errno, fault probes that capture siginfo, fault counters,
 * residency, and the scratch directory of the file system under test.
 *
 * Outcomes: a failed cr_assert is FAIL; cr_skip_test(reason) is SKIP; a failed x*()
 * set-up call is BROKEN. */
#ifndef MMAPSUITE_CONFORM_H
#define MMAPSUITE_CONFORM_H

#include <criterion/criterion.h>
#include "cleanup.h"
#include "policy.h"
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Declares a test with its checklist ids (space separated, from lib/checklist.c) and the spec
 * it follows, POSIX or LINUX.
 *   CONFORM(mmap_shared, store_reaches_file, "b1", POSIX) { ... }
 * Further Criterion options follow: CONFORM(s, t, "b6", POSIX, .signal = SIGBUS). */
#define CONFORM(suite, name, ids, spec, ...)                                                \
	Test(suite, name, .description = ids "|" #spec, .init = ms_test_init,               \
	     .timeout = MS_TEST_TIMEOUT_S, ##__VA_ARGS__)

/* MS_ALONE, among a test's options, runs it with no other test beside it: a test that changes
 * what every process on the machine sees while it runs (vm.overcommit_memory, ksmd) would make
 * the tests beside it fail or break (seen: mode 2 made Criterion's fork of the next test fail
 * with ENOMEM and the runner abort). The harness runs the tests in two phases over one result
 * file: every other test with --jobs, then these one at a time (suites/main.c,
 * --mmapsuite-phase; suites/runner/conform_runner.c).
 *   CONFORM(mmap_noreserve, ..., "k6", LINUX, .fini = ms_settings_restore, MS_ALONE)
 * It uses Criterion's unused user-data field as the mark. */
extern const char ms_alone_mark;
#define MS_ALONE .data = (void *)&ms_alone_mark

/* One result per variant of a test (a backing, a kind of mapping): declares the test
 * suite/name_suffix, with the ids and spec of the test it is a variant of, whose body is
 * fn(arg), so that a failing variant hides none of the others. CONFORM_PER_BACKING
 * (mm_util.h) declares one per kind of mapping. */
#define CONFORM_VARIANT(suite, name, suffix, ids, spec, fn, arg)                            \
	CONFORM(suite, name##_##suffix, ids, spec)                                          \
	{                                                                                   \
		fn(arg);                                                                    \
	}

/* One result per mapping type: suite/name_private and suite/name_shared, whose bodies are
 * fn(MAP_PRIVATE) and fn(MAP_SHARED). */
#define CONFORM_PER_MAP_TYPE(suite, name, ids, spec, fn)                                    \
	CONFORM_VARIANT(suite, name, private, ids, spec, fn, MAP_PRIVATE)                   \
	CONFORM_VARIANT(suite, name, shared, ids, spec, fn, MAP_SHARED)

/* A hung test fails with "timed out" instead of hanging CI. A test may give its own
 * .timeout (the later initialiser wins; suites/ builds with -Wno-override-init for that).
 * Set per test because Criterion 2.4's global --timeout does not stop a hung test. Every
 * .timeout is multiplied by the place's time factor when the run starts (main.c). */
#define MS_TEST_TIMEOUT_S 30

/* Runs before every test body, in the test's process: arms an interposed faulty mmap library
 * (`mmapsuite selftest`) if one is preloaded, so that it breaks only the code under test and
 * never Criterion's own machinery. A test needing a fixture calls its set-up in the body. */
void ms_test_init(void);

/* BROKEN: the test's own set-up failed, so it says nothing about the kernel. ms_broken(fmt,
 * ...) records the message as a failed expectation (it reaches results.json as it is, with no
 * marker in it) and ends the test process with exit status MS_BROKEN_EXIT, running its
 * clean-up entries (ms_at_exit). The report hook (main.c) maps that status, in a test that does
 * not declare it as its .exit_code, to the outcome "broken"; the message text decides nothing,
 * so an assertion whose message happens to read "BROKEN: ..." is a plain fail.
 * docs/results-schema.md (version 4) says how older runs' "BROKEN: " messages are read.
 * In a child the test forked, which cannot report to Criterion, the message goes to stderr
 * and the child exits MS_BROKEN_EXIT; xwait_ok() in the parent then ends the test BROKEN. */
#define MS_BROKEN_EXIT 86

_Noreturn void ms_broken_exit(void);
bool ms_in_test_process(void);
void ms_child_broken(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ms_broken(...)                                                                      \
	do {                                                                                \
		if (ms_in_test_process())                                                   \
			cr_expect_fail(__VA_ARGS__);                                        \
		else                                                                        \
			ms_child_broken(__VA_ARGS__);                                       \
		ms_broken_exit();                                                           \
	} while (0)

/* ---- the file system under test ---- */

enum ms_fs_kind { MS_FS_OTHER, MS_FS_TMPFS, MS_FS_EXT4, MS_FS_XFS, MS_FS_BTRFS };

/* $MMAPSUITE_DIR (set by the harness to a scratch directory on the file system under test),
 * else /tmp. */
const char *ms_dir(void);
enum ms_fs_kind ms_fs_kind(void);      /* from statfs(ms_dir()) */
const char *ms_fs_name(void);          /* "tmpfs", "ext4", "xfs", "btrfs", or the magic in hex */

size_t ms_page(void);

/* Runs fn when this test process exits (lib/cleanup.h: never in a child it forks, which may
 * call exit() without undoing its parent's files, mounts or settings). Registering the same fn
 * twice keeps one entry. */
void ms_at_exit(enum ms_cleanup_phase phase, void (*fn)(void));

/* A new regular file in ms_dir() of size bytes filled with ms_pattern(offset) bytes, opened
 * O_RDWR. With path != NULL the name (PATH_MAX) is returned and the file is removed at test
 * exit; with NULL it is unlinked at once. */
int ms_file(size_t size, char *path);
/* A new empty file opened with flags (O_RDWR, O_RDONLY...), mode 0644, same naming rules. */
int ms_file_flags(size_t size, int flags, char *path);
/* The deterministic content ms_file() writes: byte at offset. */
static inline unsigned char ms_pattern(size_t offset)
{
	return (unsigned char)(offset * 131u + (offset >> 12) * 7u + 1u);
}

/* A value different from ms_pattern() at every offset, so a store is told apart from the
 * file's original content. */
static inline unsigned char ms_stored(size_t offset)
{
	return (unsigned char)~ms_pattern(offset);
}

/* Stores ms_stored(i) at p[i] for every i in [from, to): p[i] is file offset i. */
void ms_fill_stored(unsigned char *p, size_t from, size_t to);

/* A tagged pattern for regions that must stay apart: byte i of the region tagged tag.
 * Different tags give different contents at every offset that matters to a check. */
static inline unsigned char ms_tagged(size_t i, unsigned char tag)
{
	return (unsigned char)(i * 13u + tag);
}
void ms_fill_tagged(unsigned char *p, size_t len, unsigned char tag);
/* First offset in [0, len) whose byte is not ms_tagged(i, tag), or len. */
size_t ms_first_mismatch_tagged(const unsigned char *p, size_t len, unsigned char tag);

/* Turn-taking of a parent and a child over a pipe: one byte. The wait is bounded (5 s times
 * the place's time factor, lib/time_scale.h);
 * a failed send ends the (child) process with status 3. */
void ms_send_token(int fd);
bool ms_await_token(int fd);

/* A child forked with two pipes, for a parent and a child that take turns:
 *   struct ms_handshake h;
 *   if (ms_fork_handshake(&h) == 0) {          // the child
 *           ... its turn ...; ms_tell_parent(&h);
 *           child_check(ms_hear_parent(&h), "no word from the parent in time");
 *           _exit(0);
 *   }
 *   cr_assert(ms_hear_child(&h), "no word from the child in time");
 *   ... the parent's turn ...; ms_tell_child(&h); xwait_ok(h.pid); */
struct ms_handshake {
	pid_t pid;                 /* the child's, in the parent; 0 in the child */
	int to_parent[2], to_child[2];
};
#define ms_fork_handshake(h) ms_fork_handshake_at(__FILE__, __LINE__, h)
pid_t ms_fork_handshake_at(const char *file, int line, struct ms_handshake *h);
/* Closes the pipe ends this side still holds (a test that forks several times). */
void ms_handshake_close(struct ms_handshake *h);
static inline void ms_tell_parent(const struct ms_handshake *h)
{
	ms_send_token(h->to_parent[1]);
}
static inline bool ms_hear_parent(const struct ms_handshake *h)
{
	return ms_await_token(h->to_child[0]);
}
static inline void ms_tell_child(const struct ms_handshake *h)
{
	ms_send_token(h->to_child[1]);
}
static inline bool ms_hear_child(const struct ms_handshake *h)
{
	return ms_await_token(h->to_parent[0]);
}

/* Fails at the first byte of [from, to) of the mapping p that is not zero; what names p. */
void ms_assert_zero(const unsigned char *p, size_t from, size_t to, const char *what);
/* Fails at the first byte of [from, to) of p that differs from want(offset). */
void ms_assert_bytes(const unsigned char *p, size_t from, size_t to,
		     unsigned char (*want)(size_t), const char *what);
/* The same for the file: fails at the first byte of [from, to) that read() gives unlike
 * want(offset). */
void ms_assert_file_bytes(int fd, size_t from, size_t to, unsigned char (*want)(size_t),
			  const char *what);

/* ---- set-up wrappers: on failure the test ends BROKEN with file:line and errno ---- */

#define xopen(path, flags, mode) ms_xopen(__FILE__, __LINE__, path, flags, mode)
#define xmmap(a, l, p, f, fd, o) ms_xmmap(__FILE__, __LINE__, a, l, p, f, fd, o)
/* A read-write MAP_SHARED mapping of the whole of [0, len) of fd. */
#define xmap_shared(fd, len) xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
#define xmunmap(a, l) ms_xcheck(__FILE__, __LINE__, "munmap", munmap(a, l))
#define xmprotect(a, l, p) ms_xcheck(__FILE__, __LINE__, "mprotect", mprotect(a, l, p))
#define xmsync(a, l, f) ms_xcheck(__FILE__, __LINE__, "msync", msync(a, l, f))
#define xmadvise(a, l, f) ms_xcheck(__FILE__, __LINE__, "madvise", madvise(a, l, f))
#define xftruncate(fd, l) ms_xcheck(__FILE__, __LINE__, "ftruncate", ftruncate(fd, l))
#define xclose(fd) ms_xcheck(__FILE__, __LINE__, "close", close(fd))
#define xfsync(fd) ms_xcheck(__FILE__, __LINE__, "fsync", fsync(fd))
#define xpwrite(fd, b, n, o) ms_xpwrite(__FILE__, __LINE__, fd, b, n, o)
#define xpread(fd, b, n, o) ms_xpread(__FILE__, __LINE__, fd, b, n, o)
/* [off, off + len) of the file, read with pread() into a new malloc() buffer (BROKEN if either
 * fails); the caller frees it, or leaves it to the end of the test's process. */
#define ms_read_range(fd, off, len) ms_read_range_at(__FILE__, __LINE__, fd, off, len)
#define xfork() ms_xfork(__FILE__, __LINE__)
/* The bound on a test's forked child: MS_CHILD_LIMIT_S (20 s) times the place's time factor
 * (lib/time_scale.h), which the harness measures when the run starts. */
double ms_child_limit_s(void);
/* A bound of host_s seconds on the host, at this place: times the place's time factor. Every
 * wait of a test with a fixed bound takes its bound from here, so a TCG guest or a slow board
 * gets proportionally longer, as the child bound and Criterion's .timeout do. */
double ms_scaled_s(double host_s);
/* Waits (bounded: ms_child_limit_s(), then kills) and returns the raw wait status. */
#define xwait(pid) ms_xwait(__FILE__, __LINE__, pid)
/* The same wait for a caller that must act before the test ends (put a setting back): the
 * raw wait status, or -1 when the child did not finish within ms_child_limit_s() and was
 * killed. */
#define ms_wait_bounded(pid) ms_wait_bounded_at(__FILE__, __LINE__, pid)
/* Waits for a child and asserts it exited 0 (the child's own failures are reported by it). */
#define xwait_ok(pid) ms_xwait_ok(__FILE__, __LINE__, pid)
/* The exit status of a child that asks for a SKIP: it lacks what the test needs (a privilege,
 * a limit) and says what on stderr. */
#define MS_CHILD_SKIP 77
/* xwait_ok() for a child that may _exit(MS_CHILD_SKIP): the test then SKIPs with reason. */
#define xwait_ok_or_skip(pid, reason) ms_xwait_ok_or_skip_at(__FILE__, __LINE__, pid, reason)
/* kill(pid, sig) for a child this test forked with xfork() (or ms_remember_child()); any
 * other pid, and every pid <= 0 (a process group, or with -1 the whole machine), is BROKEN
 * and no signal is sent. */
#define xkill(pid, sig) ms_xkill(__FILE__, __LINE__, pid, sig)
#define xpipe(fds) ms_xcheck(__FILE__, __LINE__, "pipe", pipe(fds))
/* fstat(fd), returning the struct stat. */
#define xfstat(fd) ms_xfstat_at(__FILE__, __LINE__, fd)
#define xcheck(what, ret) ms_xcheck(__FILE__, __LINE__, what, ret)
/* ioctl(fd, req, arg), retried on EINTR; any other failure is BROKEN naming req. */
#define xioctl(fd, req, arg) ms_xioctl_at(__FILE__, __LINE__, fd, req, #req, arg)

int ms_xopen(const char *file, int line, const char *path, int flags, int mode);
void *ms_xmmap(const char *file, int line, void *addr, size_t len, int prot, int flags, int fd,
	       off_t off);
long ms_xcheck(const char *file, int line, const char *what, long ret);
void ms_xpwrite(const char *file, int line, int fd, const void *buf, size_t n, off_t off);
void ms_xpread(const char *file, int line, int fd, void *buf, size_t n, off_t off);
unsigned char *ms_read_range_at(const char *file, int line, int fd, size_t off, size_t len);
pid_t ms_xfork(const char *file, int line);
struct stat ms_xfstat_at(const char *file, int line, int fd);
void ms_xioctl_at(const char *file, int line, int fd, unsigned long req, const char *name,
		  void *arg);
int ms_xwait(const char *file, int line, pid_t pid);
int ms_wait_bounded_at(const char *file, int line, pid_t pid);
void ms_xkill(const char *file, int line, pid_t pid, int sig);
/* Records a child forked without xfork() (pid <= 0 is ignored), so xkill() may signal it. */
void ms_remember_child(pid_t pid);
void ms_xwait_ok(const char *file, int line, pid_t pid);
void ms_xwait_ok_or_skip_at(const char *file, int line, pid_t pid, const char *reason);

/* In a forked child: report a failure on stderr and _exit(1); _exit(0) on success. */
#define child_check(cond, ...) \
	do { if (!(cond)) { ms_child_fail(__FILE__, __LINE__, __VA_ARGS__); } } while (0)
void ms_child_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* In a forked child: fork a grandchild (a failure fails the child), and wait for it to exit
 * 0 (else the child fails; the grandchild reports its own failure). The child itself is
 * bounded by the parent's xwait(). */
#define child_fork() ms_child_fork_at(__FILE__, __LINE__)
#define child_wait_ok(pid) ms_child_wait_ok_at(__FILE__, __LINE__, pid)
pid_t ms_child_fork_at(const char *file, int line);
void ms_child_wait_ok_at(const char *file, int line, pid_t pid);
/* In a forked child: the file at path opened on its own (O_RDWR) and its first len bytes
 * mapped MAP_SHARED read-write, as another process would; a failure fails the child. */
#define ms_child_map_path(path, len) ms_child_map_path_at(__FILE__, __LINE__, path, len)
unsigned char *ms_child_map_path_at(const char *file, int line, const char *path, size_t len);

/* Appends to the message buffer msg (an array) "; " and then the printf-formatted text, so
 * that a table test reports every failing row in one message. */
#define ms_append(msg, ...)                                                                 \
	do {                                                                                \
		size_t ms_u_ = strlen(msg);                                                 \
		snprintf(msg + ms_u_, sizeof(msg) - ms_u_, "%s", ms_u_ ? "; " : "");        \
		ms_u_ = strlen(msg);                                                        \
		snprintf(msg + ms_u_, sizeof(msg) - ms_u_, __VA_ARGS__);                    \
	} while (0)

/* ---- errno checks ---- */

const char *ms_errname(int e);   /* "EINVAL"; "0" for no error */

/* The errno check the assertions below share: evaluates expr with errno cleared and hands
 * check (cr_assert, child_check) the verdict and "text: expected -1 with E, got R with E2"
 * followed by fmt and its arguments. text is the call as written (#expr in the caller,
 * before its macros expand). */
#define MS_CHECK_ERRNO_(check, expr, text, expected, fmt, ...)                              \
	do {                                                                                \
		errno = 0;                                                                  \
		long ms_r_ = (long)(expr);                                                  \
		int ms_e_ = errno;                                                          \
		check(ms_r_ == -1 && ms_e_ == (expected),                                   \
		      "%s: expected -1 with %s, got %ld with %s" fmt, text,                 \
		      ms_errname(expected), ms_r_, ms_errname(ms_e_), ##__VA_ARGS__);       \
	} while (0)

/* Asserts that expr (a syscall returning -1 or MAP_FAILED) failed with errno expected. */
#define ms_assert_errno(expr, expected) MS_CHECK_ERRNO_(cr_assert, expr, #expr, expected, "")

/* The same for one row of an errno table (a test declared once per row, so that a failing
 * row hides none of the others): the message names the clause the row judges. */
#define ms_assert_errno_row(expr, expected, clause)                                         \
	MS_CHECK_ERRNO_(cr_assert, expr, #expr, expected, " (%s)", clause)

/* One test per row of an errno table: suite/test_<row> runs
 *         setup(row) ms_assert_errno_row(call, expected, clause); teardown(row)
 * (its message shows the call as the table writes it, flag names and all)
 * rows is the table, a macro rows(ROW, t) that calls ROW(t, row, call, expected, clause) once
 * per row; setup and teardown name macros of one parameter (the row) that expand to whole
 * statements: the declarations the calls use, and the checks and clean-up after the call
 * (MS_ROW_NOTHING for none).
 *   #define ZERO_LEN_ROWS(ROW, t)                                                          \
 *           ROW(t, private_anonymous, mmap(NULL, 0, ...), EINVAL, "POSIX mmap() ...")    \
 *           ROW(t, shared_file, mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0), EINVAL, ...)
 *   #define ZERO_LEN_SETUP(row) int fd = ms_file(4 * ms_page(), NULL);
 *   #define ZERO_LEN_TEARDOWN(row) xclose(fd);
 *   CONFORM_ERRNO_ROWS(ZERO_LEN_ROWS, mmap_classes, zero_length_fails_einval, "h1", POSIX,
 *                      ZERO_LEN_SETUP, ZERO_LEN_TEARDOWN)
 * Every errno row of the suite is declared by MS_ERRNO_ROW_ (the class tables of
 * arg_classes.h too). */
#define CONFORM_ERRNO_ROWS(rows, suite, test, ids, spec, setup, teardown)                   \
	rows(MS_ERRNO_ROW_, (suite, test, ids, spec, setup, teardown, MS_ERRNO_ROW_CHECK_))
/* The same table where each row's name is the whole test name: suite/<row>. */
#define CONFORM_ERRNO_TESTS(rows, suite, ids, spec, setup, teardown)                        \
	rows(MS_ERRNO_TEST_, (suite, ids, spec, setup, teardown, MS_ERRNO_ROW_CHECK_))
#define MS_ROW_NOTHING(row)
/* t is the parenthesised list of the table's own arguments: unpacked in front of the row's.
 * The call is also passed as written (#call, before its macros expand) for the message. */
#define MS_ERRNO_ROW_(t, row, call, ...)                                                    \
	MS_ROW_APPLY_(MS_ERRNO_ROW_NAMED_, MS_ROW_UNPACK_ t, row, call, #call, __VA_ARGS__)
#define MS_ERRNO_TEST_(t, row, call, ...)                                                   \
	MS_ROW_APPLY_(MS_ERRNO_TEST_NAMED_, MS_ROW_UNPACK_ t, row, call, #call, __VA_ARGS__)
#define MS_ROW_UNPACK_(...) __VA_ARGS__
#define MS_ROW_APPLY_(m, ...) m(__VA_ARGS__)
#define MS_ERRNO_ROW_NAMED_(suite, test, ids, spec, setup, teardown, check, row, ...)      \
	MS_ERRNO_ROW_TEST_(suite, test##_##row, ids, spec, setup, teardown, check, row, __VA_ARGS__)
#define MS_ERRNO_TEST_NAMED_(suite, ids, spec, setup, teardown, check, row, ...)             \
	MS_ERRNO_ROW_TEST_(suite, row, ids, spec, setup, teardown, check, row, __VA_ARGS__)
/* The row's test, suite/name; check is the assertion: MS_ERRNO_ROW_CHECK_, or a table's own
 * with the same parameters (RANGE_TABLE's, arg_classes.h). */
#define MS_ERRNO_ROW_TEST_(suite, name, ids, spec, setup, teardown, check, row, call, text,    \
			   expected, clause)                                                \
	CONFORM(suite, name, ids, spec)                                                     \
	{                                                                                   \
		setup(row) check(call, text, expected, clause);                             \
		teardown(row)                                                               \
	}
#define MS_ERRNO_ROW_CHECK_(call, text, expected, clause)                                   \
	MS_CHECK_ERRNO_(cr_assert, call, text, expected, " (%s)", clause)

/* Asserts that expr returned 0 (or not MAP_FAILED for pointers: use ms_assert_mapped). */
#define ms_assert_ok(expr)                                                                  \
	do {                                                                                \
		errno = 0;                                                                  \
		long ms_r_ = (long)(expr);                                                  \
		int ms_e_ = errno;                                                          \
		cr_assert(ms_r_ == 0, "%s: expected 0, got %ld with %s", #expr, ms_r_,      \
			  ms_errname(ms_e_));                                               \
	} while (0)

#define ms_assert_mapped(p)                                                                 \
	cr_assert((p) != MAP_FAILED, "%s: expected a mapping, got MAP_FAILED with %s", #p,  \
		  ms_errname(errno))

/* ---- fault probes: touch memory and catch SIGSEGV/SIGBUS with their siginfo ---- */

struct ms_fault {
	bool faulted;
	int signo;      /* SIGSEGV, SIGBUS */
	int code;       /* SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR ... */
	void *addr;     /* si_addr */
};

/* Each returns true when the access faulted, with the siginfo in *f (f may be NULL). */
bool ms_probe_read(const volatile void *addr, struct ms_fault *f);
bool ms_probe_write(volatile void *addr, unsigned char value, struct ms_fault *f);
/* Calls a `ret` instruction placed at addr (the caller writes it there). */
bool ms_probe_exec(void *addr, struct ms_fault *f);
const char *ms_signame(int signo);
/* Asserts that f describes exactly signal signo with code at addr; what names the access, and
 * the failure message shows the maps of [map, map + len). */
void ms_assert_fault(const struct ms_fault *f, int signo, int code, const void *addr,
		     const char *what, const void *map, size_t len);
const char *ms_sicode_name(int signo, int code);
/* For a failure message: " (si_addr is the page of the access, not its byte)" when f is signal
 * signo with code as expected but its si_addr is the start of want's page instead of want, ""
 * otherwise. s390x reports no more (the translation-exception identification holds the page
 * address only; arch/s390/mm/fault.c masks si_addr with __FAIL_ADDR_MASK): kernel.expect names
 * that deviation by this note, so that any other wrong siginfo still fails. */
const char *ms_fault_page_only(const struct ms_fault *f, int signo, int code, const void *want);

/* The lines of /proc/self/maps that overlap [addr - 1 page, addr + len + 1 page), for
 * failure messages; static buffer. */
const char *ms_maps_near(const void *addr, size_t len);

/* Seconds of CLOCK_MONOTONIC: for the bounded waits of a test. */
double ms_now_s(void);

/* ---- fault counts and residency ---- */

struct ms_faults {
	long minor, major;
};
/* Faults of the calling thread so far (getrusage RUSAGE_THREAD). */
struct ms_faults ms_faults_now(void);
/* Delta helper: ms_faults_since(start).minor ... */
struct ms_faults ms_faults_since(struct ms_faults start);

/* Runs stmt up to three times until a pass takes no fault in the calling thread; d gets the
 * faults of the last pass. For checks that memory is already mapped: compaction for another
 * test's huge pages may migrate a page meanwhile, which costs a fault that is not the
 * behaviour under test, while memory that really was not mapped faults on every pass. */
#define ms_faults_best_of_three(d, ...)                                                     \
	do {                                                                                \
		for (int ms_pass_ = 0; ms_pass_ < 3; ms_pass_++) {                          \
			struct ms_faults ms_start_ = ms_faults_now();                        \
			__VA_ARGS__;                                                        \
			(d) = ms_faults_since(ms_start_);                                    \
			if ((d).minor == 0 && (d).major == 0)                               \
				break;                                                      \
		}                                                                           \
	} while (0)

/* Asserts that stmt (the accesses, named by what) takes no fault in at least one of three
 * passes: the memory was already mapped. */
#define ms_assert_no_faults(what, ...)                                                      \
	do {                                                                                \
		struct ms_faults ms_d_;                                                     \
		ms_faults_best_of_three(ms_d_, __VA_ARGS__);                                \
		cr_assert(ms_d_.minor == 0 && ms_d_.major == 0,                             \
			  "%s took %ld minor and %ld major faults in each of three passes; "  \
			  "expected none", what, ms_d_.minor, ms_d_.major);                   \
	} while (0)

/* Number of resident pages of [addr, addr+len) by mincore; -1 on error (errno set). */
long ms_resident(const void *addr, size_t len);
bool ms_page_resident(const void *addr);

/* Reads a field of /proc/self/smaps for the VMA containing addr ("Rss", "Locked"), in kB;
 * -1 if absent. */
long ms_smaps_kb(const void *addr, const char *field);
/* Reads a field of /proc/self/status ("VmLck") in kB; -1 if absent. */
long ms_status_kb(const char *field);
/* Whether the calling process holds capability cap (CAP_IPC_LOCK ...) in its effective set,
 * from /proc/self/status CapEff; true when that cannot be read (the privileged answer). */
bool ms_capable(int cap);

/* Pins the calling process (and the children it forks later) to the CPU it runs on. New
 * pages wait in per-CPU LRU batches, and MADV_PAGEOUT/MADV_FREE drain only the calling
 * CPU's: a test that moved between CPUs would see pages silently skipped. */
void ms_stay_on_this_cpu(void);

/* Skips the test when the kernel's configuration switches behaviour b off, with the reason
 * naming the setting and where it was read ("zero page disabled by pvm_no_zero_page=1
 * (/proc/cmdline)"). Policy is not a bug; without such a signal the test runs. */
void ms_require_behaviour(enum ms_behaviour b);

/* Skips the test (SKIP with the reason) unless running as root. */
void ms_require_root(void);
/* Skips unless `uname -r` is at least major.minor. */
void ms_require_kernel(int major, int minor, const char *feature);

/* ---- a private scratch mount (root only) ---- */

/* Mounts a tmpfs with mount options `options` ("size=256k") on a new directory in ms_dir()
 * and writes its path to dir (PATH_MAX). The test process first enters a mount namespace of
 * its own, so the mount is seen by no one else and vanishes with the process even if it
 * crashes; the directory is unmounted and removed at normal test exit. SKIPs without root. */
void ms_private_tmpfs(const char *options, char *dir);

/* ---- the map-count limit ---- */

/* vm.max_map_count: BROKEN when unreadable, SKIP when reaching it would take too long. */
long ms_map_count_limit(void);
/* In a forked child: reserves 2 * max + 16 pages (PROT_NONE, MAP_NORESERVE) and splits every
 * other page with mprotect until the kernel refuses a split; returns the reservation with
 * *pages its length, and errno as the refused split left it. Fails the child when no split is
 * ever refused. */
char *ms_split_to_map_count_limit(long max, size_t *pages);

#endif
