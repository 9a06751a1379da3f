/* Scratch areas are removed after SIGINT, and after SIGKILL by the next run, which touches
 * nothing it does not own. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratch.h"
#include "util.h"

static char state[] = "/tmp/mmapsuite-state-XXXXXX";

static void use_private_state_root(void)
{
	cr_assert_not_null(mkdtemp(state));
	setenv("MMAPSUITE_STATE_DIR", state, 1);
}

static void remove_state_root(void)
{
	ms_scratch_reap(false);
	ms_remove_tree(state);
}

TestSuite(scratch, .init = use_private_state_root, .fini = remove_state_root);

static bool is_mounted_below(const char *prefix)
{
	char *info = ms_read_file("/proc/self/mountinfo", NULL);
	bool found = info && strstr(info, prefix) != NULL;
	free(info);
	return found;
}

static bool loop_backed_below(const char *prefix)
{
	bool found = false;
	for (int i = 0; i < 256 && !found; i++) {
		char path[96];
		snprintf(path, sizeof(path), "/sys/block/loop%d/loop/backing_file", i);
		char *b = ms_read_line(path);
		found = b && strncmp(b, prefix, strlen(prefix)) == 0;
		free(b);
	}
	return found;
}

/* Entries of dir other than . and ..; a directory that is gone counts as empty. */
static int entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -1;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* A child that prepares tmpfs and ext4 scratch areas, says so on the pipe, and waits. */
static pid_t start_owner(void)
{
	int fds[2];
	cr_assert_eq(pipe(fds), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		ms_scratch_install_signal_handlers();
		static struct ms_scratch tmp, ext;
		ms_scratch_prepare(&tmp, "tmpfs", NULL, 64);
		ms_scratch_prepare(&ext, "ext4", NULL, 64);
		char ok = tmp.available && ext.available ? 'y' : 'n';
		if (ok == 'n')
			fprintf(stderr, "prepare: %s / %s\n", tmp.reason, ext.reason);
		if (write(fds[1], &ok, 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(fds[1]);
	char ok = 0;
	cr_assert_eq(read(fds[0], &ok, 1), 1, "the owner died while preparing");
	close(fds[0]);
	if (ok != 'y') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		cr_assert_fail("the owner could not prepare its scratch areas (see stderr)");
	}
	cr_assert(is_mounted_below(state), "nothing was mounted below %s", state);
	cr_assert(loop_backed_below(state), "no loop device is backed by a file below %s", state);
	return pid;
}

/* Assert that SIGINT unmounts, detaches and removes everything the process created. */
Test(scratch, sigint_removes_everything)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to mount scratch file systems");
	pid_t pid = start_owner();
	kill(pid, SIGINT);
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
		  "the owner did not die of SIGINT after cleaning up");
	cr_assert(!is_mounted_below(state), "a mount below %s survived SIGINT", state);
	cr_assert(!loop_backed_below(state), "a loop device survived SIGINT");
	cr_assert_eq(entries_in(state), 0, "files were left in %s", state);
}

/* Assert that after a SIGKILL the leftovers remain, and the next run reaps them all. */
Test(scratch, next_run_reaps_after_sigkill)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to mount scratch file systems");
	pid_t pid = start_owner();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert(is_mounted_below(state), "SIGKILL cannot clean up: the mounts should remain");
	cr_assert_eq(ms_scratch_reap(false), 1);
	cr_assert(!is_mounted_below(state), "a mount below %s survived the reaping", state);
	cr_assert(!loop_backed_below(state), "a loop device survived the reaping");
	cr_assert_eq(entries_in(state), 0, "files were left in %s", state);
}

/* Assert that reaping leaves alone what is not a dead mmapsuite's: other files, a live
 * process's area, and directories without the owner's marker. */
