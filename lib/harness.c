#include "harness.h"
#include "dir_anchor.h"
#include "results_dir.h"
#include "trusted_env.h"
#include "env.h"
#include "exec_self.h"
#include "place.h"
#include "install_dirs.h"
#include "options.h"
#include "util.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define KNOWN_FS "tmpfs, ext4, xfs, btrfs, cwd, all"

int (*ms_harness_renderer)(const struct ms_run *run, const char *run_dir, const char *history);

enum {
	OPT_FS = MS_OPT_HARNESS, OPT_DIR, OPT_FS_SIZE, OPT_OUT, OPT_PLACE, OPT_EXPECT,
	OPT_STRICT_EXPECT, OPT_NO_EXPECT, OPT_HISTORY, OPT_NO_RENDER,
};

const struct ms_option ms_harness_options[] = {
	{ "fs", 0, "LIST", "file systems under test, comma separated: " KNOWN_FS "\n"
	  "(ext4/xfs/btrfs are loop-mounted images and need root;\n"
	  "default: tmpfs,cwd = a tmpfs and the current directory's)", OPT_FS },
	{ "dir", 0, "PATH", "also test an existing directory (NFS, DAX ...); repeatable", OPT_DIR },
	{ "fs-size", 0, "MB", "size of each image and tmpfs (default 1024)", OPT_FS_SIZE },
	{ "out", 0, "DIR", "results root; the run goes into DIR/<run-id>/\n"
	  "(default: $MMAPSUITE_OUT, else reports/out in the project when\n"
	  "this user may write there; installed: " MS_INSTALLED_RESULTS_ROOT "\n"
	  "as root; else ./mmapsuite-results)", OPT_OUT },
	{ "place", 0, "NAME", "where this runs: host (default), guest:<kernel>, board:<name>",
	  OPT_PLACE },
	{ "expect", 0, "FILE", "known deviations: a failure a line of FILE matches is XFAIL, a\n"
	  "pass it matches is XPASS (listed); see mmapsuite-expect(5)\n"
	  "(default: the shipped kernel.expect, installed or in the build)", OPT_EXPECT },
	{ "strict-expect", 0, NULL, "an XPASS fails the run too (exit 1)", OPT_STRICT_EXPECT },
	{ "no-expect", 0, NULL, "no expectation file, raw verdicts (cancels --expect and\n"
	  "the shipped default)", OPT_NO_EXPECT },
	{ "history", 0, "FILE", "record the run in this history database (default: history.sqlite\n"
	  "beside the run directories); its directory must be one only its\n"
	  "owner can write", OPT_HISTORY },
	{ "no-render", 0, NULL, "write results.json only: no report and no history record, for a\n"
	  "place whose runs are rendered where they land (tools/vm renders a\n"
	  "guest's on the host, which has gnuplot)", OPT_NO_RENDER },
	MS_OPTIONS_END
};

/* Whether this user could create path (or write into it when it exists). */
static bool can_create(const char *path)
{
	char base[PATH_MAX];
	ms_existing_ancestor(path, base, sizeof(base));
	return access(base, W_OK | X_OK) == 0;
}

const char *ms_default_out_root(void)
{
	static char root[PATH_MAX];
	const char *env = ms_env("MMAPSUITE_OUT");
	if (env && *env)
		return env;
	/* Installed, root's results go to a root-owned place, not the current directory. */
	if (ms_installed())
		return ms_is_root() ? MS_INSTALLED_RESULTS_ROOT : "mmapsuite-results";
	/* From <project>/build-dir/bin/mmapsuite: the project is two levels up. A user who may
	 * not write into the project (a root-owned checkout) gets the current directory's
	 * mmapsuite-results instead, as the README's command line and docs/command-line.md say. */
	char project[PATH_MAX], probe[PATH_MAX + 32];
	snprintf(project, sizeof(project), "%s/../..", ms_self_dir());
	snprintf(probe, sizeof(probe), "%s/reports/report.h", project);
	if (access(probe, F_OK) == 0 && realpath(project, root)) {
		strncat(root, "/reports/out", sizeof(root) - strlen(root) - 1);
		/* root uses the project's only when no other user can change it (a checkout
		 * another user owns could have its reports/out swapped for a link) */
		char why[PATH_MAX + 128];
		if (can_create(root) && (geteuid() != 0 || ms_path_is_trusted(root, why, sizeof(why))))
			return root;
	}
	return "mmapsuite-results";
}

