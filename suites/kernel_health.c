#include "kernel_health.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <time.h>
#include <unistd.h>

/* Lines that mean the kernel itself went wrong (what LTP's and KernelCI's log checks look
 * for). A record matches anywhere in its text. */
static const char *const splats[] = {
	"WARNING:", "------------[ cut here ]------------", "BUG:", "kernel BUG at", "Oops",
	"Bad page state", "Bad page map", "Bad rss-counter", "blocked for more than",
	"detected stall", "self-detected stall", "general protection fault", "Kernel panic",
	"UBSAN:", "KASAN:", "KFENCE:", "list_add corruption", "list_del corruption",
	"refcount_t:", "Unable to handle kernel", "page dumped because",
};
/* Records written to /dev/kmsg from user space (facility LOG_USER) are not the kernel's; the
 * one exception is this marker, which tools/tests/step-kernel-health.sh writes to prove that a
 * splat fails the test running at that moment. */
#define TEST_MARKER "mmapsuite-test"
#define MAX_LINES 60        /* kernel_log lines kept per test */
#define MAX_TESTS 1024      /* concurrent tests (--jobs is at most 1024) */
#define ENDED_RING 256      /* recently ended tests, to name concurrent ones */

struct record {
	unsigned long drain; /* index of the drain that read it */
	bool bad;            /* a splat line */
	bool claimed;        /* some test's window held it */
	char *text;
};

struct test {
	const void *key;     /* NULL: free slot */
	char name[192];
	unsigned long start, end;
	unsigned long taint;
};

static struct {
	bool started;
	int fd;                    /* /dev/kmsg, or -1 */
	bool syslog;               /* reading through syslog(2) instead */
	double last_ts;            /* syslog: newest timestamp seen */
	char unchecked[256];
	unsigned long drains;
	unsigned long lost;        /* records overwritten before we read them */
	struct record *recs;
	size_t n_recs, cap_recs;
	struct test active[MAX_TESTS];
	struct test ended[ENDED_RING];
	size_t n_ended;
	double cost_s;             /* time spent in begin and end, for the overhead figure */
	unsigned long n_tests;
} h = { .fd = -1 };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void ms_health_cost(unsigned long *tests, double *seconds)
{
	*tests = h.n_tests;
	*seconds = h.cost_s;
}

static unsigned long read_taint(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/kernel/tainted", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return strtoul(buf, NULL, 10);
}

static bool is_splat(const char *text)
{
	for (size_t i = 0; i < sizeof(splats) / sizeof(splats[0]); i++)
		if (strstr(text, splats[i]))
			return true;
	return false;
}

/* Keeps a record of level warning or worse from the kernel (or a test-marked one). */
static void keep(int prio, const char *text, size_t len)
{
	int level = prio & 7, facility = prio >> 3;
	char *t = strndup(text, len);
	if (!t)
		return;
	bool marked = strstr(t, TEST_MARKER) != NULL;
	if ((facility != 0 && !marked) || level > 4) {
		free(t);
		return;
	}
	if (h.n_recs == h.cap_recs) {
		size_t cap = h.cap_recs ? 2 * h.cap_recs : 64;
		struct record *r = realloc(h.recs, cap * sizeof(*r));
		if (!r) {
			free(t);
			return;
		}
		h.recs = r, h.cap_recs = cap;
	}
	h.recs[h.n_recs++] = (struct record){ .drain = h.drains, .bad = is_splat(t), .text = t };
}

static void drain_kmsg(void)
{
	char buf[8192];
	for (;;) {
		ssize_t n = read(h.fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE) { /* overwritten before we read it: go on */
			h.lost++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* EAGAIN: nothing more for now */
		buf[n] = 0;
		/* "prio,seq,usec,flags[,...];text\n[ KEY=value\n...]" */
		char *semi = strchr(buf, ';');
		if (!semi)
			continue;
		char *nl = strchr(semi + 1, '\n');
		keep(atoi(buf), semi + 1, nl ? (size_t)(nl - semi - 1) : strlen(semi + 1));
	}
}

/* syslog(2) returns the whole buffer each time: lines newer than the newest seen are new. Two
 * records of the same microsecond as the last one seen may be taken as one: coarser. */
static void drain_syslog(void)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size <= 0)
		return;
	char *buf = malloc((size_t)size + 1);
	if (!buf)
		return;
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	buf[n > 0 ? n : 0] = 0;
	double newest = h.last_ts;
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		int prio;
		double ts;
		int off = 0;
		/* "<prio>[  123.456789] text" */
		if (sscanf(line, "<%d>[%lf]%n", &prio, &ts, &off) != 2 || off == 0)
			continue;
		if (ts <= h.last_ts)
			continue;
		if (ts > newest)
			newest = ts;
		const char *text = line + off;
		while (*text == ' ')
			text++;
		if (h.started)
			keep(prio, text, strlen(text));
	}
	h.last_ts = newest;
	free(buf);
}

static void drain(void)
{
	h.drains++;
	if (h.fd >= 0)
		drain_kmsg();
	else if (h.syslog)
		drain_syslog();
}

void ms_health_start(void)
{
	if (h.started)
		return;
	h.fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (h.fd >= 0) {
		lseek(h.fd, 0, SEEK_END); /* only what is logged from now on */
	} else {
		int e = errno;
		char probe;
		if (klogctl(10, NULL, 0) > 0 && klogctl(3, &probe, 1) >= 0) {
			h.syslog = true;
			drain_syslog(); /* remember the newest timestamp, keep nothing */
			if (h.last_ts == 0) {
				h.syslog = false;
				snprintf(h.unchecked, sizeof(h.unchecked),
					 "/dev/kmsg: %s, and syslog(2) lines carry no timestamps "
					 "(printk.time=0)", strerror(e));
			}
		} else {
			snprintf(h.unchecked, sizeof(h.unchecked),
				 "/dev/kmsg: %s; syslog(2): %s (kernel.dmesg_restrict=1 needs "
				 "CAP_SYSLOG)", strerror(e), strerror(errno));
		}
	}
	h.started = true;
}

