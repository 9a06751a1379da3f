/* `mmapsuite selftest`: the runner's parts. cmd_selftest.c runs mmapsuite-conform cleanly and
 * under each faulty library and builds, per file system, one JSON report object;
 * selftest_report.c prints it and writes selftest.md. */
#ifndef MMAPSUITE_SELFTEST_H
#define MMAPSUITE_SELFTEST_H

#include <jansson.h>
#include <stdio.h>

struct selftest_fault {
	const char *name;
	const char *group;       /* the checklist group whose kind of bug it imitates */
	const char *description;
};

extern const struct selftest_fault selftest_faults[];
extern const int selftest_n_faults;

#define SELFTEST_GROUPS "abcdefghijk"

/* One file system's report (the shape is documented in selftest_report.c). */
void selftest_print(const json_t *report, FILE *out);
/* Writes DIR/selftest.md from every file system's report. Returns 0 or -1 with errno. */
int selftest_write_markdown(const json_t *reports, const char *dir);

#endif
