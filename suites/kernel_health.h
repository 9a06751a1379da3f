/* Kernel health per test, as LTP and KernelCI judge it: a kernel splat (WARN, BUG, Oops, "Bad
 * page state", hung task, RCU stall ...) logged while a test runs, or a taint flag the kernel
 * sets meanwhile, fails that test.
 *
 * It runs in the Criterion runner process, from its report hooks: begin at PRE_INIT (the worker
 * waits for the runner's answer before its init and body run), end at POST_TEST or TEST_CRASH
 * (sent after the body). Each hook drains the kernel log without blocking, so the records
 * read by a test's end hook and not yet read by its begin hook were logged during the test.
 * Attribution goes by that order, not by comparing the log's clock with ours. With --jobs N a
 * record may fall within several tests: each of them fails and names the others. */
#ifndef MMAPSUITE_KERNEL_HEALTH_H
#define MMAPSUITE_KERNEL_HEALTH_H

/* Opens the kernel log (/dev/kmsg; syslog(2), as dmesg reads it, when /dev/kmsg cannot be
 * opened) at its end. Idempotent. */
void ms_health_start(void);

/* NULL when every test's kernel log is checked; else why not ("/dev/kmsg: Permission denied
 * ..."), and the tests are judged by the taint flags alone. */
const char *ms_health_unchecked(void);

/* A test (identified by key, named "suite/test") begins. */
void ms_health_begin(const void *key, const char *name);

/* The test ends. Returns NULL when the kernel stayed healthy, else the kernel log lines of the
 * test (malloc'd, newline separated), with *note (malloc'd) saying what was found in one line:
 * "kernel log: WARNING: ... (3 lines in kernel_log); may come from concurrent test x/y". */
char *ms_health_end(const void *key, char **note);

/* Tests judged so far, and the runner's time spent judging them. */
void ms_health_cost(unsigned long *tests, double *seconds);

#endif
