#include "render.h"
#include "report.h"
#include "util.h"

#include <stdio.h>

int ms_render_run(const struct ms_run *run, const char *run_dir)
{
	char err[512];
	if (ms_report_write(run, run_dir, err, sizeof(err)) != 0) {
		ms_warn("rendering the report in %s failed: %s", run_dir, err);
		return 1;
	}
	return 0;
}
