/* The /proc parsers of the conformance tests (suites/proc_parse.c): the input is a
 * /proc/self/maps, smaps, status or /proc/meminfo text as any kernel might write it; each
 * parser reads it as a stream (fmemopen), with an address taken from the input's first line
 * so that the fuzzer can aim at a block it wrote. */
#include "proc_parse.h"

#include <stdint.h>
#include <stdlib.h>

static FILE *stream(const uint8_t *data, size_t size)
{
	/* fmemopen refuses size 0; an empty file is a stream of nothing */
	static const uint8_t nothing[1];
	return fmemopen((void *)(size ? data : nothing), size ? size : 1, "r");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long addr = 0;
	char first[64] = "";
	FILE *f = stream(data, size);
	if (!f)
		return 0;
	if (fgets(first, sizeof(first), f))
		addr = strtoul(first, NULL, 16);
	rewind(f);
	(void)ms_maps_count(f, addr, addr + 4096);
	rewind(f);
	char near[1024];
	(void)ms_maps_lines(f, addr, addr + 4096, near, sizeof(near));
	rewind(f);
	(void)ms_smaps_field(f, addr, "Rss");
	rewind(f);
	char flags[256];
	(void)ms_smaps_vmflags(f, addr, flags, sizeof(flags));
	rewind(f);
	(void)ms_proc_field(f, "MemTotal");
	rewind(f);
	(void)ms_proc_field(f, "Hugepagesize");
	fclose(f);
	return 0;
}
