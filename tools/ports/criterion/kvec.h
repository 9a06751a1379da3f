/* The part of klib's kvec.h interface that Criterion 2.4.1 uses (src/io/output.c: kvec_t,
 * kv_init, kv_push, kv_size, kv_A, kv_destroy), for tools/ports/build-criterion: Debian's
 * criterion source package does not ship klib, and no Debian package installs kvec.h.
 * Written for mmapsuite; same semantics as klib's macros (a growable array: n used, m
 * allocated, a the items). Allocation failure aborts, as Criterion has no recovery path. */
#ifndef MMAPSUITE_PORT_KVEC_H
#define MMAPSUITE_PORT_KVEC_H

#include <stdlib.h>

#define kvec_t(type) struct { size_t n, m; type *a; }
#define kv_init(v) ((v).n = (v).m = 0, (v).a = NULL)
#define kv_destroy(v) free((v).a)
#define kv_A(v, i) ((v).a[(i)])
#define kv_size(v) ((v).n)
#define kv_max(v) ((v).m)

#define kv_push(type, v, x) do {                                                   \
		if ((v).n == (v).m) {                                              \
			size_t kv_m_ = (v).m ? (v).m << 1 : 2;                     \
			type *kv_a_ = (type *) realloc((v).a, sizeof(type) * kv_m_); \
			if (!kv_a_)                                                \
				abort();                                           \
			(v).m = kv_m_;                                             \
			(v).a = kv_a_;                                             \
		}                                                                  \
		(v).a[(v).n++] = (x);                                              \
	} while (0)

#endif
