/* Scratch file systems: tmpfs mounts, loop-mounted ext4/xfs/btrfs images, and directories in
 * places the user names. Each process keeps everything it creates below one area,
 * <state root>/<pid>-<start time>/, and an "owner" file there says who it was, so that a later
 * run can tell a dead owner's leftovers from a live run's. */
#include "scratch.h"
#include "cgroup.h"
#include "contain.h"
#include "loop_device.h"
#include "settings_guard.h"
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
#include <sys/statvfs.h>
#include <unistd.h>

#define OWNER_FILE "owner"
#define DIR_MARKER ".mmapsuite-scratch" /* inside --dir areas: names the owning area */

/* Everything is in static storage so the signal handlers can release it without malloc. */
static struct ms_scratch *prepared[32];
static int n_prepared;
static char area[PATH_MAX];
static volatile sig_atomic_t releasing;

const char *ms_scratch_state_root(void)
{
	static char root[PATH_MAX];
	if (root[0])
		return root;
	const char *env = getenv("MMAPSUITE_STATE_DIR");
	if (env && *env)
		snprintf(root, sizeof(root), "%s", env);
	else if (geteuid() == 0)
		snprintf(root, sizeof(root), "/var/tmp/mmapsuite");
	else
		snprintf(root, sizeof(root), "/tmp/mmapsuite-%u", (unsigned)geteuid());
	return root;
}

/* Start time of a process in clock ticks since boot (field 22 of /proc/pid/stat); 0 if it is
 * gone or a zombie (a SIGKILLed run is a zombie until its parent reaps it). */
static unsigned long long start_time_of(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	char *s = ms_read_file(path, NULL);
	if (!s)
		return 0;
	unsigned long long t = 0;
	char *p = strrchr(s, ')'); /* the command name may hold spaces */
	if (p && (p[1] == 0 || p[2] == 'Z' || p[2] == 'X'))
		p = NULL;
	if (p) {
		int field = 2;
		for (p++; *p && field < 22; p++)
			if (*p == ' ')
				field++;
		t = strtoull(p, NULL, 10);
	}
	free(s);
	return t;
}