const char *ms_health_unchecked(void)
{
	return h.unchecked[0] ? h.unchecked : NULL;
}

static struct test *slot_of(const void *key)
{
	for (int i = 0; i < MAX_TESTS; i++)
		if (h.active[i].key == key)
			return &h.active[i];
	return NULL;
}

void ms_health_begin(const void *key, const char *name)
{
	double t0 = now_s();
	ms_health_start();
	drain();
	/* A free slot even when key is running already: the parameters of one parameterized
	 * test share it, and each run is judged (the first to end takes the first slot). */
	struct test *t = slot_of(NULL);
	if (!t)
		return;
	*t = (struct test){ .key = key, .start = h.drains, .taint = read_taint() };
	snprintf(t->name, sizeof(t->name), "%s", name);
	h.cost_s += now_s() - t0;
}

/* Drops records no running test can claim any more, saying which splats no test held. */
static void prune(void)
{
	unsigned long oldest = h.drains;
	for (int i = 0; i < MAX_TESTS; i++)
		if (h.active[i].key && h.active[i].start < oldest)
			oldest = h.active[i].start;
	size_t kept = 0;
	for (size_t i = 0; i < h.n_recs; i++) {
		struct record *r = &h.recs[i];
		if (r->drain > oldest) {
			h.recs[kept++] = *r;
			continue;
		}
		if (r->bad && !r->claimed)
			fprintf(stderr, "mmapsuite-conform: kernel log outside any test: %s\n", r->text);
		free(r->text);
	}
	h.n_recs = kept;
}

static void append(char **s, size_t *len, const char *fmt, const char *arg)
{
	int n = snprintf(NULL, 0, fmt, arg);
	char *p = realloc(*s, *len + (size_t)n + 1);
	if (!p)
		return;
	snprintf(p + *len, (size_t)n + 1, fmt, arg);
	*s = p, *len += (size_t)n;
}

/* The taint letters of the kernel's Documentation/admin-guide/tainted-kernels.rst. */
static void taint_letters(unsigned long bits, char *out, size_t len)
{
	static const char letters[] = "PFSRMBUDAWCIOELKXTNJ";
	size_t k = 0;
	for (unsigned b = 0; b < sizeof(letters) - 1 && k + 1 < len; b++)
		if (bits & (1ul << b))
			out[k++] = letters[b];
	if (bits >> (sizeof(letters) - 1) && k + 1 < len)
		out[k++] = '?';
	out[k] = 0;
}

char *ms_health_end(const void *key, char **note)
{
	double t0 = now_s();
	*note = NULL;
	drain();
	struct test *t = slot_of(key);
	if (!t)
		return NULL;
	h.n_tests++;
	t->end = h.drains;
	unsigned long new_taint = read_taint() & ~t->taint;
	char *log = NULL, *others = NULL, *first = NULL;
	size_t log_len = 0, others_len = 0;
	int lines = 0, splat_lines = 0;
	for (size_t i = 0; i < h.n_recs; i++) {
		struct record *r = &h.recs[i];
		if (r->drain <= t->start || r->drain > t->end)
			continue;
		if (lines++ < MAX_LINES)
			append(&log, &log_len, "%s\n", r->text);
		if (!r->bad)
			continue;
		r->claimed = true;
		if (!splat_lines++)
			first = r->text;
		/* Other tests that were running when this record was read. */
		for (int k = 0; k < MAX_TESTS; k++) {
			struct test *u = &h.active[k];
			if (u->key && u != t && u->start < r->drain &&
			    (!others || !strstr(others, u->name)))
				append(&others, &others_len, others ? ", %s" : "%s", u->name);
		}
		for (size_t k = 0; k < h.n_ended && k < ENDED_RING; k++) {
			struct test *u = &h.ended[k];
			if (u->start < r->drain && r->drain <= u->end &&
			    (!others || !strstr(others, u->name)))
				append(&others, &others_len, others ? ", %s" : "%s", u->name);
		}
	}
	char *result = NULL;
	if (splat_lines || new_taint) {
		size_t nlen = 0;
		char letters[32];
		if (splat_lines) {
			append(note, &nlen, "kernel log during the test: %s", first);
			char count[64];
			snprintf(count, sizeof(count), " (%d line%s in kernel_log)", lines,
				 lines == 1 ? "" : "s");
			append(note, &nlen, "%s", count);
		}
		if (new_taint) {
			taint_letters(new_taint, letters, sizeof(letters));
			append(note, &nlen, splat_lines ? "; new taint flags: %s" :
					    "the kernel set new taint flags during the test: %s",
			       letters);
			char bits[64];
			snprintf(bits, sizeof(bits), " (/proc/sys/kernel/tainted 0x%lx)", new_taint);
			append(note, &nlen, "%s", bits);
			if (!log)
				append(&log, &log_len, "%s", "(no kernel log line: only new taint flags)\n");
		}
		if (others)
			append(note, &nlen, "; the lines may come from a test running at the same "
				      "time (also failed): %s", others);
		if (h.lost)
			append(note, &nlen, "%s", "; some kernel log records were overwritten before "
				      "they could be read");
		if (log && log_len && log[log_len - 1] == '\n')
			log[--log_len] = 0;
		result = log;
		log = NULL;
	}
	free(log);
	free(others);
	h.ended[h.n_ended++ % ENDED_RING] = *t;
	t->key = NULL;
	prune();
	h.cost_s += now_s() - t0;
	return result;
}
