/* ms_bench_overview_role(): the role a case declares (cases.def), by name. The runner records
 * it with each result; the report's overview asks here only for results.json files written
 * before it was recorded, so the report matches no case names. */
#include <string.h>

#include "case.h"
#include "overview_role.h"

static const struct bench_case *const cases[] = {
#define BENCH_CASE(name, file) &bench_case_##name,
#include "cases.def"
#undef BENCH_CASE
};

enum ms_overview_role ms_bench_overview_role(const char *case_name)
{
	for (size_t i = 0; case_name && i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(cases[i]->name, case_name))
			return cases[i]->overview;
	return MS_OVERVIEW_NONE;
}