static char *boot_id(void)
{
	char *id = ms_read_line("/proc/sys/kernel/random/boot_id");
	return id ? id : xstrdup("unknown");
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
	const char *root = ms_scratch_state_root();
	if (ms_mkdir_p(root, 0700) != 0)
		return -1;
	pid_t pid = getpid();
	unsigned long long st = start_time_of(pid);
	snprintf(area, sizeof(area), "%s/%d-%llu", root, (int)pid, st);
	if (mkdir(area, 0700) != 0 && errno != EEXIST) {
		area[0] = 0;
		return -1;
	}
	/* Held until this process ends: the one sign of life that holds across PID namespaces
	 * (the lock is on the inode; a pid read from another namespace names another process). */
	static int lock_fd = -1;
	lock_fd = open(area, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock_fd >= 0)
		flock(lock_fd, LOCK_EX | LOCK_NB);
	char *bid = boot_id();
	char ns[64];
	pid_namespace(ns, sizeof(ns));
	char *owner = xasprintf("%d %llu %s %s\n", (int)pid, st, bid, ns);
	char *path = xasprintf("%s/" OWNER_FILE, area);
	int rc = ms_write_file_atomic(path, owner, strlen(owner));
	free(bid), free(owner), free(path);
	atexit(ms_scratch_release_all);
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
		if (umount2(mnts[i], 0) != 0)
			umount2(mnts[i], MNT_DETACH); /* busy: detach now, freed when unused */
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
	char *copy = xstrdup(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
	bool found = false;
	for (char *save, *dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", dir, name);
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

/* Attaches image to a free loop device with autoclear; returns the open loop fd or -1. */
static int attach_loop(const char *image, char *dev, size_t devlen)
{
	int img = open(image, O_RDWR | O_CLOEXEC);
	if (img < 0)
		return -1;
	int loop = ms_loop_attach(img, image, dev, devlen, NULL);
	int e = errno;
	close(img);
	errno = e;
	return loop;
}

static void prepare_image(struct ms_scratch *s, const char *kind, unsigned long size_mb)
{
	char mkfs[32], image[PATH_MAX], mnt[PATH_MAX];
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
	snprintf(image, sizeof(image), "%s/%s.img", area, kind);
	snprintf(mnt, sizeof(mnt), "%s/%s", area, kind);
	int fd = open(image, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)size_mb << 20) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return unavailable(s, "cannot create the %lu MiB image %s: %s", size_mb, image,
				   strerror(e));
	}
	close(fd);
	const char *force = !strcmp(kind, "ext4") ? "-F" : "-f";
	const char *const argv[] = { mkfs, "-q", force, image, NULL };
	int rc = ms_run_quietly(argv);
	if (rc != 0)
		return unavailable(s, "%s %s failed (exit %d)", mkfs, image, rc);
	if (mkdir(mnt, 0755) != 0)
		return unavailable(s, "mkdir %s: %s", mnt, strerror(errno));
	char dev[64];
	int loop = attach_loop(image, dev, sizeof(dev));
	if (loop < 0)
		return unavailable(s, "no loop device for %s: %s (is the loop module available?)",
				   image, strerror(errno));
	int mrc = mount(dev, mnt, kind, 0, NULL);
	int e = errno;
	close(loop); /* autoclear: the device detaches when the file system is unmounted */
	if (mrc != 0)
		return unavailable(s, "mount -t %s %s %s: %s%s", kind, dev, mnt, strerror(e),
				   e == ENODEV ? " (this kernel has no such file system)" : "");
	snprintf(s->path, sizeof(s->path), "%s", mnt);
	chmod(mnt, 01777);
	s->available = true;
}

static void prepare_tmpfs(struct ms_scratch *s, unsigned long size_mb)
{
	char mnt[PATH_MAX];
	snprintf(mnt, sizeof(mnt), "%s/tmpfs", area);
	if (mkdir(mnt, 0755) != 0)
		return unavailable(s, "mkdir %s: %s", mnt, strerror(errno));
	if (geteuid() == 0) {
		char opts[64];
		snprintf(opts, sizeof(opts), "size=%lum,mode=1777", size_mb);
		if (mount("mmapsuite", mnt, "tmpfs", 0, opts) != 0)
			return unavailable(s, "mount -t tmpfs %s: %s", mnt, strerror(errno));
		snprintf(s->path, sizeof(s->path), "%s", mnt);
		s->available = true;
		return;
	}
	rmdir(mnt);
	/* Without root, /dev/shm is the tmpfs everyone may use. */
	return ms_scratch_prepare(s, "dir", "/dev/shm", size_mb);
}

static void prepare_dir(struct ms_scratch *s, const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return unavailable(s, "%s is not a directory", dir);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/mmapsuite-scratch-%d", dir, (int)getpid());
	if (mkdir(path, 0700) != 0)
		return unavailable(s, "cannot create a scratch directory in %s: %s", dir,
				   strerror(errno));
	/* The marker ties the directory to this process's area, for reaping after a SIGKILL. */
	char marker[PATH_MAX + 32], link[PATH_MAX + 32];
	snprintf(marker, sizeof(marker), "%s/" DIR_MARKER, path);
	int fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, area, strlen(area)) != (ssize_t)strlen(area)) {
		if (fd >= 0)
			close(fd);
		rmdir(path);
		return unavailable(s, "cannot write in %s: %s", path, strerror(errno));
	}
	close(fd);
	char real[PATH_MAX];
	snprintf(link, sizeof(link), "%s/dir-%d", area, n_prepared);
	if (!realpath(path, real) || symlink(real, link) != 0) {
		ms_remove_tree(path);
		return unavailable(s, "cannot record %s in %s: %s", path, area, strerror(errno));
	}
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
	if (create_area() != 0)
		return -1;
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/" MS_SETTINGS_FILE, area);
	return ms_settings_save(snap, path);
}

/* ---- releasing ---- */

/* Removes a --dir scratch directory recorded by a symlink in an area, if its marker names
 * that area (so a directory someone else reused is left alone). */
