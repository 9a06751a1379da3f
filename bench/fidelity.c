/* The fidelity check: fio and mmapsuite do the same work on the same file (block size,
 * access pattern, engine semantics, buffer alignment), interleaved so that both see the same
 * machine, and the two must agree within 10% in either direction: a twin further apart
 * measures different work (an overhead of the runner, or one fio has and mmapsuite not).
 *   psync: pread() (pwrite() for writes) of each block into a page-aligned buffer;
 *   mmap:  the file mapped once per pass (fio 3.33 maps the whole file when a pass opens it,
 *          and leaves the mapping to its exit: strace shows one mmap and no munmap per loop)
 *          with fio's hint (MADV_SEQUENTIAL / MADV_RANDOM), each block copied out with memcpy
 *          (copied in, for writes: stores through MAP_SHARED, fio's rw=write);
 *   kept mapping: mmapsuite maps once per measurement and makes all its passes over that
 *          mapping (the first pass faults, the rest are steady state), against fio's mmap
 *          engine with time_based, which opens the file once and maps it once for the whole
 *          run (strace: one mmap in a one-second run).
 * fio is started with an argument vector (no shell) and its stderr goes to an unnamed file (ms_unnamed_file()). */
#include "runner_internal.h"

#include "results.h"
#include "subprocess.h"
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
#include <time.h>
#include <unistd.h>

#define FID_FILE_SIZE (128 * MiB)
#define FID_ROUNDS 7
/* Two-sided: a twin more than 10% off in either direction does different work. */
#define FID_LOW 0.90
#define FID_HIGH 1.10
#define FID_TARGET_S 0.3
#define FID_MAX_LOOPS 64
#define FID_NULL_RUNS 3

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

/* A pass's throughput twice: over the wall clock, and over the CPU time the pass itself used.
 * On a shared machine (load 10-15 on 2 CPUs) the wall-clock rate of a pinned pass swings by
 * a factor of 2 or more with the other tenants' share of that CPU; the CPU-time rate is the
 * cost of the work itself (hot cache: the passes never wait for I/O), and the verdict uses it. */
struct fid_rate {
	double wall;    /* bytes per wall-clock second */
	double cpu;     /* bytes per second of the pass's own CPU time */
	double cpu_s;   /* fio only: the job's CPU seconds and its I/O count */
	double ios;
};

static double clock_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* One measurement of mmapsuite's equivalent of fio's job: loops passes over the file, or for
 * the kept mapping (fio's time_based) whole blocks until runtime_s of wall clock have passed,
 * as fio checks its runtime between I/Os. Rates of -1 when it failed. */
static struct fid_rate ms_pass(int fd, const struct fid_workload *w, bool use_map,
			       const uint32_t *order, size_t nblocks, char *buf, int loops,
			       double runtime_s)
{
	const struct fid_rate failed = { -1, -1, 0, 0 };
	int prot = w->write ? PROT_READ | PROT_WRITE : PROT_READ;
	char *maps[FID_MAX_LOOPS] = { NULL };
	int nmaps = 0;
	bool timed = w->kept && runtime_s > 0, out = false;
	double bytes = 0, t0 = now_s(), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID), wall, cpu;

	for (int l = 0; !out && (timed || l < loops); l++) {
		char *map = use_map && nmaps ? maps[nmaps - 1] : NULL;

		if (use_map && (!map || !w->kept)) {
			map = mmap(NULL, FID_FILE_SIZE, prot, MAP_SHARED, fd, 0);
			if (map == MAP_FAILED) {
				bytes = -1; /* a pass short is a failed measurement */
				break;
			}
			maps[nmaps++] = map;
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
				out = true;
				bytes = -1;
				break;
			}
			bytes += w->bs;
			if (timed && now_s() - t0 >= runtime_s) {
				out = true;
				break;
			}
		}
	}
	wall = now_s() - t0;
	cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	/* fio's mmap engine maps the file afresh on every pass and never unmaps inside its
	 * clock: its close_file frees its bookkeeping and leaves the mapping to the process's
	 * exit (strace: one mmap, no munmap per loop). So each pass after the first faults
	 * pages that an earlier mapping still maps. Unmapping every pass here, even outside the
	 * clock, made each later pass map pages nobody mapped, about 5% more CPU per pass on
	 * tmpfs (the known gap of seq_1M mmap, 0.92-0.95): keep them all, unmap at the end. */
	for (int m = 0; m < nmaps; m++)
		munmap(maps[m], FID_FILE_SIZE);
	if (bytes <= 0 || (use_map && nmaps == 0) || wall <= 0 || cpu <= 0)
		return failed;
	return (struct fid_rate){ bytes / wall, bytes / cpu, cpu, 0 };
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
	struct ms_spawn fio = MS_SPAWN_INIT;
	fio.argv = argv;
	fio.find = MS_SPAWN_SEARCH;
	fio.fd[STDOUT_FILENO] = out[1];
	fio.fd[STDERR_FILENO] = errfd;
	pid = ms_spawn_start(&fio);
	int err = errno;
	close(out[1]);
	if (pid < 0) {
		snprintf(jerr->text, sizeof(jerr->text), "cannot start %s: %s", argv[0],
			 strerror(err));
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
	if (ms_spawn_wait(pid, status) < 0)
		*status = -1;
	return root;
}

