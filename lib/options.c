#include "options.h"
#include "results.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct ms_option help_row = { "help", 'h', NULL, "print this help and exit",
					   MS_OPT_HELP };

/* Every row of the tables, --help last. Caller frees the array. */
static const struct ms_option **rows_of(const struct ms_option *const *tables, size_t *n)
{
	size_t count = 1;
	for (size_t t = 0; tables[t]; t++)
		for (const struct ms_option *o = tables[t]; o->name; o++)
			count++;
	const struct ms_option **rows = ms_calloc(count, sizeof(*rows));
	size_t k = 0;
	for (size_t t = 0; tables[t]; t++)
		for (const struct ms_option *o = tables[t]; o->name; o++)
			rows[k++] = o;
	rows[k++] = &help_row;
	*n = k;
	return rows;
}

void (*ms_options_collect)(const char *command, const struct ms_option *const *tables);

const struct ms_option **ms_options_rows(const struct ms_option *const *tables, size_t *n)
{
	return rows_of(tables, n);
}

void ms_options_begin(struct ms_options *p, const char *command,
		      const struct ms_option *const *tables, int argc, char **argv)
{
	if (ms_options_collect)
		ms_options_collect(command, tables);
	memset(p, 0, sizeof(*p));
	p->command = command;
	p->tables = tables;
	p->argc = argc;
	p->argv = argv;
	size_t n;
	p->rows = rows_of(tables, &n);
	p->longopts = ms_calloc(n + 1, sizeof(*p->longopts));
	/* ':' first: a missing value is reported apart from an unknown option. */
	size_t s = 0;
	p->shortopts[s++] = ':';
	for (size_t i = 0; i < n; i++) {
		const struct ms_option *o = p->rows[i];
		p->longopts[i] = (struct option){ o->name, o->arg ? required_argument : no_argument,
						  NULL, 256 + (int)i };
		if (o->short_name && s + 3 < sizeof(p->shortopts)) {
			p->shortopts[s++] = o->short_name;
			if (o->arg)
				p->shortopts[s++] = ':';
		}
	}
	p->shortopts[s] = 0;
	opterr = 0;
	optind = 0; /* glibc: start over, also after an earlier command's parsing */
}

/* The argv element getopt_long just complained about. */
static const char *offending(const struct ms_options *p)
{
	const char *last = optind > 0 && optind <= p->argc ? p->argv[optind - 1] : "?";
	if (optopt > 0 && optopt < 256 && strncmp(last, "--", 2) != 0) {
		static char one[3];
		snprintf(one, sizeof(one), "-%c", optopt);
		return one;
	}
	return last;
}

/* getopt_long answers '?' for an abbreviation that fits several options too: when arg is one,
 * exits 2 saying so and naming every option it fits. */
static void ambiguous(const struct ms_options *p, const char *arg)
{
	if (strncmp(arg, "--", 2) != 0)
		return;
	size_t len = strcspn(arg + 2, "=");
	size_t fits = 0;
	char list[512] = "";
	for (size_t i = 0; p->longopts[i].name; i++) {
		const char *name = p->longopts[i].name;
		if (strncmp(name, arg + 2, len) != 0)
			continue;
		if (strlen(name) == len)
			return; /* an exact name: not ambiguous, so unknown for another reason */
		size_t used = strlen(list);
		snprintf(list + used, sizeof(list) - used, "%s--%s", fits ? ", " : "", name);
		fits++;
	}
	if (fits > 1)
		ms_die(MS_EXIT_USAGE, "%s: option '%.*s' is ambiguous; it could be %s (see --help)",
		       p->command, (int)(len + 2), arg, list);
}

int ms_options_next(struct ms_options *p)
{
	p->arg = NULL;
	p->given = NULL;
	int c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL);
	if (c == -1)
		return MS_OPT_DONE;
	if (c == '?') {
		ambiguous(p, offending(p));
		ms_die(MS_EXIT_USAGE, "%s: unknown option '%s' (see --help)", p->command,
		       offending(p));
	}
	if (c == ':')
		ms_die(MS_EXIT_USAGE, "%s: %s needs a value (see --help)", p->command,
		       offending(p));
	const struct ms_option *o = NULL;
	if (c >= 256) {
		o = p->rows[c - 256];
	} else {
		for (size_t i = 0; p->rows[i] != &help_row; i++)
			if (p->rows[i]->short_name == c)
				o = p->rows[i];
		if (!o)
			o = &help_row;
	}
	p->arg = optarg;
	static char given[64];
	if (c >= 256)
		snprintf(given, sizeof(given), "--%s", o->name);
	else
		snprintf(given, sizeof(given), "-%c", o->short_name);
	p->given = given;
	if (o == &help_row) /* every command prints its help and returns: nothing left to parse */
		ms_options_operands(p);
	return o->id;
}

int ms_options_operands(struct ms_options *p)
{
	free(p->longopts);
	free(p->rows);
	p->longopts = NULL;
	p->rows = NULL;
	return optind;
}

void ms_options_no_operands(struct ms_options *p)
{
	int first = ms_options_operands(p);
	if (first < p->argc)
		ms_die(MS_EXIT_USAGE, "%s: unknown option '%s' (see --help)", p->command,
		       p->argv[first]);
}

/* "-o, --out DIR" or "    --db FILE" (when any row has a short name), without padding. */
static int left_part(const struct ms_option *o, bool shorts, char *buf, size_t len)
{
	char s[8] = "";
	if (o->short_name)
		snprintf(s, sizeof(s), "-%c, ", o->short_name);
	else if (shorts)
		snprintf(s, sizeof(s), "    ");
	return snprintf(buf, len, "%s--%s%s%s", s, o->name, o->arg ? " " : "",
			o->arg ? o->arg : "");
}

void ms_options_help(FILE *out, const struct ms_option *const *tables)
{
	size_t n;
	const struct ms_option **rows = rows_of(tables, &n);
	/* The -h of --help alone does not indent every other line. */
	bool shorts = false;
	for (size_t i = 0; i < n; i++)
		shorts |= rows[i]->short_name && rows[i] != &help_row;
	int width = 0;
	char buf[128];
	for (size_t i = 0; i < n; i++) {
		int w = left_part(rows[i], shorts, buf, sizeof(buf));
		if (w > width)
			width = w;
	}
	for (size_t i = 0; i < n; i++) {
		left_part(rows[i], shorts, buf, sizeof(buf));
		fprintf(out, "  %-*s  ", width, buf);
		for (const char *h = rows[i]->help; *h; h++) {
			fputc(*h, out);
			if (*h == '\n')
				fprintf(out, "  %-*s  ", width, "");
		}
		fputc('\n', out);
	}
	free(rows);
}

int ms_options_usage(const char *synopsis, const struct ms_option *const *tables,
		     const char *exits)
{
	fputs(synopsis, stdout);
	ms_options_help(stdout, tables);
	if (exits)
		fputs(exits, stdout);
	return MS_EXIT_OK;
}

int ms_options_operands_between(struct ms_options *p, int min, int max, const char *expected)
{
	int first = ms_options_operands(p);
	int n = p->argc - first;
	if (n < min || n > max) {
		fprintf(stderr, "mmapsuite %s: %s (see --help)\n", p->command, expected);
		exit(MS_EXIT_USAGE);
	}
	return first;
}

void ms_options_out_dir(const struct ms_options *p, const char *dir)
{
	struct stat st;
	if (dir && stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mmapsuite %s: --out %s: exists and is not a directory\n",
			p->command, dir);
		exit(MS_EXIT_USAGE);
	}
}