static void release_dir_link(const char *area_path, const char *link)
{
	char target[PATH_MAX], marker[PATH_MAX + 32], owner[PATH_MAX];
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = 0;
	snprintf(marker, sizeof(marker), "%s/" DIR_MARKER, target);
	int fd = open(marker, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t m = read(fd, owner, sizeof(owner) - 1);
	close(fd);
	if (m > 0 && (size_t)m == strlen(area_path) && memcmp(owner, area_path, (size_t)m) == 0)
		ms_remove_tree(target);
}

/* Releases an area completely: mounts, loops, --dir directories, then the area itself. */
static void release_area(const char *area_path)
{
	unmount_below(area_path);
	detach_loops_below(area_path);
	int fd = open(area_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		/* dir-N symlinks: small fixed set of names, no directory listing needed */
		for (int i = 0; i < (int)(sizeof(prepared) / sizeof(prepared[0])); i++) {
			char link[PATH_MAX + 16];
			snprintf(link, sizeof(link), "%s/dir-%d", area_path, i);
			release_dir_link(area_path, link);
		}
		close(fd);
	}
	ms_remove_tree(area_path);
}

void ms_scratch_release(struct ms_scratch *s)
{
	if (!s->available)
		return;
	if (!strcmp(s->kind, "dir")) {
		char marker[PATH_MAX + 32];
		snprintf(marker, sizeof(marker), "%s/" DIR_MARKER, s->path);
		if (access(marker, F_OK) == 0)
			ms_remove_tree(s->path);
	} else {
		if (umount2(s->path, 0) != 0)
			umount2(s->path, MNT_DETACH);
		rmdir(s->path);
		char image[PATH_MAX + 8];
		snprintf(image, sizeof(image), "%s.img", s->path);
		unlink(image);
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
		release_area(area);
		rmdir(ms_scratch_state_root()); /* only when no other run has an area there */
	}
	area[0] = 0;
	releasing = 0;
}

static void on_signal(int sig)
{
	/* the runner and every test process first: none may write to what is released next */
	ms_contain_stop_all();
	/* a test killed inside its window left a setting changed: put it back now */
	if (have_saved_settings)
		ms_settings_put_back(&saved_settings);
	ms_scratch_release_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

void ms_scratch_install_signal_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A reader that goes away (mmapsuite ... | head) must not kill us before the clean-up:
	 * writes then fail with EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
}

/* ---- reaping what dead runs left ---- */

/* Whether a live process holds the area's lock (create_area). */
static bool area_locked(const char *area_path)
{
	int fd = open(area_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd); /* also drops the lock if we took it */
	return held;
}

static bool owner_is_alive(const char *area_path)
{
	if (area_locked(area_path))
		return true;
	/* Unlocked: the owner is gone, or is a run of a version that took no lock. */
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/" OWNER_FILE, area_path);
	char *line = ms_read_line(path);
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
	 * by its pid from here: alive until the machine reboots */
	pid_namespace(my_ns, sizeof(my_ns));
	if (same_boot && ns[0] && strcmp(ns, my_ns) != 0)
		return namespace_exists(ns);
	return same_boot && pid > 0 && start_time_of(pid) == st;
}

int ms_scratch_reap(bool verbose)
{
	ms_cgroup_reap();
	const char *root = ms_scratch_state_root();
	DIR *d = opendir(root);
	if (!d)
		return 0;
	int reaped = 0;
	struct dirent *e;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while ((e = readdir(d))) {
		int pid;
		unsigned long long st;
		char tail;
		if (sscanf(e->d_name, "%d-%llu%c", &pid, &st, &tail) != 2)
			continue; /* not an area: never ours to touch */
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		if (!strcmp(path, area) || owner_is_alive(path))
			continue;
		if (verbose)
			ms_warn("removing what an earlier run (pid %d) left in %s", pid, path);
		/* its snapshot of the machine-wide settings, if it died while they could differ */
		char settings[PATH_MAX + 32];
		struct ms_settings_snapshot snap;
		snprintf(settings, sizeof(settings), "%s/" MS_SETTINGS_FILE, path);
		if (ms_settings_load(&snap, settings) == 0)
			ms_settings_put_back(&snap);
		release_area(path);
		reaped++;
	}
	closedir(d);
	return reaped;
}
