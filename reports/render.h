/* The writers inside ms_report_write(), each rendering into a buffer. */
#ifndef MMAPSUITE_REPORTS_RENDER_H
#define MMAPSUITE_REPORTS_RENDER_H

#include "results.h"
#include "section.h"
#include "text.h"

void ms_ktap_render(const struct ms_run *run, struct ms_text *t);
void ms_junit_render(const struct ms_run *run, struct ms_text *t);
void ms_summary_render(const struct ms_report_input *in, const struct ms_report_models *models,
		       struct ms_text *t);

#endif
