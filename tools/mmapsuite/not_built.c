/* Subcommands whose part of the suite is not built into this mmapsuite: they say so, with
 * exit status 2, rather than printing anything that looks like a result. Each is compiled only
 * when its library is missing (tools/CMakeLists.txt). */
#include "commands.h"
#include "results.h"
#include "util.h"

#define NOT_BUILT(fn, what)                                                                  \
	int fn(int argc, char **argv)                                                        \
	{                                                                                    \
		(void)argc;                                                                  \
		ms_warn("'%s' is not built yet: %s", argv[0], what);                         \
		return MS_EXIT_USAGE;                                                        \
	}

#ifdef MS_NO_BENCH
#include "bench.h"
#include "overview_role.h"
NOT_BUILT(cmd_bench, "the benchmark runner (bench/) is missing")
int ms_bench_execute(const struct ms_bench_request *rq, struct ms_harness *h)
{
	(void)rq;
	json_object_set_new(h->run->extra, "benchmarks_skipped",
			    json_string("the benchmark runner is not built into this mmapsuite"));
	ms_warn("benchmarks skipped: the benchmark runner is not built into this mmapsuite");
	return 0;
}
/* Without the case table no case has a role: only results that record theirs in
 * results.json feed the report's overview; the rest say "not measured". */
enum ms_overview_role ms_bench_overview_role(const char *case_name)
{
	(void)case_name;
	return MS_OVERVIEW_NONE;
}
#endif
#ifdef MS_NO_REPORTS
NOT_BUILT(cmd_report, "the report renderer (reports/) is missing")
NOT_BUILT(cmd_compare, "the report renderer (reports/) is missing")
NOT_BUILT(cmd_history, "the report renderer (reports/) is missing")
#include "reports.h"
int ms_render_run(const struct ms_run *run, const char *run_dir, const char *history)
{
	(void)run, (void)run_dir, (void)history;
	return 0; /* results.json alone; nothing rendered, no history */
}
#endif
#ifdef MS_NO_SELFTEST
NOT_BUILT(cmd_selftest, "the self-test with faulty mmap libraries (suites/selftest/) is missing")
#endif
