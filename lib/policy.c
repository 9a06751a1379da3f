/* Kernel policy: which configured setting switches a behaviour off (see policy.h). */
#include "policy.h"
#include "trusted_env.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#define THP_DIR "/sys/kernel/mm/transparent_hugepage/"

const char *ms_policy_override(void)
{
	const char *c = ms_env("MMAPSUITE_POLICY_CMDLINE"), *r = ms_env("MMAPSUITE_POLICY_ROOT");
	return c && *c ? "MMAPSUITE_POLICY_CMDLINE" : r && *r ? "MMAPSUITE_POLICY_ROOT" : NULL;
}

/* Where the file that stands for `path` (/proc/cmdline, /sys/..., /proc/...) really is, and how
 * to name it in a reason. */
static void resolve(const char *path, char *real, size_t rlen, char *source, size_t slen)
{
	const char *cmdline = ms_env("MMAPSUITE_POLICY_CMDLINE"), *root = ms_env("MMAPSUITE_POLICY_ROOT");
	if (strcmp(path, "/proc/cmdline") == 0 && cmdline && *cmdline) {
		snprintf(real, rlen, "%s", cmdline);
		snprintf(source, slen, "%s, standing in for /proc/cmdline by the test-only "
			 "MMAPSUITE_POLICY_CMDLINE",
			 cmdline);
	} else if (root && *root) {
		snprintf(real, rlen, "%s%s", root, path);
		snprintf(source, slen, "%s, standing in for %s by the test-only "
			 "MMAPSUITE_POLICY_ROOT", real, path);
	} else {
		snprintf(real, rlen, "%s", path);
		snprintf(source, slen, "%s", path);
	}
}

/* The first len - 1 bytes of a file, NUL-terminated; false if it cannot be read. */
static bool read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size_t used = 0;
	ssize_t n;
	while (used < len - 1 && (n = read(fd, buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = 0;
	return used > 0;
}

static void setting_init(struct ms_setting *s, const char *name, const char *path)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	char real[512];
	resolve(path, real, sizeof(real), s->source, sizeof(s->source));
}

/* Kernel parameter names treat '-' and '_' alike. */
static bool param_eq(const char *a, size_t alen, const char *b)
{
	if (strlen(b) != alen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];
		if (x != y)
			return false;
	}
	return true;
}

bool ms_cmdline_param(const char *name, struct ms_setting *s)
{
	setting_init(s, name, "/proc/cmdline");
	char real[512], source[320], text[8192];
	resolve("/proc/cmdline", real, sizeof(real), source, sizeof(source));
	if (!read_text(real, text, sizeof(text)))
		return false;
	char *p = text;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		char *start = p;
		bool quoted = false;
		while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n'))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		size_t len = (size_t)(p - start);
		if (len == 2 && start[0] == '-' && start[1] == '-')
			break; /* the rest is init's */
		char *eq = memchr(start, '=', len);
		size_t nlen = eq ? (size_t)(eq - start) : len;
		if (!param_eq(start, nlen, name))
			continue;
		s->found = true;
		size_t vlen = eq ? len - nlen - 1 : 0;
		const char *v = eq ? eq + 1 : "";
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
			v++, vlen -= 2;
		snprintf(s->value, sizeof(s->value), "%.*s", (int)vlen, v);
	}
	return s->found;
}

bool ms_sysfs_setting(const char *path, struct ms_setting *s)
{
	const char *name = path;
	if (strncmp(name, "/sys/kernel/mm/", 15) == 0)
		name += 15;
	else if (strncmp(name, "/proc/sys/", 10) == 0)
		name += 10;
	setting_init(s, name, path);
	char real[512], source[320], text[512];
	resolve(path, real, sizeof(real), source, sizeof(source));
	if (!read_text(real, text, sizeof(text)))
		return false;
	text[strcspn(text, "\n")] = 0;
	char *open = strchr(text, '['), *close = open ? strchr(open, ']') : NULL;
	if (open && close)
		snprintf(s->value, sizeof(s->value), "%.*s", (int)(close - open - 1), open + 1);
	else
		snprintf(s->value, sizeof(s->value), "%s", text);
	s->found = true;
	return true;
}

