/* Renders the reports of a finished run (the harness's ms_harness_renderer). */
#ifndef MMAPSUITE_RENDER_H
#define MMAPSUITE_RENDER_H

#include "results.h"

int ms_render_run(const struct ms_run *run, const char *run_dir);

#endif
