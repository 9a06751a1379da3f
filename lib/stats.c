/* Order statistics for timing samples. Timings are skewed (interrupts, preemption, other
 * tenants only ever add time), so the centre is the median and its 95% interval comes from
 * the binomial distribution of ranks: no normality assumed. */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double *sorted_copy(const double *samples, size_t n)
{
	double *s = malloc(n * sizeof(*s));

	if (!s)
		abort();
	memcpy(s, samples, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s;
}

static double median_of_sorted(const double *s, size_t n)
{
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double ms_median(const double *samples, size_t n)
{
	double *s, m;

	if (n == 0)
		return 0;
	s = sorted_copy(samples, n);
	m = median_of_sorted(s, n);
	free(s);
	return m;
}

/* P(B <= k) for B ~ Binomial(n, 1/2), summed in log space so n in the thousands is fine. */
static double binomial_half_cdf(size_t n, size_t k)
{
	double sum = 0;

	for (size_t i = 0; i <= k; i++)
		sum += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) - n * M_LN2);
	return sum;
}

size_t ms_median_ci_rank(size_t n)
{
	size_t j = 0;

	/* Largest 1-based rank j with 2 * P(B <= j - 1) <= 0.05: then [x(j), x(n+1-j)]
	 * covers the median with at least 95%. Below 6 samples no such j exists. */
	while (j + 1 <= n / 2 && 2 * binomial_half_cdf(n, j) <= 0.05)
		j++;
	return j;
}

void ms_summarize(const double *samples, size_t n, struct ms_summary *out)
{
	double *s, sum = 0, sq = 0;
	size_t j;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;
	s = sorted_copy(samples, n);
	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->median = median_of_sorted(s, n);
	j = ms_median_ci_rank(n);
	out->ci_exact = j > 0;
	if (j == 0)
		j = 1; /* too few samples: the whole range, flagged as not a 95% interval */
	out->ci_low = s[j - 1];
	out->ci_high = s[n - j];
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	out->mean = sum / n;
	for (size_t i = 0; i < n; i++)
		sq += (s[i] - out->mean) * (s[i] - out->mean);
	out->cv = n > 1 && out->mean != 0 ? sqrt(sq / (n - 1)) / fabs(out->mean) : 0;
	free(s);
}

double ms_relative_halfwidth(const struct ms_summary *s)
{
	if (s->median == 0)
		return INFINITY;
	return (s->ci_high - s->ci_low) / 2 / fabs(s->median);
}

/* Mann-Kendall trend z: S = sum over pairs i < j of sign(x[j] - x[i]), its variance without
 * ties n(n-1)(2n+5)/18, with a continuity correction. */
static double mann_kendall_z(const double *x, size_t n)
{
	double s = 0, sd = sqrt(n * (n - 1.0) * (2.0 * n + 5) / 18);

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			s += (x[j] > x[i]) - (x[j] < x[i]);
	if (s > 0)
		s -= 1;
	else if (s < 0)
		s += 1;
	return sd > 0 ? s / sd : 0;
}

void ms_drift_test(const double *samples, size_t n, struct ms_drift *out)
{
	size_t edge = n / 4 > 3 ? n / 4 : 3;
	double best = 0;

	memset(out, 0, sizeof(*out));
	out->change = 1;
	if (n < 8)
		return;
	out->tested = true;
	/* Where: the split that separates before from after best. */
	for (size_t k = edge; k + edge <= n; k++) {
		struct ms_mann_whitney mw;

		ms_mann_whitney(samples, k, samples + k, n - k, &mw);
		double z = mw.z;

		if (fabs(z) > fabs(best) || !out->split) {
			best = z;
			out->split = k;
		}
	}
	size_t k = out->split;
	double before = ms_median(samples, k), after = ms_median(samples + k, n - k);
	double lo = fmin(fabs(before), fabs(after));

	/* Whether: a monotone trend over the whole series (a ramp) or a strong change point (a
	 * step), and a change large enough to matter. */
	out->z = mann_kendall_z(samples, n);
	out->split_z = best;
	out->change = before != 0 ? after / before : 1;
	out->drifting = (fabs(out->z) >= 3.0 || fabs(best) >= 3.5) && lo > 0 &&
			fabs(after - before) / lo >= 0.10;
}

/* ---- comparing two sets of samples (reports/: compare, mmap against read()) ---- */

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
	double *f = ms_calloc((m + 1) * (max + 1), sizeof(double));
	double *g = ms_calloc((m + 1) * (max + 1), sizeof(double));
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

void ms_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		     struct ms_mann_whitney *out)
{
	memset(out, 0, sizeof(*out));
	out->p = 1;
	if (!na || !nb)
		return;
	size_t n = na + nb;
	struct ranked *r = ms_calloc(n, sizeof(*r));
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
	/* U of a: pairs where a is larger, ties counting half; b's is na * nb minus it. */
	double u = rank_sum_a - (double)na * (double)(na + 1) / 2;
	double mean = (double)na * (double)nb / 2;
	double var = (double)na * (double)nb / 12 *
		     ((double)(n + 1) - tie_term / ((double)n * (double)(n - 1)));
	out->u = (double)na * (double)nb - u;
	out->z = var > 0 ? (mean - u) / sqrt(var) : 0;
	if (!ties && na <= 30 && nb <= 30) {
		out->p = exact_p(na, nb, rank_sum_a);
		return;
	}
	if (var <= 0)
		return;
	double z = (fabs(u - mean) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	out->p = fmin(1, erfc(z / M_SQRT2));
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
	double *ra = ms_calloc(na, sizeof(double)), *rb = ms_calloc(nb, sizeof(double));
	double *ratios = ms_calloc(BOOTSTRAP_ROUNDS, sizeof(double));
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
