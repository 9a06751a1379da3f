/* `mmapsuite bench`: the benchmark profile (and the fio fidelity check) on the file systems
 * under test, results into a new run directory. */
#include "bench.h"
#include "case.h"
#include "commands.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mmapsuite bench [--profile quick|full|pmu] [--case NAME[,NAME...]]\n"
		"                       [--max-size SIZE] [--events LIST]\n"
		"                       [--fidelity | --fidelity-only] [--list]\n"
		"                       [common options]\n"
		"Measures mmap against read() and friends on every file system under test and\n"
		"writes the results into a new run directory.\n"
		"  --profile P      quick (default: every case at a few points, about a minute)\n"
		"                   or full (every sweep, under 20 minutes) or pmu (4 and 8 MiB\n"
		"                   only, one pass per sample: for emulated CPUs with counters)\n"
		"  --case LIST      only these cases (see --list); ceiling is always measured\n"
		"  --max-size SIZE  largest file or region (e.g. 512M, 2G); refused when larger\n"
		"                   than a quarter of memory or the free space of a file system\n"
		"  --events LIST    hardware events to count instead of the generic set (cycles,\n"
		"                   instructions, instructions:u, dTLB-load-misses, cache-misses,\n"
		"                   branch-misses), resolved by libpfm4; a name may repeat, each\n"
		"                   is its own ungrouped counter (more than the PMU has multiplex)\n"
		"  --fidelity       also compare against fio (psync and mmap engines); exit 1 when\n"
		"                   mmapsuite reaches less than 95%% of fio's throughput\n"
		"  --fidelity-only  only the fio comparison\n"
		"  --list           print the cases and their options, and exit\n"
		"%s", ms_harness_options_help);
}

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

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--list")) {
			ms_bench_list();
			return 0;
		} else if (!strcmp(a, "--fidelity")) {
			fidelity = true;
		} else if (!strcmp(a, "--fidelity-only")) {
			fidelity = fidelity_only = true;
		} else if ((!strcmp(a, "--profile") || !strcmp(a, "--case") ||
			    !strcmp(a, "--max-size") || !strcmp(a, "--events")) && i + 1 >= argc) {
			fprintf(stderr, "mmapsuite bench: %s needs a value\n", a);
			return MS_EXIT_USAGE;
		} else if (!strcmp(a, "--profile")) {
			rq.profile = argv[++i];
		} else if (!strcmp(a, "--events")) {
			rq.events = argv[++i];
		} else if (!strcmp(a, "--case")) {
			rq.case_filter = argv[++i];
		} else if (!strcmp(a, "--max-size")) {
			if (parse_size(argv[++i], &rq.max_size)) {
				fprintf(stderr, "mmapsuite bench: --max-size '%s' is not a size "
					"(e.g. 512M, 2G)\n", argv[i]);
				return MS_EXIT_USAGE;
			}
		} else if (!ms_harness_option(&h, argc, argv, &i)) {
			fprintf(stderr, "mmapsuite bench: unknown option '%s' (see --help)\n", a);
			return MS_EXIT_USAGE;
		}
	}
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
