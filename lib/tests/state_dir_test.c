/* The state directories, the locks and the reaper refuse what another user could have
 * planted: a state root that is not the user's own 0700 directory, a symbolic link in its
 * place, an area of another owner, a snapshot naming a setting outside the list or a value
 * outside the setting's grammar, and a lock held by someone else (named, not waited out). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine_settings.h"
#include "place.h"
#include "scratch.h"
#include "settings_guard.h"
#include "state_dir.h"
#include "util.h"
#include "unit_files.h"

static char top[] = "/tmp/mmapsuite-statedir-XXXXXX";

static void make_top(void)
{
	cr_assert_not_null(mkdtemp(top));
}

static void remove_top(void)
{
	ms_remove_tree(top);
}

TestSuite(state_dir, .init = make_top, .fini = remove_top);

static uid_t nobody(void)
{
	/* cppcheck-suppress getpwnamCalled ; single-threaded test, read at once */
	struct passwd *pw = getpwnam("nobody");
	return pw ? pw->pw_uid : 65534;
}

/* Assert that a fresh state directory is made 0700 and accepted, and that one that is not
 * the user's own 0700 directory is refused with its path, owner and mode named. */
Test(state_dir, only_the_users_own_0700_directory_is_accepted)
{
	char why[1024];
	char *fresh = ms_asprintf("%s/fresh", top);
	int fd = ms_state_dir_open(fresh, true, why, sizeof(why));
	cr_assert_geq(fd, 0, "a fresh state directory was refused: %s", why);
	struct stat st;
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0700, "made with mode %04o", st.st_mode & 07777);
	close(fd);

	char *open_mode = ms_asprintf("%s/open-mode", top);
	cr_assert_eq(mkdir(open_mode, 0700), 0);
	cr_assert_eq(chmod(open_mode, 0755), 0);
	cr_assert_eq(ms_state_dir_open(open_mode, true, why, sizeof(why)), -1);
	cr_assert(strstr(why, open_mode) && strstr(why, "mode 0755"), "message: %s", why);

	if (geteuid() == 0) {
		char *foreign = ms_asprintf("%s/foreign", top);
		cr_assert_eq(mkdir(foreign, 0700), 0);
		cr_assert_eq(chown(foreign, nobody(), 0), 0);
		cr_assert_eq(ms_state_dir_open(foreign, true, why, sizeof(why)), -1);
		char *uid = ms_asprintf("uid %u", (unsigned)nobody());
		cr_assert(strstr(why, foreign) && strstr(why, uid), "message: %s", why);
		free(foreign), free(uid);
	}
	free(fresh), free(open_mode);
}

/* Assert that a symbolic link in a state directory's place is refused, even one to a
 * directory that would pass every check, and that nothing is made at its target. */
Test(state_dir, a_symbolic_link_in_its_place_is_refused)
{
	char why[1024];
	char *target = ms_asprintf("%s/target", top), *link = ms_asprintf("%s/link", top);
	cr_assert_eq(mkdir(target, 0700), 0);
	cr_assert_eq(symlink(target, link), 0);
	cr_assert_eq(ms_state_dir_open(link, true, why, sizeof(why)), -1);
	cr_assert(strstr(why, "symbolic link"), "message: %s", why);
	free(target), free(link);
}

/* Assert that a state root refused by the harness ends the run with exit 2 naming it (mode
 * 0750: one that no other user can write, so that ms_env() lets it through, and refused all
 * the same for not being 0700). */
Test(state_dir, a_refused_state_root_exits_2)
{
	char *root = ms_asprintf("%s/shared", top);
	cr_assert_eq(mkdir(root, 0700), 0);
	cr_assert_eq(chmod(root, 0750), 0);
	int err[2];
	cr_assert_eq(pipe(err), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(err[1], 2);
		setenv("MMAPSUITE_STATE_DIR", root, 1);
		ms_scratch_reap(false);
		_exit(0);
	}
	close(err[1]);
	char msg[2048] = "";
	size_t used = 0;
	ssize_t n;
	/* to the end: stderr is unbuffered, so the message comes in pieces */
	while (used < sizeof(msg) - 1 && (n = read(err[0], msg + used, sizeof(msg) - 1 - used)) > 0)
		used += (size_t)n;
	msg[used] = 0;
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d: %s", status, msg);
	cr_assert(strstr(msg, root) && strstr(msg, "mode 0750"), "message: %s", msg);
	free(root);
}

/* Assert that ms_write_file_at() replaces a symbolic link planted under the name, never
 * writing through it. */
