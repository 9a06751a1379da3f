/* A stand-in for the mmapsuite program with only the reports' subcommands, so the reports
 * can be tested without the whole harness: reports-cli report|compare|history ARGS. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "history") == 0)
		return cmd_history(argc - 1, argv + 1);
	fprintf(stderr, "usage: reports-cli report|compare|history ARGS\n");
	return 2;
}
