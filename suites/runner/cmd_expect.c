/* `mmapsuite expect --from RUN_DIR [--out FILE]`: the start of a board bring-up. Writes an
 * expectation file with one line per failure of a run (test, file system, kernel release,
 * architecture, a glob of the failure message) and a placeholder reason that --expect refuses
 * until a person replaces it with the evidence. */
#include "commands.h"
#include "expect.h"
#include "options.h"
#include "results.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: mmapsuite expect --from RUN_DIR [--out FILE]\n"
	"Writes an expectation file (known deviations, docs/expectations.md) with one line per\n"
	"failed conformance result of RUN_DIR: its test, file system, kernel release, architecture\n"
	"and a glob of its failure message, with the placeholder reason \"" MS_EXPECT_PLACEHOLDER
	": ...\".\n"
	"--expect refuses the file until every reason is replaced with the evidence.\n"
	"Exit: 0 written, 2 bad input (RUN_DIR unreadable, FILE exists), 3 writing FILE failed\n"
	"(disk full; nothing is left behind).\n\n";

/* A literal as an fnmatch glob: the pattern characters escaped. */
static char *glob_literal(const char *s)
{
	char *out = ms_malloc(2 * strlen(s) + 1), *o = out;
	for (; *s; s++) {
		if (strchr("*?[\\", *s))
			*o++ = '\\';
		*o++ = *s;
	}
	*o = 0;
	return out;
}

