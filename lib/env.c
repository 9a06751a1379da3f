/* Environment capture: what decides a result, recorded with every run: kernel,
 * CPU, topology, file systems and mount options, THP and sysctls, counters available. */
#include "env.h"
#include "perf.h"
#include "place.h"
#include "policy.h"
#include "topo.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* "always [madvise] never" -> "madvise" */
static json_t *bracketed_choice(const char *path)
{
	char *line = ms_read_line(path);
	if (!line)
		return json_null();
	char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;
	json_t *v = open && close ? json_stringn(open + 1, (size_t)(close - open - 1))
				  : json_string(line);
	free(line);
	return v;
}

static json_t *number_file(const char *path)
{
	char *line = ms_read_line(path);
	if (!line)
		return json_null();
	char *end;
	long long v = strtoll(line, &end, 10);
	json_t *out = *end == 0 && end != line ? json_integer(v) : json_string(line);
	free(line);
	return out;
}

static json_t *string_file(const char *path)
{
	char *line = ms_read_line(path);
	json_t *v = line ? json_string(line) : json_null();
	free(line);
	return v;
}

/* Value of "key: value" lines (/proc/meminfo, /proc/cpuinfo), first match. */
static char *field_of(const char *path, const char *key)
{
	char *text = ms_read_file(path, NULL);
	if (!text)
		return NULL;
	char *result = NULL;
	size_t klen = strlen(key);
	for (char *save, *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, klen) != 0)
			continue;
		/* the whole key: "KEY<blanks>:" ("MMU" is not "MMU foo") */
		char *colon = line + klen + strspn(line + klen, " \t");
		if (*colon != ':')
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		result = ms_strdup(colon);
		break;
	}
	free(text);
	return result;
}

static json_t *meminfo_kb(const char *key)
{
	char *v = field_of("/proc/meminfo", key);
	json_t *out = v ? json_integer(strtoll(v, NULL, 10)) : json_null();
	free(v);
	return out;
}

static json_t *kernel_section(void)
{
	struct utsname u;
	uname(&u);
	return json_pack("{s:s, s:s, s:s, s:o}", "release", u.release, "version", u.version,
			 "machine", u.machine, "cmdline", string_file("/proc/cmdline"));
}

static json_t *memory_section(void)
{
	return json_pack("{s:o, s:o, s:o}", "total_kb", meminfo_kb("MemTotal"), "available_kb",
			 meminfo_kb("MemAvailable"), "swap_total_kb", meminfo_kb("SwapTotal"));
}

static json_t *thp_section(void)
{
	const char *base = "/sys/kernel/mm/transparent_hugepage";
	char a[128], b[128], c[128];
	snprintf(a, sizeof(a), "%s/enabled", base);
	snprintf(b, sizeof(b), "%s/defrag", base);
	snprintf(c, sizeof(c), "%s/shmem_enabled", base);
	return json_pack("{s:o, s:o, s:o}", "enabled", bracketed_choice(a), "defrag",
			 bracketed_choice(b), "shmem_enabled", bracketed_choice(c));
}

static json_t *sysctl_section(void)
{
	static const char *const names[] = {
		"max_map_count", "mmap_min_addr", "overcommit_memory", "overcommit_ratio",
		"nr_hugepages", "dirty_ratio", "dirty_background_ratio", "swappiness",
	};
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[128];
		snprintf(path, sizeof(path), "/proc/sys/vm/%s", names[i]);
		json_object_set_new(o, names[i], number_file(path));
	}
	/* debugfs, root only; null where it cannot be read */
	json_object_set_new(o, "fault_around_bytes",
			    number_file("/sys/kernel/debug/fault_around_bytes"));
	return o;
}

/* Every kernel setting a conformance test consults to decide whether its behaviour is
 * switched off (policy.h), with value and source, and the verdict for each behaviour: compare
 * then shows why a test went from pass to skip between two kernels. */
