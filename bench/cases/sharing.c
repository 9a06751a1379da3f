/* sharing: moving data between two processes, a pipe against a MAP_SHARED region with a
 * futex handshake (the "sharing" row of the comparison table). The consumer is a child process pinned
 * to the second placement (another core where there is one), forked in setup and killed in
 * teardown.
 *   share_throughput: the producer puts 16 MiB per iteration in 64 KiB messages; through
 *     the pipe it write()s them and the child read()s each into its buffer and sums it;
 *     through the region it copies each into one of two slots and the child sums the slot
 *     in place. An iteration ends when the child acknowledged its last message.
 *   share_latency: round trip of a one-word message: pipe ping-pong against a futex word
 *     each way. */
#include "case.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG (64 * KiB)
#define PER_RUN (16 * MiB)
#define SLOTS 2

struct shared_ctl {
	_Atomic uint32_t full[SLOTS];  /* 1: the producer filled the slot */
	_Atomic uint32_t ping, pong;   /* latency: sequence numbers each way */
	_Atomic uint32_t ack;          /* throughput: iterations consumed */
	_Atomic uint32_t stop;
	uint64_t sink;
};

struct sharing {
	bool pipe;
	bool latency;
	pid_t child;
	int to_child[2], to_parent[2];
	struct shared_ctl *ctl;
	char *slots;                   /* SLOTS x MSG, MAP_SHARED */
	char *src;                     /* the producer's data */
	uint32_t seq;
	int consumer_pu;               /* where the child runs */
};

static long futex(_Atomic uint32_t *addr, int op, uint32_t val)
{
	return syscall(SYS_futex, (uint32_t *)addr, op, val, NULL, NULL, 0);
}

/* Waits until *addr != old: a short spin, then sleeping in the kernel. The consumer stops
 * when told to (stop); the producer (peer > 0) gives up with -1 when the consumer is gone,
 * instead of waiting forever. */
static int wait_change(_Atomic uint32_t *addr, uint32_t old, _Atomic uint32_t *stop, pid_t peer)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };

	for (int i = 0; i < 200; i++)
		if (atomic_load_explicit(addr, memory_order_acquire) != old)
			return 0;
	while (atomic_load_explicit(addr, memory_order_acquire) == old &&
	       !(stop && atomic_load(stop))) {
		if (syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT, old, &tick, NULL, 0) &&
		    errno == ETIMEDOUT && peer > 0 && waitpid(peer, NULL, WNOHANG) != 0)
			return -1;
	}
	return 0;
}

static void store_wake(_Atomic uint32_t *addr, uint32_t val)
{
	atomic_store_explicit(addr, val, memory_order_release);
	futex(addr, FUTEX_WAKE, 1);
}