/* THP_DIR/hugepages-<PMD size>kB/<name>: the PMD size's own THP control (6.8+), named from
 * hpage_pmd_size (2 MiB on x86-64, 32 MiB on arm64-16k, 16 MiB under ppc64's hash MMU), never
 * assumed; false when the PMD size cannot be read (no THP). */
static bool pmd_size_file(char *path, size_t len, const char *name)
{
	struct ms_setting pmd;
	if (!ms_sysfs_setting(THP_DIR "hpage_pmd_size", &pmd))
		return false;
	long kb = strtol(pmd.value, NULL, 10) / 1024;
	if (kb <= 0)
		return false;
	snprintf(path, len, THP_DIR "hugepages-%ldkB/%s", kb, name);
	return true;
}

/* ---- kernel config ---- */

static char *config_text;        /* the whole config, read once per process */
static char config_source[320];
static bool config_tried;

static char *gunzip_file(const char *path)
{
	gzFile z = gzopen(path, "rb");
	if (!z)
		return NULL;
	size_t cap = 1 << 18, used = 0;
	char *buf = malloc(cap);
	int n;
	while (buf && (n = gzread(z, buf + used, (unsigned)(cap - used - 1))) > 0) {
		used += (size_t)n;
		if (cap - used < 4096) {
			char *bigger = realloc(buf, cap *= 2);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	gzclose(z);
	if (!buf || used == 0) {
		free(buf);
		return NULL;
	}
	buf[used] = 0;
	return buf;
}

static void load_config(void)
{
	if (config_tried)
		return;
	config_tried = true;
	char real[512];
	resolve("/proc/config.gz", real, sizeof(real), config_source, sizeof(config_source));
	config_text = gunzip_file(real); /* zlib also reads an uncompressed file as it is */
	if (config_text)
		return;
	struct utsname u;
	char boot[128];
	if (uname(&u) != 0)
		return;
	snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
	resolve(boot, real, sizeof(real), config_source, sizeof(config_source));
	config_text = gunzip_file(real);
}

bool ms_kconfig(const char *option, struct ms_setting *s)
{
	load_config();
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", option);
	if (!config_text) {
		snprintf(s->source, sizeof(s->source), "no kernel config readable (/proc/config.gz, "
			 "/boot/config-RELEASE)");
		return false;
	}
	snprintf(s->source, sizeof(s->source), "%s", config_source);
	s->found = true;
	snprintf(s->value, sizeof(s->value), "n"); /* "# X is not set", or unknown to this kernel */
	size_t olen = strlen(option);
	for (const char *line = config_text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > olen && strncmp(line, option, olen) == 0 && line[olen] == '=') {
			const char *v = line + olen + 1;
			size_t vlen = len - olen - 1;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
				v++, vlen -= 2;
			snprintf(s->value, sizeof(s->value), "%.*s", (int)vlen, v);
			break;
		}
		line += len + (end ? 1 : 0);
	}
	return true;
}

/* ---- behaviours ---- */

static const char *const names[MS_N_BEHAVIOURS] = {
	[MS_ZERO_PAGE] = "zero_page",
	[MS_HUGE_ZERO_PAGE] = "huge_zero_page",
	[MS_THP] = "thp",
	[MS_SOFT_DIRTY] = "soft_dirty",
	[MS_NX] = "nx",
	[MS_PKU] = "pku",
	[MS_SECRETMEM] = "secretmem",
	[MS_USERFAULTFD] = "userfaultfd",
	[MS_MEMORY_FAILURE] = "memory_failure",
};

const char *ms_behaviour_name(enum ms_behaviour b)
{
	return b < MS_N_BEHAVIOURS ? names[b] : "?";
}

static bool switched_off(struct ms_policy *p, const char *what, const struct ms_setting *s,
			 const char *note)
{
	p->off = true;
	p->by = *s;
	if (strncmp(s->name, "CONFIG_", 7) == 0 && strcmp(s->value, "n") == 0) {
		snprintf(p->reason, sizeof(p->reason), "%s disabled: %s is not set (%s)", what,
			 s->name, s->source);
		return true;
	}
	snprintf(p->reason, sizeof(p->reason), "%s disabled by %s%s%s (%s%s%s)", what, s->name,
		 s->value[0] ? "=" : "", s->value, s->source, note ? "; " : "", note ? note : "");
	return true;
}

/* A boolean boot parameter that is present and not explicitly false. */
static bool flag_set(const struct ms_setting *s)
{
	static const char *const no[] = { "0", "n", "N", "no", "off", "false" };
	if (!s->found)
		return false;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(s->value, no[i]) == 0)
			return false;
	return true;
}

