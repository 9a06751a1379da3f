/* The traceability tables (suites/clauses/): parsing, and which clauses a test judges. */
#include "clauses.h"
#include "embedded.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ms_clause_statuses[] = { "tested", "undefined", "impl-defined", "app",
					   "may-fail", "option", "untestable", "gap", NULL };

static char *trimmed(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return ms_strndup(s, n);
}

/* Splits line (without newline) at '|' into at most max fields; returns the count. */
static size_t split(const char *line, char **f, size_t max)
{
	size_t n = 0;
	const char *start = line;
	for (const char *p = line;; p++) {
		if (*p == '|' || *p == 0) {
			if (n < max)
				f[n] = trimmed(start, (size_t)(p - start));
			n++;
			start = p + 1;
		}
		if (*p == 0)
			break;
	}
	return n;
}

static void *grow(void *p, size_t n, size_t size)
{
	if (n & (n - 1)) /* not a power of two: room left */
		return p;
	void *r = realloc(p, (n ? 2 * n : 1) * size);
	if (!r)
		abort();
	return r;
}

static int by_id_then_row(const void *a, const void *b)
{
	const struct ms_clause *x = *(const struct ms_clause *const *)a;
	const struct ms_clause *y = *(const struct ms_clause *const *)b;
	int r = strcmp(x->id, y->id);
	return r ? r : (x > y) - (x < y);
}

/* The first row (in the order read) whose id an earlier row has, named in err with that
 * earlier row. The ids are sorted once: checking each row against every row before it made
 * the parser quadratic (a 1.3 MB table of 40000 rows took 218 s under the fuzzer). */
static bool duplicate_id(const struct ms_clauses *c, char *err, size_t len)
{
	if (c->n < 2)
		return false;
	const struct ms_clause **by_id = malloc(c->n * sizeof(*by_id));
	if (!by_id)
		abort();
	for (size_t i = 0; i < c->n; i++)
		by_id[i] = &c->clause[i];
	qsort(by_id, c->n, sizeof(*by_id), by_id_then_row);
	const struct ms_clause *later = NULL, *earlier = NULL;
	for (size_t i = 1, first = 0; i < c->n; i++) {
		if (strcmp(by_id[i]->id, by_id[first]->id) != 0) {
			first = i;
			continue;
		}
		/* the second row of a group is the first that repeats its id */
		if (i == first + 1 && (!later || by_id[i] < later)) {
			later = by_id[i];
			earlier = by_id[first];
		}
	}
	free(by_id);
	if (later)
		snprintf(err, len, "%s:%d: id %s already used at %s:%d", later->file, later->line,
			 later->id, earlier->file, earlier->line);
	return later != NULL;
}

static bool parse(struct ms_clauses *c, const char *name, const char *text, char *err, size_t len)
{
	bool matrix = strstr(name, ".classes") != NULL;
	char *document = strdup(name);
	int lineno = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = trimmed(p, n);
		p += n + (nl ? 1 : 0);
		lineno++;
		if (!line[0] || line[0] == '#') {
			free(line);
			continue;
		}
		if (!strncmp(line, "@document ", 10)) {
			free(document);
			document = trimmed(line + 10, strlen(line + 10));
			free(line);
			continue;
		}
		char *f[8] = { 0 };
		size_t want = matrix ? 3 : 8, got = split(line, f, want);
		free(line);
		if (got != want || !f[0][0]) {
			snprintf(err, len, "%s:%d: %zu fields, expected %zu (%s)", name, lineno, got,
				 want, matrix ? "call | class | tests"
					      : "id | call | reference | status | tests | edition "
						"| paraphrase | note");
			for (size_t i = 0; i < want && i < got; i++)
				free(f[i]);
			free(document);
			duplicate_id(c, err, len); /* a duplicate above this line is named first */
			return false;
		}
		if (matrix) {
			c->cell = grow(c->cell, c->n_cells, sizeof(*c->cell));
			c->cell[c->n_cells++] = (struct ms_arg_cell){ f[0], f[1], f[2], lineno };
			continue;
		}
		c->clause = grow(c->clause, c->n, sizeof(*c->clause));
		/* the document and file strings live as long as the table: kept in a list */
		c->clause[c->n++] = (struct ms_clause){ .document = document, .file = NULL,
			.line = lineno, .id = f[0], .call = f[1], .ref = f[2], .status = f[3],
			.tests = f[4], .edition = f[5], .paraphrase = f[6], .note = f[7] };
		c->clause[c->n - 1].file = strdup(name);
		document = strdup(document);
	}
	free(document);
	return !duplicate_id(c, err, len);
}

