#ifndef MMAPSUITE_LIST_CLAUSES_H
#define MMAPSUITE_LIST_CLAUSES_H

#include <jansson.h>
#include <stdbool.h>

#include "results.h"

/* Prints the clause tables (compiled in, or those of dir) with the tests of the list, and
 * with run the verdicts. Returns 0, 1 (strict and a problem: a clause without status, a
 * test that does not exist...) or 2 (a table that cannot be read). */
int ms_list_clauses(json_t *tests, const struct ms_run *run, const char *dir, bool strict);

#endif