static bool zero_page_off(struct ms_policy *p, const char *what)
{
	struct ms_setting s;
	ms_cmdline_param("pvm_no_zero_page", &s);
	if (flag_set(&s))
		return switched_off(p, what, &s, NULL);
	p->by = s;
	return false;
}

static bool thp_off(struct ms_policy *p)
{
	struct ms_setting global, size, cmd, cfg;
	if (!ms_sysfs_setting(THP_DIR "enabled", &global)) {
		if (ms_kconfig("CONFIG_TRANSPARENT_HUGEPAGE", &cfg) && strcmp(cfg.value, "n") == 0)
			return switched_off(p, "THP", &cfg, NULL);
		p->off = true;
		p->by = global;
		/* hugepage_init() (mm/huge_memory.c) makes no sysfs files when the CPU cannot
		 * map a PMD (has_transparent_hugepage()), whatever the configuration */
		snprintf(p->reason, sizeof(p->reason), "THP absent: %s cannot be read (kernel "
			 "without CONFIG_TRANSPARENT_HUGEPAGE, or a CPU that cannot map huge pages: "
			 "s390x without EDAT-1, as under QEMU TCG)", global.source);
		return true;
	}
	/* the PMD size's own mode (6.8+) decides unless it says inherit */
	char path[160];
	if (pmd_size_file(path, sizeof(path), "enabled") && ms_sysfs_setting(path, &size) &&
	    strcmp(size.value, "inherit") != 0) {
		if (strcmp(size.value, "never") == 0)
			return switched_off(p, "THP", &size, NULL);
		p->by = size;
		return false;
	}
	p->by = global;
	if (strcmp(global.value, "never") != 0)
		return false;
	if (ms_cmdline_param("transparent_hugepage", &cmd) && strcmp(cmd.value, "never") == 0) {
		char note[400];
		snprintf(note, sizeof(note), "%s reads never", global.source);
		return switched_off(p, "THP", &cmd, note);
	}
	return switched_off(p, "THP", &global, NULL);
}

static bool kconfig_off(struct ms_policy *p, const char *what, const char *option)
{
	struct ms_setting s;
	if (ms_kconfig(option, &s) && strcmp(s.value, "n") == 0)
		return switched_off(p, what, &s, NULL);
	p->by = s;
	return false;
}

static bool is_machine(const char *m)
{
	struct utsname u;
	return uname(&u) == 0 && strcmp(u.machine, m) == 0;
}

