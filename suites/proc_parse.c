/* Parsers of /proc text for the conformance tests (proc_parse.h). Lines longer than the
 * buffers are read in pieces, as the tests always read them; a piece that does not start a
 * line can still look like one, which is harmless for the fields the tests ask for. */
#include "proc_parse.h"

#include <stdlib.h>
#include <string.h>

int ms_maps_count(FILE *f, unsigned long lo, unsigned long hi)
{
	char line[512];
	int n = 0;
	unsigned long s, e;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && e > lo && s < hi)
			n++;
	return n;
}

size_t ms_maps_lines(FILE *f, unsigned long lo, unsigned long hi, char *out, size_t len)
{
	size_t used = 0;
	char line[512];
	if (len)
		out[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && e > lo && s < hi) {
			size_t n = strlen(line);
			if (used + n + 1 < len) {
				memcpy(out + used, line, n + 1);
				used += n;
			}
		}
	}
	return used;
}

/* A line that opens a mapping's block ("start-end perms ..."), and its range. */
static bool block_start(const char *line, unsigned long *s, unsigned long *e)
{
	const char *dash = strchr(line, '-'), *space = strchr(line, ' ');
	return sscanf(line, "%lx-%lx ", s, e) == 2 && dash && space && dash < space;
}

long ms_smaps_field(FILE *f, unsigned long addr, const char *field)
{
	char line[512];
	bool inside = false;
	size_t flen = strlen(field);
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		if (block_start(line, &s, &e)) {
			inside = addr >= s && addr < e;
			continue;
		}
		if (inside && strncmp(line, field, flen) == 0 && line[flen] == ':')
			return strtol(line + flen + 1, NULL, 10);
	}
	return -1;
}

bool ms_smaps_vmflags(FILE *f, unsigned long addr, char *out, size_t len)
{
	char line[512];
	bool inside = false;
	if (len)
		out[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		if (block_start(line, &s, &e)) {
			inside = addr >= s && addr < e;
			continue;
		}
		if (inside && strncmp(line, "VmFlags:", 8) == 0 && len) {
			snprintf(out, len, "%s", line + 8);
			out[strcspn(out, "\n")] = 0;
			return true;
		}
	}
	return false;
}

long ms_proc_field(FILE *f, const char *field)
{
	char line[256];
	size_t flen = strlen(field);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, flen) == 0 && line[flen] == ':')
			return strtol(line + flen + 1, NULL, 10);
	return -1;
}
