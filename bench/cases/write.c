/* write: putting a dirty range into a file and making it durable, write() + fdatasync()
 * against stores through MAP_SHARED + msync(MS_SYNC), and both without the sync (what the
 * page cache absorbs). Each iteration dirties the next range of a 64 MiB file. Stores come
 * in both states of a mapping: first touch ("mmap_store", "mmap_store_msync": the mapping's
 * page table entries are zapped before every sample, and a sample never dirties a range
 * twice, so every store of every sample takes the fault that maps its page) and steady
 * state ("mmap_store_kept", "mmap_store_kept_msync": every page mapped writable in setup). */
#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define WRITE_FILE_SIZE (64 * MiB)

enum write_method { W_WRITE, W_WRITE_SYNC, W_STORE, W_STORE_MSYNC };

struct write {
	char path[4200];
	enum write_method method;
	bool first_touch;
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
					       "mmap_store_msync", "mmap_store_kept",
					       "mmap_store_kept_msync" };

	bench_for_each_size(plan, size)
		for (int m = 0; m < 6; m++)
			bench_plan_add(plan, &(struct bench_variant){ .method = methods[m],
				.size = size, .block_size = size });
}

static int write_setup(struct bench_ctx *c)
{
	struct write *st = c->priv;
	const char *m = c->v->method;
	size_t page = sysconf(_SC_PAGESIZE);

	st->method = !strcmp(m, "write") ? W_WRITE : !strcmp(m, "write_fdatasync") ?
		    W_WRITE_SYNC : strstr(m, "msync") ? W_STORE_MSYNC : W_STORE;
	st->first_touch = !strncmp(m, "mmap", 4) && !strstr(m, "kept");
	if (st->method >= W_STORE && c->v->size % page) {
		snprintf(c->reason, sizeof(c->reason), "a %llu-byte range is not a whole number "
			 "of %zu-byte pages", (unsigned long long)c->v->size, page);
		return BENCH_SKIP;
	}
	/* A file of its own per context: a variant and its partner (bench/partner.c) are set
	 * up side by side and must not share, truncate or unlink each other's file. */
	st->fd = bench_create_private_file(c, "write", WRITE_FILE_SIZE, st->path,
					   sizeof(st->path));
	if (st->fd < 0)
		return -1;
	if (st->method >= W_STORE) {
		st->map = mmap(NULL, WRITE_FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, st->fd, 0);
		if (st->map == MAP_FAILED) {
			snprintf(c->reason, sizeof(c->reason), "mmap: %s", strerrorname_np(errno));
			close(st->fd);
			unlink(st->path);
			return -1;
		}
		if (st->first_touch) {
			/* No sample may store into a range twice: at most the file per sample. */
			c->max_iters = WRITE_FILE_SIZE / c->v->size;
			c->state = "first_touch";
			c->timed = st->method == W_STORE_MSYNC ? "fault + store + msync(MS_SYNC)" :
				   "fault + store";
		} else {
			/* Every page mapped writable before the timing. A page written back
			 * since (msync, or the flusher) is write-protected again and takes a
			 * write fault: that is what a kept mapping costs to keep durable. */
			for (size_t off = 0; off < WRITE_FILE_SIZE; off += page)
				st->map[off] = 1;
			c->state = "steady_state";
			c->timed = st->method == W_STORE_MSYNC ? "store + msync(MS_SYNC) (+ write-"
				   "protect fault after writeback)" : "store into mapped, writable pages";
		}
	} else {
		st->buf = aligned_alloc(page, c->v->size);
		if (!st->buf) {
			strcpy(c->reason, "no memory for the buffer");
			close(st->fd);
			unlink(st->path);
			return -1;
		}
		memset(st->buf, 1, c->v->size);
		c->state = "steady_state";
		c->timed = st->method == W_WRITE_SYNC ? "pwrite() + fdatasync()" : "pwrite()";
	}
	json_object_set_new(c->params, "file_size", json_integer(WRITE_FILE_SIZE));
	c->ops = 1;
	c->bytes = c->v->size;
	return 0;
}

/* First touch: every page table entry of the mapping goes (the data stays in the page
 * cache), untimed, so the sample's stores fault again. */
static void write_prepare(struct bench_ctx *c)
{
	struct write *st = c->priv;

	if (st->first_touch)
		madvise(st->map, WRITE_FILE_SIZE, MADV_DONTNEED);
}

static int write_run(struct bench_ctx *c, int worker)
{
	struct write *st = c->priv;
	size_t len = c->v->size;
	uint64_t off = st->next;

	(void)worker;
	st->next = (off + len) % WRITE_FILE_SIZE;
	switch (st->method) {
	case W_WRITE:
	case W_WRITE_SYNC:
		st->buf[0] = ++st->value;
		if (pwrite(st->fd, st->buf, len, off) != (ssize_t)len)
			return -1;
		return st->method == W_WRITE_SYNC ? fdatasync(st->fd) : 0;
	case W_STORE:
		memset(st->map + off, ++st->value, len);
		return 0;
	case W_STORE_MSYNC:
		memset(st->map + off, ++st->value, len);
		return msync(st->map + off, len, MS_SYNC);
	}
	return -1;
}

static void write_teardown(struct bench_ctx *c)
{
	struct write *st = c->priv;

	if (st->map)
		munmap(st->map, WRITE_FILE_SIZE);
	free(st->buf);
	close(st->fd);
	unlink(st->path);
}

const struct bench_case bench_case_write = {
	BENCH_HOOKS(write), .prepare = write_prepare,
	.description = "dirty 4 KiB .. 1 MiB: write() (+ fdatasync) against stores through "
		       "MAP_SHARED (+ msync MS_SYNC), first touch and into a kept mapping",
	.metric = BENCH_THROUGHPUT, .metric_name = "throughput",
	.needs_fs = true, .paired = true, .calibrate = true,
	.overview = MS_OVERVIEW_SYNCING,
};
