/* Perf counters through perf_event_open, with generic events resolved per PMU by libpfm4. */
#ifndef MMAPSUITE_PERF_H
#define MMAPSUITE_PERF_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define MS_PERF_MAX 24

/* One event as asked for, as libpfm4 resolved it, and as the kernel took it. */
struct ms_perf_event {
	char name[48];        /* as asked: "cycles", "instructions:u" (":u" = user level only) */
	char pfm[192];        /* libpfm4's fully qualified string, "" when it did not resolve */
	char pmu[48];         /* libpfm4 PMU whose table resolved it: "perf", "arm_ac57"... */
	char kernel_pmu[48];  /* /sys/bus/event_source/devices/<name> that counts it */
	uint32_t type;        /* perf_event_attr.type and .config used */
	uint64_t config;
	bool encoded;
	int fd;               /* -1: unavailable */
	int err;              /* errno of perf_event_open, 0 when it opened or never tried */
	char unavailable[240]; /* why, for events that did not open */
	uint64_t base[3];     /* value, time enabled, time running at start */
	/* The last start..stop interval. */
	uint64_t raw, enabled, running;
};

struct ms_perf_group {
	int n;
	struct ms_perf_event ev[MS_PERF_MAX];
};

/* The events the benchmarks ask for: software ones (always counted where perf_event_open
 * exists) and generic hardware ones, which libpfm4 resolves for the PMU of this machine. */
extern const char *const ms_perf_software_events[];
extern const char *const ms_perf_hardware_events[];

/* Opens each named event for the calling thread (and children if inherit), disabled and
 * ungrouped, so the kernel multiplexes them when they outnumber the counters. Events that
 * do not open keep fd -1 and a reason. Returns how many opened. */
int ms_perf_open(struct ms_perf_group *g, const char *const *names, bool inherit);
/* Counts from start to stop. Inherited counts of exited threads and processes are kept by
 * the kernel apart from the counter and survive a reset, so start records a baseline and
 * stop subtracts it rather than resetting. */
void ms_perf_start(struct ms_perf_group *g);
void ms_perf_stop(struct ms_perf_group *g);  /* reads raw, enabled, running */
void ms_perf_close(struct ms_perf_group *g);

/* An event's count accumulated over intervals: scaled to the time it was enabled, as perf
 * stat does, and the fraction of that time it was really on a counter. */
struct ms_perf_total {
	uint64_t raw, enabled, running;
	uint64_t min, max;    /* raw counts of single intervals */
	int intervals;
};
void ms_perf_accumulate(const struct ms_perf_group *g, struct ms_perf_total *t);
/* False when the event was never on a counter: "not counted", no value. */
bool ms_perf_total_counted(const struct ms_perf_total *t);
double ms_perf_total_scaled(const struct ms_perf_total *t);
double ms_perf_total_fraction(const struct ms_perf_total *t);

/* How the event was resolved: {"pfm", "pmu", "kernel_pmu", "type", "config"}. */
json_t *ms_perf_encoding_json(const struct ms_perf_event *e);

/* The environment's view: libpfm4's version and detected PMUs, the kernel's core PMU, and
 * for every known event its encoding and whether it opens here (or why not). */
json_t *ms_perf_probe(void);

/* True when a hardware event (cycles) really opens here. */
bool ms_perf_hardware_available(void);

#endif
