#include "rstats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

struct ranked {
	double v;
	int side; /* 0 = a, 1 = b */
};

static int cmp_ranked(const void *x, const void *y)
{
	double a = ((const struct ranked *)x)->v, b = ((const struct ranked *)y)->v;
	return (a > b) - (a < b);
}

/* Number of ways to choose m of the ranks 1..m+n that sum to s, for every s: the exact null
 * distribution of the rank sum, by the classic recurrence on (m, n). */
static double exact_p(size_t m, size_t n, double w)
{
	size_t max = m * n;
	/* f[i][u] = count of arrangements of i a's among i+j values with U = u; rolled over j. */
	double *f = xcalloc((m + 1) * (max + 1), sizeof(double));
	double *g = xcalloc((m + 1) * (max + 1), sizeof(double));
#define F(a, u) f[(a) * (max + 1) + (u)]
#define G(a, u) g[(a) * (max + 1) + (u)]
	/* j = 0: only U = 0. */
	for (size_t i = 0; i <= m; i++)
		F(i, 0) = 1;
	for (size_t j = 1; j <= n; j++) {
		memset(g, 0, (m + 1) * (max + 1) * sizeof(double));
		for (size_t i = 0; i <= m; i++)
			for (size_t u = 0; u <= i * j; u++) {
				/* Largest value is a b (U unchanged) or an a (U grows by j). */
				double c = F(i, u);
				if (i > 0 && u >= j)
					c += G(i - 1, u - j);
				G(i, u) = c;
			}
		double *tmp = f;
		f = g;
		g = tmp;
	}
	double total = 0, tail = 0;
	double u_obs = w - (double)m * (double)(m + 1) / 2; /* U of a */
	double mean = (double)max / 2;
	double dist = fabs(u_obs - mean);
	for (size_t u = 0; u <= max; u++) {
		total += F(m, u);
		if (fabs((double)u - mean) >= dist - 1e-9)
			tail += F(m, u);
	}
#undef F
#undef G
	free(f);
	free(g);
	return total > 0 ? fmin(1, tail / total) : 1;
}

double ms_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb)
{
	if (!na || !nb)
		return 1;
	size_t n = na + nb;
	struct ranked *r = xcalloc(n, sizeof(*r));
	for (size_t i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], 0 };
	for (size_t i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], 1 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	double rank_sum_a = 0, tie_term = 0;
	bool ties = false;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && r[j + 1].v == r[i].v)
			j++;
		double rank = (double)(i + j) / 2 + 1; /* mid-rank of the tied run */
		double t = (double)(j - i + 1);
		if (t > 1) {
			ties = true;
			tie_term += t * t * t - t;
		}
		for (size_t k = i; k <= j; k++)
			if (r[k].side == 0)
				rank_sum_a += rank;
		i = j + 1;
	}
	free(r);
	if (!ties && na <= 30 && nb <= 30)
		return exact_p(na, nb, rank_sum_a);
	double u = rank_sum_a - (double)na * (double)(na + 1) / 2;
	double mean = (double)na * (double)nb / 2;
	double var = (double)na * (double)nb / 12 *
		     ((double)(n + 1) - tie_term / ((double)n * (double)(n - 1)));
	if (var <= 0)
		return 1;
	double z = (fabs(u - mean) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	return fmin(1, erfc(z / M_SQRT2));
}

/* xorshift64*: small, fast, and the same sequence on every machine. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 2685821657736338717ull;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

#define BOOTSTRAP_ROUNDS 2000

void ms_median_ratio(const double *a, size_t na, const double *b, size_t nb,
		     struct ms_ratio *out)
{
	double ma = ms_median(a, na), mb = ms_median(b, nb);
	out->ratio = ma != 0 ? mb / ma : NAN;
	out->low = out->high = out->ratio;
	if (na < 2 || nb < 2 || ma == 0)
		return;
	uint64_t state = 0x9e3779b97f4a7c15ull;
	double *ra = xcalloc(na, sizeof(double)), *rb = xcalloc(nb, sizeof(double));
	double *ratios = xcalloc(BOOTSTRAP_ROUNDS, sizeof(double));
	size_t kept = 0;
	for (size_t round = 0; round < BOOTSTRAP_ROUNDS; round++) {
		for (size_t i = 0; i < na; i++)
			ra[i] = a[next_random(&state) % na];
		for (size_t i = 0; i < nb; i++)
			rb[i] = b[next_random(&state) % nb];
		double da = ms_median(ra, na);
		if (da != 0)
			ratios[kept++] = ms_median(rb, nb) / da;
	}
	qsort(ratios, kept, sizeof(double), cmp_double);
	if (kept) {
		out->low = ratios[(size_t)(0.025 * (double)(kept - 1))];
		out->high = ratios[(size_t)(0.975 * (double)(kept - 1) + 0.5)];
	}
	free(ra);
	free(rb);
	free(ratios);
}

double ms_harmonic_mean(const double *v, size_t n)
{
	double sum = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > 0) {
			sum += 1 / v[i];
			k++;
		}
	return k ? (double)k / sum : NAN;
}

double ms_geometric_mean(const double *v, size_t n)
{
	double sum = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > 0) {
			sum += log(v[i]);
			k++;
		}
	return k ? exp(sum / (double)k) : NAN;
}

int ms_unit_is_rate(const char *unit)
{
	if (!unit)
		return 0;
	size_t n = strlen(unit);
	return n >= 2 && (strcmp(unit + n - 2, "/s") == 0 || strstr(unit, "/sec") != NULL ||
			  strcmp(unit, "IOPS") == 0);
}
