/* The subcommands of `mmapsuite`, dispatched by its entry point (tools/mmapsuite/main.c) and
 * defined by the parts that own them. Here, in the library every part links, so that each
 * definition is compiled against this one declaration. Each takes its own argv (argv[0] = the
 * subcommand's name), parses its options (--help prints usage and returns 0; a bad option
 * prints one line naming it and returns 2) and returns the exit status. */
#ifndef MMAPSUITE_COMMANDS_H
#define MMAPSUITE_COMMANDS_H

int cmd_run(int argc, char **argv);      /* tools/mmapsuite/cmd_run.c */
int cmd_conform(int argc, char **argv);  /* suites/runner/cmd_conform.c */
int cmd_env(int argc, char **argv);      /* suites/runner/cmd_env.c */
int cmd_list(int argc, char **argv);     /* suites/runner/cmd_list.c */
int cmd_expect(int argc, char **argv);   /* suites/runner/cmd_expect.c */
int cmd_bench(int argc, char **argv);    /* bench/cmd_bench.c */
int cmd_report(int argc, char **argv);   /* reports/cmd_report.c */
int cmd_compare(int argc, char **argv);  /* reports/cmd_compare.c */
int cmd_history(int argc, char **argv);  /* reports/cmd_history.c */
int cmd_selftest(int argc, char **argv); /* suites/selftest/cmd_selftest.c */

#endif
