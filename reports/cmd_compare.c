/* mmapsuite compare A B [C ...]: each run against the baseline A. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "compare.h"
#include "options.h"
#include "model.h"
#include "report.h"
#include "util.h"

static const char compare_synopsis[] =
	"usage: mmapsuite compare [--fail-on-regression PCT] [--out DIR] BASELINE RUN [RUN...]\n"
	"Compares results directories (or results.json files) from different kernels, file\n"
	"systems, boards or hosts against the first: per metric the ratio of medians with a 95%\n"
	"bootstrap interval and a Mann-Whitney U test on the raw samples, conformance outcome\n"
	"changes, and the environment differences that decide results. Prints Markdown and\n"
	"writes compare.md, compare.html and plots/ into DIR (default:\n"
	"$MMAPSUITE_OUT or reports/out, /compare-<time>).\n";
static const char compare_exits[] =
	"Exit: 0 compared, 1 regression (with the gate), 2 bad input or runs with nothing in\n"
	"common, 3 writing the comparison failed.\n";

enum { OPT_FAIL_ON_REGRESSION = MS_OPT_OWN, OPT_OUT };

static const struct ms_option compare_options[] = {
	{ "fail-on-regression", 'f', "PCT", "exit 1 if a metric got significantly worse by more\n"
	  "than PCT percent, or a test passing in the baseline fails", OPT_FAIL_ON_REGRESSION },
	{ "out", 'o', "DIR", "write compare.md, compare.html and plots/ into DIR", OPT_OUT },
	MS_OPTIONS_END
};
static const struct ms_option *const compare_tables[] = { compare_options, NULL };

static int parse_pct(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 1000)
		return -1;
	*out = v;
	return 0;
}

static int write_outputs(const struct ms_comparison *c, const char *dir)
{
	char err[512];
	struct ms_text md = { 0 }, html = { 0 };
	if (ms_mkdir_p(dir, 0755) != 0) {
		fprintf(stderr, "mmapsuite compare: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	ms_compare_markdown(c, &md);
	int rc = ms_compare_html(c, dir, &html, err, sizeof(err));
	if (rc)
		fprintf(stderr, "mmapsuite compare: %s\n", err);
	char *md_path = ms_asprintf("%s/compare.md", dir), *html_path = ms_asprintf("%s/compare.html", dir);
	if (ms_text_save(&md, md_path) || ms_text_save(&html, html_path)) {
		fprintf(stderr, "mmapsuite compare: cannot write into %s: %s\n", dir, strerror(errno));
		rc = -1;
	} else {
		printf("\ncomparison: %s\n", html_path);
	}
	free(md_path);
	free(html_path);
	ms_text_free(&md);
	ms_text_free(&html);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct ms_comparison c = { .threshold_pct = -1 };
	char *out = NULL;
	struct ms_options p;
	ms_options_begin(&p, "compare", compare_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		switch (id) {
		case OPT_FAIL_ON_REGRESSION:
			if (parse_pct(p.arg, &c.threshold_pct)) {
				fprintf(stderr, "mmapsuite compare: --fail-on-regression: '%s' is not a "
					"percentage between 0 and 1000\n", p.arg);
				ms_options_operands(&p); /* frees the option tables */
				return MS_EXIT_USAGE;
			}
			break;
		case OPT_OUT:
			free(out);
			out = ms_strdup(p.arg);
			break;
		case MS_OPT_HELP:
			free(out);
			return ms_options_usage(compare_synopsis, compare_tables, compare_exits);
		}
	}
	int first = ms_options_operands_between(&p, 2, INT_MAX, "needs a baseline and at least "
						"one run to compare");
	ms_options_out_dir(&p, out);
	c.n_runs = (size_t)(argc - first);
	c.runs = ms_calloc(c.n_runs, sizeof(*c.runs));
	int rc = MS_EXIT_OK;
	for (size_t k = 0; k < c.n_runs; k++) {
		char err[1024];
		c.runs[k] = ms_run_load_dir(argv[first + (int)k], err, sizeof(err));
		if (!c.runs[k]) {
			fprintf(stderr, "mmapsuite compare: %s\n", err);
			rc = MS_EXIT_USAGE;
		}
	}
	if (rc == MS_EXIT_OK) {
		ms_compare_runs(&c);
		size_t with_bench = 0, with_conf = 0;
		for (size_t k = 0; k < c.n_runs; k++) {
			with_bench += c.runs[k]->n_benchmarks > 0;
			with_conf += c.runs[k]->n_conformance > 0;
		}
		/* Runs from different places often share no benchmark (a board runs conformance
		 * only): their conformance and environments still compare. Only runs that share
		 * nothing at all are bad input. */
		if (with_bench && !c.n_metrics && with_conf < c.n_runs) {
			fprintf(stderr, "mmapsuite compare: nothing in common: no benchmark result of "
				"%s has a counterpart (same case, metric, unit and parameters) in the "
				"other runs, and not every run has conformance results\n", argv[first]);
			rc = MS_EXIT_USAGE;
		} else if (with_bench && !c.n_metrics) {
			fprintf(stderr, "mmapsuite compare: no benchmark metric was paired (no result of "
				"%s has a counterpart of the same case, metric, unit and parameters); "
				"comparing conformance and environment only\n", argv[first]);
		}
	}
	if (rc == MS_EXIT_OK) {
		struct ms_text md = { 0 };
		ms_compare_markdown(&c, &md);
		fputs(md.data, stdout);
		ms_text_free(&md);
		if (!out)
			out = ms_default_out_dir("compare");
		if (write_outputs(&c, out) != 0) /* a regression found below still says 1 */
			rc = MS_EXIT_RECORDING;
		if (c.threshold_pct >= 0 && c.n_regressions) {
			fprintf(stderr, "mmapsuite compare: %zu regression%s beyond %.1f%%:\n",
				c.n_regressions, c.n_regressions == 1 ? "" : "s", c.threshold_pct);
			for (size_t i = 0; i < c.n_metrics; i++) {
				const struct ms_metric_cmp *m = &c.metrics[i];
				if (!m->regression)
					continue;
				char *params = ms_params_label(m->base, NULL);
				fprintf(stderr, "  run %zu: %s [%s] %s (%s) %+.1f%% (ratio %.3f, p %.3g)\n",
					m->run, m->base->bench_case, params, m->base->metric,
					m->base->unit, m->change_pct, m->ratio.ratio, m->p);
				free(params);
			}
			for (size_t i = 0; i < c.n_conf; i++)
				if (c.conf[i].regression)
					fprintf(stderr, "  run %zu: %s.%s on %s: %s -> %s%s%s\n",
						c.conf[i].run, c.conf[i].base->suite,
						c.conf[i].base->test, c.conf[i].other->fs,
						ms_outcome_name(c.conf[i].base->outcome),
						ms_outcome_name(c.conf[i].other->outcome),
						c.conf[i].other->message ? ": " : "",
						c.conf[i].other->message ? c.conf[i].other->message : "");
			rc = MS_EXIT_FAILED;
		}
	}
	ms_comparison_free(&c);
	for (size_t k = 0; k < c.n_runs; k++)
		if (c.runs[k])
			ms_run_free(c.runs[k]);
	free(c.runs);
	free(out);
	return rc;
}
