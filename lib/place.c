#include "place.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/utsname.h>
#include <unistd.h>

size_t ms_place_page_size(void)
{
	long v = sysconf(_SC_PAGESIZE);
	return v > 0 ? (size_t)v : 0;
}

static long long read_number(const char *path)
{
	FILE *f = fopen(path, "re");
	long long v = -1;
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

size_t ms_place_pmd_size(void)
{
	long long v = read_number("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
	return v > 0 ? (size_t)v : 0;
}

unsigned long ms_place_default_hugetlb_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	unsigned long kb = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static int ascending(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
	return (x > y) - (x < y);
}

size_t ms_place_hugetlb_sizes_kb(unsigned long *kb, size_t max)
{
	DIR *d = opendir(MS_HUGETLB_SYSFS);
	size_t n = 0;
	struct dirent *e;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while (d && (e = readdir(d))) {
		unsigned long size;
		char tail[8];
		if (sscanf(e->d_name, "hugepages-%lu%7s", &size, tail) != 2 || strcmp(tail, "kB"))
			continue;
		if (n < max)
			kb[n] = size;
		n++;
	}
	if (d)
		closedir(d);
	qsort(kb, n < max ? n : max, sizeof(*kb), ascending);
	return n;
}

const char *ms_place_byte_order(void)
{
	const unsigned int one = 1;
	return *(const unsigned char *)&one == 1 ? "little" : "big";
}

int ms_place_word_bits(void)
{
	return (int)sizeof(long) * 8;
}

void ms_place_kernel_machine(char *buf, size_t n)
{
	FILE *f = fopen("/proc/sys/kernel/arch", "re");
	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)n, f))
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
	}
	struct utsname u;
	if (!buf[0] && uname(&u) == 0)
		snprintf(buf, n, "%s", u.machine);
}

int ms_place_kernel_word_bits(void)
{
	/* /proc/kallsyms prints each address in the kernel's full width (%px), zeroes included
	 * when kptr_restrict hides it: 16 hex digits on a 64-bit kernel, 8 on a 32-bit one. */
	FILE *f = fopen("/proc/kallsyms", "re");
	char addr[32];
	int bits = 0;
	if (f) {
		if (fscanf(f, "%31[0-9a-fA-F]", addr) == 1)
			bits = (int)strlen(addr) * 4;
		fclose(f);
	}
	return bits == 32 || bits == 64 ? bits : 0;
}

bool ms_place_compat(void)
{
	return ms_place_kernel_word_bits() > ms_place_word_bits();
}

void ms_place_machine(char *buf, size_t n)
{
	struct utsname u;
	int old = -1;
	/* what `linux32 uname -m` prints: a 64-bit kernel names its 32-bit personality so */
	if (ms_place_word_bits() == 32 && ms_place_compat()) {
		old = personality(0xffffffff);
		if (old != -1 && personality((unsigned long)(PER_LINUX32 | (old & ~PER_MASK))) == -1)
			old = -1;
	}
	if (uname(&u) == 0)
		snprintf(buf, n, "%s", u.machine);
	else if (n)
		buf[0] = '\0';
	if (old != -1)
		personality((unsigned long)old);
}

/* Whether list (a modules.dep or modules.builtin) has a line naming .../name.ko[.xz|.zst...];
 * -1 when it cannot be read. */
static int module_listed(const char *list, const char *name)
{
	FILE *f = fopen(list, "re");
	char *line = NULL, want[128];
	size_t cap = 0;
	int found = 0;
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "/%s.ko", name);
	/* whole lines (getline): a long list of dependencies must not be read as a module's path */
	while (!found && getline(&line, &cap, f) > 0) {
		line[strcspn(line, ":\n")] = '\0'; /* modules.dep: "path: dependencies" */
		char *hit = strstr(line, want);
		found = hit && (hit[strlen(want)] == '\0' || hit[strlen(want)] == '.');
	}
	free(line);
	fclose(f);
	return found;
}

bool ms_place_module_absent_in(const char *dir, const char *name)
{
	char dep[512], builtin[512];
	snprintf(dep, sizeof(dep), "%s/modules.dep", dir);
	snprintf(builtin, sizeof(builtin), "%s/modules.builtin", dir);
	return module_listed(dep, name) == 0 && module_listed(builtin, name) != 1;
}

bool ms_place_module_absent(const char *name)
{
	struct utsname u;
	char dir[400];
	if (uname(&u) != 0)
		return false;
	snprintf(dir, sizeof(dir), "/lib/modules/%s", u.release);
	return ms_place_module_absent_in(dir, name);
}
