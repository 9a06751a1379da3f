#ifndef MMAPSUITE_EMBEDDED_H
#define MMAPSUITE_EMBEDDED_H

/* A data file compiled into the program (cmake/embed_files.cmake). */
struct ms_embedded_file {
	const char *name; /* base name, "posix-2024.clauses" */
	const char *text;
};

/* suites/clauses/: the traceability tables and the argument-class matrix. Ends with {0, 0}. */
extern const struct ms_embedded_file ms_clause_files[];

#endif
