#include "harness.h"
#include "env.h"
#include "util.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define KNOWN_FS "tmpfs, ext4, xfs, btrfs, cwd, all"

int (*ms_harness_renderer)(const struct ms_run *run, const char *run_dir);

const char ms_harness_options_help[] =
	"  --fs LIST        file systems under test, comma separated: " KNOWN_FS "\n"
	"                   (ext4/xfs/btrfs are loop-mounted images and need root;\n"
	"                   default: tmpfs,cwd = a tmpfs and the current directory's)\n"
	"  --dir PATH       also test an existing directory (NFS, DAX ...); repeatable\n"
	"  --fs-size MB     size of each image and tmpfs (default 1024)\n"
	"  --out DIR        results root; the run goes into DIR/<run-id>/\n"
	"                   (default: reports/out in the project, or $MMAPSUITE_OUT)\n"
	"  --place NAME     where this runs: host (default), guest:<kernel>, board:<name>\n";

const char *ms_self_dir(void)
{
	static char dir[PATH_MAX];
	const char *bundle = getenv("MMAPSUITE_LIBEXEC");
	if (!dir[0] && bundle && *bundle)
		snprintf(dir, sizeof(dir), "%s", bundle);
	if (!dir[0]) {
		ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		if (n <= 0)
			return ".";
		dir[n] = 0;
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
	}
	return dir;
}

int ms_execv_self(const char *path, char *const argv[])
{
	const char *loader = getenv("MMAPSUITE_LOADER");
	const char *libs = getenv("MMAPSUITE_LIBRARY_PATH");
	if (!loader || !*loader || !libs || !*libs)
		return execv(path, argv);
	size_t n = 0;
	while (argv[n])
		n++;
	/* loader --library-path LIBS --argv0 ARGV0 PATH ARGV[1..] NULL */
	const char **full = calloc(n + 7, sizeof(*full));
	if (!full)
		return -1;
	size_t k = 0;
	full[k++] = loader;
	full[k++] = "--library-path";
	full[k++] = libs;
	full[k++] = "--argv0";
	full[k++] = n ? argv[0] : path;
	full[k++] = path;
	for (size_t i = 1; i < n; i++)
		full[k++] = argv[i];
	full[k] = NULL;
	execv(loader, (char *const *)full);
	int err = errno;
	free(full);
	errno = err;
	return -1;
}

const char *ms_default_out_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("MMAPSUITE_OUT");
	if (env && *env)
		return env;
	/* From <project>/build-dir/bin/mmapsuite: the project is two levels up. */
	char project[PATH_MAX], probe[PATH_MAX + 32];
	snprintf(project, sizeof(project), "%s/../..", ms_self_dir());
	snprintf(probe, sizeof(probe), "%s/reports/report.h", project);
	if (access(probe, F_OK) == 0 && realpath(project, root)) {
		strncat(root, "/reports/out", sizeof(root) - strlen(root) - 1);
		return root;
	}
	return "mmapsuite-results";
}

static const char *need_value(int argc, char **argv, int i)
{
	if (i + 1 >= argc || argv[i + 1][0] == 0)
		ms_die(MS_EXIT_USAGE, "%s needs a value (see --help)", argv[i]);
	return argv[i + 1];
}

static void check_fs_list(const char *list)
{
	char *copy = xstrdup(list);
	for (char *t = strtok(copy, ","); t; t = strtok(NULL, ","))
		if (!ms_str_in_list(t, "tmpfs,ext4,xfs,btrfs,cwd,all"))
			ms_die(MS_EXIT_USAGE, "--fs: unknown file system '%s' (choose from " KNOWN_FS ")",
			       t);
	free(copy);
	if (!*list)
		ms_die(MS_EXIT_USAGE, "--fs: empty list (choose from " KNOWN_FS ")");
}

int ms_harness_option(struct ms_harness *h, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	if (!strcmp(arg, "--fs")) {
		const char *v = need_value(argc, argv, *i);
		check_fs_list(v);
		snprintf(h->fs_list, sizeof(h->fs_list), "%s", v);
	} else if (!strcmp(arg, "--dir")) {
		if (h->n_dirs == MS_MAX_FS / 2)
			ms_die(MS_EXIT_USAGE, "--dir: at most %d directories", MS_MAX_FS / 2);
		h->dirs[h->n_dirs++] = need_value(argc, argv, *i);
	} else if (!strcmp(arg, "--out")) {
		h->out_root = need_value(argc, argv, *i);
	} else if (!strcmp(arg, "--place")) {
		h->place = need_value(argc, argv, *i);
	} else if (!strcmp(arg, "--fs-size")) {
		const char *v = need_value(argc, argv, *i);
		char *end;
		errno = 0;
		unsigned long mb = strtoul(v, &end, 10);
		if (errno || *end || v[0] == '-' || mb < 64 || mb > (1ul << 24))
			ms_die(MS_EXIT_USAGE, "--fs-size: '%s' is not a size in MiB from 64 to 16777216", v);
		h->fs_size_mb = mb;
	} else {
		return 0;
	}
	(*i)++;
	return 1;
}

