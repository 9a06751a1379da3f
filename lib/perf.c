/* Perf counters: the benchmarks ask for generic events (cycles, instructions, cache, TLB and
 * branch misses); libpfm4 resolves each for the PMUs it detects on this machine (its default
 * search: the detected hardware PMUs, then the kernel's generic perf events) into a
 * perf_event_attr, and perf_event_open counts it for this thread and, with inherit, for the
 * threads and processes it creates afterwards. Every count is read with the times it was
 * enabled and running: a multiplexed count is scaled, one never scheduled is not a count. */
#include "perf.h"

#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const ms_perf_software_events[] = {
	"page-faults", "minor-faults", "major-faults",
	"context-switches", "cpu-migrations", "task-clock", NULL,
};

/* "instructions:u" counts user level only: the instructions of the measured code itself,
 * exactly reproducible where the CPU counts exactly (QEMU -icount). */
const char *const ms_perf_hardware_events[] = {
	"cycles", "instructions", "instructions:u", "dTLB-load-misses", "cache-misses",
	"branch-misses", NULL,
};

static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;
static int pfm_status;

static void pfm_init_once(void)
{
	pfm_status = pfm_initialize();
}

static const char *const not_pmus[] = {
	"software", "tracepoint", "breakpoint", "kprobe", "uprobe", "msr", NULL,
};

/* The kernel's CPU PMU, which counts PERF_TYPE_HARDWARE and HW_CACHE events: the event
 * source that lists a cycles event ("cpu" on x86, "armv8_pmuv3_0" on arm64). */
static void core_pmu_name(char *out, size_t len)
{
	static const char *const cycles[] = { "events/cpu-cycles", "events/cpu_cycles",
					      "events/cycles", NULL };
	DIR *d = opendir("/sys/bus/event_source/devices");
	struct dirent *de;

	snprintf(out, len, "none");
	if (!d)
		return;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while ((de = readdir(d))) {
		bool skip = de->d_name[0] == '.';

		for (int i = 0; not_pmus[i] && !skip; i++)
			skip = !strcmp(de->d_name, not_pmus[i]);
		for (int i = 0; cycles[i] && !skip; i++) {
			char path[512];

			snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/%s",
				 de->d_name, cycles[i]);
			if (!access(path, F_OK)) {
				snprintf(out, len, "%s", de->d_name);
				break;
			}
		}
		if (strcmp(out, "none"))
			break;
	}
	closedir(d);
}

/* The event source whose type number is type (dynamic PMUs, raw encodings). */
static void pmu_of_type(uint32_t type, char *out, size_t len)
{
	DIR *d;
	struct dirent *de;

	if (type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE) {
		core_pmu_name(out, len);
		return;
	}
	if (type == PERF_TYPE_SOFTWARE) {
		snprintf(out, len, "software");
		return;
	}
	snprintf(out, len, "type %u", type);
	d = opendir("/sys/bus/event_source/devices");
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while (d && (de = readdir(d))) {
		char path[512];
		FILE *f;
		unsigned t;

		snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%u", &t) == 1 && t == type)
			snprintf(out, len, "%s", de->d_name);
		fclose(f);
	}
	if (d)
		closedir(d);
}

