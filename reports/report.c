/* ms_report_write(): every output of a results directory, from the run alone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "plots.h"
#include "render.h"
#include "report.h"
#include "trusted_env.h"
#include "util.h"

static int save(struct ms_text *t, const char *dir, const char *name, char *err, size_t errlen)
{
	char *path = ms_asprintf("%s/%s", dir, name);
	int rc = ms_text_save(t, path);
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	free(path);
	ms_text_free(t);
	return rc;
}

int ms_report_write(const struct ms_run *run, const char *dir, char *err, size_t errlen)
{
	if (ms_mkdir_p(dir, 0755) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	struct ms_text t = { 0 };
	ms_junit_render(run, &t);
	if (save(&t, dir, "junit.xml", err, errlen))
		return -1;
	ms_ktap_render(run, &t);
	if (save(&t, dir, "ktap.txt", err, errlen))
		return -1;
	/* Plots and topology first: the sections' models are built once, for both formats. */
	char *plots_dir = ms_asprintf("%s/plots", dir);
	struct ms_plot_set plots;
	ms_plots_build(run, &plots);
	ms_plots_draw(run, &plots, plots_dir);
	char *topology_note;
	char *topology = ms_topology_svg(run, plots_dir, &topology_note);
	struct ms_report_input in = { .run = run, .plots = &plots, .topology_svg = topology,
				      .topology_note = topology_note };
	struct ms_report_models *models = ms_sections_build(&in);
	ms_summary_render(&in, models, &t);
	int rc = save(&t, dir, "summary.md", err, errlen);
	if (rc == 0) {
		ms_html_page(&in, models, &t);
		rc = save(&t, dir, "index.html", err, errlen);
	}
	if (rc == 0 && plots.problem) {
		/* The page says so too; a caller (and CI) must not take it for a full report. */
		snprintf(err, errlen, "%s/index.html has missing plots: %s", dir, plots.problem);
		rc = -1;
	}
	free(topology);
	free(topology_note);
	ms_sections_free(models);
	ms_plots_free(&plots);
	free(plots_dir);
	return rc;
}

char *ms_default_out_dir(const char *what)
{
	const char *root = ms_env("MMAPSUITE_OUT");
	char stamp[32];
	time_t now = time(NULL);
	struct tm utc;
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &utc));
	return ms_asprintf("%s/%s-%s", root && *root ? root : "reports/out", what, stamp);
}
