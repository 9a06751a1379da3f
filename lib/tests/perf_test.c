/* lib/perf.c: events resolved by libpfm4, counts read with their enabled/running times. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "perf.h"

/* Touching 64 fresh pages takes at least 64 page faults, counted by a software event. */
Test(perf, software_page_faults_count_the_touched_pages)
{
	static const char *const names[] = { "page-faults", NULL };
	struct ms_perf_group g;
	struct ms_perf_total t[MS_PERF_MAX] = { 0 };

	if (ms_perf_open(&g, names, false) != 1)
		cr_skip_test("perf_event_open unavailable: %s", g.ev[0].unavailable);
	cr_assert_str_eq(g.ev[0].pmu, "perf");
	cr_assert_eq(g.ev[0].type, 1u /* PERF_TYPE_SOFTWARE */);
	char *p = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	ms_perf_start(&g);
	for (int i = 0; i < 64; i++)
		p[i * 4096] = 1;
	ms_perf_stop(&g);
	ms_perf_accumulate(&g, t);
	cr_assert(ms_perf_total_counted(&t[0]));
	cr_assert_geq(ms_perf_total_scaled(&t[0]), 64.0);
	cr_assert_float_eq(ms_perf_total_fraction(&t[0]), 1.0, 1e-9);
	munmap(p, 64 * 4096);
	ms_perf_close(&g);
}

/* A count that ran a quarter of its enabled time is stretched fourfold; one that never ran
 * is not counted at all. */
Test(perf, scaling_follows_enabled_over_running)
{
	struct ms_perf_total half = { .raw = 1000, .enabled = 400, .running = 100 };
	struct ms_perf_total never = { .raw = 0, .enabled = 400, .running = 0 };

	cr_assert_float_eq(ms_perf_total_scaled(&half), 4000.0, 1e-9);
	cr_assert_float_eq(ms_perf_total_fraction(&half), 0.25, 1e-9);
	cr_assert_not(ms_perf_total_counted(&never));
}

/* A hardware event either opens or says why not, with the errno's meaning; an unknown name
 * is refused by libpfm4, never guessed. */
Test(perf, unavailable_events_say_why)
{
	static const char *const names[] = { "cycles", "no-such-event-anywhere", NULL };
	struct ms_perf_group g;

	ms_perf_open(&g, names, false);
	if (g.ev[0].fd < 0)
		cr_assert(strstr(g.ev[0].unavailable, "perf_event_open"), "%s", g.ev[0].unavailable);
	else
		cr_assert_str_neq(g.ev[0].kernel_pmu, "none");
	cr_assert_eq(g.ev[1].fd, -1);
	cr_assert(strstr(g.ev[1].unavailable, "libpfm4"), "%s", g.ev[1].unavailable);
	ms_perf_close(&g);
}
