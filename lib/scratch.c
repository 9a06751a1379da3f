/* Scratch file systems: tmpfs mounts, loop-mounted ext4/xfs/btrfs images, and directories in
 * places the user names. Each process keeps everything it creates below one area,
 * <state root>/<pid>-<start time>/, and an "owner" file there says who it was, so that a later
 * run can tell a dead owner's leftovers from a live run's. */
#include "scratch.h"
#include "trusted_env.h"
#include "cgroup.h"
#include "cleanup.h"
#include "loop_device.h"
#include "settings_guard.h"
#include "state_dir.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/loop.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define OWNER_FILE "owner"
#define DIR_MARKER ".mmapsuite-scratch" /* inside --dir areas: names the owning area */

/* Everything is in static storage so the signal handlers can release it without malloc. */
static struct ms_scratch *prepared[32];
static int n_prepared;
static char area[PATH_MAX];      /* the path, for messages, mounts and loop devices */
static char area_name[64];       /* "<pid>-<start time>" in the data root */
static int area_fd = -1;         /* the area itself: held (flock) while we live */
static volatile sig_atomic_t releasing;

/* The state roots (lib/state_dir.h): data (areas, images) and runtime (settings snapshots),
 * the same directory except for root's default. Opened once, checked, used by descriptor. */
static char data_root[PATH_MAX], data_real[PATH_MAX];
static int data_fd = -1, runtime_fd = -1;
static bool made_temporary_root; /* a mkdtemp() root, removed at exit */

/* $XDG_RUNTIME_DIR/mmapsuite when $XDG_RUNTIME_DIR is the user's own 0700 directory; else
 * (unset, or inherited from another user through su or setpriv, as is common) not used. */
static bool xdg_state_root(char *out, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (!xdg || xdg[0] != '/')
		return false;
	char why[PATH_MAX + 128];
	int fd = ms_state_dir_open(xdg, false, why, sizeof(why));
	if (fd < 0)
		return false;
	close(fd);
	return snprintf(out, len, "%s/mmapsuite", xdg) < (int)len;
}

/* Whatever this process prepares goes when it ends, on the signals too (cleanup.h); a child
 * it forks never releases it. */
static void release_at_exit(void)
{
	if (ms_cleanup_add(MS_CLEANUP_RELEASE, ms_scratch_release_all,
			   MS_CLEANUP_AT_EXIT | MS_CLEANUP_ON_SIGNAL) != 0)
		ms_warn("the clean-up registry is full: the scratch areas are not removed at exit");
}

const char *ms_scratch_state_root(void)
{
	if (data_root[0])
		return data_root;
	const char *env = ms_env("MMAPSUITE_STATE_DIR");
	if (env && *env) {
		snprintf(data_root, sizeof(data_root), "%s", env);
	} else if (geteuid() == 0) {
		snprintf(data_root, sizeof(data_root), "%s", MS_DATA_ROOT);
	} else if (!xdg_state_root(data_root, sizeof(data_root))) {
		/* a fresh name another user cannot have made first */
		snprintf(data_root, sizeof(data_root), "/tmp/mmapsuite-state-XXXXXX");
		if (!mkdtemp(data_root))
			ms_die(MS_EXIT_USAGE, "cannot create a state directory in /tmp: %s",
			       strerror(errno));
		made_temporary_root = true;
		release_at_exit();
	}
	return data_root;
}

/* Opens (creating) the state roots once; a root that is not the running user's own 0700
 * directory ends the run (exit 2) naming its path, owner and mode. */
static void open_roots(void)
{
	if (data_fd >= 0)
		return;
	const char *root = ms_scratch_state_root();
	char why[PATH_MAX + 256];
	if (geteuid() == 0 && !strcmp(root, MS_DATA_ROOT) && ms_mkdir_p("/var/lib", 0755) != 0)
		ms_die(MS_EXIT_USAGE, "cannot create /var/lib: %s", strerror(errno));
	data_fd = ms_state_dir_open(root, true, why, sizeof(why));
	if (data_fd < 0)
		ms_die(MS_EXIT_USAGE, "state root refused: %s", why);
	/* mountinfo and loop devices name the real path */
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", data_fd);
	ssize_t n = readlink(self, data_real, sizeof(data_real) - 1);
	if (n <= 0)
		ms_die(MS_EXIT_USAGE, "cannot name the state root %s: %s", root, strerror(errno));
	data_real[n] = 0;
	if (geteuid() == 0 && !strcmp(root, MS_DATA_ROOT)) {
		runtime_fd = ms_runtime_root_fd(why, sizeof(why));
		if (runtime_fd < 0)
			ms_die(MS_EXIT_USAGE, "runtime root refused: %s", why);
	} else {
		runtime_fd = data_fd;
	}
}

