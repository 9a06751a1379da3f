#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratch.h"
#include "settings_guard.h"
#include "util.h"
#include "unit_files.h"

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
	ms_unit_write_text(path, value);
	int restored = ms_settings_put_back(&snap);
	char *after = ms_read_line(path);
	cr_assert_str_eq(after, before, "%s is %s after put back, was %s", path, after, before);
	cr_assert_eq(restored, 1);
	cr_assert_eq(ms_settings_put_back(&snap), 0, "a second put back changed something");
	free(before);
	free(after);
}

/* Assert that when a run is SIGKILLed while a setting differs from its snapshot, the next
 * run's reaper puts the setting back from the snapshot kept in the dead run's scratch area
 * (on a stand-in tree of the settings files, MMAPSUITE_SETTINGS_ROOT). */
Test(settings_guard, a_killed_runs_snapshot_is_put_back_by_the_next_run)
{
	char fake[] = "/tmp/mmapsuite-settings-XXXXXX", state[] = "/tmp/mmapsuite-state-XXXXXX";
	cr_assert_not_null(mkdtemp(fake));
	cr_assert_not_null(mkdtemp(state));
	setenv("MMAPSUITE_SETTINGS_ROOT", fake, 1);
	setenv("MMAPSUITE_STATE_DIR", state, 1);
	ms_unit_fake_settings();
	const char *ksm = ms_settings_path(1), *pool = ms_settings_path(2);
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t run = fork();
	cr_assert(run >= 0);
	if (run == 0) {
		struct ms_settings_snapshot snap;
		ms_settings_snapshot(&snap);
		if (ms_scratch_save_settings(&snap) != 0)
			_exit(1);
		ms_unit_write_text(ksm, "1");  /* a test's change, in flight */
		ms_unit_write_text(pool, "2");
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c;
	cr_assert_eq(read(fds[0], &c, 1), 1, "the run died before it changed the settings");
	kill(run, SIGKILL);
	waitpid(run, NULL, 0);
	char *left = ms_read_line(ksm);
	cr_assert_str_eq(left, "1", "the stand-in setting was not changed");
	cr_assert_eq(ms_scratch_reap(false), 1, "the dead run's area was not reaped");
	char *now_ksm = ms_read_line(ksm), *now_pool = ms_read_line(pool);
	cr_assert_str_eq(now_ksm, "0", "ksm/run is %s after the reap, snapshot 0", now_ksm);
	cr_assert_str_eq(now_pool, "0", "nr_hugepages is %s after the reap, snapshot 0", now_pool);
	cr_assert_eq(ms_scratch_reap(false), 0, "a second reap found something");
	free(left), free(now_ksm), free(now_pool);
	ms_remove_tree(fake);
	ms_remove_tree(state);
}
