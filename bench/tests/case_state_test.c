/* A case's state belongs to its context (ctx->priv, allocated per variant), so two variants
 * of one case can be set up in one process at once and each keeps its own: running one after
 * the other was torn down gives what it gives alone. With state in a function-static struct
 * the second setup would overwrite the first's, and running the first would read the
 * second's closed descriptor or unmapped memory. */
#include "case.h"
#include "runner_internal.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/mmapsuite-bench-state-XXXXXX";
/* What the runner's state holds for the cases: their shared files, which remove_dir
 * removes as the runner does after each file system. */
static struct bench_run run;

static void make_dir(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
	bench_files_release(&run.files);
	rmdir(dir);
}

static void setup_ctx(const struct bench_case *bc, struct bench_ctx *c,
		      const struct bench_variant *v)
{
	memset(c, 0, sizeof(*c));
	c->v = v;
	c->dir = dir;
	c->fs_kind = "dir";
	c->iters = 1;
	c->run = &run;
	c->params = json_object();
	c->priv = bc->state_size ? calloc(1, bc->state_size) : NULL;
	cr_assert(!bc->state_size || c->priv);
	cr_assert_eq(bc->setup(c), 0, "%s %s setup: %s", bc->name, v->method, c->reason);
}

static void teardown_ctx(const struct bench_case *bc, struct bench_ctx *c)
{
	bc->teardown(c);
	json_decref(c->params);
	free(c->priv);
}

static uint64_t one_run(const struct bench_case *bc, struct bench_ctx *c)
{
	c->sink = 0;
	cr_assert_eq(bc->run(c, 0), 0, "%s %s run failed", bc->name, c->v->method);
	return c->sink;
}

Test(bench_state, two_variants_of_seq_read_keep_their_own_state, .init = make_dir,
     .fini = remove_dir)
{
	const struct bench_case *bc = &bench_case_seq_read;
	const struct bench_variant a = { .method = "mmap_kept", .hint = "none", .size = 1 * MiB,
					 .threads = 1 };
	const struct bench_variant b = { .method = "read", .hint = "none", .size = 2 * MiB,
					 .block_size = 64 * KiB, .threads = 1 };
	struct bench_ctx ca, cb;

	cr_assert_gt(bc->state_size, 0, "seq_read declares no per-variant state");
	setup_ctx(bc, &ca, &a);
	uint64_t alone = one_run(bc, &ca);
	teardown_ctx(bc, &ca);

	setup_ctx(bc, &ca, &a);
	setup_ctx(bc, &cb, &b);
	cr_assert_neq(ca.priv, cb.priv);
	uint64_t b_sum = one_run(bc, &cb);
	teardown_ctx(bc, &cb);
	cr_assert_eq(one_run(bc, &ca), alone, "the kept mapping of the first variant changed "
		     "when a second was set up and torn down");
	teardown_ctx(bc, &ca);
	cr_assert_neq(b_sum, alone, "two files of different sizes summed alike: the test "
		      "cannot tell the variants apart");
}

Test(bench_state, every_case_with_state_declares_its_size)
{
	static const struct bench_case *const cases[] = {
#define BENCH_CASE(name, file) &bench_case_##name,
#include "cases.def"
#undef BENCH_CASE
	};
	/* Every case keeps something between setup and run (a descriptor, a mapping), and
	 * teardown frees it: a case with a teardown and no state would have nowhere to keep
	 * it but a static. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect(!cases[i]->teardown || cases[i]->state_size,
			  "%s has a teardown but no per-variant state", cases[i]->name);
}
