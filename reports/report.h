/* Rendering of a results directory, from results.json alone. */
#ifndef MMAPSUITE_REPORT_H
#define MMAPSUITE_REPORT_H

#include <stddef.h>
#include "results.h"

/* Writes into dir: junit.xml, ktap.txt, summary.md, index.html, plots/. Returns 0, or -1 with
 * a reason in err. */
int ms_report_write(const struct ms_run *run, const char *dir, char *err, size_t errlen);

/* Only the machine-readable outputs (junit.xml, ktap.txt): cheap, no gnuplot. Return 0, or
 * -1 with errno (the old file, if any, is left whole). */
int ms_report_write_junit(const struct ms_run *run, const char *path);
int ms_report_write_ktap(const struct ms_run *run, const char *path);

#endif
