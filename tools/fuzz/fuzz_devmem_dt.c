/* The device-tree reader of the devmem tests (suites/devmem_dt.c), over a fake tree written
 * from the input into one directory (MMAPSUITE_DEVICE_TREE), made once and emptied after each
 * run: a fresh directory per run changed the environment every run, and libFuzzer took that
 * growing heap for a leak and scanned the whole heap after each input (33 runs a second).
 * Input: one property a line, "NODE PROPERTY VALUE": NODE a path below the root ("." for the
 * root), VALUE either "text" (each '|' becomes a NUL, one NUL ends it) or hex bytes.
 * The lookups are those of the devmem suite: find the GPIO controller, translate its reg
 * through every ranges, list the pins the tree hands out, and name the controllers. */
#define _XOPEN_SOURCE 700
#include "devmem_dt.h"

#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_LINES = 48, MAX_VALUE = 256 };

/* Only names a kernel exports (no "..", no '/' inside a component). */
static bool good_name(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,._@#+-", *s))
			return false;
	return true;
}

/* mkdir -p root/node, component by component. */
static bool make_node(const char *root, const char *node, char *path)
{
	snprintf(path, PATH_MAX, "%s", root);
	if (!strcmp(node, "."))
		return true;
	char copy[256];
	snprintf(copy, sizeof(copy), "%s", node);
	char *save;
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!good_name(c) || strlen(path) + strlen(c) + 2 >= PATH_MAX)
			return false;
		strcat(path, "/");
		strcat(path, c);
		if (mkdir(path, 0700) != 0 && access(path, F_OK) != 0)
			return false;
	}
	return true;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static size_t value_bytes(const char *v, unsigned char *out)
{
	size_t n = 0;
	if (*v == '"') {
		for (v++; *v && *v != '"' && n < MAX_VALUE - 1; v++)
			out[n++] = *v == '|' ? 0 : (unsigned char)*v;
		out[n++] = 0;
		return n;
	}
	for (int hi = -1; *v && n < MAX_VALUE; v++) {
		int x = hexval(*v);
		if (x < 0)
			continue;
		if (hi < 0) {
			hi = x;
		} else {
			out[n++] = (unsigned char)(hi << 4 | x);
			hi = -1;
		}
	}
	return n;
}

static void write_tree(const char *root, char *text)
{
	char *save;
	int lines = 0;
	for (char *line = strtok_r(text, "\n", &save); line && lines < MAX_LINES;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		char node[256], prop[64], path[PATH_MAX];
		int used = 0;
		if (sscanf(line, "%255s %63s %n", node, prop, &used) < 2 || !good_name(prop) ||
		    !make_node(root, node, path) || strlen(path) + strlen(prop) + 2 >= PATH_MAX)
			continue;
		unsigned char value[MAX_VALUE];
		size_t n = value_bytes(line + used, value);
		strcat(path, "/");
		strcat(path, prop);
		FILE *f = fopen(path, "wb");
		if (f) {
			fwrite(value, 1, n, f);
			fclose(f);
		}
	}
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* The tree's root, made by LLVMFuzzerInitialize and removed at exit. */
static char root[PATH_MAX];

static int remove_below_root(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag;
	return ftw->level > 0 ? remove(path) : 0;
}

static void remove_root(void)
{
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(root, sizeof(root), "%s/mmapsuite-fuzz-dt.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root) || setenv("MMAPSUITE_DEVICE_TREE", root, 1) != 0)
		abort();
	atexit(remove_root);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384 || memchr(data, 0, size))
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	write_tree(root, text);
	free(text);

	static const char *const gpio[] = { "brcm,bcm2835-gpio", "brcm,bcm2711-gpio" };
	char node[PATH_MAX], why[256], names[512];
	size_t which;
	if (ms_dt_find_compatible(gpio, 2, node, &which) == 0) {
		uint64_t addr, len;
		(void)ms_dt_reg_phys(node, 0, &addr, &len, why);
		unsigned char used[64] = { 0 };
		ms_dt_gpio_pins_used(node, used, 64);
	}
	ms_dt_gpio_compatibles(names, sizeof(names));
	nftw(root, remove_below_root, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
