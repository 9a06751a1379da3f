/* Renamed and split tests (lib/renames.def): a result, an expectation line or a comparison
 * made under an old "suite/test" name still meets the test under today's name(s). */
#ifndef MMAPSUITE_RENAMES_H
#define MMAPSUITE_RENAMES_H

#include <stddef.h>

struct ms_rename {
	const char *old_name; /* "suite/test" as an earlier mmapsuite called it */
	const char *new_name; /* one of the names it has now (a split test has several) */
};

/* The compiled-in map, lib/renames.def. */
extern const struct ms_rename ms_renames[];
extern const size_t ms_n_renames;

/* Today's names of name, following chains (a -> b, later b -> c gives c), into out (up to
 * max; the return value is the full count). 0 when name was never renamed: it is today's
 * name, or one this map does not know. */
size_t ms_renamed_to(const char *name, const char **out, size_t max);
/* Every earlier name of name (the old names that lead to it, transitively), as above. */
size_t ms_renamed_from(const char *name, const char **out, size_t max);

/* The same over a map of one's own (the unit tests). */
size_t ms_renamed_to_in(const struct ms_rename *map, size_t n, const char *name,
			const char **out, size_t max);
size_t ms_renamed_from_in(const struct ms_rename *map, size_t n, const char *name,
			  const char **out, size_t max);

/* Splits "suite/test" at its first '/' into new strings (the caller frees both); 0, or -1
 * when there is no '/'. */
int ms_split_test_name(const char *name, char **suite, char **test);

#endif