static int read_full(int fd, void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t r = read(fd, (char *)buf + done, len - done);

		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

static void child_main(struct sharing *st)
{
	char *buf = aligned_alloc(sysconf(_SC_PAGESIZE), MSG);
	uint64_t sum = 0;
	uint32_t iters = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	bench_bind_to(st->consumer_pu);
	if (!buf)
		_exit(1);
	if (st->latency) {
		for (uint32_t seq = 0;; ) {
			if (st->pipe) {
				if (read_full(st->to_child[0], &seq, sizeof(seq)) ||
				    write(st->to_parent[1], &seq, sizeof(seq)) != sizeof(seq))
					_exit(0);
			} else {
				wait_change(&st->ctl->ping, seq, &st->ctl->stop, 0);
				if (atomic_load(&st->ctl->stop))
					_exit(0);
				seq = atomic_load(&st->ctl->ping);
				store_wake(&st->ctl->pong, seq);
			}
		}
	}
	for (;;) {
		for (size_t off = 0, k = 0; off < PER_RUN; off += MSG, k = (k + 1) % SLOTS) {
			if (st->pipe) {
				if (read_full(st->to_child[0], buf, MSG))
					_exit(0);
				sum += bench_sum(buf, MSG);
			} else {
				wait_change(&st->ctl->full[k], 0, &st->ctl->stop, 0);
				if (atomic_load(&st->ctl->stop))
					_exit(0);
				sum += bench_sum(st->slots + k * MSG, MSG);
				store_wake(&st->ctl->full[k], 0);
			}
		}
		iters++;
		st->ctl->sink = sum;
		if (st->pipe ? write(st->to_parent[1], &iters, sizeof(iters)) != sizeof(iters) : 0)
			_exit(0);
		if (!st->pipe)
			store_wake(&st->ctl->ack, iters);
	}
}

static void sharing_teardown(struct bench_ctx *c);

/* share_latency plans no block size (its message is one word); share_throughput plans its
 * 64 KiB messages. */
static int sharing_setup(struct bench_ctx *c)
{
	struct sharing *st = c->priv;

	st->pipe = !strcmp(c->v->method, "pipe");
	st->latency = !c->v->block_size;
	st->to_child[0] = st->to_child[1] = st->to_parent[0] = st->to_parent[1] = -1;
	st->ctl = mmap(NULL, sizeof(*st->ctl) + SLOTS * MSG, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	st->src = aligned_alloc(sysconf(_SC_PAGESIZE), MSG);
	if (st->ctl == MAP_FAILED || !st->src) {
		strcpy(c->reason, "no memory for the shared region");
		goto fail;
	}
	memset(st->ctl, 0, sizeof(*st->ctl));
	st->slots = (char *)(st->ctl + 1);
	bench_fill(st->src, MSG);
	if (st->pipe && (pipe2(st->to_child, O_CLOEXEC) || pipe2(st->to_parent, O_CLOEXEC))) {
		snprintf(c->reason, sizeof(c->reason), "pipe: %s", strerrorname_np(errno));
		goto fail;
	}
	if (st->pipe)
		fcntl(st->to_child[1], F_SETPIPE_SZ, (int)(1 * MiB)); /* best effort */
	st->consumer_pu = bench_placement(c, 1);
	st->child = fork();
	if (st->child < 0) {
		snprintf(c->reason, sizeof(c->reason), "fork: %s", strerrorname_np(errno));
		goto fail;
	}
	if (st->child == 0) {
		if (st->pipe) {
			close(st->to_child[1]);
			close(st->to_parent[0]);
		}
		child_main(st);
	}
	/* Only the child's ends stay open in the child: its death is EOF / EPIPE here. */
	if (st->pipe) {
		close(st->to_child[0]);
		close(st->to_parent[1]);
		st->to_child[0] = st->to_parent[1] = -1;
	}
	bench_note_anonymous(c);
	json_object_set_new(c->params, "consumer_pu", json_integer(st->consumer_pu));
	c->state = "steady_state";
	if (st->latency) {
		c->timed = st->pipe ? "round trip: write() + read() each way" :
			   "round trip: futex-woken shared word each way";
		json_object_set_new(c->params, "unit_of_op", json_string("round trip"));
		c->ops = 256;
		c->bytes = 0;
	} else {
		json_object_set_new(c->params, "message", json_integer(MSG));
		c->timed = st->pipe ? "write() 64 KiB messages; the consumer read()s and sums "
			   "them" : "copy 64 KiB messages into a shared slot, futex handshake; the "
			   "consumer sums the slot in place";
		c->ops = PER_RUN / MSG;
		c->bytes = PER_RUN;
	}
	return 0;
fail:
	sharing_teardown(c);
	return -1;
}

static int throughput_run(struct bench_ctx *c)
{
	struct sharing *st = c->priv;
	uint32_t ack;

	for (size_t off = 0, k = 0; off < PER_RUN; off += MSG, k = (k + 1) % SLOTS) {
		if (st->pipe) {
			if (write(st->to_child[1], st->src, MSG) != MSG)
				return -1;
			continue;
		}
		if (wait_change(&st->ctl->full[k], 1, NULL, st->child))
			return -1;
		memcpy(st->slots + k * MSG, st->src, MSG);
		store_wake(&st->ctl->full[k], 1);
	}
	st->seq++;
	if (st->pipe)
		return read_full(st->to_parent[0], &ack, sizeof(ack)) || ack != st->seq ? -1 : 0;
	while ((ack = atomic_load(&st->ctl->ack)) != st->seq)
		if (wait_change(&st->ctl->ack, ack, NULL, st->child))
			return -1;
	return 0;
}

static int latency_run(struct bench_ctx *c)
{
	struct sharing *st = c->priv;

	for (uint64_t i = 0; i < c->ops; i++) {
		uint32_t seq = ++st->seq, back;

		if (st->pipe) {
			if (write(st->to_child[1], &seq, sizeof(seq)) != sizeof(seq) ||
			    read_full(st->to_parent[0], &back, sizeof(back)) || back != seq)
				return -1;
		} else {
			store_wake(&st->ctl->ping, seq);
			while ((back = atomic_load(&st->ctl->pong)) != seq)
				if (wait_change(&st->ctl->pong, back, NULL, st->child))
					return -1;
		}
	}
	return 0;
}

static int sharing_run(struct bench_ctx *c, int worker)
{
	const struct sharing *st = c->priv;

	(void)worker;
	return st->latency ? latency_run(c) : throughput_run(c);
}

static void sharing_teardown(struct bench_ctx *c)
{
	struct sharing *st = c->priv;

	if (st->child > 0 && st->ctl != MAP_FAILED) {
		store_wake(&st->ctl->stop, 1);
		for (int k = 0; k < SLOTS; k++)
			futex(&st->ctl->full[k], FUTEX_WAKE, 1);
		futex(&st->ctl->ping, FUTEX_WAKE, 1);
		kill(st->child, SIGKILL);
		waitpid(st->child, NULL, 0);
	}
	for (int i = 0; i < 2; i++) {
		if (st->to_child[i] >= 0)
			close(st->to_child[i]);
		if (st->to_parent[i] >= 0)
			close(st->to_parent[i]);
	}
	if (st->ctl != MAP_FAILED)
		munmap(st->ctl, sizeof(*st->ctl) + SLOTS * MSG);
	free(st->src);
}

/* The message sizes are what the two cases are: no options. */
static const struct bench_opt share_throughput_opts[] = { { 0 } };
static const struct bench_opt share_latency_opts[] = { { 0 } };
static const char *const sharing_methods[] = { "pipe", "mmap_shared_futex" };

static void share_throughput_plan(struct bench_plan *plan)
{
	for (int m = 0; m < 2; m++)
		bench_plan_add(plan, &(struct bench_variant){ .method = sharing_methods[m],
							     .size = PER_RUN, .block_size = MSG });
}

static void share_latency_plan(struct bench_plan *plan)
{
	for (int m = 0; m < 2; m++)
		bench_plan_add(plan, &(struct bench_variant){ .method = sharing_methods[m],
							     .size = sizeof(uint32_t) });
}

const struct bench_case bench_case_share_throughput = {
	BENCH_HOOKS_FROM(share_throughput, sharing),
	.description = "two processes: 64 KiB messages through a pipe against a MAP_SHARED "
		       "region with a futex handshake (consumer on another core)",
	.metric = BENCH_THROUGHPUT, .metric_name = "throughput",
	.no_ceiling = true, .paired = true, .calibrate = true,
	.overview = MS_OVERVIEW_SHARING,
};

const struct bench_case bench_case_share_latency = {
	BENCH_HOOKS_FROM(share_latency, sharing),
	.description = "two processes: round trip of a one-word message, pipe ping-pong against "
		       "a futex-woken word in a MAP_SHARED region",
	.metric = BENCH_LATENCY, .metric_name = "round_trip",
	.paired = true, .calibrate = true,
	.overview = MS_OVERVIEW_SHARING,
};
