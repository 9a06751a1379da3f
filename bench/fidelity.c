/* The fidelity check: fio and mmapsuite do the same work on the same file (block size,
 * access pattern, engine semantics), interleaved so that both see the same machine, and
 * mmapsuite must reach at least 95% of fio's throughput. A lower ratio would mean the
 * runner measures its own overhead rather than the kernel's.
 *   psync: pread() of each block into a buffer;
 *   mmap:  the file mapped once per pass (fio maps the whole file when it is opened) with
 *          fio's hint (MADV_SEQUENTIAL / MADV_RANDOM), each block copied out with memcpy. */
#include "runner_internal.h"

#include "results.h"
#include "stats.h"
#include "topo.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FID_FILE_SIZE (128 * MiB)
#define FID_ROUNDS 7
#define FID_THRESHOLD 0.95
#define FID_TARGET_S 0.3

/* Both sides run on this PU: the same core, the same caches, the same interrupts. */
static int fid_pu;

struct fid_workload {
	const char *name;   /* "seq_1M" */
	const char *rw;     /* fio rw= */
	size_t bs;
	bool random;
};

static const struct fid_workload workloads[] = {
	{ "seq_1M", "read", 1 * MiB, false },
	{ "rand_4K", "randread", 4 * KiB, true },
};
static const char *const engines[] = { "psync", "mmap" };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One pass of mmapsuite's equivalent of fio's job; returns bytes/s or -1. */
static double ms_pass(int fd, const struct fid_workload *w, const char *engine,
		      const uint32_t *order, size_t nblocks, char *buf, int loops)
{
	double t0 = now_s(), unmap_s = 0;

	for (int l = 0; l < loops; l++) {
		char *map = NULL;

		if (!strcmp(engine, "mmap")) {
			map = mmap(NULL, FID_FILE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
			if (map == MAP_FAILED)
				return -1;
			madvise(map, FID_FILE_SIZE, w->random ? MADV_RANDOM : MADV_SEQUENTIAL);
		}
		for (size_t i = 0; i < nblocks; i++) {
			off_t off = (off_t)(w->random ? order[i] : i) * w->bs;

			if (map) {
				memcpy(buf, map + off, w->bs);
				__asm__ volatile("" : : "r"(buf) : "memory");
			} else if (pread(fd, buf, w->bs, off) != (ssize_t)w->bs) {
				return -1;
			}
		}
		if (map) {
			double u = now_s();

			munmap(map, FID_FILE_SIZE);
			unmap_s += now_s() - u;
		}
	}
	/* fio's clock covers its I/O loop, not the file's close, where its mmap engine
	 * unmaps: leave munmap out the same way. (seq_read keeps it in: there the cost of
	 * the whole mapping is the point.) */
	return (double)FID_FILE_SIZE * loops / (now_s() - t0 - unmap_s);
}

/* Runs fio with the job on the command line, returns its read bandwidth in bytes/s. */
static double fio_pass(const char *path, const struct fid_workload *w, const char *engine,
		       int loops, char *err, size_t errlen)
{
	char cmd[5200], bs[32], errpath[64];
	json_error_t jerr;
	json_t *root, *read;
	FILE *p;
	double bw = -1;

	snprintf(bs, sizeof(bs), "%zu", w->bs);
	snprintf(errpath, sizeof(errpath), "/tmp/mmapsuite-fio-%d.err", (int)getpid());
	snprintf(cmd, sizeof(cmd), "fio --name=fidelity --filename='%s' --size=%llu --bs=%s "
		 "--rw=%s --ioengine=%s --invalidate=0 --loops=%d --cpus_allowed=%d "
		 "--output-format=json 2>%s", path, (unsigned long long)FID_FILE_SIZE, bs, w->rw,
		 engine, loops, fid_pu, errpath);
	p = popen(cmd, "r");
	if (!p) {
		snprintf(err, errlen, "cannot run fio: %s", strerror(errno));
		return -1;
	}
	root = json_loadf(p, JSON_DISABLE_EOF_CHECK, &jerr);
	int status = pclose(p);
	char *fio_err = ms_read_line(errpath);
	unlink(errpath);
	if (status != 0 || !root) {
		snprintf(err, errlen, "fio %s (%s)%s%s", status ? "failed" : "printed no JSON",
			 root ? "exit status" : jerr.text, fio_err && *fio_err ? ": " : "",
			 fio_err ? fio_err : "");
		free(fio_err);
		json_decref(root);
		return -1;
	}
	free(fio_err);
	read = json_object_get(json_array_get(json_object_get(root, "jobs"), 0), "read");
	/* io_bytes over runtime (ms) is what fio's bw_bytes rounds; recompute it exactly. */
	if (read && json_integer_value(json_object_get(read, "runtime")) > 0)
		bw = json_number_value(json_object_get(read, "io_bytes")) * 1000.0 /
		     json_number_value(json_object_get(read, "runtime"));
	else
		snprintf(err, errlen, "fio JSON has no jobs[0].read.runtime");
	json_decref(root);
	return bw;
}

static int fidelity_fs(const struct ms_scratch *fs, json_t *results, bool *all_pass)
{
	char path[4200], reason[256];
	size_t nmax = FID_FILE_SIZE / (4 * KiB);
	uint32_t *order = malloc(nmax * sizeof(uint32_t));
	char *buf = aligned_alloc(4096, 1 * MiB);
	int fd;

	snprintf(path, sizeof(path), "%s/fidelity-%d.dat", fs->path, (int)getpid());
	if (!order || !buf || bench_create_file(path, FID_FILE_SIZE, reason, sizeof(reason))) {
		ms_warn("fidelity on %s: %s", fs->label, reason);
		free(order);
		free(buf);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	for (size_t w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
		const struct fid_workload *wl = &workloads[w];
		size_t nblocks = FID_FILE_SIZE / wl->bs;
		uint64_t x = 0x853c49e6748fea9bULL;

		/* A permutation: every block once per pass, in random order, as fio's random
		 * map gives it. */
		for (size_t i = 0; i < nblocks; i++)
			order[i] = i;
		for (size_t i = nblocks - 1; i > 0; i--) {
			size_t j;
			uint32_t t;

			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			j = x % (i + 1);
			t = order[i]; order[i] = order[j]; order[j] = t;
		}
		for (int e = 0; e < 2; e++) {
			double fio_bw[FID_ROUNDS], ms_bw[FID_ROUNDS], pair[FID_ROUNDS], probe, ratio;
			json_t *jf = json_array(), *jm = json_array();
			char err[256] = "";
			int loops, ok = 1;

			/* Hot cache for both (the file was just written, and read here). */
			bench_warm_file(path);
			probe = ms_pass(fd, wl, engines[e], order, nblocks, buf, 1);
			loops = probe > 0 ? (int)(FID_TARGET_S * probe / FID_FILE_SIZE) + 1 : 1;
			if (loops > 64)
				loops = 64;
			/* Rounds alternate which of the two goes first, and each round's ratio
			 * compares neighbours in time, so a drift of the machine's load (other
			 * tenants) cancels instead of landing on one side. */
			for (int r = 0; r < FID_ROUNDS && ok; r++) {
				if (r % 2)
					ms_bw[r] = ms_pass(fd, wl, engines[e], order, nblocks, buf,
							   loops);
				fio_bw[r] = fio_pass(path, wl, engines[e], loops, err, sizeof(err));
				if (fio_bw[r] <= 0) { /* seen once under load: try that pass again */
					ms_warn("fidelity %s %s %s: %s; once more", fs->label, wl->name,
						engines[e], err);
					fio_bw[r] = fio_pass(path, wl, engines[e], loops, err,
							     sizeof(err));
				}
				if (!(r % 2))
					ms_bw[r] = ms_pass(fd, wl, engines[e], order, nblocks, buf,
							   loops);
				ok = fio_bw[r] > 0 && ms_bw[r] > 0;
				pair[r] = ok ? ms_bw[r] / fio_bw[r] : 0;
				json_array_append_new(jf, json_real(fio_bw[r] / 1e6));
				json_array_append_new(jm, json_real(ms_bw[r] / 1e6));
			}
			if (!ok) {
				ms_warn("fidelity %s %s %s: %s", fs->label, wl->name, engines[e],
					err[0] ? err : "mmapsuite's pass failed");
				json_array_append_new(results, json_pack("{s:s, s:s, s:s, s:s}",
					"fs", fs->label, "workload", wl->name, "engine", engines[e],
					"error", err[0] ? err : "mmapsuite pass failed"));
				json_decref(jf);
				json_decref(jm);
				*all_pass = false;
				continue;
			}
			ratio = ms_median(pair, FID_ROUNDS);
			if (ratio < FID_THRESHOLD)
				*all_pass = false;
			fprintf(stderr, "  fidelity %-8s %-8s %-6s fio %9.1f MB/s  mmapsuite %9.1f "
				"MB/s  ratio %.3f %s\n", fs->label, wl->name, engines[e],
				ms_median(fio_bw, FID_ROUNDS) / 1e6,
				ms_median(ms_bw, FID_ROUNDS) / 1e6, ratio,
				ratio >= FID_THRESHOLD ? "ok" : "BELOW 0.95");
			json_array_append_new(results, json_pack(
				"{s:s, s:s, s:s, s:I, s:I, s:i, s:o, s:o, s:f, s:f, s:s, s:b}",
				"fs", fs->label, "workload", wl->name, "engine", engines[e],
				"block_size", (json_int_t)wl->bs, "file_size",
				(json_int_t)FID_FILE_SIZE, "loops", loops, "fio_MBps", jf,
				"mmapsuite_MBps", jm, "ratio", ratio, "ratio_of_medians",
				ms_median(ms_bw, FID_ROUNDS) / ms_median(fio_bw, FID_ROUNDS),
				"ratio_is", "median of the per-round ratios", "pass",
				ratio >= FID_THRESHOLD));
		}
	}
	close(fd);
	unlink(path);
	free(order);
	free(buf);
	return 0;
}

int ms_bench_fidelity(struct ms_harness *h)
{
	json_t *results = json_array(), *section;
	bool all_pass = true;
	int measured = 0;
	double t0 = now_s();

	if (ms_topo_placement(1, &fid_pu) < 1)
		fid_pu = 0;
	ms_topo_bind_thread(fid_pu);
	if (system("fio --version >/dev/null 2>&1") != 0) {
		ms_warn("fidelity check needs fio: install the Debian package 'fio'");
		json_decref(results);
		return 2;
	}
	for (int f = 0; f < h->n_fs; f++) {
		const struct ms_scratch *fs = &h->fs[f];

		/* The pair: tmpfs and a disk file system (ext4, or the one given). */
		if (!fs->available || !strcmp(fs->kind, "xfs") || !strcmp(fs->kind, "btrfs"))
			continue;
		if (bench_free_bytes(fs->path) < 2 * FID_FILE_SIZE) {
			ms_warn("fidelity: %s has less than %llu MiB free; skipped", fs->label,
				(unsigned long long)(2 * FID_FILE_SIZE / MiB));
			continue;
		}
		if (fidelity_fs(fs, results, &all_pass) == 0)
			measured++;
	}
	section = json_pack("{s:f, s:o, s:b, s:f, s:i}", "threshold", FID_THRESHOLD,
			    "results", results, "pass", all_pass && measured > 0,
			    "wall_s", now_s() - t0, "pinned_pu", fid_pu);
	if (!h->run->extra)
		h->run->extra = json_object();
	json_object_set_new(h->run->extra, "fidelity", section);
	if (!measured) {
		ms_warn("fidelity: no tmpfs or ext4 file system to measure on");
		return 2;
	}
	return all_pass ? 0 : 1;
}
