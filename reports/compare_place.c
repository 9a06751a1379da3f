/* The line of a comparison that names how two places differ in what the suite's verdicts may
 * depend on beyond the kernel's version: architecture, page size, word size, byte order, THP
 * and hugetlb sizes, and the time factor the run's limits were scaled by. Runs recorded before
 * env.place existed still load: their page_size is read from the top level, and a fact only
 * one side recorded is not named. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "model.h"
#include "text.h"
#include "util.h"

static json_t *get_path(json_t *env, const char *path)
{
	char key[64];
	json_t *v = env;
	for (const char *p = path; v && *p;) {
		size_t n = strcspn(p, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		v = json_object_get(v, key);
		p += n + (p[n] == '.');
	}
	return v;
}

/* "4 KiB", "2 MiB", "1 GiB" for a size in bytes. */
static char *size_text(json_int_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;
	while (u < 4 && bytes >= 1024 && bytes % 1024 == 0)
		bytes /= 1024, u++;
	return ms_asprintf("%lld %s", (long long)bytes, units[u]);
}

/* The value at path as text for the line, NULL when absent. */
static char *value_text(json_t *env, const char *path, const char *unit)
{
	json_t *v = get_path(env, path);
	if (!v && !strcmp(path, "place.page_size"))
		v = json_object_get(env, "page_size"); /* runs before env.place */
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return ms_strdup(json_string_value(v));
	if (json_is_integer(v) && !strcmp(unit, "bytes"))
		return size_text(json_integer_value(v));
	if (json_is_integer(v) && !strcmp(unit, "kB"))
		return size_text(json_integer_value(v) * 1024);
	if (json_is_number(v))
		return ms_asprintf(!strcmp(unit, "x") ? "x%.2f" : "%g%s", json_number_value(v),
				   !strcmp(unit, "bits") ? " bits" : "");
	if (json_is_array(v)) {
		if (!json_array_size(v))
			return ms_strdup("none");
		char *out = ms_strdup("");
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			char *one = json_is_integer(item) ? size_text(json_integer_value(item) * 1024)
							  : ms_strdup("?");
			char *both = ms_asprintf("%s%s%s", out, i ? "/" : "", one);
			free(out), free(one);
			out = both;
		}
		return out;
	}
	return NULL;
}

void ms_compare_place_line(const struct ms_comparison *c, size_t k, struct ms_text *t)
{
	static const struct {
		const char *label, *path, *unit;
	} facts[] = {
		{ "architecture", "architecture", "" },
		{ "page size", "place.page_size", "bytes" },
		{ "word size", "place.word_bits", "bits" },
		{ "kernel machine", "place.kernel_machine", "" },
		{ "kernel word size", "place.kernel_word_bits", "bits" },
		{ "byte order", "place.byte_order", "" },
		{ "MMU", "place.mmu", "" }, /* powerpc only: Radix or Hash */
		{ "THP PMD size", "place.thp_pmd_size", "bytes" },
		{ "default hugetlb size", "place.hugetlb_default_kb", "kB" },
		{ "hugetlb sizes", "place.hugetlb_sizes_kb", "kB" },
		{ "time factor", "time_scale.factor", "x" },
	};
	json_t *a = c->runs[0]->environment, *b = c->runs[k]->environment;
	struct ms_text line = { 0 };
	int n = 0;
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		char *x = value_text(a, facts[i].path, facts[i].unit);
		char *y = value_text(b, facts[i].path, facts[i].unit);
		/* a fact one run did not record (an older mmapsuite) is no difference */
		if (x && y && strcmp(x, y) != 0)
			ms_text_printf(&line, "%s%s %s vs %s", n++ ? ", " : "", facts[i].label, x, y);
		free(x), free(y);
	}
	if (n)
		ms_text_printf(t, "Run %zu is another place: %s.\n", k, line.data);
	ms_text_free(&line);
}
