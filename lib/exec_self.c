#include "exec_self.h"
#include "trusted_env.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *ms_self_dir(void)
{
	static char dir[PATH_MAX];
	const char *bundle = ms_env("MMAPSUITE_LIBEXEC");
	if (!dir[0] && bundle && *bundle)
		snprintf(dir, sizeof(dir), "%s", bundle);
	if (!dir[0]) {
		ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		if (n <= 0)
			return ".";
		dir[n] = 0;
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
	}
	return dir;
}

int ms_loader_argv(const char *path, char *const argv[], const char **full, size_t cap)
{
	const char *loader = ms_env("MMAPSUITE_LOADER");
	const char *libs = ms_env("MMAPSUITE_LIBRARY_PATH");
	if (!loader || !*loader || !libs || !*libs)
		return 0;
	size_t n = 0;
	while (argv[n])
		n++;
	if (cap < n + 6)
		return -1;
	size_t k = 0;
	full[k++] = loader;
	full[k++] = "--library-path";
	full[k++] = libs;
	full[k++] = "--argv0";
	full[k++] = n ? argv[0] : path;
	full[k++] = path;
	for (size_t i = 1; i < n; i++)
		full[k++] = argv[i];
	full[k] = NULL;
	return (int)k;
}
