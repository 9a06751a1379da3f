/* `mmapsuite bench`: the benchmark profile (and the fio fidelity check) on the file systems
 * under test, results into a new run directory. */
#include "bench.h"
#include "case.h"
#include "commands.h"
#include "options.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_PROFILE = MS_OPT_OWN, OPT_CASE, OPT_MAX_SIZE, OPT_EVENTS, OPT_FIDELITY,
       OPT_FIDELITY_ONLY, OPT_LIST };

static const struct ms_option bench_options[] = {
	{ "profile", 0, "P", "quick (default: every case at a few points, about a minute)\n"
	  "or full (every sweep, under 20 minutes) or pmu (4 and 8 MiB\n"
	  "only, one pass per sample: for emulated CPUs with counters)", OPT_PROFILE },
	{ "case", 0, "LIST", "only these cases (see --list); ceiling is always measured",
	  OPT_CASE },
	{ "max-size", 0, "SIZE", "largest file or region (e.g. 512M, 2G); refused when larger\n"
	  "than a quarter of memory or the free space of a file system", OPT_MAX_SIZE },
	{ "events", 0, "LIST", "hardware events to count instead of the generic set (cycles,\n"
	  "instructions, instructions:u, dTLB-load-misses, cache-misses,\n"
	  "branch-misses), resolved by libpfm4; a name may repeat, each\n"
	  "is its own ungrouped counter (more than the PMU has multiplex)", OPT_EVENTS },
	{ "fidelity", 0, NULL, "also compare against fio (psync and mmap engines); exit 1 when\n"
	  "mmapsuite's throughput is more than 10% off fio's, either way", OPT_FIDELITY },
	{ "fidelity-only", 0, NULL, "only the fio comparison", OPT_FIDELITY_ONLY },
	{ "list", 0, NULL, "print the cases and their options, and exit", OPT_LIST },
	MS_OPTIONS_END
};
static const struct ms_option *const bench_tables[] = { bench_options, ms_harness_options,
							NULL };
/* --help: this, then the option lines of bench_tables. */
static const char bench_synopsis[] =
	"usage: mmapsuite bench [--profile quick|full|pmu] [--case NAME[,NAME...]]\n"
	"                       [--max-size SIZE] [--events LIST]\n"
	"                       [--fidelity | --fidelity-only] [--list]\n"
	"                       [common options]\n"
	"Measures mmap against read() and friends on every file system under test and\n"
	"writes the results into a new run directory.\n";

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K': v *= KiB; end++; break;
	case 'M': v *= MiB; end++; break;
	case 'G': v *= GiB; end++; break;
	case 'T': v *= 1024 * GiB; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end += *end == 'i' ? 1 : 0, end += *end == 'B' ? 1 : 0;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	static struct ms_harness h;
	struct ms_bench_request rq = { .profile = "quick" };
	bool fidelity = false, fidelity_only = false;
	int ret = 0, fret = 0;

	struct ms_options p;
	ms_options_begin(&p, "bench", bench_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		switch (id) {
		case MS_OPT_HELP:
			fputs(bench_synopsis, stdout);
			ms_options_help(stdout, bench_tables);
			return 0;
		case OPT_LIST:
			ms_bench_list();
			return 0;
		case OPT_FIDELITY:
			fidelity = true;
			break;
		case OPT_FIDELITY_ONLY:
			fidelity = fidelity_only = true;
			break;
		case OPT_PROFILE:
			rq.profile = p.arg;
			break;
		case OPT_EVENTS:
			rq.events = p.arg;
			break;
		case OPT_CASE:
			rq.case_filter = p.arg;
			break;
		case OPT_MAX_SIZE:
			if (parse_size(p.arg, &rq.max_size)) {
				fprintf(stderr, "mmapsuite bench: --max-size '%s' is not a size "
					"(e.g. 512M, 2G)\n", p.arg);
				return MS_EXIT_USAGE;
			}
			break;
		default:
			ms_harness_handle(&h, id, p.given, p.arg);
		}
	}
	ms_options_no_operands(&p);
	/* Everything that can be refused is refused before the run directory exists. */
	ret = ms_bench_validate(&rq);
	if (ret)
		return ret;
	ms_harness_begin(&h);
	if (!fidelity_only)
		ret = ms_bench_execute(&rq, &h);
	if (!ret && fidelity)
		fret = ms_bench_fidelity(&h);
	int saved = ms_harness_end(&h);
	if (ret)
		return ret;
	if (fret)
		return fret == 2 ? MS_EXIT_USAGE : fret;
	return saved;
}
