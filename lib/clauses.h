#ifndef MMAPSUITE_CLAUSES_H
#define MMAPSUITE_CLAUSES_H

#include <stdbool.h>
#include <stddef.h>

/* One normative statement of a specification (a row of suites/clauses/<document>.clauses). */
struct ms_clause {
	const char *document; /* "POSIX.1-2024", "Linux man-pages" (@document of its file) */
	const char *file;     /* base name of the file it came from */
	int line;
	char *id, *call, *ref, *status, *tests, *edition, *paraphrase, *note;
};

/* A cell of the argument-class matrix (suites/clauses/args-matrix.classes). */
struct ms_arg_cell {
	char *call, *cls, *tests; /* tests "-" = not filled */
	int line;
};

struct ms_clauses {
	struct ms_clause *clause;
	size_t n;
	struct ms_arg_cell *cell;
	size_t n_cells;
};

/* The statuses a clause may have; NULL-terminated. */
extern const char *const ms_clause_statuses[];

/* Loads the tables compiled into the program, or, with dir, the *.clauses and *.classes files
 * of dir (to check a table being edited). Returns NULL with a message naming the file and line
 * when a row is malformed (wrong field count, empty id, duplicate id). */
struct ms_clauses *ms_clauses_load(const char *dir, char *err, size_t len);
void ms_clauses_free(struct ms_clauses *c);
/* Adds the rows of one file's text (name: its base name, ".classes" for the matrix) to c;
 * false with a message naming the line when a row is malformed. The fuzz harness's entry. */
bool ms_clauses_parse(struct ms_clauses *c, const char *name, const char *text, char *err,
		      size_t len);

/* Whether a space-separated list of suite/test names holds suite/test. */
bool ms_clause_lists_test(const char *tests, const char *suite, const char *test);

/* The clauses that name suite/test, as "P-mmap-E07 (POSIX.1-2024 mmap ERRORS EMFILE); ..."
 * into out; returns how many. For the report of a failing test. */
int ms_clauses_for_test(const char *suite, const char *test, char *out, size_t len);

#endif
