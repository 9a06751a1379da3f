#include "commands.h"
#include "env.h"
#include "options.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_FS_PATH = MS_OPT_OWN };

static const struct ms_option env_options[] = {
	{ "fs-path", 0, "PATH", "also the file system of PATH (repeatable)", OPT_FS_PATH },
	MS_OPTIONS_END
};
static const struct ms_option *const env_tables[] = { env_options, NULL };

int cmd_env(int argc, char **argv)
{
	json_t *env = NULL;
	struct ms_options p;
	ms_options_begin(&p, "env", env_tables, argc, argv);
	for (int id; (id = ms_options_next(&p)) != MS_OPT_DONE;) {
		if (id == MS_OPT_HELP) {
			printf("usage: mmapsuite env [--fs-path PATH ...]\n"
			       "Prints the environment mmapsuite records with every run, as JSON:\n"
			       "kernel, CPU and topology, memory, THP, vm sysctls, perf events that\n"
			       "open, /dev/mem, KVM, privileges, and the file system of each PATH.\n\n");
			ms_options_help(stdout, env_tables);
			return MS_EXIT_OK;
		}
		/* OPT_FS_PATH, the only other */
		if (!env)
			env = ms_env_capture();
		char *type = NULL, *opts = NULL, *src = NULL;
		if (ms_mount_of(p.arg, &type, &opts, &src) != 0)
			ms_die(MS_EXIT_USAGE, "--fs-path %s: no such path", p.arg);
		free(type), free(opts), free(src);
		ms_env_add_filesystem(env, p.arg, p.arg);
	}
	ms_options_no_operands(&p);
	if (!env)
		env = ms_env_capture();
	char *text = json_dumps(env, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(env);
	return MS_EXIT_OK;
}
