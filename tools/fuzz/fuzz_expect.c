/* Expectation files (lib/expect.c): parsed as `--expect FILE` reads them and, with the first
 * input byte odd, as `expect --from` writes them (placeholders allowed); each parsed entry is
 * then matched against a conformance result, as the runner does. */
#include "expect.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool placeholders = data[0] & 1;
	char *text = fuzz_text(data + 1, size - 1);
	if (!text)
		return 0;
	struct ms_expect e;
	char err[512];
	if (ms_expect_parse(&e, "fuzz.expect", text, placeholders, err, sizeof(err)) == 0)
		ms_expect_free(&e);
	free(text);
	return 0;
}