static json_t *policy_section(void)
{
	struct ms_setting s[64];
	size_t n = ms_policy_settings(s, sizeof(s) / sizeof(s[0]));
	json_t *settings = json_array(), *behaviours = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(settings, json_pack("{s:s, s:o, s:s}", "label", s[i].name,
			"value", s[i].found ? json_string(s[i].value) : json_null(), "source",
			s[i].source));
	for (int b = 0; b < MS_N_BEHAVIOURS; b++) {
		struct ms_policy p;
		bool off = ms_policy((enum ms_behaviour)b, &p);
		json_array_append_new(behaviours, json_pack("{s:s, s:b, s:o}", "label",
			ms_behaviour_name((enum ms_behaviour)b), "on", !off, "reason",
			off ? json_string(p.reason) : json_null()));
	}
	const char *override = ms_policy_override();
	return json_pack("{s:o, s:o, s:o}", "settings", settings, "behaviours", behaviours,
			 "override", override ? json_string(override) : json_null());
}

/* Hardware virtualisation usable: a kvm_intel/kvm_amd module and an openable /dev/kvm. A bare
 * /dev/kvm (software virtualiser) does not count. */
static json_t *kvm_section(void)
{
	struct stat st;
	bool module = stat("/sys/module/kvm_intel", &st) == 0 || stat("/sys/module/kvm_amd", &st) == 0;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	bool dev = fd >= 0;
	if (fd >= 0)
		close(fd);
	const char *why = module && dev ? "kvm_intel/kvm_amd loaded and /dev/kvm opens"
			  : dev ? "/dev/kvm exists but no kvm_intel or kvm_amd module: software "
				  "virtualisation, use TCG"
				: "no usable /dev/kvm";
	return json_pack("{s:b, s:b, s:s}", "usable", module && dev, "dev_kvm", dev, "reason", why);
}

static json_t *devmem_section(void)
{
	struct stat st;
	bool present = stat("/dev/mem", &st) == 0;
	int fd = present ? open("/dev/mem", O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0)
		close(fd);
	return json_pack("{s:b, s:b}", "present", present, "opens", fd >= 0);
}

/* Whether the test binary can judge kernel health per test (suites/kernel_health.c reads the
 * same sources with the same rights): source, granularity, or why it is not checked. */
static json_t *kernel_health_section(void)
{
	const char *taint = "/proc/sys/kernel/tainted";
	json_t *taint_now = number_file(taint);
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return json_pack("{s:b, s:s, s:s, s:o}", "checked", 1, "source",
				 "/dev/kmsg and /proc/sys/kernel/tainted", "granularity",
				 "per test", "tainted_at_start", taint_now);
	}
	int e = errno;
	char probe;
	if (klogctl(10, NULL, 0) > 0 && klogctl(3, &probe, 1) >= 0)
		return json_pack("{s:b, s:s, s:s, s:o}", "checked", 1, "source",
				 "syslog(2) (as dmesg reads it) and /proc/sys/kernel/tainted",
				 "granularity", "per test by timestamp, coarser: /dev/kmsg cannot "
				 "be opened, and lines of one microsecond may merge",
				 "tainted_at_start", taint_now);
	char *why = ms_asprintf("/dev/kmsg: %s; syslog(2): %s (kernel.dmesg_restrict=1 needs "
			        "CAP_SYSLOG): only new taint flags are checked", strerror(e),
			        strerror(errno));
	json_t *o = json_pack("{s:b, s:s, s:s, s:o}", "checked", 0, "source", taint,
			      "not_checked", why, "tainted_at_start", taint_now);
	free(why);
	return o;
}

/* What a verdict may depend on beyond the kernel's version: the sizes and widths of the place
 * (place.h), so that compare names them when two places differ; on powerpc also the MMU
 * ("Radix" or "Hash", the "MMU" line of /proc/cpuinfo: one kernel boots with either, and the
 * THP and hugetlb sizes follow it). No other architecture has that line: no "mmu" there. */
static json_t *place_section(void)
{
	unsigned long kb[16];
	size_t n = ms_place_hugetlb_sizes_kb(kb, sizeof(kb) / sizeof(kb[0]));
	json_t *sizes = json_array();
	for (size_t i = 0; i < n && i < sizeof(kb) / sizeof(kb[0]); i++)
		json_array_append_new(sizes, json_integer((json_int_t)kb[i]));
	size_t pmd = ms_place_pmd_size();
	unsigned long def = ms_place_default_hugetlb_kb();
	char machine[65];
	ms_place_kernel_machine(machine, sizeof(machine));
	int kbits = ms_place_kernel_word_bits();
	json_t *o = json_pack("{s:I, s:i, s:s, s:o, s:s, s:o, s:o, s:o}", "page_size",
			 (json_int_t)ms_place_page_size(), "word_bits", ms_place_word_bits(),
			 "kernel_machine", machine, "kernel_word_bits",
			 kbits ? json_integer(kbits) : json_null(),
			 "byte_order", ms_place_byte_order(), "thp_pmd_size",
			 pmd ? json_integer((json_int_t)pmd) : json_null(), "hugetlb_default_kb",
			 def ? json_integer((json_int_t)def) : json_null(), "hugetlb_sizes_kb",
			 sizes);
	char *mmu = field_of("/proc/cpuinfo", "MMU");
	if (mmu)
		json_object_set_new(o, "mmu", json_string(mmu));
	free(mmu);
	return o;
}