/* Runs fio with the job as its arguments, returns its rates (-1 when it failed). */
static struct fid_rate fio_pass(const char *path, const struct fid_workload *w, const char *engine,
		       int loops, double runtime_s, char *err, size_t errlen)
{
	char a_file[4300], a_size[64], a_bs[64], a_rw[64], a_eng[64], a_loops[64], a_cpu[64];
	char a_rt[64], a_align[64];
	json_error_t jerr = { 0 };
	json_t *root, *job, *dir;
	struct fid_rate bw = { -1, -1, 0, 0 };
	int status, errfd = ms_unnamed_file("mmapsuite-fio-stderr");
	char *argv[20];
	int n = 0;

	if (errfd < 0) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return bw;
	}
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
	/* fio reads the clock several times per I/O for its latency statistics, and
	 * scrambles each write buffer against dedup; mmapsuite's loop does neither, and at
	 * 4 KiB blocks that bookkeeping was a third of fio's time. Its runtime and
	 * bandwidth are still measured (fio's own clock around the whole loop). */
	argv[n++] = "--gtod_reduce=1";
	argv[n++] = "--scramble_buffers=0";
	if (w->random) {
		/* Every block once per pass, as mmapsuite's permutation, without the cost of
		 * fio's map of blocks done: an LFSR never repeats an offset in its period. */
		argv[n++] = "--random_generator=lfsr";
		argv[n++] = "--norandommap";
	}
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
		return bw;
	}
	close(errfd);
	job = json_array_get(json_object_get(root, "jobs"), 0);
	dir = json_object_get(job, w->write ? "write" : "read");
	/* io_bytes over runtime (ms) is what fio's bw_bytes rounds; recompute it exactly.
	 * usr_cpu and sys_cpu are the job's own CPU time (getrusage of its thread, ms) in
	 * per cent of job_runtime (ms). */
	double cpu_s = (json_number_value(json_object_get(job, "usr_cpu")) +
			json_number_value(json_object_get(job, "sys_cpu"))) / 100 *
		       json_number_value(json_object_get(job, "job_runtime")) / 1000;

	double bytes = json_number_value(json_object_get(dir, "io_bytes"));

	bw.cpu_s = cpu_s;
	bw.ios = json_number_value(json_object_get(dir, "total_ios"));
	if (bytes > 0 && json_integer_value(json_object_get(dir, "runtime")) > 0 && cpu_s > 0) {
		bw.wall = bytes * 1000.0 / json_number_value(json_object_get(dir, "runtime"));
		bw.cpu = bytes / cpu_s;
	} else if (!strcmp(engine, "null") && bw.ios > 0) {
		bw.wall = 0; /* too short to time at 1 MiB blocks: its CPU time is what counts */
	} else
		snprintf(err, errlen, "fio JSON has no jobs[0].%s.runtime or CPU time",
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
			struct fid_rate fio_bw[FID_ROUNDS], ms_bw[FID_ROUNDS], probe;
			double fio_wall[FID_ROUNDS], ms_wall[FID_ROUNDS], fio_cpu[FID_ROUNDS];
			double ms_cpu[FID_ROUNDS], pair[FID_ROUNDS], pair_wall[FID_ROUNDS], ratio;
			json_t *jf = json_array(), *jm = json_array();
			json_t *jfc = json_array(), *jmc = json_array();
			char err[256] = "";
			int loops, ok = 1, r;

			/* Hot cache for both (the file was just written, and read here). */
			bench_warm_file(path);
			probe = ms_pass(fd, wl, use_map, order, nblocks, buf, 1, 0);
			loops = probe.wall > 0 ? (int)(FID_TARGET_S * probe.wall / FID_FILE_SIZE) + 1
					       : 1;
			if (loops > FID_MAX_LOOPS)
				loops = FID_MAX_LOOPS;
			/* The kept mapping (fio time_based): both sides run this long. */
			double runtime = probe.wall > 0 ? loops * (double)FID_FILE_SIZE / probe.wall
							: 0.3;
			/* fio's own cost per I/O (its io_u bookkeeping, offsets, statistics), which
			 * mmapsuite's loop does not have: the same job on fio's null engine, which
			 * does no I/O. At 4 KiB it was 0.13-0.25 us of fio's 0.9-1.9 us per I/O,
			 * about half of the rand_4K twins' gap; at 1 MiB it is nothing. Subtracted
			 * from fio's CPU time below, so both sides count the kernel's work and their
			 * copy. */
			struct fid_workload as_loops = *wl;
			double per_io[FID_NULL_RUNS], fio_own_s;

			as_loops.kept = false;
			for (r = 0; r < FID_NULL_RUNS; r++) {
				struct fid_rate nul = fio_pass(path, &as_loops, "null", loops, 0, err,
							       sizeof(err));

				per_io[r] = nul.ios > 0 ? nul.cpu_s / nul.ios : 0;
			}
			fio_own_s = ms_median(per_io, FID_NULL_RUNS);
			err[0] = 0; /* a null run that failed subtracts nothing; not an error */
			/* Rounds alternate which of the two goes first, and each round's ratio
			 * compares neighbours in time, so a drift of the machine's load (other
			 * tenants) cancels instead of landing on one side. */
			for (r = 0; r < FID_ROUNDS && ok; r++) {
				if (r % 2)
					ms_bw[r] = ms_pass(fd, wl, use_map, order, nblocks, buf,
							   loops, runtime);
				fio_bw[r] = fio_pass(path, wl, engines[e], loops, runtime, err,
						     sizeof(err));
				if (fio_bw[r].wall <= 0) { /* seen once under load: once more */
					ms_warn("fidelity %s %s %s: %s; once more", fs->label, wl->name,
						engines[e], err);
					fio_bw[r] = fio_pass(path, wl, engines[e], loops, runtime,
							     err, sizeof(err));
				}
				if (!(r % 2))
					ms_bw[r] = ms_pass(fd, wl, use_map, order, nblocks, buf,
							   loops, runtime);
				ok = fio_bw[r].wall > 0 && ms_bw[r].wall > 0 && ms_bw[r].cpu > 0 &&
				     fio_bw[r].cpu_s > fio_bw[r].ios * fio_own_s;
				fio_wall[r] = fio_bw[r].wall;
				ms_wall[r] = ms_bw[r].wall;
				/* bytes over (fio's CPU time less its own per-I/O cost) */
				fio_cpu[r] = ok ? fio_bw[r].cpu * fio_bw[r].cpu_s /
						  (fio_bw[r].cpu_s - fio_bw[r].ios * fio_own_s) : 0;
				ms_cpu[r] = ms_bw[r].cpu;
				pair[r] = ok ? ms_cpu[r] / fio_cpu[r] : 0;
				pair_wall[r] = ok ? ms_wall[r] / fio_wall[r] : 0;
				json_array_append_new(jf, json_real(fio_wall[r] / 1e6));
				json_array_append_new(jm, json_real(ms_wall[r] / 1e6));
				json_array_append_new(jfc, json_real(fio_cpu[r] / 1e6));
				json_array_append_new(jmc, json_real(ms_cpu[r] / 1e6));
			}
			if (!ok) {
				ms_warn("fidelity %s %s %s: %s", fs->label, wl->name, engines[e],
					err[0] ? err : "mmapsuite's pass failed");
				json_array_append_new(results, json_pack("{s:s, s:s, s:s, s:s}",
					"fs", fs->label, "workload", wl->name, "engine", engines[e],
					"error", err[0] ? err : "mmapsuite pass failed"));
				json_decref(jf);
				json_decref(jm);
				json_decref(jfc);
				json_decref(jmc);
				*all_pass = false;
				continue;
			}
			ratio = ms_median(pair, FID_ROUNDS);
			bool pass = ratio >= FID_LOW && ratio <= FID_HIGH;
			char verdict[32] = "ok";

			if (!pass) {
				snprintf(verdict, sizeof(verdict), "%s %.2f",
					 ratio < FID_LOW ? "BELOW" : "ABOVE",
					 ratio < FID_LOW ? FID_LOW : FID_HIGH);
				*all_pass = false;
			}
			fprintf(stderr, "  fidelity %-8s %-8s %-6s per CPU s: fio %8.1f mmapsuite %8.1f "
				"MB/s, ratio %.3f %s (wall clock: fio %7.1f mmapsuite %7.1f MB/s, "
				"ratio %.3f)\n", fs->label, wl->name, engines[e],
				ms_median(fio_cpu, FID_ROUNDS) / 1e6,
				ms_median(ms_cpu, FID_ROUNDS) / 1e6, ratio, verdict,
				ms_median(fio_wall, FID_ROUNDS) / 1e6,
				ms_median(ms_wall, FID_ROUNDS) / 1e6, ms_median(pair_wall, FID_ROUNDS));
			json_array_append_new(results, json_pack(
				"{s:s, s:s, s:s, s:I, s:I, s:i, s:o, s:o, s:o, s:o, s:f, s:f, s:f, s:s, s:b}",
				"fs", fs->label, "workload", wl->name, "engine", engines[e],
				"block_size", (json_int_t)wl->bs, "file_size",
				(json_int_t)FID_FILE_SIZE, "loops", loops, "fio_MBps", jf,
				"mmapsuite_MBps", jm, "fio_cpu_MBps", jfc, "mmapsuite_cpu_MBps", jmc,
				"ratio", ratio, "ratio_wall", ms_median(pair_wall, FID_ROUNDS),
				"fio_own_us_per_io", fio_own_s * 1e6,
				"ratio_is", "median of the per-round ratios of bytes per CPU second, "
				"fio's less its null engine's cost per I/O",
				"pass", pass));
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
	section = json_pack("{s:f, s:f, s:o, s:b, s:f, s:i}", "ratio_low", FID_LOW,
			    "ratio_high", FID_HIGH,
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
