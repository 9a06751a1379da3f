/* Parsers of /proc text for the conformance tests (proc_parse.h). Lines longer than the
 * buffers are read in pieces, as the tests always read them; a piece that does not start a
 * line can still look like one, which is harmless for the fields the tests ask for. */
#include "proc_parse.h"

#include <stdlib.h>
#include <string.h>

bool ms_maps_parse_line(char *line, struct ms_vma *vma)
{
	int name_at = 0;
	line[strcspn(line, "\n")] = 0;
	if (sscanf(line, "%lx-%lx %4s %llx %*s %*u %n", &vma->start, &vma->end, vma->perms,
		   &vma->offset, &name_at) < 4)
		return false;
	vma->name = name_at ? line + name_at : "";
	vma->line = line;
	return true;
}

int ms_maps_count(FILE *f, unsigned long lo, unsigned long hi)
{
	char line[512];
	int n = 0;
	struct ms_vma vma;
	while (fgets(line, sizeof(line), f))
		if (ms_maps_parse_line(line, &vma) && vma.end > lo && vma.start < hi)
			n++;
	return n;
}

size_t ms_maps_lines(FILE *f, unsigned long lo, unsigned long hi, char *out, size_t len)
{
	size_t used = 0;
	char line[512];
	struct ms_vma vma;
	if (len)
		out[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!ms_maps_parse_line(line, &vma) || vma.end <= lo || vma.start >= hi)
			continue;
		size_t n = strlen(vma.line);
		if (used + n + 2 < len) {
			memcpy(out + used, vma.line, n);
			used += n;
			out[used++] = '\n';
			out[used] = 0;
		}
	}
	return used;
}

/* A line that opens a mapping's block (a maps line), and its range. */
static bool block_start(char *line, unsigned long *s, unsigned long *e)
{
	struct ms_vma vma;
	if (!ms_maps_parse_line(line, &vma))
		return false;
	*s = vma.start, *e = vma.end;
	return true;
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
