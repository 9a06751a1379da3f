/* Clause files (lib/clauses.c): the first input byte chooses a *.clauses table or the
 * *.classes matrix; the rest is the file's text, parsed as `list --clauses --dir` parses a
 * table being edited, then searched for a test as the report does. */
#include "clauses.h"
#include "fuzz_input.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *name = data[0] & 1 ? "fuzz.classes" : "fuzz.clauses";
	char *text = fuzz_text(data + 1, size - 1);
	if (!text)
		return 0;
	struct ms_clauses *c = calloc(1, sizeof(*c));
	if (!c)
		abort();
	char err[512];
	if (ms_clauses_parse(c, name, text, err, sizeof(err)))
		for (size_t i = 0; i < c->n; i++)
			(void)ms_clause_lists_test(c->clause[i].tests, "mmap", "fixed_replaces");
	ms_clauses_free(c);
	free(text);
	return 0;
}
