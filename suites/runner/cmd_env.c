#include "commands.h"
#include "env.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_env(int argc, char **argv)
{
	json_t *env = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: mmapsuite env [--fs-path PATH ...]\n"
			       "Prints the environment mmapsuite records with every run, as JSON:\n"
			       "kernel, CPU and topology, memory, THP, vm sysctls, perf events that\n"
			       "open, /dev/mem, KVM, privileges, and the file system of each PATH.\n");
			return MS_EXIT_OK;
		}
		if (!strcmp(argv[i], "--fs-path") && i + 1 < argc) {
			if (!env)
				env = ms_env_capture();
			char *type = NULL, *opts = NULL, *src = NULL;
			if (ms_mount_of(argv[i + 1], &type, &opts, &src) != 0)
				ms_die(MS_EXIT_USAGE, "--fs-path %s: no such path", argv[i + 1]);
			free(type), free(opts), free(src);
			ms_env_add_filesystem(env, argv[i + 1], argv[i + 1]);
			i++;
			continue;
		}
		ms_die(MS_EXIT_USAGE, "env: unknown option '%s' (see --help)", argv[i]);
	}
	if (!env)
		env = ms_env_capture();
	char *text = json_dumps(env, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(env);
	return MS_EXIT_OK;
}