bool ms_policy(enum ms_behaviour b, struct ms_policy *out)
{
	struct ms_policy local = { 0 }, *p = out ? out : &local;
	memset(p, 0, sizeof(*p));
	struct ms_setting s;
	switch (b) {
	case MS_ZERO_PAGE:
		return zero_page_off(p, "zero page");
	case MS_HUGE_ZERO_PAGE:
		if (zero_page_off(p, "zero page") || thp_off(p))
			return true;
		if (ms_sysfs_setting(THP_DIR "use_zero_page", &s) && strcmp(s.value, "1") != 0)
			return switched_off(p, "huge zero page", &s, NULL);
		p->by = s;
		return false;
	case MS_THP:
		return thp_off(p);
	case MS_SOFT_DIRTY:
		/* arm64 and 32-bit arm do not select HAVE_ARCH_SOFT_DIRTY: no configuration enables
		 * it there, and a kernel without its config file (an initramfs) must still say so. */
		if (is_machine("aarch64") || is_machine("armv7l")) {
			bool a64 = is_machine("aarch64");
			s = (struct ms_setting){ .name = "HAVE_ARCH_SOFT_DIRTY", .found = true,
						 .value = "n" };
			snprintf(s.source, sizeof(s.source), "arch/%s/Kconfig", a64 ? "arm64" : "arm");
			p->off = true;
			p->by = s;
			snprintf(p->reason, sizeof(p->reason), "soft-dirty tracking: %s has none "
				 "(the architecture does not select HAVE_ARCH_SOFT_DIRTY, so "
				 "CONFIG_MEM_SOFT_DIRTY cannot be set)", a64 ? "arm64" : "arm");
			return true;
		}
		return kconfig_off(p, "soft-dirty tracking", "CONFIG_MEM_SOFT_DIRTY");
	case MS_NX:
		if (ms_cmdline_param("noexec", &s) && strcmp(s.value, "off") == 0)
			return switched_off(p, "non-executable data (NX)", &s, NULL);
		p->by = s;
		return false;
	case MS_PKU:
		if (ms_cmdline_param("nopku", &s))
			return switched_off(p, "protection keys", &s, NULL);
		if (is_machine("x86_64"))
			return kconfig_off(p, "protection keys",
					   "CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS");
		if (is_machine("aarch64"))
			return kconfig_off(p, "protection keys", "CONFIG_ARM64_POE");
		p->by = s;
		return false;
	case MS_SECRETMEM:
		if (ms_cmdline_param("secretmem.enable", &s) && !flag_set(&s))
			return switched_off(p, "memfd_secret", &s, NULL);
		return kconfig_off(p, "memfd_secret", "CONFIG_SECRETMEM");
	case MS_USERFAULTFD:
		return kconfig_off(p, "userfaultfd", "CONFIG_USERFAULTFD");
	case MS_MEMORY_FAILURE:
		return kconfig_off(p, "memory failure handling", "CONFIG_MEMORY_FAILURE");
	case MS_N_BEHAVIOURS:
		break;
	}
	return false;
}

size_t ms_policy_settings(struct ms_setting *out, size_t max)
{
	static const char *const params[] = { "pvm_no_zero_page", "transparent_hugepage", "noexec",
		"nopku", "secretmem.enable", "stack_guard_gap", "mitigations" };
	char pmd_enabled[160], pmd_shmem[160];
	if (!pmd_size_file(pmd_enabled, sizeof(pmd_enabled), "enabled") ||
	    !pmd_size_file(pmd_shmem, sizeof(pmd_shmem), "shmem_enabled")) {
		/* no THP, so no PMD size to name them by: recorded as unreadable */
		snprintf(pmd_enabled, sizeof(pmd_enabled), THP_DIR "hugepages-<pmd>kB/enabled");
		snprintf(pmd_shmem, sizeof(pmd_shmem), THP_DIR "hugepages-<pmd>kB/shmem_enabled");
	}
	const char *const files[] = { THP_DIR "enabled", THP_DIR "hpage_pmd_size",
		pmd_enabled,
		THP_DIR "defrag", THP_DIR "use_zero_page", THP_DIR "shmem_enabled",
		pmd_shmem, "/proc/sys/vm/overcommit_memory",
		"/proc/sys/vm/mmap_min_addr", "/proc/sys/vm/max_map_count" };
	static const char *const options[] = { "CONFIG_TRANSPARENT_HUGEPAGE",
		"CONFIG_MEM_SOFT_DIRTY", "CONFIG_READ_ONLY_THP_FOR_FS",
		"CONFIG_X86_INTEL_MEMORY_PROTECTION_KEYS", "CONFIG_ARM64_POE", "CONFIG_SECRETMEM",
		"CONFIG_USERFAULTFD", "CONFIG_MEMORY_FAILURE" };
	size_t n = 0;
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]) && n < max; i++)
		ms_cmdline_param(params[i], &out[n++]);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && n < max; i++)
		ms_sysfs_setting(files[i], &out[n++]);
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]) && n < max; i++)
		ms_kconfig(options[i], &out[n++]);
	return n;
}
