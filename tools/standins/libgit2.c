/* A stand-in for libgit2, for the relocatable bundle only (tools/bundle puts it under the
 * name Debian's libcriterion needs; build/bin never holds it, so host runs load the real one).
 *
 * Why: Debian's libcriterion links libgit2 for one feature, the diff it prints when a
 * new-style string assertion (criterion/new/assert.h) fails; mmapsuite uses none. Linking it
 * costs every Criterion worker (one exec per test) libgit2's chain of 14 more libraries: on
 * this host 9.9 ms and 813 page faults per exec against 1.8 ms and 237 with this stand-in,
 * and on an emulated board about 0.28 s per test.
 *
 * What it changes: nothing a test asserts. A failing new-style string assertion would still
 * fail, without the diff (Criterion omits the diff when git_diff_buffers reports an error).
 * tools/bundle checks that libcriterion imports no other libgit2 symbol before it uses this
 * library, and keeps the real one otherwise or with --real-libgit2. */
#include <stddef.h>

/* Marks the file as the stand-in, for tools/bundle and its test. */
const char mmapsuite_libgit2_standin[] = "mmapsuite libgit2 stand-in: no diffs";

static int initialised;

int git_libgit2_init(void)
{
	return ++initialised;
}

int git_libgit2_shutdown(void)
{
	return initialised > 0 ? --initialised : 0;
}

/* libgit2's GIT_ERROR: no diff is produced, and Criterion prints the assertion without it. */
int git_diff_buffers(const void *old_buffer, size_t old_len, const char *old_as_path,
		     const void *new_buffer, size_t new_len, const char *new_as_path,
		     const void *options, void *file_cb, void *binary_cb, void *hunk_cb,
		     void *line_cb, void *payload)
{
	(void)old_buffer, (void)old_len, (void)old_as_path, (void)new_buffer, (void)new_len;
	(void)new_as_path, (void)options, (void)file_cb, (void)binary_cb, (void)hunk_cb;
	(void)line_cb, (void)payload;
	return -1;
}
