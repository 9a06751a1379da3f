/* Running the suite's own programs (mmapsuite-conform beside mmapsuite): where they are, and
 * the argument vector that makes one meet the same loader and libraries as this program, so
 * that a child never meets the system's loader (subprocess.h's MS_SPAWN_SELF). Under the
 * relocatable bundle's launcher (tools/bundle) the programs run as arguments of the bundled
 * ELF loader. Plain C with nothing else from lib/ but trusted_env, so the conformance test
 * binary links it too (suites/bundle_exec.c). */
#ifndef MMAPSUITE_EXEC_SELF_H
#define MMAPSUITE_EXEC_SELF_H

#include <stddef.h>

/* Directory holding the running mmapsuite binary (and mmapsuite-conform beside it). Under
 * the bundle's launcher /proc/self/exe is the bundled ELF loader, so the launcher names the
 * directory in $MMAPSUITE_LIBEXEC. */
const char *ms_self_dir(void);

/* The argument vector that runs program path with argv through the bundled loader:
 * "loader --library-path LIBS --argv0 ARGV0 PATH ARGV[1..]", NULL-terminated, into full
 * (cap entries; argc + 6 are needed). Returns the number of entries before the NULL; 0 when
 * the launcher set no loader ($MMAPSUITE_LOADER and $MMAPSUITE_LIBRARY_PATH), so path runs
 * directly; -1 when cap is too small. Allocates nothing: safe in the child of a fork of a
 * threaded process, and in an execve() that stands in for libc's. */
int ms_loader_argv(const char *path, char *const argv[], const char **full, size_t cap);

#endif
