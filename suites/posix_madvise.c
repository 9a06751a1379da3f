/* (h) Argument classes of posix_madvise() (g13): its address and length classes
 * (arg_classes.h), unknown advice, and advice that never changes what memory holds. */
#include "arg_classes.h"

#include <stdio.h>
#include <string.h>

/* Assert POSIX's posix_madvise classes: ENOMEM (returned, not in errno) for a range partly
 * or wholly outside the address space, a range that wraps included. */
RANGE_TABLE(posix_madvise_classes, posix_range_table, "g13", POSIX, ms_range_padv,
	    0, NONE, 0, NONE, ENOMEM, ENOMEM, ENOMEM)

/* Assert what glibc's posix_madvise on Linux (madvise underneath) answers per class. */
RANGE_TABLE(posix_madvise_classes, linux_range_table, "g13", LINUX, ms_range_padv,
	    0, EINVAL, 0, 0, EINVAL, ENOMEM, ENOMEM)

/* Assert that posix_madvise covers the page holding the last byte. POSIX */
RANGE_ROUNDING(posix_madvise_classes, "g13", POSIX, ms_range_padv)

/* Assert that posix_madvise returns EINVAL (as its value, errno untouched) for advice values
 * outside the five POSIX names and outside every Linux advice too. POSIX */
CONFORM(posix_madvise_classes, unknown_advice_einval, "g13", POSIX)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	static const int bad[] = { 5, 6, 7, 50, 99, 200, 4096, -1 };
	char msg[1024] = "";
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		int r = posix_madvise(p, pg, bad[i]);
		if (r != EINVAL)
			ms_append(msg, "advice %d returned %d (%s), expected EINVAL", bad[i], r,
			          r > 0 ? ms_errname(r) : "not an error number");
		if (errno != 0)
			ms_append(msg, "advice %d set errno to %s", bad[i], ms_errname(errno));
	}
	cr_assert(msg[0] == 0, "%s", msg);
}

/* Assert that none of the five POSIX advice values changes what private anonymous memory
 * holds (POSIX_MADV_DONTNEED included: the advice never changes semantics). POSIX */
CONFORM(posix_madvise_classes, advice_keeps_contents, "g13 a8", POSIX)
{
	size_t pg = ms_page(), len = 4 * pg;
	static const struct { const char *name; int advice; } adv[] = {
		{ "NORMAL", POSIX_MADV_NORMAL },     { "SEQUENTIAL", POSIX_MADV_SEQUENTIAL },
		{ "RANDOM", POSIX_MADV_RANDOM },     { "WILLNEED", POSIX_MADV_WILLNEED },
		{ "DONTNEED", POSIX_MADV_DONTNEED },
	};
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	ms_fill_tagged(p, len, 0x3c);
	char msg[1024] = "";
	for (size_t i = 0; i < sizeof(adv) / sizeof(adv[0]); i++) {
		int r = posix_madvise(p, len, adv[i].advice);
		if (r != 0)
			ms_append(msg, "POSIX_MADV_%s returned %s", adv[i].name, ms_errname(r));
		size_t bad = ms_first_mismatch_tagged(p, len, 0x3c);
		if (bad != len) {
			ms_append(msg, "after POSIX_MADV_%s byte %zu changed", adv[i].name, bad);
			ms_fill_tagged(p, len, 0x3c);
		}
	}
	cr_assert(msg[0] == 0, "%s", msg);
}
