/* results.json (lib/results.c, ms_run_from_json): what compare, report, expect --from and
 * history read from other machines and older versions. The text is loaded as ms_run_load
 * loads it (duplicate keys rejected), read into a run, written back and freed. */
#include "results.h"

#include <jansson.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return 0;
	char err[512];
	struct ms_run *run = ms_run_from_json(root, err, sizeof(err));
	if (run) {
		json_t *again = ms_run_to_json(run);
		json_decref(again);
		ms_run_free(run);
	}
	json_decref(root);
	return 0;
}