/* The settings snapshot of the area called name, in the runtime root. */
static void snapshot_name(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s.settings", name);
}

static char *boot_id(void)
{
	char *id = ms_read_line("/proc/sys/kernel/random/boot_id");
	return id ? id : ms_strdup("unknown");
}

/* Our PID namespace ("pid:[4026531836]"): a pid means something only inside it. */
static void pid_namespace(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/ns/pid", out, len - 1);
	out[n > 0 ? n : 0] = 0;
	if (n <= 0)
		snprintf(out, len, "unknown");
}

/* Whether any process still lives in the PID namespace ns (its init does while it exists). */
static bool namespace_exists(const char *ns)
{
	bool found = false;
	DIR *d = opendir("/proc");
	struct dirent *e;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while (d && !found && (e = readdir(d))) {
		char path[300], link[64];
		if (atoi(e->d_name) <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", e->d_name);
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = 0;
			found = strcmp(link, ns) == 0;
		}
	}
	if (d)
		closedir(d);
	return found;
}

static int create_area(void)
{
	if (area[0])
		return 0;
	open_roots();
	pid_t pid = getpid();
	unsigned long long st = ms_process_start_time(pid);
	char name[64], fresh[80], why[PATH_MAX + 256];
	snprintf(name, sizeof(name), "%d-%llu", (int)pid, st);
	/* Made under a name the reaper never takes, locked, and only then given its name: a run
	 * starting beside us never sees it unlocked (it would take it for a dead run's). A new
	 * directory, never one that exists: what is there already is not ours to use. */
	snprintf(fresh, sizeof(fresh), ".new-%s", name);
	if (mkdirat(data_fd, fresh, 0700) != 0)
		return -1;
	int fd = openat(data_fd, fresh, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	if (fd >= 0 && !ms_state_dir_fd_ok(fd, fresh, why, sizeof(why)))
		e = EPERM;
	/* Held until this process ends: the one sign of life that holds across PID namespaces
	 * (the lock is on the inode; a pid read from another namespace names another process). */
	else if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0)
		e = errno;
	else if (fd >= 0 && renameat2(data_fd, fresh, data_fd, name, RENAME_NOREPLACE) != 0)
		e = errno;
	else if (fd >= 0)
		e = 0;
	if (e) {
		if (fd >= 0)
			close(fd);
		ms_remove_tree_at(data_fd, fresh);
		errno = e;
		return -1;
	}
	area_fd = fd;
	snprintf(area_name, sizeof(area_name), "%s", name);
	snprintf(area, sizeof(area), "%s/%s", data_real, area_name);
	char *bid = boot_id();
	char ns[64];
	pid_namespace(ns, sizeof(ns));
	char *owner = ms_asprintf("%d %llu %s %s\n", (int)pid, st, bid, ns);
	int rc = ms_write_file_at(area_fd, OWNER_FILE, owner, strlen(owner));
	free(bid), free(owner);
	release_at_exit();
	return rc;
}

/* ---- unmounting and loop devices, by path prefix ---- */

/* Mount points below prefix, deepest first, from /proc/self/mountinfo. */
static int mounts_below(const char *prefix, char out[][PATH_MAX], int max)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		return 0;
	int n = 0;
	size_t plen = strlen(prefix);
	char line[8192];
	while (n < max && fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX];
		if (sscanf(line, "%*d %*d %*s %*s %4095s", mnt) != 1)
			continue;
		if (strncmp(mnt, prefix, plen) == 0 && (mnt[plen] == '/' || mnt[plen] == 0))
			snprintf(out[n++], PATH_MAX, "%s", mnt);
	}
	fclose(f);
	/* Later lines are mounted later, so on top: unmount in reverse order. */
	for (int i = 0; i < n / 2; i++) {
		char tmp[PATH_MAX];
		memcpy(tmp, out[i], PATH_MAX);
		memcpy(out[i], out[n - 1 - i], PATH_MAX);
		memcpy(out[n - 1 - i], tmp, PATH_MAX);
	}
	return n;
}