Test(state_dir, write_file_at_replaces_a_planted_link)
{
	int fd = open(top, O_RDONLY | O_DIRECTORY);
	char *victim = ms_asprintf("%s/victim", top), *name = ms_asprintf("%s/owner", top);
	cr_assert_eq(ms_write_file_atomic(victim, "old", 3), 0);
	cr_assert_eq(symlink(victim, name), 0);
	cr_assert_eq(ms_write_file_at(fd, "owner", "new", 3), 0);
	char *v = ms_read_line(victim);
	cr_assert_str_eq(v, "old", "written through the link");
	struct stat st;
	cr_assert_eq(lstat(name, &st), 0);
	cr_assert(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600);
	cr_assert_null(ms_read_file_at(fd, "victim-link-free", 64));
	free(v), free(victim), free(name);
	close(fd);
}

/* Assert that the tree removal removes a symbolic link, never what it points to. */
Test(state_dir, remove_tree_never_follows_a_link)
{
	char *keep = ms_asprintf("%s/keep", top), *kept = ms_asprintf("%s/keep/file", top);
	char *tree = ms_asprintf("%s/tree", top), *link = ms_asprintf("%s/tree/link", top);
	cr_assert_eq(mkdir(keep, 0700), 0);
	cr_assert_eq(ms_write_file_atomic(kept, "x", 1), 0);
	cr_assert_eq(mkdir(tree, 0700), 0);
	cr_assert_eq(symlink(keep, link), 0);
	cr_assert_eq(ms_remove_tree(tree), 0);
	cr_assert_neq(access(tree, F_OK), 0, "the tree is still there");
	cr_assert_eq(access(kept, F_OK), 0, "a file behind a link was removed");
	free(keep), free(kept), free(tree), free(link);
}

/* Assert that the grammar of each setting takes exactly its values: the whole string, no
 * sign, space, newline or overflow. */
