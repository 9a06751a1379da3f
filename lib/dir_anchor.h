/* A directory the suite created and checked, reached through its descriptor from then on.
 *
 * The run directory is anchored once it is made (results_dir.c). From then on every file and
 * directory the shared writers (ms_write_file_atomic, ms_mkdir_p, ms_open_new_file) create at
 * a path inside it is opened relative to the anchor's descriptor, one component at a time with
 * O_NOFOLLOW: a symbolic link inside it, or a rename of a directory on the way to it, cannot
 * send a write elsewhere. Paths outside the anchor are opened as given. */
#ifndef MMAPSUITE_DIR_ANCHOR_H
#define MMAPSUITE_DIR_ANCHOR_H

#include <stddef.h>

/* Anchors path (as later writers will spell it) to dirfd, which the anchor keeps open.
 * One anchor at a time: a second call replaces (and closes) the first. path NULL drops it. */
void ms_anchor_set(const char *path, int dirfd);

/* For a path inside the anchor: a new descriptor of the directory that holds its last
 * component (opened with O_NOFOLLOW all the way down from the anchor) and, in leaf, that
 * component. For any other path: its parent opened as given. -1 with errno on failure
 * (ELOOP: a symbolic link on the way inside the anchor; EINVAL: a ".." inside it). */
int ms_anchor_parent(const char *path, char *leaf, size_t leaflen);

/* mkdir -p of a path inside the anchor, each directory made with mkdirat and entered with
 * O_NOFOLLOW. Returns 0, -1 with errno, or 1 when path is not inside the anchor (nothing done). */
int ms_anchor_mkdir_p(const char *path, unsigned mode);

#endif
