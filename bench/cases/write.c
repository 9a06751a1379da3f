/* write: putting a dirty range into a file and making it durable, write() + fdatasync()
 * against stores through MAP_SHARED + msync(MS_SYNC), and both without the sync (what the
 * page cache absorbs). Each iteration dirties the next range of a 64 MiB file. */
#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define WRITE_FILE_SIZE (64 * MiB)

struct write_state {
	char path[4200];
	int fd;
	char *map;
	char *buf;
	uint64_t next;
	unsigned char value;
};

static const struct bench_opt write_opts[] = {
	{ "size", BENCH_BYTES, 4 * KiB, 1 * MiB, { 4 * KiB, 1 * MiB },
	  { 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB }, "dirty range per operation" },
	{ 0 }
};

static void write_plan(struct bench_plan *plan)
{
	static const char *const methods[] = { "write", "write_fdatasync", "mmap_store",
					       "mmap_store_msync" };
	size_t n;
	const uint64_t *sizes = bench_sweep(plan, "size", &n);

	for (size_t s = 0; s < n; s++)
		for (int m = 0; m < 4; m++)
			bench_plan_add(plan, &(struct bench_variant){ .method = methods[m],
				.size = sizes[s], .block_size = sizes[s] });
}

static int write_setup(struct bench_ctx *c)
{
	static struct write_state st;

	memset(&st, 0, sizeof(st));
	snprintf(st.path, sizeof(st.path), "%s/write.dat", c->dir);
	if (bench_create_file(st.path, WRITE_FILE_SIZE, c->reason, sizeof(c->reason)))
		return -1;
	st.fd = open(st.path, O_RDWR | O_CLOEXEC);
	if (st.fd < 0) {
		snprintf(c->reason, sizeof(c->reason), "open %.200s: %s", st.path,
			 strerrorname_np(errno));
		unlink(st.path);
		return -1;
	}
	if (!strncmp(c->v->method, "mmap", 4)) {
		st.map = mmap(NULL, WRITE_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, st.fd, 0);
		if (st.map == MAP_FAILED) {
			snprintf(c->reason, sizeof(c->reason), "mmap: %s", strerrorname_np(errno));
			close(st.fd);
			unlink(st.path);
			return -1;
		}
	} else {
		st.buf = aligned_alloc(4096, c->v->size);
		if (!st.buf) {
			strcpy(c->reason, "no memory for the buffer");
			close(st.fd);
			unlink(st.path);
			return -1;
		}
		memset(st.buf, 1, c->v->size);
	}
	json_object_set_new(c->params, "file_size", json_integer(WRITE_FILE_SIZE));
	c->priv = &st;
	c->ops = 1;
	c->bytes = c->v->size;
	return 0;
}

static int write_run(struct bench_ctx *c, int worker)
{
	struct write_state *st = c->priv;
	size_t len = c->v->size;
	uint64_t off = st->next;
	const char *m = c->v->method;

	(void)worker;
	st->next = (off + len) % WRITE_FILE_SIZE;
	if (st->buf) {
		st->buf[0] = ++st->value;
		if (pwrite(st->fd, st->buf, len, off) != (ssize_t)len)
			return -1;
		return !strcmp(m, "write_fdatasync") ? fdatasync(st->fd) : 0;
	}
	memset(st->map + off, ++st->value, len);
	if (!strcmp(m, "mmap_store_msync"))
		return msync(st->map + off, len, MS_SYNC);
	return 0;
}

static void write_teardown(struct bench_ctx *c)
{
	struct write_state *st = c->priv;

	if (st->map)
		munmap(st->map, WRITE_FILE_SIZE);
	free(st->buf);
	close(st->fd);
	unlink(st->path);
}

const struct bench_case bench_case_write = {
	.name = "write",
	.description = "dirty 4 KiB .. 1 MiB: write() (+ fdatasync) against stores through "
		       "MAP_SHARED (+ msync MS_SYNC)",
	.metric = BENCH_THROUGHPUT,
	.metric_name = "throughput",
	.needs_fs = true,
	.calibrate = true,
	.opts = write_opts,
	.plan = write_plan,
	.setup = write_setup,
	.run = write_run,
	.teardown = write_teardown,
};