/* Resolves e->name through libpfm4 into attr; 0, or -1 with e->unavailable set. */
static int encode_event(struct ms_perf_event *e, struct perf_event_attr *attr)
{
	pfm_perf_encode_arg_t arg;
	pfm_event_info_t info;
	pfm_pmu_info_t pinfo;
	char base[48], *fstr = NULL, *colon;
	int plm = PFM_PLM0 | PFM_PLM3, ret;

	pthread_once(&pfm_once, pfm_init_once);
	if (pfm_status != PFM_SUCCESS) {
		snprintf(e->unavailable, sizeof(e->unavailable),
			 "libpfm4 failed to initialise: %s", pfm_strerror(pfm_status));
		return -1;
	}
	snprintf(base, sizeof(base), "%s", e->name);
	colon = strchr(base, ':');
	if (colon && !strcmp(colon, ":u")) {
		*colon = '\0';
		plm = PFM_PLM3;
	}
	memset(attr, 0, sizeof(*attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.fstr = &fstr;
	arg.size = sizeof(arg);
	ret = pfm_get_os_event_encoding(base, plm, PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		snprintf(e->unavailable, sizeof(e->unavailable),
			 "libpfm4 resolves %s for no PMU of this machine: %s", base,
			 pfm_strerror(ret));
		return -1;
	}
	snprintf(e->pfm, sizeof(e->pfm), "%s", fstr ? fstr : base);
	free(fstr);
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.size = sizeof(pinfo);
	if (pfm_get_event_info(arg.idx, PFM_OS_PERF_EVENT_EXT, &info) == PFM_SUCCESS &&
	    pfm_get_pmu_info(info.pmu, &pinfo) == PFM_SUCCESS)
		snprintf(e->pmu, sizeof(e->pmu), "%s", pinfo.name);
	attr->size = sizeof(*attr);
	e->type = attr->type;
	e->config = attr->config;
	e->encoded = true;
	pmu_of_type(attr->type, e->kernel_pmu, sizeof(e->kernel_pmu));
	return 0;
}

/* What an errno of perf_event_open means for a counter. */
static const char *errno_meaning(int err, const struct ms_perf_event *e)
{
	bool no_core = (e->type == PERF_TYPE_HARDWARE || e->type == PERF_TYPE_HW_CACHE) &&
		       !strcmp(e->kernel_pmu, "none");

	switch (err) {
	case ENOENT:
		return no_core ? "no hardware PMU: the kernel has no CPU PMU driver here" :
		       "this PMU does not provide the event (not in its driver's map, or not "
		       "implemented by the hardware)";
	case EOPNOTSUPP:
		return "the PMU does not implement this event or the requested filtering";
	case ENODEV:
		return "no PMU of this type in the kernel";
	case EINVAL:
		return "the PMU rejected this encoding";
	case EACCES:
	case EPERM:
		return "not permitted (see /proc/sys/kernel/perf_event_paranoid)";
	case EBUSY:
		return "the counters are held exclusively by another user";
	case EMFILE:
		return "too many open files";
	default:
		return "perf_event_open failed";
	}
}

static void open_event(struct ms_perf_event *e, bool inherit)
{
	struct perf_event_attr attr;

	e->fd = -1;
	if (encode_event(e, &attr))
		return;
	attr.disabled = 1;
	attr.inherit = inherit;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	e->fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (e->fd < 0) {
		e->err = errno;
		snprintf(e->unavailable, sizeof(e->unavailable), "%s (perf_event_open %s on %s: "
			 "%s)", errno_meaning(e->err, e), e->pfm, e->kernel_pmu,
			 strerrorname_np(e->err));
	}
}

int ms_perf_open(struct ms_perf_group *g, const char *const *names, bool inherit)
{
	int opened = 0;

	memset(g, 0, sizeof(*g));
	for (int i = 0; names[i] && g->n < MS_PERF_MAX; i++) {
		struct ms_perf_event *e = &g->ev[g->n++];

		snprintf(e->name, sizeof(e->name), "%s", names[i]);
		open_event(e, inherit);
		if (e->fd >= 0)
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
	for (int i = 0; i < g->n; i++)
		if (g->ev[i].fd >= 0)
			ioctl(g->ev[i].fd, PERF_EVENT_IOC_ENABLE, 0);
	/* Baselines after every enable: an event's enabled time starts with its own enable. */
	for (int i = 0; i < g->n; i++)
		if (g->ev[i].fd >= 0 && read_counter(g->ev[i].fd, g->ev[i].base))
			memset(g->ev[i].base, 0, sizeof(g->ev[i].base));
}

void ms_perf_stop(struct ms_perf_group *g)
{
	for (int i = 0; i < g->n; i++)
		if (g->ev[i].fd >= 0)
			ioctl(g->ev[i].fd, PERF_EVENT_IOC_DISABLE, 0);
	for (int i = 0; i < g->n; i++) {
		struct ms_perf_event *e = &g->ev[i];
		uint64_t v[3]; /* value, time enabled, time running */

		e->raw = e->enabled = e->running = 0;
		if (e->fd < 0 || read_counter(e->fd, v))
			continue;
		e->raw = v[0] - e->base[0];
		e->enabled = v[1] - e->base[1];
		e->running = v[2] - e->base[2];
	}
}

void ms_perf_close(struct ms_perf_group *g)
{
	for (int i = 0; i < g->n; i++) {
		if (g->ev[i].fd >= 0)
			close(g->ev[i].fd);
		g->ev[i].fd = -1;
	}
}

void ms_perf_accumulate(const struct ms_perf_group *g, struct ms_perf_total *t)
{
	for (int i = 0; i < g->n; i++) {
		const struct ms_perf_event *e = &g->ev[i];

		if (e->fd < 0)
			continue;
		t[i].raw += e->raw;
		t[i].enabled += e->enabled;
		t[i].running += e->running;
		if (!t[i].intervals || e->raw < t[i].min)
			t[i].min = e->raw;
		if (e->raw > t[i].max)
			t[i].max = e->raw;
		t[i].intervals++;
	}
}

bool ms_perf_total_counted(const struct ms_perf_total *t)
{
	return t->running > 0;
}

/* As perf stat: the count over the time it ran, stretched to the time it was enabled. */
double ms_perf_total_scaled(const struct ms_perf_total *t)
{
	if (!t->running)
		return 0;
	if (t->running >= t->enabled)
		return (double)t->raw;
	return (double)t->raw * ((double)t->enabled / (double)t->running);
}

double ms_perf_total_fraction(const struct ms_perf_total *t)
{
	if (!t->enabled)
		return t->running ? 1 : 0;
	return t->running >= t->enabled ? 1 : (double)t->running / (double)t->enabled;
}

json_t *ms_perf_encoding_json(const struct ms_perf_event *e)
{
	char config[32];

	if (!e->encoded)
		return json_null();
	snprintf(config, sizeof(config), "%#llx", (unsigned long long)e->config);
	return json_pack("{s:s, s:s, s:s, s:i, s:s}", "pfm", e->pfm, "pmu", e->pmu,
			 "kernel_pmu", e->kernel_pmu, "type", (int)e->type, "config", config);
}

static json_t *pfm_pmus(void)
{
	json_t *out = json_array();
	pfm_pmu_info_t pinfo;
	int i;

	pfm_for_all_pmus(i) {
		memset(&pinfo, 0, sizeof(pinfo));
		pinfo.size = sizeof(pinfo);
		if (pfm_get_pmu_info(i, &pinfo) != PFM_SUCCESS || !pinfo.is_present)
			continue;
		json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:i, s:i}", "name",
			pinfo.name, "desc", pinfo.desc ? pinfo.desc : "", "kind",
			pinfo.type == PFM_PMU_TYPE_CORE ? "core" : pinfo.type ==
			PFM_PMU_TYPE_UNCORE ? "uncore" : pinfo.type == PFM_PMU_TYPE_OS_GENERIC ?
			"os-generic" : "other", "counters", pinfo.num_cntrs, "fixed_counters",
			pinfo.num_fixed_cntrs));
	}
	return out;
}

