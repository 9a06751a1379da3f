#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"
#include "unit_files.h"

/* Assert that boot parameters are found as the kernel parses them: '-' and '_' alike, quoted
 * values unquoted, the last occurrence winning, bare flags, nothing after " -- ". */
Test(policy, cmdline_parsing)
{
	char path[] = "/tmp/mmapsuite-policy-test-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	ms_unit_write_text(path, "ro pvm-no-zero-page=0 foo=\"a b\" pvm_no_zero_page=1 nopku -- "
			   "noexec=off\n");
	setenv("MMAPSUITE_POLICY_CMDLINE", path, 1);
	struct ms_setting s;
	cr_assert(ms_cmdline_param("pvm_no_zero_page", &s));
	cr_assert_str_eq(s.value, "1");
	cr_assert(strstr(s.source, path) && strstr(s.source, "MMAPSUITE_POLICY_CMDLINE"));
	cr_assert(ms_cmdline_param("foo", &s));
	cr_assert_str_eq(s.value, "a b");
	cr_assert(ms_cmdline_param("nopku", &s));
	cr_assert_str_eq(s.value, "");
	cr_assert(!ms_cmdline_param("noexec", &s), "a parameter after -- belongs to init");
	struct ms_policy p;
	cr_assert(ms_policy(MS_ZERO_PAGE, &p));
	cr_assert(strstr(p.reason, "zero page disabled by pvm_no_zero_page=1 (") == p.reason,
		  "reason: %s", p.reason);
	cr_assert(ms_policy(MS_PKU, &p));
	cr_assert(!ms_policy(MS_NX, &p));
	ms_unit_write_text(path, "pvm_no_zero_page=0\n");
	cr_assert(!ms_policy(MS_ZERO_PAGE, &p), "=0 is no switch");
	unsetenv("MMAPSUITE_POLICY_CMDLINE");
	unlink(path);
}

/* Assert that MMAPSUITE_POLICY_ROOT redirects sysfs and the kernel config: a bracketed choice is
 * extracted, THP never and a config option that is not set switch behaviours off. */
Test(policy, root_override)
{
	char root[] = "/tmp/mmapsuite-policy-root-XXXXXX", path[512];
	cr_assert_not_null(mkdtemp(root));
	struct utsname u;
	uname(&u);
	const char *dirs[] = { "/sys", "/sys/kernel", "/sys/kernel/mm",
		"/sys/kernel/mm/transparent_hugepage", "/proc", "/boot" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", root, dirs[i]);
		mkdir(path, 0755);
	}
	snprintf(path, sizeof(path), "%s/sys/kernel/mm/transparent_hugepage/enabled", root);
	ms_unit_write_text(path, "always madvise [never]\n");
	snprintf(path, sizeof(path), "%s/proc/cmdline", root);
	ms_unit_write_text(path, "ro\n");
	snprintf(path, sizeof(path), "%s/boot/config-%s", root, u.release);
	ms_unit_write_text(path, "CONFIG_TRANSPARENT_HUGEPAGE=y\n# CONFIG_MEM_SOFT_DIRTY is not set\n");
	setenv("MMAPSUITE_POLICY_ROOT", root, 1);
	struct ms_policy p;
	cr_assert(ms_policy(MS_THP, &p));
	cr_assert(strstr(p.reason, "THP disabled by transparent_hugepage/enabled=never ("),
		  "reason: %s", p.reason);
	cr_assert(ms_policy(MS_HUGE_ZERO_PAGE, &p), "no THP, no huge zero page");
	cr_assert(ms_policy(MS_SOFT_DIRTY, &p));
	cr_assert(strstr(p.reason, "CONFIG_MEM_SOFT_DIRTY is not set"), "reason: %s", p.reason);
	cr_assert(!ms_policy(MS_ZERO_PAGE, &p));
	unsetenv("MMAPSUITE_POLICY_ROOT");
	cr_assert(ms_remove_tree(root) == 0);
}
