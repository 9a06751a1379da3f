/* Perf counters through perf_event_open, with events encoded by libpfm4. */
#ifndef MMAPSUITE_PERF_H
#define MMAPSUITE_PERF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define MS_PERF_MAX 16

struct ms_perf_group {
	int n;
	const char *names[MS_PERF_MAX];
	int fds[MS_PERF_MAX];
	uint64_t values[MS_PERF_MAX];       /* counts between the last start and stop */
	uint64_t base[MS_PERF_MAX][3];      /* value, enabled, running at start */
	char unavailable[MS_PERF_MAX][160]; /* reason, for events that did not open */
};

/* Names of the events mmapsuite knows (libpfm4 names in the perf_raw / perf PMU tables). */
extern const char *const ms_perf_software_events[];
extern const char *const ms_perf_hardware_events[];

/* Opens each named event for the calling thread (and children if inherit), disabled.
 * Events that do not open keep fd -1 and a reason. Returns how many opened. */
int ms_perf_open(struct ms_perf_group *g, const char *const *names, bool inherit);
/* Counts from start to stop. Inherited counts of exited threads and processes are kept by
 * the kernel apart from the counter and survive a reset, so start records a baseline and
 * stop subtracts it rather than resetting. */
void ms_perf_start(struct ms_perf_group *g);
void ms_perf_stop(struct ms_perf_group *g);  /* reads values */
void ms_perf_close(struct ms_perf_group *g);

/* {"page-faults": true, "cycles": "not supported: ..."} for every known event. */
json_t *ms_perf_probe(void);

/* True when a hardware event (cycles) really opens here. */
bool ms_perf_hardware_available(void);

#endif
