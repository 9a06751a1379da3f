/* Environment capture: everything that decides a result, recorded with every run. */
#ifndef MMAPSUITE_ENV_H
#define MMAPSUITE_ENV_H

#include <jansson.h>

/* Kernel, CPU, hwloc topology, memory, THP, vm sysctls, perf events (tried for real),
 * /dev/mem, KVM, privileges, kernel policy (every setting the tests consult, with value and
 * source, and which behaviours it switches off: policy.h). File systems under test are added by the harness with
 * ms_env_add_filesystem(). */
json_t *ms_env_capture(void);

/* Appends {label, type, path, source, options} for the file system holding path to
 * env["filesystems"]. */
void ms_env_add_filesystem(json_t *env, const char *label, const char *path);
/* The type env["filesystems"] records for the file system labelled label ("tmpfs" for
 * dir:/dev/shm), or NULL. */
const char *ms_env_fs_type(const json_t *env, const char *label);

/* Type (e.g. "ext4") and mount options of the mount containing path, from
 * /proc/self/mountinfo. Returns 0, or -1 if not found. Caller frees both. */
int ms_mount_of(const char *path, char **fstype, char **options, char **source);

#endif
