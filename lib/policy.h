/* Kernel policy: does the kernel's configuration switch off a behaviour a test relies on, and
 * by which setting, read from where. A kernel that does what it was told is not a bug: a test
 * whose behaviour is switched off SKIPs with ms_policy()'s reason, e.g.
 *   "zero page disabled by pvm_no_zero_page=1 (/proc/cmdline)".
 * Where the configuration says nothing, the behaviour counts as on and the test runs (and can
 * fail).
 *
 * Sources: the kernel command line (/proc/cmdline), sysfs and procfs files, and the kernel
 * config where it is readable (/proc/config.gz, else /boot/config-$(uname -r)).
 *
 * Plain C with no other lib/ code and no jansson: built as a small static library linked into
 * both libmmapsuite (environment capture) and the conformance test binary.
 *
 * Test-only overrides (never for a real run; they make the suite believe a configuration):
 *   MMAPSUITE_POLICY_CMDLINE=FILE  read FILE instead of /proc/cmdline;
 *   MMAPSUITE_POLICY_ROOT=DIR      read DIR/sys/..., DIR/proc/... and DIR/boot/config-RELEASE
 *                                  instead of the real files (a file missing under DIR counts
 *                                  as missing; the real one is never read instead).
 * A source read through an override is named with it in every reason. */
#ifndef MMAPSUITE_POLICY_H
#define MMAPSUITE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

/* Behaviours that a kernel's configuration can switch off. */
enum ms_behaviour {
	MS_ZERO_PAGE,      /* read faults on anonymous memory map the shared zero page */
	MS_HUGE_ZERO_PAGE, /* read faults in THP regions map the huge zero page */
	MS_THP,            /* anonymous PMD-size THP at fault, at least for MADV_HUGEPAGE */
	MS_SOFT_DIRTY,     /* soft-dirty bits in /proc/PID/pagemap */
	MS_NX,             /* data pages are not executable (x86 noexec=off turns NX off) */
	MS_PKU,            /* memory protection keys (x86 nopku turns them off) */
	MS_SECRETMEM,      /* memfd_secret() (CONFIG_SECRETMEM, secretmem.enable) */
	MS_USERFAULTFD,    /* userfaultfd() (CONFIG_USERFAULTFD) */
	MS_MEMORY_FAILURE, /* MADV_HWPOISON and SIGBUS on poisoned pages (CONFIG_MEMORY_FAILURE) */
	MS_N_BEHAVIOURS
};

/* What one source says about one setting. */
struct ms_setting {
	char name[96];    /* "pvm_no_zero_page", "transparent_hugepage/enabled", "CONFIG_X" */
	bool found;       /* false: the parameter is absent, the file or config unreadable */
	char value[160];  /* as read ("1", "madvise" from "always [madvise] never", "y", "n") */
	char source[320]; /* "/proc/cmdline"; with an override "FILE (MMAPSUITE_POLICY_...)" */
};

struct ms_policy {
	bool off;          /* the configuration switches the behaviour off */
	struct ms_setting by; /* the deciding setting when off (or the one consulted) */
	char reason[640];  /* when off: "<what> disabled by NAME=VALUE (SOURCE)" */
};

/* Whether the configuration switches behaviour b off; fills *p (may be NULL). */
bool ms_policy(enum ms_behaviour b, struct ms_policy *p);
/* "zero_page", "huge_zero_page", "thp", ... */
const char *ms_behaviour_name(enum ms_behaviour b);

/* The boot parameter name (dashes and underscores alike, the last occurrence wins, nothing
 * after " -- ", which belongs to init). A bare flag ("nopku") has value "". */
bool ms_cmdline_param(const char *name, struct ms_setting *s);
/* A sysfs or procfs file (absolute path); a "[choice]" among alternatives is extracted. The
 * name is the path without "/sys/kernel/mm/" or "/proc/sys/". */
bool ms_sysfs_setting(const char *path, struct ms_setting *s);
/* A kernel config option: value "y", "m", a string, or "n" (not set); found false when no
 * config is readable. */
bool ms_kconfig(const char *option, struct ms_setting *s);

/* Every setting that some ms_policy() check consults, as read now, for the environment
 * capture. Returns how many were written (at most max). */
size_t ms_policy_settings(struct ms_setting *out, size_t max);

/* A non-empty MMAPSUITE_POLICY_* override in force, or NULL. */
const char *ms_policy_override(void);

#endif