static void probe_list(json_t *out, const char *const *names)
{
	for (int i = 0; names[i]; i++) {
		struct ms_perf_event e = { 0 };
		json_t *o;

		snprintf(e.name, sizeof(e.name), "%s", names[i]);
		open_event(&e, false);
		o = json_pack("{s:b}", "opens", e.fd >= 0);
		json_object_set_new(o, "encoding", ms_perf_encoding_json(&e));
		if (e.fd >= 0)
			close(e.fd);
		else
			json_object_set_new(o, "unavailable", json_string(e.unavailable));
		if (e.err)
			json_object_set_new(o, "errno", json_string(strerrorname_np(e.err)));
		json_object_set_new(out, names[i], o);
	}
}

json_t *ms_perf_probe(void)
{
	json_t *out = json_object(), *events = json_object();
	char core[64];

	pthread_once(&pfm_once, pfm_init_once);
	core_pmu_name(core, sizeof(core));
	json_object_set_new(out, "kernel_core_pmu", json_string(core));
	if (pfm_status == PFM_SUCCESS) {
		int v = pfm_get_version();

		json_object_set_new(out, "libpfm4", json_pack("{s:o, s:o}", "version",
			json_sprintf("%d.%d", PFM_MAJ_VERSION(v), PFM_MIN_VERSION(v)), "pmus",
			pfm_pmus()));
	} else {
		json_object_set_new(out, "libpfm4", json_pack("{s:s}", "error",
			pfm_strerror(pfm_status)));
	}
	probe_list(events, ms_perf_software_events);
	probe_list(events, ms_perf_hardware_events);
	json_object_set_new(out, "events", events);
	return out;
}

bool ms_perf_hardware_available(void)
{
	struct ms_perf_event e = { .name = "cycles" };

	open_event(&e, false);
	if (e.fd < 0)
		return false;
	close(e.fd);
	return true;
}