bool ms_clauses_parse(struct ms_clauses *c, const char *name, const char *text, char *err,
		      size_t len)
{
	return parse(c, name, text, err, len);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int ch;
	while ((ch = fgetc(f)) != EOF) {
		/* cppcheck-suppress memleakOnRealloc ; a failed realloc aborts the process */
		if (n + 2 > cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 65536)))
			abort();
		buf[n++] = (char)ch;
	}
	fclose(f);
	if (!buf && !(buf = malloc(1)))
		abort();
	buf[n] = 0;
	return buf;
}

static bool data_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 8 && !strcmp(name + n - 8, ".clauses")) ||
	       (n > 8 && !strcmp(name + n - 8, ".classes"));
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct ms_clauses *ms_clauses_load(const char *dir, char *err, size_t len)
{
	struct ms_clauses *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	if (!dir) {
		for (const struct ms_embedded_file *e = ms_clause_files; e->name; e++)
			if (!parse(c, e->name, e->text, err, len))
				goto fail;
		return c;
	}
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, len, "cannot open the clauses directory %s", dir);
		goto fail;
	}
	char *names[256];
	size_t n = 0;
	struct dirent *de;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while ((de = readdir(d)) && n < 256)
		if (data_name(de->d_name))
			names[n++] = strdup(de->d_name);
	closedir(d);
	/* cppcheck-suppress uninitvar ; names[0..n) are all set by the loop above */
	qsort(names, n, sizeof(*names), by_name);
	bool ok = n > 0;
	if (!ok)
		snprintf(err, len, "%s holds no *.clauses or *.classes file", dir);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		char *text = ok ? read_file(path) : NULL;
		if (ok && !text) {
			snprintf(err, len, "cannot read %s", path);
			ok = false;
		}
		if (ok && !parse(c, names[i], text, err, len))
			ok = false;
		free(text);
		free(names[i]);
	}
	if (ok)
		return c;
fail:
	ms_clauses_free(c);
	return NULL;
}

void ms_clauses_free(struct ms_clauses *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct ms_clause *k = &c->clause[i];
		free((char *)k->document);
		free((char *)k->file);
		free(k->id), free(k->call), free(k->ref), free(k->status), free(k->tests);
		free(k->edition), free(k->paraphrase), free(k->note);
	}
	for (size_t i = 0; i < c->n_cells; i++)
		free(c->cell[i].call), free(c->cell[i].cls), free(c->cell[i].tests);
	free(c->clause);
	free(c->cell);
	free(c);
}

bool ms_clause_lists_test(const char *tests, const char *suite, const char *test)
{
	size_t ls = strlen(suite), lt = strlen(test);
	for (const char *p = tests; p && *p;) {
		while (*p == ' ')
			p++;
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == ls + 1 + lt && !strncmp(p, suite, ls) && p[ls] == '/' &&
		    !strncmp(p + ls + 1, test, lt))
			return true;
		p += n;
	}
	return false;
}

int ms_clauses_for_test(const char *suite, const char *test, char *out, size_t len)
{
	static struct ms_clauses *all;
	char err[256];
	if (!all && !(all = ms_clauses_load(NULL, err, sizeof(err))))
		return 0;
	int found = 0;
	out[0] = 0;
	for (size_t i = 0; i < all->n; i++) {
		const struct ms_clause *k = &all->clause[i];
		if (!ms_clause_lists_test(k->tests, suite, test))
			continue;
		size_t used = strlen(out);
		snprintf(out + used, len - used, "%s%s (%s %s %s)", found ? "; " : "", k->id,
			 k->document, k->call, k->ref);
		found++;
	}
	return found;
}
