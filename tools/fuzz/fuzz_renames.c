/* renames.def (lib/renames.c): each input line "old new" is a RENAME row, so maps with
 * chains, loops and splits are built; every name is looked up both ways and split into
 * suite and test, as `expect` and `compare` do with names from older results. */
#include "renames.h"
#include "fuzz_input.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_ROWS = 64 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	if (!text)
		return 0;
	struct ms_rename map[MAX_ROWS];
	const char *names[2 * MAX_ROWS];
	size_t n = 0, n_names = 0;
	char *save;
	for (char *line = strtok_r(text, "\n", &save); line && n < MAX_ROWS;
	     line = strtok_r(NULL, "\n", &save)) {
		char *space = strchr(line, ' ');
		if (!space)
			continue;
		*space = 0;
		map[n] = (struct ms_rename){ line, space + 1 };
		names[n_names++] = line;
		names[n_names++] = space + 1;
		n++;
	}
	for (size_t i = 0; i < n_names; i++) {
		const char *out[8];
		size_t got = ms_renamed_to_in(map, n, names[i], out, 8);
		for (size_t k = 0; k < got && k < 8; k++)
			(void)strlen(out[k]);
		got = ms_renamed_from_in(map, n, names[i], out, 8);
		for (size_t k = 0; k < got && k < 8; k++)
			(void)strlen(out[k]);
		char *suite, *test;
		if (ms_split_test_name(names[i], &suite, &test) == 0) {
			free(suite);
			free(test);
		}
	}
	free(text);
	return 0;
}