static const char *env_string(const struct ms_run *run, const char *object, const char *key)
{
	json_t *v = object ? json_object_get(json_object_get(run->environment, object), key)
			   : json_object_get(run->environment, key);
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

static char *render(const struct ms_run *run, size_t *n_lines,
		    size_t *n_broken)
{
	const char *kernel = env_string(run, "kernel", "release");
	const char *arch = env_string(run, NULL, "architecture");
	if (!arch)
		arch = env_string(run, "kernel", "machine");
	size_t cap = 4096, len = 0;
	char *text = ms_malloc(cap);
	text[0] = 0;
#define APPEND(...)                                                                            \
	do {                                                                                   \
		char *piece_ = ms_asprintf(__VA_ARGS__);                                         \
		size_t n_ = strlen(piece_);                                                    \
		if (len + n_ + 1 > cap)                                                        \
			text = ms_realloc(text, cap = 2 * (len + n_ + 1));                       \
		memcpy(text + len, piece_, n_ + 1);                                            \
		len += n_;                                                                     \
		free(piece_);                                                                  \
	} while (0)
	APPEND("# mmapsuite expectation file (known deviations), written by `mmapsuite expect`\n"
	       "# from run %s (%s), place %s, kernel %s, %s.\n"
	       "# Format: <test-glob> [fs=] [kernel=] [arch=] [message=] reason=\"...\"; see "
	       "docs/expectations.md.\n"
	       "# Each line below is one failure of that run. Keep only the deviations of the\n"
	       "# kernel itself, widen or narrow the globs, and replace every \""
	       MS_EXPECT_PLACEHOLDER "\" reason\n"
	       "# with the evidence (the clause, what the kernel does instead, a commit or a\n"
	       "# report): --expect refuses a placeholder.\n",
	       run->id, run->time, run->place, kernel ? kernel : "?", arch ? arch : "?");
	*n_lines = *n_broken = 0;
	for (size_t i = 0; i < run->n_conformance; i++) {
		const struct ms_conformance *c = &run->conformance[i];
		if (c->outcome == MS_BROKEN)
			++*n_broken;
		if (c->outcome != MS_FAIL)
			continue;
		char *name = ms_asprintf("%s/%s", c->suite, c->test);
		char *test = glob_literal(name);
		char *fs = glob_literal(c->fs);
		char *k = kernel ? glob_literal(kernel) : NULL;
		char *a = arch ? glob_literal(arch) : NULL;
		char *message = ms_expect_message_glob(c->message);
		char *line = ms_expect_format(test, fs, k, a, message,
					      MS_EXPECT_PLACEHOLDER ": why this is a known deviation "
					      "of the kernel, with its evidence");
		APPEND("%s\n", line);
		++*n_lines;
		free(name), free(test), free(fs), free(k), free(a), free(message), free(line);
	}
	if (*n_broken)
		APPEND("# %zu broken result(s) left out: a test that could not set itself up is "
		       "not a deviation of the kernel.\n", *n_broken);
	if (!*n_lines)
		APPEND("# The run has no failure: nothing to expect.\n");
#undef APPEND
	return text;
}

enum { OPT_FROM = MS_OPT_OWN, OPT_OUT };

static const struct ms_option expect_options[] = {
	{ "from", 0, "RUN_DIR", "a results directory (or its results.json)", OPT_FROM },
	{ "out", 0, "FILE", "write FILE (never overwritten: exit 2 if it exists); default stdout",
	  OPT_OUT },
	MS_OPTIONS_END
};
static const struct ms_option *const expect_tables[] = { expect_options, NULL };

int cmd_expect(int argc, char **argv)
{
	const char *from = NULL, *out = NULL;
	struct ms_options p;
	ms_options_begin(&p, "expect", expect_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		if (id == MS_OPT_HELP) {
			fputs(usage, stdout);
			ms_options_help(stdout, expect_tables);
			return MS_EXIT_OK;
		}
		if (!*p.arg)
			ms_die(MS_EXIT_USAGE, "expect: %s needs a value (see --help)", p.given);
		*(id == OPT_FROM ? &from : &out) = p.arg;
	}
	ms_options_no_operands(&p);
	if (!from)
		ms_die(MS_EXIT_USAGE, "expect: --from RUN_DIR is required (see --help)");
	if (out && access(out, F_OK) == 0)
		ms_die(MS_EXIT_USAGE, "expect: %s exists; it is never overwritten (name a new "
		       "file, or merge by hand)", out);
	char err[1024];
	struct ms_run *run = ms_run_load_dir(from, err, sizeof(err));
	if (!run)
		ms_die(MS_EXIT_USAGE, "expect: %s", err);
	size_t n_lines, n_broken;
	char *text = render(run, &n_lines, &n_broken);
	/* What is written must read back (placeholders allowed): a bug here is caught now. */
	struct ms_expect check;
	if (ms_expect_parse(&check, out ? out : "(stdout)", text, true, err, sizeof(err)) != 0)
		ms_die(MS_EXIT_FAILED, "expect: the file written does not read back: %s", err);
	ms_expect_free(&check);
	int rc = MS_EXIT_OK;
	if (!out) {
		fputs(text, stdout);
	} else {
		int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0)
			ms_die(MS_EXIT_USAGE, "expect: cannot create %s: %s", out, strerror(errno));
		size_t len = strlen(text), done = 0;
		while (done < len) {
			ssize_t w = write(fd, text + done, len - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) { /* disk full: recording failed (3), and nothing is left */
				ms_warn("expect: recording failed: cannot write %s: %s", out,
					strerror(w < 0 ? errno : ENOSPC));
				unlink(out);
				rc = MS_EXIT_RECORDING;
				break;
			}
			done += (size_t)w;
		}
		int synced = rc == MS_EXIT_OK ? fsync(fd) : 0, e = errno;
		if (close(fd) != 0 && synced == 0)
			synced = -1, e = errno;
		if (rc == MS_EXIT_OK && synced != 0) {
			ms_warn("expect: recording failed: cannot write %s: %s", out, strerror(e));
			unlink(out);
			rc = MS_EXIT_RECORDING;
		}
	}
	if (rc == MS_EXIT_OK)
		fprintf(stderr, "mmapsuite: expect: %zu failure(s) of run %s written%s%s; replace "
			"each \"" MS_EXPECT_PLACEHOLDER "\" reason before using it with --expect\n",
			n_lines, run->id, out ? " to " : "", out ? out : "");
	free(text);
	ms_run_free(run);
	return rc;
}
