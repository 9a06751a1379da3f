/* Paired ratios (see paired.h). */
#include "paired.h"

#include <math.h>

/* The table up to 7 degrees of freedom; above, the Cornish-Fisher expansion of t around the
 * normal quantile, within 0.02% of the table value from df = 8 on. */
double ms_t975(size_t df)
{
	static const double small[] = { 12.7062, 12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469,
					2.3646 };
	const double z = 1.959964;
	double d = (double)df, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;

	if (df < sizeof(small) / sizeof(small[0]))
		return small[df];
	return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) +
	       (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d);
}

void ms_paired_ratio(const double *ratios, size_t n, struct ms_paired *out)
{
	double sum = 0, sq = 0, mean, sd, h;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!(ratios[i] > 0) || !isfinite(ratios[i]))
			continue;
		sum += log(ratios[i]);
		k++;
	}
	out->n = k;
	if (!k) {
		out->ratio = out->low = out->high = NAN;
		out->half_width = INFINITY;
		return;
	}
	mean = sum / k;
	out->ratio = exp(mean);
	if (k < 2) {
		out->low = out->high = out->ratio;
		out->half_width = INFINITY;
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (ratios[i] > 0 && isfinite(ratios[i]))
			sq += (log(ratios[i]) - mean) * (log(ratios[i]) - mean);
	sd = sqrt(sq / (k - 1));
	h = ms_t975(k - 1) * sd / sqrt((double)k);
	out->low = exp(mean - h);
	out->high = exp(mean + h);
	out->half_width = (out->high - out->low) / 2 / out->ratio;
}

bool ms_paired_b_first(size_t i)
{
	return i % 2 == 1;
}
