/* Command-line options from tables: each subcommand lists its options once (name, argument,
 * help) and both getopt_long's parsing and the --help text come from that list, so the two
 * cannot disagree. Tables combine: `run` parses its own, the conformance options and the
 * harness options. */
#ifndef MMAPSUITE_OPTIONS_H
#define MMAPSUITE_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

struct ms_option {
	const char *name; /* "fs-size", given as --fs-size */
	char short_name;  /* 'o' for -o as well; 0 for none */
	const char *arg;  /* the argument's name in --help ("MB"); NULL: takes none */
	const char *help; /* what it does; each '\n' starts an indented continuation line */
	int id;           /* what ms_options_next returns for it; unique in one command */
};
#define MS_OPTIONS_END { 0 }

/* Ids: ms_options_next returns MS_OPT_DONE after the last option and MS_OPT_HELP for -h and
 * --help (added to every command). A command's own ids start at MS_OPT_OWN; the shared
 * tables use ranges of their own (harness.h, conform_runner.h). */
enum { MS_OPT_DONE = 0, MS_OPT_HELP = 1, MS_OPT_OWN = 16 };

struct ms_options {
	const char *command;                   /* "conform", in messages */
	const struct ms_option *const *tables; /* NULL-terminated */
	int argc;
	char **argv;
	const char *arg;    /* the value of the option ms_options_next just returned */
	const char *given;  /* that option as written (--out, -o), for messages */
	struct option *longopts;
	const struct ms_option **rows; /* longopts[i] is rows[i] */
	char shortopts[64];
};

/* Starts parsing argv (argv[0] is the subcommand's name). */
void ms_options_begin(struct ms_options *p, const char *command,
		      const struct ms_option *const *tables, int argc, char **argv);
/* The next option's id, with its value in p->arg. An unknown option, a missing value or an
 * ambiguous abbreviation exits 2 with one line naming it. Operands may come anywhere (they
 * are moved after the options, as getopt_long does). */
int ms_options_next(struct ms_options *p);
/* After MS_OPT_DONE: the index in argv of the first operand (argc when there is none). */
int ms_options_operands(struct ms_options *p);
/* For commands that take no operands: exits 2 naming the first one, if any. */
void ms_options_no_operands(struct ms_options *p);

/* Set by the man page and completion writers (tools/mmapsuite/docgen.c): ms_options_begin
 * hands this hook the command's tables instead of parsing. The hook does not return (it
 * jumps back to the writer), so the command does nothing else. */
extern void (*ms_options_collect)(const char *command, const struct ms_option *const *tables);
/* The rows of the tables in --help's order, --help last (n: their number). Caller frees. */
const struct ms_option **ms_options_rows(const struct ms_option *const *tables, size_t *n);

/* Writes the option lines of the tables, aligned, with -h, --help last. */
void ms_options_help(FILE *out, const struct ms_option *const *tables);
/* A command's --help on stdout: synopsis (the usage line and what the command does), the
 * option lines, then exits (its exit statuses; NULL: none). Returns MS_EXIT_OK, so that the
 * command's parsing loop can `return` it. */
int ms_options_usage(const char *synopsis, const struct ms_option *const *tables,
		     const char *exits);

/* For commands that take operands: their index in argv, after exiting 2 with the line
 * "mmapsuite COMMAND: EXPECTED (see --help)" unless there are from min to max of them. */
int ms_options_operands_between(struct ms_options *p, int min, int max, const char *expected);
/* --out DIR of the report commands: exits 2 with "mmapsuite COMMAND: --out DIR: exists and
 * is not a directory" when it is so; DIR NULL (not given) or absent is fine. */
void ms_options_out_dir(const struct ms_options *p, const char *dir);

#endif
