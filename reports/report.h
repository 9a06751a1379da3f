/* Rendering of a results directory, from results.json alone. */
#ifndef MMAPSUITE_REPORT_H
#define MMAPSUITE_REPORT_H

#include <stddef.h>
#include "results.h"

/* Writes into dir: junit.xml, ktap.txt, summary.md, index.html, plots/. Returns 0, or -1 with
 * a reason in err. */
int ms_report_write(const struct ms_run *run, const char *dir, char *err, size_t errlen);

/* Where compare and report --matrix write without --out: $MMAPSUITE_OUT (else reports/out),
 * then "<what>-<UTC time>". Caller frees. */
char *ms_default_out_dir(const char *what);

#endif
