/* Order statistics for timing samples. Timings are skewed (interrupts, preemption, other
 * tenants only ever add time), so the centre is the median and its 95% interval comes from
 * the binomial distribution of ranks: no normality assumed. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Mann-Whitney z of b against a (positive: b tends higher), normal approximation with
 * the tie-free variance; ties count half. */
static double mann_whitney_z(const double *a, size_t na, const double *b, size_t nb)
{
	double u = 0, mean = na * (double)nb / 2;
	double sd = sqrt(na * (double)nb * (na + nb + 1) / 12.0);

	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			u += b[j] > a[i] ? 1 : b[j] == a[i] ? 0.5 : 0;
	return sd > 0 ? (u - mean) / sd : 0;
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
		double z = mann_whitney_z(samples, k, samples + k, n - k);

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
