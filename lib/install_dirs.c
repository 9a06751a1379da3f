#include "install_dirs.h"
#include "exec_self.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* MS_REL_LIBEXEC, MS_REL_PRIVATE_LIB, MS_REL_DATA: each install directory relative to the
 * install bindir, computed by CMake (lib/CMakeLists.txt) from GNUInstallDirs. */

static bool runner_beside(const char *dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/mmapsuite-conform", dir);
	return access(path, X_OK) == 0;
}

bool ms_installed(void)
{
	return !runner_beside(ms_self_dir());
}

/* self_dir/rel, or self_dir itself in a build tree when beside is true. */
static const char *below_self(char *buf, size_t len, const char *rel, bool beside)
{
	if (!buf[0]) {
		if (beside && !ms_installed())
			snprintf(buf, len, "%s", ms_self_dir());
		else
			snprintf(buf, len, "%s/%s", ms_self_dir(), rel);
	}
	return buf;
}

const char *ms_runner_dir(void)
{
	static char dir[PATH_MAX];
	return below_self(dir, sizeof(dir), MS_REL_LIBEXEC, true);
}

const char *ms_private_lib_dir(void)
{
	static char dir[PATH_MAX];
	return below_self(dir, sizeof(dir), MS_REL_PRIVATE_LIB, true);
}

const char *ms_data_dir(void)
{
	/* build/bin/../share/mmapsuite is where lib/CMakeLists.txt copies the data, so the
	 * relative path is the same in both layouts. */
	static char dir[PATH_MAX];
	return below_self(dir, sizeof(dir), MS_REL_DATA, false);
}

const char *ms_shipped_expect(void)
{
	/* Resolved, so that messages and results.json name /usr/share/mmapsuite/kernel.expect
	 * rather than /usr/bin/../share/... */
	static char path[PATH_MAX];
	char given[PATH_MAX];
	snprintf(given, sizeof(given), "%s/kernel.expect", ms_data_dir());
	if (access(given, R_OK) != 0 || !realpath(given, path))
		return NULL;
	return path;
}