/* Every check on the user's input happens here, before anything is written. */
static void validate(struct ms_harness *h)
{
	struct stat st;
	for (int i = 0; i < h->n_dirs; i++)
		if (stat(h->dirs[i], &st) != 0 || !S_ISDIR(st.st_mode))
			ms_die(MS_EXIT_USAGE, "--dir %s: %s", h->dirs[i],
			       errno && stat(h->dirs[i], &st) != 0 ? strerror(errno) : "not a directory");
	if (stat(h->out_root, &st) == 0 && !S_ISDIR(st.st_mode))
		ms_die(MS_EXIT_USAGE, "--out %s: exists and is not a directory", h->out_root);

	int images = 0;
	for (const char *k = "ext4\0xfs\0btrfs\0"; *k; k += strlen(k) + 1)
		images += ms_str_in_list(k, h->fs_list) || ms_str_in_list("all", h->fs_list);
	struct statvfs vfs;
	char state[PATH_MAX];
	snprintf(state, sizeof(state), "%s", ms_scratch_state_root());
	/* the state root may not exist yet: measure the closest existing parent */
	while (statvfs(state, &vfs) != 0 && strcmp(state, "/") != 0)
		snprintf(state, sizeof(state), "%s", dirname(state));
	unsigned long free_mb = (unsigned long)((vfs.f_bavail * (unsigned long long)vfs.f_frsize) >> 20);
	if (images && (unsigned long)images * h->fs_size_mb > free_mb)
		ms_die(MS_EXIT_USAGE,
		       "--fs-size %lu MiB: %d image(s) need %lu MiB but %s has %lu MiB free; "
		       "choose a smaller --fs-size",
		       h->fs_size_mb, images, (unsigned long)images * h->fs_size_mb, state, free_mb);
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	unsigned long mem_mb = (unsigned long)(((unsigned long long)pages * (unsigned long long)page) >> 20);
	if ((ms_str_in_list("tmpfs", h->fs_list) || ms_str_in_list("all", h->fs_list)) &&
	    h->fs_size_mb > mem_mb / 2)
		ms_die(MS_EXIT_USAGE, "--fs-size %lu MiB: a tmpfs that large would take more than "
		       "half of this machine's %lu MiB of memory", h->fs_size_mb, mem_mb);
}

static void add_fs(struct ms_harness *h, const char *kind, const char *dir)
{
	if (h->n_fs == MS_MAX_FS)
		return;
	struct ms_scratch *s = &h->fs[h->n_fs++];
	ms_scratch_prepare(s, kind, dir, h->fs_size_mb);
	if (s->available) {
		ms_env_add_filesystem(h->run->environment, s->label, s->path);
		fprintf(stderr, "mmapsuite: %-8s %s\n", s->label, s->path);
	} else {
		fprintf(stderr, "mmapsuite: %-8s SKIP: %s\n", s->label, s->reason);
	}
}

void ms_harness_begin(struct ms_harness *h)
{
	if (!h->fs_list[0])
		snprintf(h->fs_list, sizeof(h->fs_list), "%s", h->n_dirs ? "" : "tmpfs,cwd");
	if (!h->out_root)
		h->out_root = ms_default_out_root();
	if (!h->place)
		h->place = "host";
	if (!h->fs_size_mb)
		h->fs_size_mb = 1024;
	validate(h);

	ms_scratch_install_signal_handlers();
	ms_scratch_reap(true);

	h->run = ms_run_new(h->place);
	snprintf(h->run_dir, sizeof(h->run_dir), "%s/%s", h->out_root, h->run->id);
	if (ms_mkdir_p(h->run_dir, 0755) != 0)
		ms_die(MS_EXIT_USAGE, "cannot create the results directory %s: %s", h->run_dir,
		       strerror(errno));
	json_decref(h->run->environment);
	h->run->environment = ms_env_capture();

	bool all = ms_str_in_list("all", h->fs_list);
	for (const char *k = "tmpfs\0ext4\0xfs\0btrfs\0"; *k; k += strlen(k) + 1)
		if (all || ms_str_in_list(k, h->fs_list))
			add_fs(h, k, NULL);
	if (ms_str_in_list("cwd", h->fs_list)) {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)))
			add_fs(h, "dir", cwd);
	}
	for (int i = 0; i < h->n_dirs; i++)
		add_fs(h, "dir", h->dirs[i]);
}

int ms_harness_end(struct ms_harness *h)
{
	for (int i = 0; i < h->n_fs; i++)
		ms_scratch_release(&h->fs[i]);
	ms_scratch_release_all();
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/results.json", h->run_dir);
	if (ms_run_save(h->run, path) != 0) {
		ms_warn("cannot write %s: %s", path, strerror(errno));
		return 1;
	}
	int rc = ms_harness_renderer ? ms_harness_renderer(h->run, h->run_dir) : 0;
	printf("results: %s\n", h->run_dir);
	ms_run_free(h->run);
	h->run = NULL;
	return rc;
}
