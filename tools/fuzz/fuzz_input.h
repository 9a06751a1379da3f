/* What every harness needs: the fuzz input as a NUL-terminated string (the parsers read C
 * strings; an input holding a NUL is refused as their file readers refuse it). */
#ifndef MMAPSUITE_FUZZ_INPUT_H
#define MMAPSUITE_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	if (memchr(data, 0, size))
		return NULL;
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

#endif
