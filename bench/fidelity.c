/* The fidelity check: fio and mmapsuite do the same work on the same file (block size,
 * access pattern, engine semantics), interleaved so that both see the same machine, and
 * mmapsuite must reach at least 95% of fio's throughput. A lower ratio would mean the
 * runner measures its own overhead rather than the kernel's.
 *   psync: pread() (pwrite() for writes) of each block;
 *   mmap:  the file mapped once per pass (fio maps the whole file when it is opened) with
 *          fio's hint (MADV_SEQUENTIAL / MADV_RANDOM), each block copied out with memcpy
 *          (copied in, for writes: stores through MAP_SHARED, fio's rw=write);
 *   kept mapping: mmapsuite maps once per measurement and makes all its passes over that
 *          mapping (the first pass faults, the rest are steady state), against fio's mmap
 *          engine with time_based. fio has no truly kept mapping: its prep keeps a mapping
 *          only while offset + length < the mapped size, so the last block of every pass
 *          unmaps and maps the file again and the next pass faults afresh. The gate is then
 *          a lower bound: a kept mapping must not be slower than fio's remapped one.
 * fio is started with an argument vector (no shell) and its stderr goes to a mkstemp file. */
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
#include <sys/stat.h>
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
	bool write;         /* stores / pwrite() instead of loads / pread() */
	bool kept;          /* one mapping for all passes (fio time_based), mmap engine only */
};

static const struct fid_workload workloads[] = {
	{ "seq_1M", "read", 1 * MiB, false, false, false },
	{ "rand_4K", "randread", 4 * KiB, true, false, false },
	{ "write_1M", "write", 1 * MiB, false, true, false },
	{ "seq_1M_kept", "read", 1 * MiB, false, false, true },
};
static const char *const engines[] = { "psync", "mmap" };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One pass of mmapsuite's equivalent of fio's job; returns bytes/s or -1. */
static double ms_pass(int fd, const struct fid_workload *w, bool use_map,
		      const uint32_t *order, size_t nblocks, char *buf, int loops)
{
	double t0 = now_s(), unmap_s = 0;
	int prot = w->write ? PROT_READ | PROT_WRITE : PROT_READ;
	char *map = NULL;

	for (int l = 0; l < loops; l++) {
		if (use_map && !map) {
			map = mmap(NULL, FID_FILE_SIZE, prot, MAP_SHARED, fd, 0);
			if (map == MAP_FAILED)
				return -1;
			madvise(map, FID_FILE_SIZE, w->random ? MADV_RANDOM : MADV_SEQUENTIAL);
		}
		for (size_t i = 0; i < nblocks; i++) {
			off_t off = (off_t)(w->random ? order[i] : i) * w->bs;

			if (map && w->write) {
				buf[0] = (char)i;
				memcpy(map + off, buf, w->bs);
				__asm__ volatile("" : : "r"(map) : "memory");
			} else if (map) {
				memcpy(buf, map + off, w->bs);
				__asm__ volatile("" : : "r"(buf) : "memory");
			} else if ((w->write ? pwrite(fd, buf, w->bs, off) :
				    pread(fd, buf, w->bs, off)) != (ssize_t)w->bs) {
				return -1;
			}
		}
		if (map && (!w->kept || l + 1 == loops)) {
			double u = now_s();

			munmap(map, FID_FILE_SIZE);
			unmap_s += now_s() - u;
			map = NULL;
		}
	}
	/* fio's clock covers its I/O loop, not the file's close, where its mmap engine
	 * unmaps: leave munmap out the same way. (seq_read keeps it in: there the cost of
	 * the whole mapping is the point.) */
	return (double)FID_FILE_SIZE * loops / (now_s() - t0 - unmap_s);
}

/* Runs argv (no shell) with stdout into a pipe read as JSON, stderr into errfd. Returns the
 * parsed JSON or NULL; *status gets the exit status (-1 when it could not start). */