static void check_fs_list(const char *list)
{
	char *copy = ms_strdup(list);
	int named = 0;
	for (char *save, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save), named++)
		if (!ms_str_in_list(t, "tmpfs,ext4,xfs,btrfs,cwd,all"))
			ms_die(MS_EXIT_USAGE, "--fs: unknown file system '%s' (choose from " KNOWN_FS ")",
			       t);
	free(copy);
	if (!named) /* "," or ",,": no file system, so no test would run */
		ms_die(MS_EXIT_USAGE, "--fs '%s' names no file system, so it selects no test (choose "
		       "from " KNOWN_FS ")", list);
}

int ms_harness_handle(struct ms_harness *h, int id, const char *given, const char *v)
{
	if (v && !*v)
		ms_die(MS_EXIT_USAGE, "%s needs a value (see --help)", given);
	switch (id) {
	case OPT_FS:
		check_fs_list(v);
		snprintf(h->fs_list, sizeof(h->fs_list), "%s", v);
		return 1;
	case OPT_DIR:
		if (h->n_dirs == MS_MAX_FS / 2)
			ms_die(MS_EXIT_USAGE, "--dir: at most %d directories", MS_MAX_FS / 2);
		h->dirs[h->n_dirs++] = v;
		return 1;
	case OPT_OUT: h->out_root = v; h->out_given = true; return 1;
	case OPT_PLACE: h->place = v; return 1;
	case OPT_EXPECT: h->expect_path = v; return 1;
	case OPT_STRICT_EXPECT: h->strict_expect = true; return 1;
	case OPT_NO_EXPECT: h->expect_path = ""; return 1; /* none, not the shipped default */
	case OPT_HISTORY: h->history = v; return 1;
	case OPT_NO_RENDER: h->no_render = true; return 1;
	case OPT_FS_SIZE: {
		char *end;
		errno = 0;
		unsigned long mb = strtoul(v, &end, 10);
		if (errno || *end || v[0] == '-' || mb < 64 || mb > (1ul << 24))
			ms_die(MS_EXIT_USAGE, "--fs-size: '%s' is not a size in MiB from 64 to 16777216", v);
		h->fs_size_mb = mb;
		return 1;
	}
	}
	return 0;
}

/* Why the suite cannot use dir as a file system under test, or NULL. The one thing written is
 * a probe file, unlinked at once: only creating and mapping a file shows that both work (a
 * FUSE or 9p mount may refuse either). */
static const char *dir_unusable(const char *dir, char *why, size_t len)
{
	static const struct { long magic; const char *name; } pseudo[] = {
		{ PROC_SUPER_MAGIC, "proc" }, { SYSFS_MAGIC, "sysfs" },
		{ CGROUP_SUPER_MAGIC, "cgroup" }, { CGROUP2_SUPER_MAGIC, "cgroup2" },
		{ DEBUGFS_MAGIC, "debugfs" }, { TRACEFS_MAGIC, "tracefs" },
		{ SECURITYFS_MAGIC, "securityfs" }, { DEVPTS_SUPER_MAGIC, "devpts" },
		{ BPF_FS_MAGIC, "bpf" }, { PSTOREFS_MAGIC, "pstore" },
	};
	struct stat st;
	if (stat(dir, &st) != 0)
		return snprintf(why, len, "%s", strerror(errno)), why;
	if (!S_ISDIR(st.st_mode))
		return "not a directory";
	struct statfs fs;
	if (statfs(dir, &fs) == 0)
		for (size_t i = 0; i < sizeof(pseudo) / sizeof(pseudo[0]); i++)
			if ((long)fs.f_type == pseudo[i].magic)
				return snprintf(why, len, "a %s pseudo file system, not one that "
					"holds files", pseudo[i].name), why;
	struct statvfs vfs;
	if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return "on a read-only mount";
	if (access(dir, W_OK | X_OK) != 0)
		return snprintf(why, len, "not writable by this user (uid %d): %s", (int)geteuid(),
				strerror(errno)), why;
	char probe[PATH_MAX];
	snprintf(probe, sizeof(probe), "%s/.mmapsuite-probe-XXXXXX", dir);
	int fd = mkostemp(probe, O_CLOEXEC);
	if (fd < 0)
		return snprintf(why, len, "cannot create a scratch file in it: %s", strerror(errno)),
		       why;
	unlink(probe);
	long page = sysconf(_SC_PAGESIZE);
	const char *step = "ftruncate";
	char *p = MAP_FAILED;
	if (ftruncate(fd, page) == 0) {
		step = "mmap MAP_SHARED";
		p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	}
	int e = errno;
	close(fd);
	if (p == MAP_FAILED)
		return snprintf(why, len, "a scratch file in it cannot be mapped (%s: %s)", step,
				strerror(e)), why;
	munmap(p, (size_t)page);
	return NULL;
}