Test(scratch, reaping_touches_only_dead_owners_areas)
{
	char *foreign = ms_asprintf("%s/not-an-area", state);
	cr_assert_eq(mkdir(foreign, 0700), 0);
	/* a live owner: this test's parent (the Criterion runner) */
	pid_t parent = getppid();
	char stat_path[64];
	snprintf(stat_path, sizeof(stat_path), "/proc/%d/stat", (int)parent);
	char *stat_text = ms_read_file(stat_path, NULL);
	char *p = strrchr(stat_text, ')') + 2;
	for (int field = 3; field < 22; field++)
		p = strchr(p, ' ') + 1;
	unsigned long long start = strtoull(p, NULL, 10);
	char *boot = ms_read_line("/proc/sys/kernel/random/boot_id");
	char *live = ms_asprintf("%s/%d-%llu", state, (int)parent, start);
	cr_assert_eq(mkdir(live, 0700), 0);
	char *owner_path = ms_asprintf("%s/owner", live);
	char *owner = ms_asprintf("%d %llu %s\n", (int)parent, start, boot);
	cr_assert_eq(ms_write_file_atomic(owner_path, owner, strlen(owner)), 0);
	/* a dead owner whose --dir scratch directory is elsewhere, and a look-alike without its
	 * marker */
	char *dead = ms_asprintf("%s/999999-1", state);
	char *user_dir = ms_asprintf("%s/users-dir", state);
	char *scratch = ms_asprintf("%s/mmapsuite-scratch-999999", user_dir);
	char *lookalike = ms_asprintf("%s/mmapsuite-scratch-999998", user_dir);
	cr_assert_eq(ms_mkdir_p(scratch, 0700), 0);
	cr_assert_eq(ms_mkdir_p(lookalike, 0700), 0);
	cr_assert_eq(mkdir(dead, 0700), 0);
	char *marker = ms_asprintf("%s/.mmapsuite-scratch", scratch);
	cr_assert_eq(ms_write_file_atomic(marker, dead, strlen(dead)), 0);
	char *link = ms_asprintf("%s/dir-0", dead), *link2 = ms_asprintf("%s/dir-1", dead);
	cr_assert_eq(symlink(scratch, link), 0);
	cr_assert_eq(symlink(lookalike, link2), 0);

	cr_assert_eq(ms_scratch_reap(false), 1);
	cr_assert_eq(access(foreign, F_OK), 0, "a directory that is not an area was removed");
	cr_assert_eq(access(owner_path, F_OK), 0, "a live owner's area was removed");
	cr_assert_neq(access(dead, F_OK), 0, "the dead owner's area is still there");
	cr_assert_neq(access(scratch, F_OK), 0, "the dead owner's --dir scratch directory remains");
	cr_assert_eq(access(lookalike, F_OK), 0, "a directory without the owner's marker was removed");
	free(foreign), free(stat_text), free(boot), free(live), free(owner_path), free(owner);
	free(dead), free(user_dir), free(scratch), free(lookalike), free(marker), free(link);
	free(link2);
}

/* Assert that an area whose owner cannot be looked up from here (its owner line names a PID
 * namespace this process does not see, as for a host run seen from inside `unshare --pid`)
 * survives while a process holds its lock, and is reaped once the lock is free. */
Test(scratch, locked_area_of_an_unseen_owner_survives)
{
	char *boot = ms_read_line("/proc/sys/kernel/random/boot_id");
	char *unseen = ms_asprintf("%s/999997-1", state);
	cr_assert_eq(mkdir(unseen, 0700), 0);
	char *owner_path = ms_asprintf("%s/owner", unseen);
	char *owner = ms_asprintf("999997 1 %s pid:[1]\n", boot);
	cr_assert_eq(ms_write_file_atomic(owner_path, owner, strlen(owner)), 0);
	int fd = open(unseen, O_RDONLY | O_DIRECTORY);
	cr_assert_geq(fd, 0);
	int ready[2];
	cr_assert_eq(pipe(ready), 0);
	pid_t holder = fork();
	if (holder == 0) { /* the owner: holds the lock until killed */
		flock(fd, LOCK_EX);
		(void)!write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	char c;
	cr_assert_eq(read(ready[0], &c, 1), 1);
	close(fd);
	cr_assert_eq(ms_scratch_reap(false), 0);
	cr_assert_eq(access(owner_path, F_OK), 0, "a locked area was removed");
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	cr_assert_eq(ms_scratch_reap(false), 1);
	cr_assert_neq(access(unseen, F_OK), 0, "the area of a gone owner is still there");
	close(ready[0]), close(ready[1]);
	free(boot), free(unseen), free(owner_path), free(owner);
}

/* Entries of dir whose name starts with prefix. */
static int entries_named(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

/* Assert that a scratch directory made in / (a run started from / with --fs cwd) is removed with
 * its area: its parent is "/", not the empty string before the last slash. */
Test(scratch, dir_in_root_directory_is_removed)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to create a directory in /");
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "mmapsuite-scratch-%d-", (int)getpid());
	static struct ms_scratch s;
	ms_scratch_prepare(&s, "dir", "/", 0);
	cr_assert(s.available, "prepare in /: %s", s.reason);
	cr_assert_eq(entries_named("/", prefix), 1, "no %s* directory in /", prefix);
	ms_scratch_release_all(); /* a directory goes with its area */
	cr_assert_eq(entries_named("/", prefix), 0, "%s* is left in / after release", prefix);
}