static json_t *run_json(char *const argv[], int errfd, int *status, json_error_t *jerr)
{
	int out[2];
	pid_t pid;
	json_t *root = NULL;
	FILE *f;

	*status = -1;
	if (pipe2(out, O_CLOEXEC))
		return NULL;
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		if (errfd >= 0)
			dup2(errfd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	if (pid < 0) {
		close(out[0]);
		return NULL;
	}
	f = fdopen(out[0], "r");
	if (f) {
		root = json_loadf(f, JSON_DISABLE_EOF_CHECK, jerr);
		/* Drain, so the child never blocks on a full pipe. */
		while (fgetc(f) != EOF)
			;
		fclose(f);
	} else {
		close(out[0]);
	}
	if (waitpid(pid, status, 0) < 0)
		*status = -1;
	return root;
}

/* Runs fio with the job as its arguments, returns its bandwidth in bytes/s. */
static double fio_pass(const char *path, const struct fid_workload *w, const char *engine,
		       int loops, double runtime_s, char *err, size_t errlen)
{
	char a_file[4300], a_size[64], a_bs[64], a_rw[64], a_eng[64], a_loops[64], a_cpu[64];
	char a_rt[64], a_align[64], errpath[] = "/tmp/mmapsuite-fio-XXXXXX";
	json_error_t jerr = { 0 };
	json_t *root, *dir;
	double bw = -1;
	int status, errfd = mkstemp(errpath);
	char *argv[16];
	int n = 0;

	if (errfd < 0) {
		snprintf(err, errlen, "mkstemp: %s", strerror(errno));
		return -1;
	}
	unlink(errpath); /* read back through the descriptor; nothing left behind */
	snprintf(a_file, sizeof(a_file), "--filename=%s", path);
	snprintf(a_size, sizeof(a_size), "--size=%llu", (unsigned long long)FID_FILE_SIZE);
	snprintf(a_bs, sizeof(a_bs), "--bs=%zu", w->bs);
	snprintf(a_rw, sizeof(a_rw), "--rw=%s", w->rw);
	snprintf(a_eng, sizeof(a_eng), "--ioengine=%s", engine);
	snprintf(a_loops, sizeof(a_loops), "--loops=%d", loops);
	snprintf(a_cpu, sizeof(a_cpu), "--cpus_allowed=%d", fid_pu);
	snprintf(a_rt, sizeof(a_rt), "--runtime=%dms", (int)(runtime_s * 1000) + 1);
	/* fio's buffered I/O buffer is malloc()'s pointer, 16 bytes past a page boundary;
	 * mmapsuite's is page-aligned. copy_to_user() from page-aligned page cache into
	 * that buffer ran 3.5 times slower on an AMD EPYC (rep movsb with a source and
	 * destination 16 bytes apart modulo 4 KiB): page-align fio's too, the same work. */
	snprintf(a_align, sizeof(a_align), "--iomem_align=%ld", sysconf(_SC_PAGESIZE));
	argv[n++] = "fio";
	argv[n++] = "--name=fidelity";
	argv[n++] = a_file;
	argv[n++] = a_size;
	argv[n++] = a_bs;
	argv[n++] = a_rw;
	argv[n++] = a_eng;
	argv[n++] = "--invalidate=0";
	argv[n++] = a_align;
	if (w->kept) {
		argv[n++] = "--time_based=1";
		argv[n++] = a_rt;
	} else {
		argv[n++] = a_loops;
	}
	argv[n++] = a_cpu;
	argv[n++] = "--output-format=json";
	argv[n] = NULL;
	root = run_json(argv, errfd, &status, &jerr);
	if (status != 0 || !root) {
		char fio_err[200] = "";
		ssize_t r = pread(errfd, fio_err, sizeof(fio_err) - 1, 0);

		fio_err[r > 0 ? r : 0] = 0;
		fio_err[strcspn(fio_err, "\n")] = 0;
		snprintf(err, errlen, "fio %s (%s)%s%s", status ? "failed" : "printed no JSON",
			 root ? "exit status" : jerr.text, *fio_err ? ": " : "", fio_err);
		close(errfd);
		json_decref(root);
		return -1;
	}
	close(errfd);
	dir = json_object_get(json_array_get(json_object_get(root, "jobs"), 0),
			      w->write ? "write" : "read");
	/* io_bytes over runtime (ms) is what fio's bw_bytes rounds; recompute it exactly. */
	if (dir && json_integer_value(json_object_get(dir, "runtime")) > 0)
		bw = json_number_value(json_object_get(dir, "io_bytes")) * 1000.0 /
		     json_number_value(json_object_get(dir, "runtime"));
	else
		snprintf(err, errlen, "fio JSON has no jobs[0].%s.runtime",
			 w->write ? "write" : "read");
	json_decref(root);
	return bw;
}

static int fidelity_fs(const struct ms_scratch *fs, json_t *results, bool *all_pass)
{
	char path[4200], reason[256];
	size_t nmax = FID_FILE_SIZE / (4 * KiB);
	/* calloc: gcc -fanalyzer cannot see that each pass sets order[0..nblocks) first */
	uint32_t *order = calloc(nmax, sizeof(uint32_t));
	char *buf = aligned_alloc(sysconf(_SC_PAGESIZE), 1 * MiB);
	int fd;

	snprintf(path, sizeof(path), "%s/fidelity-%d.dat", fs->path, (int)getpid());
	if (!order || !buf || bench_create_file(path, FID_FILE_SIZE, reason, sizeof(reason))) {
		ms_warn("fidelity on %s: %s", fs->label, reason);
		free(order);
		free(buf);
		return -1;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (buf)
		memset(buf, 0x5a, 1 * MiB);
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
		for (int e = wl->kept ? 1 : 0; e < 2; e++) {
			bool use_map = !strcmp(engines[e], "mmap");
			double fio_bw[FID_ROUNDS], ms_bw[FID_ROUNDS], pair[FID_ROUNDS], probe, ratio;
			json_t *jf = json_array(), *jm = json_array();
			char err[256] = "";
			int loops, ok = 1;

			/* Hot cache for both (the file was just written, and read here). */
			bench_warm_file(path);
			probe = ms_pass(fd, wl, use_map, order, nblocks, buf, 1);
			loops = probe > 0 ? (int)(FID_TARGET_S * probe / FID_FILE_SIZE) + 1 : 1;
			if (loops > 64)
				loops = 64;
			/* time_based: fio's runtime is what mmapsuite's loops take. */
			double runtime = probe > 0 ? loops * (double)FID_FILE_SIZE / probe : 0.3;
			/* Rounds alternate which of the two goes first, and each round's ratio
			 * compares neighbours in time, so a drift of the machine's load (other
			 * tenants) cancels instead of landing on one side. */
			for (int r = 0; r < FID_ROUNDS && ok; r++) {
				if (r % 2)
					ms_bw[r] = ms_pass(fd, wl, use_map, order, nblocks, buf,
							   loops);
				fio_bw[r] = fio_pass(path, wl, engines[e], loops, runtime, err,
						     sizeof(err));
				if (fio_bw[r] <= 0) { /* seen once under load: try that pass again */
					ms_warn("fidelity %s %s %s: %s; once more", fs->label, wl->name,
						engines[e], err);
					fio_bw[r] = fio_pass(path, wl, engines[e], loops, runtime,
							     err, sizeof(err));
				}
				if (!(r % 2))
					ms_bw[r] = ms_pass(fd, wl, use_map, order, nblocks, buf,
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
	char *version_argv[] = { "fio", "--version", NULL };
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC), status;
	json_error_t jerr;
	json_t *none = run_json(version_argv, devnull, &status, &jerr);

	json_decref(none);
	if (devnull >= 0)
		close(devnull);
	if (status != 0) {
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
