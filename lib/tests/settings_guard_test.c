#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "settings_guard.h"
#include "util.h"

static void write_setting(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "cannot open %s", path);
	fputs(value, f);
	fclose(f);
}

/* Assert that a setting a crashed test left changed is put back, and nothing else is
 * touched. */
Test(settings_guard, puts_back_what_a_test_left_changed)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to change vm.max_map_count");
	const char *path = "/proc/sys/vm/max_map_count";
	struct ms_settings_snapshot snap;
	ms_settings_snapshot(&snap);
	char *before = ms_read_line(path);
	long changed = strtol(before, NULL, 10) + 1;
	char value[32];
	snprintf(value, sizeof(value), "%ld", changed);
	write_setting(path, value);
	int restored = ms_settings_put_back(&snap);
	char *after = ms_read_line(path);
	cr_assert_str_eq(after, before, "%s is %s after put back, was %s", path, after, before);
	cr_assert_eq(restored, 1);
	cr_assert_eq(ms_settings_put_back(&snap), 0, "a second put back changed something");
	free(before);
	free(after);
}
