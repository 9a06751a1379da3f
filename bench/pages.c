/* How a case's data is mapped: by base pages or by PMD-sized pages. A sequential read of
 * data mapped by base pages needs 512 times as many TLB entries as the same data mapped by
 * PMDs, so each is held to the read ceiling measured with the same page size. */
#include "case.h"

#include <stdio.h>
#include <string.h>

/* Bytes of [addr, addr + len) that /proc/self/smaps shows mapped by PMDs (anonymous THP,
 * shmem/tmpfs huge pages, file large folios), summed over the VMAs the range meets. */
static uint64_t pmd_mapped_bytes(const void *addr, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long lo, hi, kb;
	uintptr_t a = (uintptr_t)addr, end = a + len;
	bool inside = false;
	uint64_t bytes = 0;
	char line[512], field[64];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			inside = lo < end && hi > a;
			continue;
		}
		if (inside && sscanf(line, "%63[A-Za-z]: %lu kB", field, &kb) == 2 &&
		    (!strcmp(field, "AnonHugePages") || !strcmp(field, "ShmemPmdMapped") ||
		     !strcmp(field, "FilePmdMapped")))
			bytes += (uint64_t)kb * 1024;
	}
	fclose(f);
	return bytes;
}

void bench_note_pages(struct bench_ctx *c, const void *addr, size_t len)
{
	c->pmd_mapped = pmd_mapped_bytes(addr, len) * 2 >= len;
	json_object_set_new(c->params, "pages", json_string(c->pmd_mapped ? "pmd" : "base"));
}
