#include "time_scale.h"
#include "trusted_env.h"

#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double ms_time_syscall_cost_us(void)
{
	double batch[MS_TIME_BATCHES];
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	for (int b = 0; b < MS_TIME_BATCHES; b++) {
		double t0 = now_s();
		for (int i = 0; i < MS_TIME_BATCH_OPS; i++) {
			void *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				return 0;
			munmap(p, page);
		}
		batch[b] = (now_s() - t0) * 1e6 / MS_TIME_BATCH_OPS;
	}
	/* the median: a burst of load on a shared machine moves it less than the mean */
	qsort(batch, MS_TIME_BATCHES, sizeof(batch[0]), by_value);
	return batch[MS_TIME_BATCHES / 2];
}

double ms_time_factor_for_cost(double cost_us)
{
	double f = cost_us / MS_TIME_REFERENCE_US;
	if (!(f >= 1)) /* also NaN and a failed measurement */
		return 1;
	return f > MS_TIME_FACTOR_CEILING ? MS_TIME_FACTOR_CEILING : f;
}

void ms_time_scale_measure(struct ms_time_scale *s, double override)
{
	if (override > 0) {
		*s = (struct ms_time_scale){ .factor = override, .source = "--time-factor" };
		return;
	}
	double cost = ms_time_syscall_cost_us();
	*s = (struct ms_time_scale){ .factor = ms_time_factor_for_cost(cost), .cost_us = cost,
				     .raw_factor = cost / MS_TIME_REFERENCE_US,
				     .source = "calibrated" };
}

bool ms_time_factor_parse(const char *text, double *factor)
{
	char *end;
	if (!text || !*text)
		return false;
	double f = strtod(text, &end);
	if (*end || !isfinite(f) || f < 1 || f > MS_TIME_FACTOR_MAX)
		return false;
	*factor = f;
	return true;
}

double ms_time_factor(void)
{
	double f;
	return ms_time_factor_parse(ms_env("MMAPSUITE_TIME_FACTOR"), &f) ? f : 1;
}