Test(state_dir, setting_values_outside_their_grammar_are_refused)
{
	const bool has_hugetlb = ms_hugetlb_pool_kb() != 0;
	const struct {
		enum ms_machine_setting id;
		const char *value;
		bool ok;
	} rows[] = {
		{ MS_OVERCOMMIT_MEMORY, "0", true }, { MS_OVERCOMMIT_MEMORY, "2", true },
		{ MS_OVERCOMMIT_MEMORY, "3", false }, { MS_OVERCOMMIT_MEMORY, "-1", false },
		{ MS_OVERCOMMIT_MEMORY, "1\n", false }, { MS_OVERCOMMIT_MEMORY, " 1", false },
		{ MS_OVERCOMMIT_MEMORY, "", false }, { MS_OVERCOMMIT_MEMORY, "+1", false },
		{ MS_KSM_RUN, "1", true }, { MS_KSM_RUN, "4", false },
		{ MS_MAX_MAP_COUNT, "65530", true }, { MS_MAX_MAP_COUNT, "2147483647", true },
		{ MS_MAX_MAP_COUNT, "2147483648", false },
		{ MS_MAX_MAP_COUNT, "99999999999999999999999", false },
		/* 4 pages fit any memory, but none are allowed where there is no hugetlb size */
		{ MS_HUGETLB_POOL, "0", true }, { MS_HUGETLB_POOL, "4", has_hugetlb },
		/* more pages of the default hugetlb size than any memory holds */
		{ MS_HUGETLB_POOL, "999999999999", false },
		{ MS_HUGETLB_POOL, "0x10", false },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_expect_eq(ms_setting_value_ok(rows[i].id, rows[i].value), rows[i].ok,
			     "%s = \"%s\": expected %s", ms_machine_setting(rows[i].id)->path,
			     rows[i].value, rows[i].ok ? "accepted" : "refused");
}

/* Assert that a lock held by another process is not had after the wait, and that the
 * message names the holder's pid; and that without root no lock is taken at all. */
Test(state_dir, a_held_lock_names_its_holder)
{
	if (geteuid() != 0)
		cr_skip_test("only root takes the locks");
	char why[512];
	int ready[2];
	cr_assert_eq(pipe(ready), 0);
	pid_t holder = fork();
	if (holder == 0) {
		int fd = ms_setting_lock_take(MS_LOCK_HUGETLB_POOL, 10000, why, sizeof(why));
		(void)!write(ready[1], fd >= 0 ? "y" : "n", 1);
		pause();
		_exit(0);
	}
	char c = 0;
	cr_assert_eq(read(ready[0], &c, 1), 1);
	cr_assert_eq(c, 'y', "the holder could not take the lock");
	int fd = ms_setting_lock_take(MS_LOCK_HUGETLB_POOL, 50, why, sizeof(why));
	int e = errno;
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	cr_assert_eq(fd, -1, "a held lock was had");
	cr_assert_eq(e, EWOULDBLOCK);
	char *pid = ms_asprintf("pid %d ", (int)holder);
	cr_assert(strstr(why, pid), "the holder (pid %d) is not named: %s", (int)holder, why);
	/* the holder is dead: the kernel dropped its lock */
	fd = ms_setting_lock_take(MS_LOCK_HUGETLB_POOL, 1000, why, sizeof(why));
	cr_assert_geq(fd, 0, "a dead holder's lock is still held: %s", why);
	struct stat st;
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert(st.st_uid == 0 && (st.st_mode & 07777) == 0600, "lock file mode %04o",
		  st.st_mode & 07777);
	close(fd);

	pid_t user = fork();
	if (user == 0) {
		if (setuid(nobody()) != 0)
			_exit(3);
		int ufd = ms_setting_lock_take(MS_LOCK_SETTINGS, 0, why, sizeof(why));
		_exit(ufd < 0 && errno == EPERM ? 0 : 1);
	}
	int status;
	waitpid(user, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "a non-root process took a lock (status %d)", status);
	free(pid);
}

/* Assert that the reaper leaves alone an area another user owns, a symbolic link named like
 * an area, and, from a dead run's snapshot, every line naming a setting outside the list or
 * a value outside the setting's grammar; and puts back the rest. */
Test(state_dir, the_reaper_puts_back_only_listed_settings_in_their_grammar)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to own areas of other users");
	char *state = ms_asprintf("%s/state", top), *fake = ms_asprintf("%s/fake", top);
	cr_assert_eq(mkdir(state, 0700), 0);
	cr_assert_eq(mkdir(fake, 0755), 0);
	setenv("MMAPSUITE_STATE_DIR", state, 1);
	setenv("MMAPSUITE_SETTINGS_ROOT", fake, 1);
	ms_unit_fake_settings();
	/* a dead run's area and snapshot: one good line, one value out of its grammar, one
	 * setting outside the list */
	char *dead = ms_asprintf("%s/999991-1", state);
	cr_assert_eq(mkdir(dead, 0700), 0);
	char *snap = ms_asprintf("%s/999991-1.settings", state);
	const char *text = "/sys/kernel/mm/ksm/run=1\n"
			   "/proc/sys/vm/overcommit_memory=7\n"
			   "/proc/sys/kernel/core_pattern=|/tmp/x\n";
	cr_assert_eq(ms_write_file_atomic(snap, text, strlen(text)), 0);
	/* another user's area with a snapshot, and a link named like an area */
	char *foreign = ms_asprintf("%s/999992-1", state);
	cr_assert_eq(mkdir(foreign, 0700), 0);
	cr_assert_eq(chown(foreign, nobody(), 0), 0);
	char *fsnap = ms_asprintf("%s/999992-1.settings", state);
	const char *ftext = "/proc/sys/vm/max_map_count=1000\n";
	cr_assert_eq(ms_write_file_atomic(fsnap, ftext, strlen(ftext)), 0);
	char *elsewhere = ms_asprintf("%s/elsewhere", top);
	char *link = ms_asprintf("%s/999993-1", state);
	cr_assert_eq(mkdir(elsewhere, 0700), 0);
	cr_assert_eq(symlink(elsewhere, link), 0);

	cr_assert_eq(ms_scratch_reap(false), 1, "only the dead run's own area is reaped");
	char *ksm = ms_read_line(ms_settings_path(MS_KSM_RUN));
	char *over = ms_read_line(ms_settings_path(MS_OVERCOMMIT_MEMORY));
	char *maps = ms_read_line(ms_settings_path(MS_MAX_MAP_COUNT));
	cr_assert_str_eq(ksm, "1", "the listed setting with a valid value was not put back");
	cr_assert_str_eq(over, "0", "a value outside the grammar was written");
	cr_assert_str_eq(maps, "65530", "another user's area's snapshot was used");
	cr_assert_neq(access(dead, F_OK), 0, "the dead run's area is still there");
	cr_assert_neq(access(snap, F_OK), 0, "the dead run's snapshot is still there");
	cr_assert_eq(access(foreign, F_OK), 0, "another user's area was removed");
	cr_assert_eq(access(elsewhere, F_OK), 0, "a link's target was removed");
	free(state), free(fake), free(dead), free(snap), free(foreign), free(fsnap);
	free(elsewhere), free(link), free(ksm), free(over), free(maps);
}

/* The hugetlb pool, its lock and its grammar follow the default hugetlb page size of the place
 * (/proc/meminfo Hugepagesize), not a size assumed from x86-64. */
Test(state_dir, hugetlb_pool_is_the_default_size)
{
	unsigned long kb = ms_place_default_hugetlb_kb();
	char path[128], lock[64];
	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%lukB/nr_hugepages", kb);
	snprintf(lock, sizeof(lock), "hugetlb-%lukB.lock", kb);
	cr_assert_eq(ms_hugetlb_pool_kb(), kb);
	cr_assert_str_eq(ms_machine_setting(MS_HUGETLB_POOL)->path, path);
	cr_assert_str_eq(ms_setting_lock_name(MS_LOCK_HUGETLB_POOL), lock);
	if (kb)
		cr_assert_eq(access(path, F_OK), 0, "%s: %s", path, strerror(errno));
	else
		cr_assert(!ms_setting_value_ok(MS_HUGETLB_POOL, "1"),
			  "a pool of no page size took a page");
}
