/* mm_util's machine code (declared in mm_util.h): a bare return for the PROT_EXEC tests of
 * mmap_shared.c and mprotect.c, one table for every architecture the suite runs on. */
#include "mm_util.h"

#include <stdint.h>
#include <string.h>

/* A bare return. arm64's and ppc64's are instruction words, stored in the CPU's byte order;
 * s390x's is the two bytes of br %r14 in the order they are fetched; A32's bytes are
 * little-endian (armhf). ELFv2 ppc64 calls a code address (ELFv1 a descriptor: none here). */
static const struct {
	union {
		uint32_t word;
		unsigned char bytes[MS_RETURN_INSN_MAX];
	} code;
	size_t len;
} return_insn =
#if defined(__x86_64__) || defined(__i386__)
	{ .code.bytes = { 0xc3 }, .len = 1 }; /* ret */
#elif defined(__aarch64__)
	{ .code.word = 0xd65f03c0, .len = 4 }; /* ret x30 */
#elif defined(__powerpc64__) && defined(_CALL_ELF) && _CALL_ELF == 2
	{ .code.word = 0x4e800020, .len = 4 }; /* blr */
#elif defined(__s390x__)
	{ .code.bytes = { 0x07, 0xfe }, .len = 2 }; /* br %r14: r14 holds the return address */
#elif defined(__arm__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* bx lr, an A32 instruction: a call through an even address enters ARM state, and bx lr
	 * goes back to a Thumb caller (lr's bit 0) */
	{ .code.bytes = { 0x1e, 0xff, 0x2f, 0xe1 }, .len = 4 };
#else
	{ .len = 0 };
#endif

size_t ms_return_insn(unsigned char at[MS_RETURN_INSN_MAX])
{
	memcpy(at, return_insn.code.bytes, return_insn.len);
	return return_insn.len;
}
