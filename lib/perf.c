/* Perf counters: libpfm4 turns an event name into a perf_event_attr (so the same names work
 * on every PMU libpfm4 knows), perf_event_open counts it for this thread and, with inherit,
 * for the threads and processes it creates afterwards. */
#include "perf.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const ms_perf_software_events[] = {
	"page-faults", "minor-faults", "major-faults",
	"context-switches", "cpu-migrations", "task-clock", NULL,
};

const char *const ms_perf_hardware_events[] = {
	"cycles", "instructions", "dTLB-load-misses", "LLC-load-misses", NULL,
};

static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;
static int pfm_status;

static void pfm_init_once(void)
{
	pfm_status = pfm_initialize();
}

/* Fills attr for name; returns 0 or writes why not into reason. */
static int encode_event(const char *name, struct perf_event_attr *attr, char *reason,
			size_t reason_len)
{
	pfm_perf_encode_arg_t arg;
	char qualified[128];
	int ret;

	pthread_once(&pfm_once, pfm_init_once);
	if (pfm_status != PFM_SUCCESS) {
		snprintf(reason, reason_len, "libpfm4 failed to initialise: %s",
			 pfm_strerror(pfm_status));
		return -1;
	}
	memset(attr, 0, sizeof(*attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.size = sizeof(arg);
	snprintf(qualified, sizeof(qualified), "perf::%s", name);
	ret = pfm_get_os_event_encoding(qualified, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
	if (ret != PFM_SUCCESS) {
		snprintf(reason, reason_len, "libpfm4 cannot encode %s: %s", name,
			 pfm_strerror(ret));
		return -1;
	}
	attr->size = sizeof(*attr);
	return 0;
}

static int open_event(const char *name, bool inherit, char *reason, size_t reason_len)
{
	struct perf_event_attr attr;
	int fd;

	if (encode_event(name, &attr, reason, reason_len))
		return -1;
	attr.disabled = 1;
	attr.inherit = inherit;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		if (err == ENOENT || err == EOPNOTSUPP || err == ENODEV)
			snprintf(reason, reason_len, "hardware counters unavailable: no PMU "
				 "provides %s (perf_event_open: %s)", name, strerrorname_np(err));
		else if (err == EACCES || err == EPERM)
			snprintf(reason, reason_len, "not permitted: perf_event_open(%s): %s "
				 "(see /proc/sys/kernel/perf_event_paranoid)", name,
				 strerrorname_np(err));
		else
			snprintf(reason, reason_len, "perf_event_open(%s): %s", name,
				 strerrorname_np(err));
		return -1;
	}
	return fd;
}

int ms_perf_open(struct ms_perf_group *g, const char *const *names, bool inherit)
{
	int opened = 0;

	memset(g, 0, sizeof(*g));
	for (int i = 0; names[i] && g->n < MS_PERF_MAX; i++) {
		int k = g->n++;

		g->names[k] = names[i];
		g->fds[k] = open_event(names[i], inherit, g->unavailable[k],
				       sizeof(g->unavailable[k]));
		if (g->fds[k] >= 0)
			opened++;
	}
	return opened;
}

static int read_counter(int fd, uint64_t v[3])
{
	return read(fd, v, 3 * sizeof(uint64_t)) == 3 * sizeof(uint64_t) ? 0 : -1;
}

void ms_perf_start(struct ms_perf_group *g)
{
	for (int i = 0; i < g->n; i++) {
		if (g->fds[i] < 0)
			continue;
		ioctl(g->fds[i], PERF_EVENT_IOC_ENABLE, 0);
		if (read_counter(g->fds[i], g->base[i]))
			memset(g->base[i], 0, sizeof(g->base[i]));
	}
}

void ms_perf_stop(struct ms_perf_group *g)
{
	for (int i = 0; i < g->n; i++) {
		uint64_t v[3]; /* value, time enabled, time running */
		uint64_t value, enabled, running;

		g->values[i] = 0;
		if (g->fds[i] < 0)
			continue;
		ioctl(g->fds[i], PERF_EVENT_IOC_DISABLE, 0);
		if (read_counter(g->fds[i], v))
			continue;
		value = v[0] - g->base[i][0];
		enabled = v[1] - g->base[i][1];
		running = v[2] - g->base[i][2];
		/* Scale a multiplexed counter to the whole interval, as perf stat does. */
		if (running && running < enabled)
			g->values[i] = (uint64_t)((double)value * enabled / running);
		else
			g->values[i] = value;
	}
}

void ms_perf_close(struct ms_perf_group *g)
{
	for (int i = 0; i < g->n; i++) {
		if (g->fds[i] >= 0)
			close(g->fds[i]);
		g->fds[i] = -1;
	}
}

static void probe_list(json_t *out, const char *const *names)
{
	for (int i = 0; names[i]; i++) {
		char reason[160];
		int fd = open_event(names[i], false, reason, sizeof(reason));

		if (fd >= 0) {
			close(fd);
			json_object_set_new(out, names[i], json_true());
		} else {
			json_object_set_new(out, names[i], json_string(reason));
		}
	}
}

json_t *ms_perf_probe(void)
{
	json_t *out = json_object();

	probe_list(out, ms_perf_software_events);
	probe_list(out, ms_perf_hardware_events);
	return out;
}

bool ms_perf_hardware_available(void)
{
	char reason[160];
	int fd = open_event("cycles", false, reason, sizeof(reason));

	if (fd < 0)
		return false;
	close(fd);
	return true;
}