/* Every check on the user's input happens here, before anything is written. */
static void validate(struct ms_harness *h)
{
	struct stat st;
	char why[PATH_MAX + 128];
	for (int i = 0; i < h->n_dirs; i++) {
		const char *bad = dir_unusable(h->dirs[i], why, sizeof(why));
		if (bad)
			ms_die(MS_EXIT_USAGE, "--dir %s: %s", h->dirs[i], bad);
	}
	if (stat(h->out_root, &st) == 0 && !S_ISDIR(st.st_mode))
		ms_die(MS_EXIT_USAGE, "--out %s: exists and is not a directory", h->out_root);
	if (!can_create(h->out_root)) {
		int e = errno;
		ms_die(MS_EXIT_USAGE, "%s %s: not writable by this user (uid %d): %s; name a "
		       "results root with --out DIR or MMAPSUITE_OUT",
		       h->out_given ? "--out" : "results root (the default)", h->out_root,
		       (int)geteuid(), strerror(e));
	}
	if (h->history && ms_parent_dir_check(h->history, why, sizeof(why)) < 0)
		ms_die(MS_EXIT_USAGE, "--history %s: refused: %s; keep the history database in a "
		       "directory only its owner can write (SQLite opens its -wal, -shm and -journal "
		       "files there by name)", h->history, why);
	if (h->strict_expect && !h->expect_path)
		ms_die(MS_EXIT_USAGE, "--strict-expect needs an expectation file (--expect FILE, "
		       "or the shipped one without --no-expect)");
	if (h->expect_path) {
		char err[1024];
		h->expect = ms_calloc(1, sizeof(*h->expect));
		if (ms_expect_load(h->expect, h->expect_path, err, sizeof(err)) != 0)
			ms_die(MS_EXIT_USAGE, "--expect %s", err);
	}

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

/* The default size of each tmpfs and image: 1 GiB where THP's PMD is 2 MiB (512 huge pages),
 * as many huge pages where it is larger (32 MiB on arm64-16k, 16 MiB under ppc64's hash MMU),
 * but no more than half the memory (a tmpfs) and the free space of the state root (images)
 * allow; never below 1 GiB, whose checks in validate() then say what is missing. */
static unsigned long default_fs_size_mb(const struct ms_harness *h)
{
	unsigned long mb = 1024, pmd_mb = (unsigned long)(ms_place_pmd_size() >> 20);
	if (pmd_mb > 2)
		mb = 1024 / 2 * pmd_mb;
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	unsigned long mem_mb = pages > 0 && page > 0 ?
		(unsigned long)(((unsigned long long)pages * (unsigned long long)page) >> 20) : 0;
	if ((ms_str_in_list("tmpfs", h->fs_list) || ms_str_in_list("all", h->fs_list)) &&
	    mb > mem_mb / 2)
		mb = mem_mb / 2;
	struct statvfs vfs;
	int images = 0;
	for (const char *k = "ext4\0xfs\0btrfs\0"; *k; k += strlen(k) + 1)
		images += ms_str_in_list(k, h->fs_list) || ms_str_in_list("all", h->fs_list);
	if (images && statvfs(ms_scratch_state_root(), &vfs) == 0) {
		unsigned long free_mb =
			(unsigned long)((vfs.f_bavail * (unsigned long long)vfs.f_frsize) >> 20);
		if (mb > free_mb / (unsigned long)images)
			mb = free_mb / (unsigned long)images;
	}
	return mb < 1024 ? 1024 : mb;
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
		h->fs_size_mb = default_fs_size_mb(h);
	if (!h->expect_path)
		h->expect_path = ms_shipped_expect();
	else if (!*h->expect_path)
		h->expect_path = NULL; /* --no-expect */
	validate(h);
	h->out_dir = ms_results_root_prepare(h->out_root, h->out_given ? "--out" :
					     "results root (the default)");

	ms_scratch_install_signal_handlers();
	ms_scratch_reap(true);

	h->run = ms_run_new(h->place);
	char name[NAME_MAX + 1];
	int dir_fd = ms_run_dir_create(h->out_dir, h->run->id, name, sizeof(name), h->run_dir,
				       sizeof(h->run_dir));
	if (dir_fd < 0)
		ms_die(MS_EXIT_USAGE, "cannot create a new results directory for run %s in %s: %s",
		       h->run->id, h->out_dir, strerror(errno));
	if (strcmp(name, h->run->id) != 0) { /* the name was taken: the run is named after its directory */
		free(h->run->id);
		h->run->id = ms_strdup(name);
	}
	ms_anchor_set(h->run_dir, dir_fd);
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

void ms_harness_apply_expect(struct ms_harness *h, size_t from)
{
	if (h->expect && h->run)
		ms_expect_apply(h->expect, h->run, from);
}

/* Counts the verdicts, lists every XPASS (its line can go) and records the file used. */
static void expectation_verdict(struct ms_harness *h)
{
	const struct ms_run *run = h->run;
	h->n_failed = h->n_xfail = h->n_xpass = 0;
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		/* a test whose result could not be stored did not fail: recording did (exit 3) */
		bool unrecorded = c->outcome == MS_BROKEN && c->message &&
				  !strncmp(c->message, "recording the run failed", 24);
		h->n_failed += c->outcome == MS_FAIL || (c->outcome == MS_BROKEN && !unrecorded);
		h->n_xfail += c->outcome == MS_XFAIL;
		if (c->outcome != MS_XPASS)
			continue;
		if (!h->n_xpass++)
			fprintf(stderr, "mmapsuite: XPASS: expected to fail but passed (the line can "
					"be removed or narrowed%s):\n",
				h->strict_expect ? "; --strict-expect makes this a failure" : "");
		fprintf(stderr, "mmapsuite:   %s/%s on %s  (%s:%d)\n", c->suite, c->test, c->fs,
			c->expect_file, c->expect_line);
	}
	if (!h->expect)
		return;
	json_t *lines = json_array();
	for (size_t k = 0; k < h->expect->n; k++) {
		const struct ms_expectation *x = &h->expect->v[k];
		size_t used = 0;
		for (size_t i = 0; i < run->n_conformance; i++)
			used += run->conformance[i].expect_line == x->line &&
				run->conformance[i].expect_file &&
				!strcmp(run->conformance[i].expect_file, h->expect->file);
		json_array_append_new(lines, json_pack("{s:i, s:s, s:i}", "line", x->line, "test",
						       x->test, "matched", (int)used));
	}
	json_object_set_new(h->run->extra, "expectations",
			    json_pack("{s:s, s:s, s:s, s:b, s:i, s:i, s:o}", "file",
				      h->expect->file, "kernel", h->expect->kernel, "arch",
				      h->expect->arch, "strict", h->strict_expect, "xfail",
				      (int)h->n_xfail, "xpass", (int)h->n_xpass, "lines", lines));
	fprintf(stderr, "mmapsuite: expectations %s: %zu xfail, %zu xpass\n", h->expect->file,
		h->n_xfail, h->n_xpass);
}

bool ms_harness_failed(const struct ms_harness *h)
{
	return h->n_failed || (h->strict_expect && h->n_xpass);
}

int ms_harness_end(struct ms_harness *h)
{
	for (int i = 0; i < h->n_fs; i++)
		ms_scratch_release(&h->fs[i]);
	ms_scratch_release_all();
	ms_harness_apply_expect(h, 0);
	expectation_verdict(h);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/results.json", h->run_dir);
	int rc = 0;
	if (ms_run_save(h->run, path) != 0) {
		ms_warn("recording the run failed: cannot write %s: %s", path, strerror(errno));
		rc = MS_EXIT_RECORDING;
	} else if (!h->no_render && ms_harness_renderer &&
		   ms_harness_renderer(h->run, h->run_dir, h->history) != 0) {
		rc = MS_EXIT_RECORDING; /* the renderer said what failed */
	}
	printf("results: %s%s\n", h->run_dir, rc ? " (incomplete: recording the run failed)" : "");
	ms_anchor_set(NULL, -1);
	free(h->out_dir);
	h->out_dir = NULL;
	ms_run_free(h->run);
	h->run = NULL;
	ms_expect_free(h->expect);
	free(h->expect);
	h->expect = NULL;
	return rc;
}
