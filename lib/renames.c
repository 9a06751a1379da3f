/* The rename map (renames.def) and its lookups both ways. */
#include "renames.h"

#include <stdbool.h>
#include <stdlib.h>
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

/* Names that differ in their first byte are not compared further: a lookup compares the name
 * with every row of the map (440 rows), once per result read from a results.json. */
static bool same(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

static void add_unique(const char *name, const char **out, size_t max, size_t *count)
{
	for (size_t i = 0; i < *count && i < max; i++)
		if (same(out[i], name))
			return;
	if (*count < max)
		out[*count] = name;
	(*count)++;
}

/* The names a walk has expanded: each is expanded once, so a map whose chains split and join
 * again (or repeat a row) costs one visit per name, not one per path (a fuzzer's map of 64
 * rows took minutes), and a loop ends. */
enum { MAX_SEEN = 256 };
struct walk {
	const struct ms_rename *map;
	size_t n;
	int forward;
	const char **out;
	size_t max, count;
	const char *seen[MAX_SEEN];
	size_t n_seen;
};

static bool first_visit(struct walk *w, const char *name)
{
	for (size_t i = 0; i < w->n_seen; i++)
		if (same(w->seen[i], name))
			return false;
	if (w->n_seen == MAX_SEEN)
		return false;
	w->seen[w->n_seen++] = name;
	return true;
}

static bool renamed(const struct walk *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (same(w->forward ? w->map[i].old_name : w->map[i].new_name, name))
			return true;
	return false;
}

/* forward: old -> new, adding the ends of every chain from name (today's names); else
 * new -> old, adding every name on the way back (the earlier names). */
static void walk(struct walk *w, const char *name, int depth)
{
	for (size_t i = 0; i < w->n; i++) {
		const char *from = w->forward ? w->map[i].old_name : w->map[i].new_name;
		const char *to = w->forward ? w->map[i].new_name : w->map[i].old_name;
		if (!same(from, name))
			continue;
		if (!w->forward || !renamed(w, to) || depth >= MAX_DEPTH)
			add_unique(to, w->out, w->max, &w->count);
		if (depth < MAX_DEPTH && first_visit(w, to))
			walk(w, to, depth + 1);
	}
}

static size_t walk_from(const struct ms_rename *map, size_t n, const char *name, int forward,
			const char **out, size_t max)
{
	/* on the stack: one lookup per result read; its allocation was 9% of the fuzzer's time */
	struct walk w = { .map = map, .n = n, .forward = forward, .out = out, .max = max };
	first_visit(&w, name);
	walk(&w, name, 0);
	return w.count;
}

size_t ms_renamed_to_in(const struct ms_rename *map, size_t n, const char *name,
			const char **out, size_t max)
{
	return walk_from(map, n, name, 1, out, max);
}

size_t ms_renamed_from_in(const struct ms_rename *map, size_t n, const char *name,
			  const char **out, size_t max)
{
	return walk_from(map, n, name, 0, out, max);
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
	*suite = ms_asprintf("%.*s", (int)(slash - name), name);
	*test = ms_strdup(slash + 1);
	return 0;
}
