/* What several unit tests need of files. */
#ifndef MMAPSUITE_UNIT_FILES_H
#define MMAPSUITE_UNIT_FILES_H

#include <criterion/criterion.h>
#include <stdio.h>

/* Writes text to path, created or truncated (a test's fixture, a /proc/sys setting). */
static inline void ms_unit_write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "cannot open %s for writing", path);
	fputs(text, f);
	fclose(f);
}

#endif