static void unmount_below(const char *prefix)
{
	static char mnts[16][PATH_MAX];
	int n = mounts_below(prefix, mnts, 16);
	for (int i = 0; i < n; i++)
		if (umount2(mnts[i], UMOUNT_NOFOLLOW) != 0) /* busy: detach now, freed when unused */
			umount2(mnts[i], MNT_DETACH | UMOUNT_NOFOLLOW);
}

/* Detaches loop devices whose backing file lies below prefix (normally they detach by
 * themselves on unmount: they are set up with LO_FLAGS_AUTOCLEAR). */
static void detach_loops_below(const char *prefix)
{
	DIR *d = opendir("/sys/block");
	if (!d)
		return;
	size_t plen = strlen(prefix);
	struct dirent *e;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "loop", 4) != 0)
			continue;
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file", e->d_name);
		char *backing = ms_read_line(path);
		if (backing && strncmp(backing, prefix, plen) == 0 && backing[plen] == '/') {
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				ioctl(fd, LOOP_CLR_FD, 0);
				close(fd);
			}
		}
		free(backing);
	}
	closedir(d);
}

/* ---- preparing ---- */

static bool have_program(const char *name)
{
	const char *path = getenv("PATH");
	char *copy = ms_strdup(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	bool found = false;
	for (char *save, *dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *p = ms_asprintf("%s/%s", dir, name);
		found = access(p, X_OK) == 0;
		free(p);
	}
	free(copy);
	return found;
}

static void unavailable(struct ms_scratch *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void unavailable(struct ms_scratch *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
	s->available = false;
}

static void remember(struct ms_scratch *s)
{
	if (n_prepared < (int)(sizeof(prepared) / sizeof(prepared[0])))
		prepared[n_prepared++] = s;
}

/* Runs argv with fd inherited (argv names it as /proc/self/fd/N): a program given a path it
 * resolves itself would follow whatever is at that path by then. */
static int run_on_fd(const char *const argv[], int fd)
{
	int flags = fcntl(fd, F_GETFD);
	fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
	int rc = ms_run_quietly(argv);
	fcntl(fd, F_SETFD, flags);
	return rc;
}

/* Makes the directory name in the area (mode 0700) and opens it with O_PATH, never through a
 * symbolic link: the descriptor a mount goes onto. */
static int make_mount_point(const char *name)
{
	if (mkdirat(area_fd, name, 0700) != 0)
		return -1;
	return openat(area_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Mounts onto the directory open at fd (through /proc/self/fd: no path is resolved again). */
static int mount_on_fd(const char *source, int fd, const char *type, const char *opts)
{
	char target[64];
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	return mount(source, target, type, 0, opts); /* the options the results record, as before */
}

/* Sets the mode of the root of the file system mounted on name in the area. */
static void chmod_mounted(const char *name, mode_t mode)
{
	int fd = ms_openat_beneath(area_fd, name, O_RDONLY | O_DIRECTORY, 0, false);
	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

static void prepare_image(struct ms_scratch *s, const char *kind, unsigned long size_mb)
{
	char mkfs[32], image_name[32], image[PATH_MAX + 32], mnt[PATH_MAX + 32];
	snprintf(mkfs, sizeof(mkfs), "mkfs.%s", kind);
	static const char *const packages[][2] = {
		{ "ext4", "e2fsprogs" }, { "xfs", "xfsprogs" }, { "btrfs", "btrfs-progs" } };
	const char *package = "";
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(kind, packages[i][0]))
			package = packages[i][1];
	if (geteuid() != 0)
		return unavailable(s, "loop-mounting a %s image needs root (run as root, or name "
				   "an existing %s directory with --dir)", kind, kind);
	if (!have_program(mkfs))
		return unavailable(s, "%s not found: install the Debian package %s", mkfs, package);
	snprintf(image_name, sizeof(image_name), "%s.img", kind);
	snprintf(image, sizeof(image), "%s/%s", area, image_name);
	snprintf(mnt, sizeof(mnt), "%s/%s", area, kind);
	int img = openat(area_fd, image_name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			 0600);
	if (img < 0 || ftruncate(img, (off_t)size_mb << 20) != 0) {
		int e = errno;
		if (img >= 0)
			close(img);
		return unavailable(s, "cannot create the %lu MiB image %s: %s", size_mb, image,
				   strerror(e));
	}
	char img_path[64];
	snprintf(img_path, sizeof(img_path), "/proc/self/fd/%d", img);
	const char *force = !strcmp(kind, "ext4") ? "-F" : "-f";
	const char *const argv[] = { mkfs, "-q", force, img_path, NULL };
	int rc = run_on_fd(argv, img);
	if (rc != 0) {
		close(img);
		return unavailable(s, "%s %s failed (exit %d)", mkfs, image, rc);
	}
	int mnt_fd = make_mount_point(kind);
	if (mnt_fd < 0) {
		close(img);
		return unavailable(s, "mkdir %s: %s", mnt, strerror(errno));
	}
	char dev[64];
	int loop = ms_loop_attach(img, image, dev, sizeof(dev), NULL);
	int e = errno;
	close(img);
	if (loop < 0) {
		close(mnt_fd);
		return unavailable(s, "no loop device for %s: %s (is the loop module available?)",
				   image, strerror(e));
	}
	int mrc = mount_on_fd(dev, mnt_fd, kind, NULL);
	e = errno;
	close(loop); /* autoclear: the device detaches when the file system is unmounted */
	close(mnt_fd);
	if (mrc != 0)
		return unavailable(s, "mount -t %s %s %s: %s%s", kind, dev, mnt, strerror(e),
				   e == ENODEV ? " (this kernel has no such file system)" : "");
	snprintf(s->path, sizeof(s->path), "%s", mnt);
	chmod_mounted(kind, 01777);
	s->available = true;
}

static void prepare_tmpfs(struct ms_scratch *s, unsigned long size_mb)
{
	if (geteuid() != 0) /* without root, /dev/shm is the tmpfs everyone may use */
		return ms_scratch_prepare(s, "dir", "/dev/shm", size_mb);
	char mnt[PATH_MAX + 16];
	snprintf(mnt, sizeof(mnt), "%s/tmpfs", area);
	int fd = make_mount_point("tmpfs");
	if (fd < 0)
		return unavailable(s, "mkdir %s: %s", mnt, strerror(errno));
	char opts[64];
	snprintf(opts, sizeof(opts), "size=%lum,mode=1777", size_mb);
	int rc = mount_on_fd("mmapsuite", fd, "tmpfs", opts);
	int e = errno;
	close(fd);
	if (rc != 0)
		return unavailable(s, "mount -t tmpfs %s: %s", mnt, strerror(e));
	snprintf(s->path, sizeof(s->path), "%s", mnt);
	s->available = true;
}

/* A name in a directory others may write that they cannot have made first. */
static void random_name(char *out, size_t len)
{
	unsigned char r[6] = { 0 };
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) /* never short for 6 bytes */
		memset(r, 0, sizeof(r));
	snprintf(out, len, "mmapsuite-scratch-%d-%02x%02x%02x%02x%02x%02x", (int)getpid(), r[0],
		 r[1], r[2], r[3], r[4], r[5]);
}

static void prepare_dir(struct ms_scratch *s, const char *dir)
{
	int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return unavailable(s, "%s is not a directory", dir);
	char name[64], link[32];
	random_name(name, sizeof(name));
	int e = 0, fd = -1;
	if (mkdirat(dir_fd, name, 0700) != 0)
		e = errno;
	else if ((fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		e = errno;
	if (e) {
		close(dir_fd);
		return unavailable(s, "cannot create a scratch directory in %s: %s", dir,
				   strerror(e));
	}
	/* The marker ties the directory to this process's area, for reaping after a SIGKILL. */
	int m = openat(fd, DIR_MARKER, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	bool written = m >= 0 && write(m, area, strlen(area)) == (ssize_t)strlen(area);
	e = errno;
	if (m >= 0)
		close(m);
	char self[64], real[PATH_MAX];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	ssize_t n = written ? readlink(self, real, sizeof(real) - 1) : -1;
	if (n > 0) {
		real[n] = 0;
		snprintf(link, sizeof(link), "dir-%d", n_prepared);
	}
	if (n <= 0 || symlinkat(real, area_fd, link) != 0) {
		e = written ? errno : e;
		close(fd);
		ms_remove_tree_at(dir_fd, name);
		close(dir_fd);
		return unavailable(s, "cannot prepare a scratch directory in %s: %s", dir,
				   strerror(e));
	}
	close(fd);
	close(dir_fd);
	snprintf(s->path, sizeof(s->path), "%s", real);
	s->available = true;
}

void ms_scratch_prepare(struct ms_scratch *s, const char *kind, const char *dir_path,
			unsigned long size_mb)
{
	bool is_dir = !strcmp(kind, "dir");
	memset(s, 0, sizeof(*s));
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	if (is_dir)
		snprintf(s->label, sizeof(s->label), "dir:%.58s", dir_path);
	else
		snprintf(s->label, sizeof(s->label), "%s", kind);
	if (create_area() != 0)
		return unavailable(s, "cannot create the state directory %s: %s",
				   ms_scratch_state_root(), strerror(errno));
	remember(s);
	if (is_dir)
		prepare_dir(s, dir_path);
	else if (!strcmp(kind, "tmpfs"))
		prepare_tmpfs(s, size_mb);
	else if (!strcmp(kind, "ext4") || !strcmp(kind, "xfs") || !strcmp(kind, "btrfs"))
		prepare_image(s, kind, size_mb);
	else
		unavailable(s, "unknown file system kind '%s'", kind);
}

/* The last snapshot saved, for the signal path to put back. */
static struct ms_settings_snapshot saved_settings;
static volatile sig_atomic_t have_saved_settings;

int ms_scratch_save_settings(const struct ms_settings_snapshot *snap)
{
	saved_settings = *snap;
	have_saved_settings = 1;
	bool any = false;
	for (int i = 0; i < MS_GUARDED_SETTINGS; i++)
		any |= snap->values[i][0] != 0;
	if (!any) /* a non-root run's, or one taken without the locks: nothing to put back */
		return 0;
	if (create_area() != 0)
		return -1;
	char name[96];
	snapshot_name(area_name, name, sizeof(name));
	return ms_settings_save(snap, runtime_fd, name);
}

/* ---- releasing ---- */

/* Removes a --dir scratch directory recorded by the symbolic link `link` in an area, if its
 * marker is ours and names that area (so a directory someone else made or reused is left
 * alone). Only the last component is opened without following links: the --dir the user
 * named is the user's choice. */
static void release_dir_link(int afd, const char *area_path, const char *link)
{
	char target[PATH_MAX], owner[PATH_MAX];
	ssize_t n = readlinkat(afd, link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = 0;
	char *slash = strrchr(target, '/');
	if (!slash || !slash[1])
		return;
	*slash = 0;
	/* a directory made in / has "" before its last slash */
	int parent = open(slash == target ? "/" : target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = parent < 0 ? -1 :
		 openat(parent, slash + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int m = fd < 0 ? -1 : openat(fd, DIR_MARKER, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (m >= 0 && fstat(m, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid()) {
		ssize_t k = read(m, owner, sizeof(owner) - 1);
		if (k > 0 && (size_t)k == strlen(area_path) &&
		    memcmp(owner, area_path, (size_t)k) == 0)
			ms_remove_tree_at(parent, slash + 1);
	}
	if (m >= 0)
		close(m);
	if (fd >= 0)
		close(fd);
	if (parent >= 0)
		close(parent);
}

/* Releases the area `name` of the data root completely: its settings snapshot, mounts, loops,
 * --dir directories, then the area itself. */
static void release_area(const char *name)
{
	char path[PATH_MAX + 80], snap[96];
	snprintf(path, sizeof(path), "%s/%s", data_real, name);
	snapshot_name(name, snap, sizeof(snap));
	unlinkat(runtime_fd, snap, 0);
	unmount_below(path);
	detach_loops_below(path);
	int fd = openat(data_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		/* dir-N symlinks: small fixed set of names, no directory listing needed */
		for (int i = 0; i < (int)(sizeof(prepared) / sizeof(prepared[0])); i++) {
			char link[16];
			snprintf(link, sizeof(link), "dir-%d", i);
			release_dir_link(fd, path, link);
		}
		close(fd);
	}
	ms_remove_tree_at(data_fd, name);
}

void ms_scratch_release(struct ms_scratch *s)
{
	if (!s->available)
		return;
	if (!strcmp(s->kind, "dir")) {
		/* the --dir directory goes with the area (release_area); its dir-N link with it */
	} else {
		if (umount2(s->path, UMOUNT_NOFOLLOW) != 0)
			umount2(s->path, MNT_DETACH | UMOUNT_NOFOLLOW);
		char image[32];
		snprintf(image, sizeof(image), "%s.img", s->kind);
		unlinkat(area_fd, s->kind, AT_REMOVEDIR);
		unlinkat(area_fd, image, 0);
	}
	s->available = false;
	snprintf(s->reason, sizeof(s->reason), "released");
}

void ms_scratch_release_all(void)
{
	if (releasing)
		return;
	releasing = 1;
	for (int i = 0; i < n_prepared; i++)
		ms_scratch_release(prepared[i]);
	n_prepared = 0;
	if (area[0]) {
		release_area(area_name);
		close(area_fd);
		area_fd = -1;
	}
	if (made_temporary_root && data_root[0]) {
		rmdir(data_root); /* only when no other run has an area there */
		made_temporary_root = false;
	}
	area[0] = 0;
	releasing = 0;
}

/* On a signal, a test killed inside its window left a setting changed: put it back before the
 * areas go (the contained runs were stopped first, lib/contain.c). */
static void put_back_saved_settings(void)
{
	if (have_saved_settings)
		ms_settings_put_back(&saved_settings);
}

void ms_scratch_install_signal_handlers(void)
{
	release_at_exit();
	ms_cleanup_add(MS_CLEANUP_RESTORE, put_back_saved_settings, MS_CLEANUP_ON_SIGNAL);
	ms_cleanup_catch_signals();
}

/* ---- reaping what dead runs left ---- */

/* Whether the owner of the area open at fd still lives. Taking the area's lock (create_area)
 * tells for every owner that took one; the owner line is asked only when it is free, for an
 * owner that has not locked yet. A lock we take here is held until fd is closed, so that two
 * reapers never work on one area. */
static bool owner_is_alive(int fd)
{
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		return errno == EWOULDBLOCK;
	char *line = ms_read_file_at(fd, OWNER_FILE, 4096);
	if (!line)
		return false; /* never finished creating: the creator died at once */
	int pid = 0;
	unsigned long long st = 0;
	char bid[64] = "", ns[64] = "", my_ns[64];
	sscanf(line, "%d %llu %63s %63s", &pid, &st, bid, ns);
	free(line);
	char *now = boot_id();
	bool same_boot = strcmp(now, bid) == 0;
	free(now);
	/* an owner in another PID namespace (a run inside `unshare --pid`) cannot be looked up
	 * by its pid from here: alive while that namespace is */
	pid_namespace(my_ns, sizeof(my_ns));
	if (same_boot && ns[0] && strcmp(ns, my_ns) != 0)
		return namespace_exists(ns);
	return same_boot && pid > 0 && ms_process_start_time(pid) == st;
}

/* Puts back the settings snapshot a dead run kept, if it kept one. */
static void put_back_snapshot_of(const char *name)
{
	char snap_name[96];
	snapshot_name(name, snap_name, sizeof(snap_name));
	struct ms_settings_snapshot snap;
	if (ms_settings_load(&snap, runtime_fd, snap_name) == 0)
		ms_settings_put_back(&snap);
	else if (errno != ENOENT)
		ms_warn("the settings snapshot %s of a dead run cannot be used (%s): left alone",
			snap_name, strerror(errno));
}

int ms_scratch_reap(bool verbose)
{
	ms_cgroup_reap();
	open_roots();
	/* a fresh description: a dup() would share the offset an earlier listing left */
	int dfd = openat(data_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	int reaped = 0;
	struct dirent *e;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while ((e = readdir(d))) {
		int pid;
		unsigned long long st;
		char tail;
		if (sscanf(e->d_name, "%d-%llu%c", &pid, &st, &tail) != 2)
			continue; /* not an area: never ours to touch */
		if (area_name[0] && !strcmp(e->d_name, area_name))
			continue;
		char path[PATH_MAX + 80], why[PATH_MAX + 256];
		snprintf(path, sizeof(path), "%s/%s", data_real, e->d_name);
		int fd = openat(data_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || !ms_state_dir_fd_ok(fd, path, why, sizeof(why))) {
			ms_warn("%s is not an area of this user's runs (%s): left alone", path,
				fd < 0 ? strerror(errno) : why);
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (owner_is_alive(fd)) {
			close(fd);
			continue;
		}
		if (verbose)
			ms_warn("removing what an earlier run (pid %d) left in %s", pid, path);
		put_back_snapshot_of(e->d_name);
		release_area(e->d_name);
		close(fd);
		reaped++;
	}
	closedir(d);
	return reaped;
}
