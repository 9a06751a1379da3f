/* Parsers of the /proc files the conformance tests read (/proc/self/maps, smaps, status,
 * /proc/meminfo), apart from the reading so that a fuzz harness (tools/fuzz) can feed them any
 * text: plain C, no Criterion, no exit, no static state. Each reads f from where it stands. */
#ifndef MMAPSUITE_PROC_PARSE_H
#define MMAPSUITE_PROC_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One /proc/self/maps entry (a line of maps, or the line that opens a block of smaps). */
struct ms_vma {
	unsigned long start, end;      /* [start, end) */
	char perms[5];                 /* "rw-p", "r--s" */
	unsigned long long offset;     /* file offset of start */
	const char *name;              /* the path or "[stack]", "[vsyscall]"; "" if none */
	const char *line;              /* the whole entry without its newline, for messages */
};

/* The one parser of maps lines ("start-end perms offset dev inode   name"): parses line in
 * place (its newline is cut off; name and line point into it). False when it is no entry. */
bool ms_maps_parse_line(char *line, struct ms_vma *vma);

/* maps: how many lines' ranges meet [lo, hi). */
int ms_maps_count(FILE *f, unsigned long lo, unsigned long hi);
/* maps: the lines whose ranges meet [lo, hi), as many whole lines as fit in out (len bytes,
 * NUL-terminated). Returns the bytes stored, 0 when none meets. */
size_t ms_maps_lines(FILE *f, unsigned long lo, unsigned long hi, char *out, size_t len);
/* smaps: the value of "field:" (kB) in the block of the mapping holding addr; -1 if absent. */
long ms_smaps_field(FILE *f, unsigned long addr, const char *field);
/* smaps: the VmFlags of the mapping holding addr into out (len bytes); false if absent. */
bool ms_smaps_vmflags(FILE *f, unsigned long addr, char *out, size_t len);
/* meminfo, status: the number after "field:" (kB for most fields); -1 if absent. */
long ms_proc_field(FILE *f, const char *field);

#endif
