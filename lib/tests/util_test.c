#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Assert that comma lists match whole items only. */
Test(util, str_in_list_matches_whole_items)
{
	cr_assert(ms_str_in_list("ext4", "tmpfs,ext4"));
	cr_assert(!ms_str_in_list("ext", "tmpfs,ext4"));
	cr_assert(!ms_str_in_list("ext4", ""));
	cr_assert(ms_str_in_list("tmpfs", "tmpfs"));
}

/* Assert that removing a tree never descends into a file system mounted inside it. */
Test(util, remove_tree_stops_at_mount_points)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to mount a tmpfs");
	char top[] = "/tmp/mmapsuite-rmtree-XXXXXX";
	cr_assert_not_null(mkdtemp(top));
	char *inner = ms_asprintf("%s/mnt", top), *kept = ms_asprintf("%s/mnt/precious", top);
	char *plain = ms_asprintf("%s/file", top);
	cr_assert_eq(mkdir(inner, 0700), 0);
	cr_assert_eq(mount("none", inner, "tmpfs", 0, "size=1m"), 0);
	close(open(kept, O_CREAT | O_WRONLY, 0600));
	close(open(plain, O_CREAT | O_WRONLY, 0600));
	int rc = ms_remove_tree(top);
	int e = errno;
	bool survived = access(kept, F_OK) == 0;
	bool plain_gone = access(plain, F_OK) != 0;
	umount2(inner, MNT_DETACH);
	ms_remove_tree(top);
	cr_assert_eq(rc, -1);
	cr_assert_eq(e, EXDEV);
	cr_assert(survived, "a file inside the mounted file system was removed");
	cr_assert(plain_gone, "the files outside the mount were not removed");
	free(inner), free(kept), free(plain);
}

/* Assert that an atomic write replaces the whole file. */
Test(util, atomic_write_replaces_content)
{
	char path[] = "/tmp/mmapsuite-atomic-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "a long old content\n", 19), 19);
	close(fd);
	cr_assert_eq(ms_write_file_atomic(path, "new\n", 4), 0);
	char *text = ms_read_file(path, NULL);
	cr_assert_str_eq(text, "new\n");
	free(text);
	unlink(path);
}
