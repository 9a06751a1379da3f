/* memory_use: RAM charged per byte of file data a process holds (the "memory
 * usage" row of the comparison table): read() of the whole file into a private buffer against a MAP_SHARED mapping
 * of it, every page touched. A child process does it and reports its smaps_rollup (RSS,
 * PSS, anonymous); the parent counts the file's pages in the page cache (mincore) while the
 * child holds the data. Charged = the child's new anonymous memory + the file's cached
 * pages: a copy costs both, a mapping only the page cache it shares. */
#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { M_RSS, M_PSS, M_ANON, M_PSS_ANON, M_PSS_FILE, M_PSS_SHMEM, M_N };
static const char *const fields[M_N] = { "Rss", "Pss", "Anonymous", "Pss_Anon", "Pss_File",
					 "Pss_Shmem" };

struct memory_use {
	int fd;
	bool map;
	size_t page;
};

static const struct bench_opt memory_use_opts[] = {
	{ "size", BENCH_BYTES, 4 * MiB, 64 * GiB, { 64 * MiB }, { 64 * MiB, 512 * MiB },
	  "file size" },
	{ 0 }
};

static void memory_use_plan(struct bench_plan *plan)
{
	bench_for_each_size(plan, size) {
		bench_plan_add(plan, &(struct bench_variant){ .method = "read", .size = size,
							     .block_size = size });
		bench_plan_add(plan, &(struct bench_variant){ .method = "mmap", .size = size });
	}
}

/* kB values of smaps_rollup, in bytes; -1 where a field is missing. */
static void rollup(long long *out)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];

	for (int i = 0; i < M_N; i++)
		out[i] = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		for (int i = 0; i < M_N; i++) {
			size_t k = strlen(fields[i]);
			long long kb;

			if (!strncmp(line, fields[i], k) && line[k] == ':' &&
			    sscanf(line + k + 1, "%lld", &kb) == 1)
				out[i] = kb * 1024;
		}
	}
	fclose(f);
}

static int memory_use_setup(struct bench_ctx *c)
{
	struct memory_use *st = c->priv;

	st->fd = bench_open_shared_file(c, NULL);
	if (st->fd < 0)
		return -1;
	if (access("/proc/self/smaps_rollup", R_OK)) {
		strcpy(c->reason, "no /proc/self/smaps_rollup (Linux 4.14+)");
		close(st->fd);
		return BENCH_SKIP;
	}
	st->map = !strcmp(c->v->method, "mmap");
	st->page = sysconf(_SC_PAGESIZE);
	c->state = "steady_state";
	c->timed = "nothing: memory held after the file was read (read() into a private "
		   "buffer, or a MAP_SHARED mapping with every page touched)";
	c->ops = 1;
	c->bytes = c->v->size;
	return 0;
}

/* The file's pages in the page cache, counted through a mapping that is never touched. */
static long long cached_bytes(struct memory_use *st, size_t size)
{
	size_t pages = (size + st->page - 1) / st->page;
	unsigned char *vec = malloc(pages);
	void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, st->fd, 0);
	long long n = 0;

	if (!vec || p == MAP_FAILED || mincore(p, size, vec)) {
		n = -1;
	} else {
		for (size_t i = 0; i < pages; i++)
			n += vec[i] & 1;
		n *= st->page;
	}
	if (p != MAP_FAILED)
		munmap(p, size);
	free(vec);
	return n;
}

static double memory_use_value(struct bench_ctx *c)
{
	struct memory_use *st = c->priv;
	size_t size = c->v->size;
	int up[2], down[2];
	long long before[M_N], after[M_N], cached;
	pid_t pid;
	char go;

	if (pipe2(up, O_CLOEXEC))
		return -1;
	if (pipe2(down, O_CLOEXEC)) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		char *buf = NULL;
		uint64_t sum = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(up[0]);
		close(down[1]); /* else the parent's close would never reach read() as EOF */
		rollup(before);
		if (st->map) {
			buf = mmap(NULL, size, PROT_READ, MAP_SHARED, st->fd, 0);
			if (buf == MAP_FAILED)
				_exit(1);
			for (size_t off = 0; off < size; off += st->page)
				sum += ((volatile char *)buf)[off];
		} else {
			buf = malloc(size);
			if (!buf || pread(st->fd, buf, size, 0) != (ssize_t)size)
				_exit(1);
		}
		rollup(after);
		if (write(up[1], before, sizeof(before)) != sizeof(before) ||
		    write(up[1], after, sizeof(after)) != sizeof(after))
			_exit(1);
		/* Holds the data until the parent has counted the page cache. */
		_exit(read(down[0], &go, 1) < 0 ? 1 : (int)(sum & 0));
	}
	close(up[1]);
	close(down[0]);
	bool ok = pid > 0 && read(up[0], before, sizeof(before)) == sizeof(before) &&
		  read(up[0], after, sizeof(after)) == sizeof(after);

	cached = ok ? cached_bytes(st, size) : -1;
	close(down[1]);
	close(up[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (!ok || cached < 0 || after[M_ANON] < 0)
		return -1;
	long long anon = after[M_ANON] - before[M_ANON];
	json_t *d = json_object();

	json_object_set_new(d, "rss", json_integer(after[M_RSS] - before[M_RSS]));
	json_object_set_new(d, "pss", json_integer(after[M_PSS] - before[M_PSS]));
	json_object_set_new(d, "anonymous", json_integer(anon));
	json_object_set_new(d, "pss_file", json_integer(after[M_PSS_FILE] - before[M_PSS_FILE]));
	json_object_set_new(d, "pss_shmem", json_integer(after[M_PSS_SHMEM] -
							  before[M_PSS_SHMEM]));
	json_object_set_new(d, "page_cache", json_integer(cached));
	json_object_set_new(c->params, "memory_bytes", d);
	return (double)(anon + cached) / size;
}

static void memory_use_teardown(struct bench_ctx *c)
{
	struct memory_use *st = c->priv;

	close(st->fd);
}

const struct bench_case bench_case_memory_use = {
	BENCH_VALUE_HOOKS(memory_use),
	.description = "RAM charged per byte of file data held: read() into a private buffer "
		       "against a MAP_SHARED mapping (smaps_rollup and the page cache)",
	.metric = BENCH_VALUE, .metric_name = "ram_per_byte", .unit = "B/B",
	.higher_is_better = false, .needs_fs = true,
	.overview = MS_OVERVIEW_MEMORY,
};
