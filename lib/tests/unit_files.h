/* What several unit tests need of files. */
#ifndef MMAPSUITE_UNIT_FILES_H
#define MMAPSUITE_UNIT_FILES_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings_guard.h"
#include "util.h"

/* Writes text to path, created or truncated (a test's fixture, a /proc/sys setting). */
static inline void ms_unit_write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "cannot open %s for writing", path);
	fputs(text, f);
	fclose(f);
}

/* The stand-in tree of the guarded settings' files (below MMAPSUITE_SETTINGS_ROOT, which the
 * caller sets): each setting's file, holding what a calm machine has (0, 0, 0, 65530). */
static inline void ms_unit_fake_settings(void)
{
	static const char *const calm[MS_GUARDED_SETTINGS] = { "0", "0", "0", "65530" };
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++) {
		char *dir = ms_strdup(ms_settings_path(i));
		*strrchr(dir, '/') = 0;
		cr_assert_eq(ms_mkdir_p(dir, 0755), 0);
		ms_unit_write_text(ms_settings_path(i), calm[i]);
		free(dir);
	}
}

#endif