json_t *ms_env_capture(void)
{
	struct utsname u;
	uname(&u);
	char machine[65];
	ms_place_machine(machine, sizeof(machine));
	char *cpu = field_of("/proc/cpuinfo", "model name");
	if (!cpu)
		cpu = field_of("/proc/cpuinfo", "CPU part"); /* arm64 */
	json_t *env = json_pack(
		"{s:o, s:s, s:I, s:s?, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o}",
		"kernel", kernel_section(), "architecture", machine, "page_size",
		(json_int_t)sysconf(_SC_PAGESIZE), "cpu_model", cpu, "online_cpus",
		(json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "topology", ms_topo_summary(),
		"memory", memory_section(), "thp", thp_section(), "vm", sysctl_section(),
		"perf_events", ms_perf_probe(), "dev_mem", devmem_section(), "kvm", kvm_section(),
		"root", ms_is_root(), "filesystems", json_array(), "policy", policy_section());
	free(cpu);
	json_object_set_new(env, "kernel_health", kernel_health_section());
	json_object_set_new(env, "place", place_section());
	/* Which mmapsuite measured: its tests and expectations change between versions. */
	json_object_set_new(env, "mmapsuite_version", json_string(MMAPSUITE_VERSION));
	return env;
}

/* Mount points in mountinfo are octal-escaped (\040 for a space). */
static void unescape(char *s)
{
	char *out = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] && p[3]) {
			*out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*out++ = *p;
		}
	}
	*out = 0;
}

int ms_mount_of(const char *path, char **fstype, char **options, char **source)
{
	char real[4096];
	if (!realpath(path, real))
		return -1;
	FILE *f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		return -1;
	char line[8192];
	size_t best = 0;
	int found = -1;
	while (fgets(line, sizeof(line), f)) {
		char mnt[4096], mopts[1024], type[64], src[1024], sopts[1024];
		/* id parent maj:min root mountpoint options [optional...] - type source superopts */
		if (sscanf(line, "%*d %*d %*s %*s %4095s %1023s", mnt, mopts) != 2)
			continue;
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(dash + 3, "%63s %1023s %1023s", type, src, sopts) != 3)
			continue;
		unescape(mnt);
		size_t len = strlen(mnt);
		bool covers = !strcmp(mnt, "/") ||
			      (!strncmp(real, mnt, len) && (real[len] == '/' || real[len] == 0));
		if (!covers || len < best)
			continue;
		best = len; /* the longest (and, on ties, latest) mount point wins */
		if (found == 0) {
			free(*fstype), free(*options), free(*source);
		}
		*fstype = ms_strdup(type);
		*options = ms_asprintf("%s,%s", mopts, sopts);
		*source = ms_strdup(src);
		found = 0;
	}
	fclose(f);
	return found;
}

const char *ms_env_fs_type(const json_t *env, const char *label)
{
	size_t i;
	json_t *fs;
	json_array_foreach(json_object_get(env, "filesystems"), i, fs)
		if (label && json_is_string(json_object_get(fs, "label")) &&
		    strcmp(json_string_value(json_object_get(fs, "label")), label) == 0)
			return json_string_value(json_object_get(fs, "type"));
	return NULL;
}

void ms_env_add_filesystem(json_t *env, const char *label, const char *path)
{
	char *type = NULL, *options = NULL, *source = NULL;
	json_t *list = json_object_get(env, "filesystems");
	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(env, "filesystems", list);
	}
	if (ms_mount_of(path, &type, &options, &source) != 0)
		json_array_append_new(list, json_pack("{s:s, s:s, s:n}", "label", label, "path",
						      path, "type"));
	else
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "label", label,
						      "path", path, "type", type, "source", source,
						      "options", options));
	free(type), free(options), free(source);
}
