/* mmapsuite(1) and the bash completion, written from the option tables that parse the
 * options (lib/options.h), so neither can list an option the program does not take. */
#ifndef MMAPSUITE_DOCGEN_H
#define MMAPSUITE_DOCGEN_H

#include <stddef.h>
#include <stdio.h>

struct ms_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *operands; /* after the options in the synopsis ("BASELINE RUN [RUN...]") */
};

extern const char ms_exit_status_text[];

int ms_write_man_page(FILE *out, const struct ms_command *commands, size_t n);
int ms_write_bash_completion(FILE *out, const struct ms_command *commands, size_t n);

#endif
