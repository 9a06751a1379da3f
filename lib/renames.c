/* The rename map (renames.def) and its lookups both ways. */
#include "renames.h"

#include <string.h>

#include "util.h"

const struct ms_rename ms_renames[] = {
#define RENAME(old_name, new_name) { old_name, new_name },
#include "renames.def"
#undef RENAME
};
const size_t ms_n_renames = sizeof(ms_renames) / sizeof(ms_renames[0]);

/* A chain longer than this is a loop in the map (a -> b -> a): the walk stops. */
enum { MAX_DEPTH = 16 };

static void add_unique(const char *name, const char **out, size_t max, size_t *count)
{
	for (size_t i = 0; i < *count && i < max; i++)
		if (strcmp(out[i], name) == 0)
			return;
	if (*count < max)
		out[*count] = name;
	(*count)++;
}

/* forward: old -> new; else new -> old. Adds the ends of every chain from name. */
static void walk(const struct ms_rename *map, size_t n, const char *name, int forward,
		 int depth, const char **out, size_t max, size_t *count)
{
	for (size_t i = 0; i < n; i++) {
		const char *from = forward ? map[i].old_name : map[i].new_name;
		const char *to = forward ? map[i].new_name : map[i].old_name;
		if (strcmp(from, name) != 0)
			continue;
		if (forward) {
			/* today's name is the end of the chain */
			size_t before = *count;
			if (depth < MAX_DEPTH)
				walk(map, n, to, forward, depth + 1, out, max, count);
			if (*count == before)
				add_unique(to, out, max, count);
		} else {
			/* every name on the way back is an earlier name */
			add_unique(to, out, max, count);
			if (depth < MAX_DEPTH)
				walk(map, n, to, forward, depth + 1, out, max, count);
		}
	}
}

size_t ms_renamed_to_in(const struct ms_rename *map, size_t n, const char *name,
			const char **out, size_t max)
{
	size_t count = 0;
	walk(map, n, name, 1, 0, out, max, &count);
	return count;
}

size_t ms_renamed_from_in(const struct ms_rename *map, size_t n, const char *name,
			  const char **out, size_t max)
{
	size_t count = 0;
	walk(map, n, name, 0, 0, out, max, &count);
	return count;
}

size_t ms_renamed_to(const char *name, const char **out, size_t max)
{
	return ms_renamed_to_in(ms_renames, ms_n_renames, name, out, max);
}

size_t ms_renamed_from(const char *name, const char **out, size_t max)
{
	return ms_renamed_from_in(ms_renames, ms_n_renames, name, out, max);
}

int ms_split_test_name(const char *name, char **suite, char **test)
{
	const char *slash = strchr(name, '/');
	if (!slash)
		return -1;
	*suite = xasprintf("%.*s", (int)(slash - name), name);
	*test = xstrdup(slash + 1);
	return 0;
}
