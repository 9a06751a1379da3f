/* Under the relocatable bundle's launcher (tools/bundle) this program runs as an argument of
 * the bundled ELF loader, so /proc/self/exe is the loader. Criterion reads that link twice:
 * to find its test sections in the executable's file, and to start each test's worker process
 * by execve(). These two definitions take the place of libc's for the shared libraries
 * (libcriterion): while the launcher's variables are set, /proc/self/exe reads as this
 * program, and an execve() of this program goes through the bundled loader and libraries.
 * Without those variables both are plain system calls. */
#include "exec_self.h"
#include "trusted_env.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size);
int execve(const char *path, char *const argv[], char *const envp[]);

/* The program's path when the launcher started it, else NULL. No malloc: execve() may run in
 * the child of a fork of a threaded process. */
static const char *bundled_self(char *prog, size_t size)
{
	const char *dir = ms_env("MMAPSUITE_LIBEXEC");
	if (!dir || !*dir || !ms_env("MMAPSUITE_LOADER") || !ms_env("MMAPSUITE_LIBRARY_PATH"))
		return NULL;
	snprintf(prog, size, "%s/mmapsuite-conform", dir);
	return prog;
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
	char prog[PATH_MAX];
	if (strcmp(path, "/proc/self/exe") == 0 && bundled_self(prog, sizeof(prog))) {
		size_t n = strlen(prog);
		if (n > size)
			n = size;
		memcpy(buf, prog, n); /* like readlink(2): no terminating NUL */
		return (ssize_t)n;
	}
	return syscall(SYS_readlinkat, AT_FDCWD, path, buf, size); /* arm64 has no SYS_readlink */
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	char prog[PATH_MAX];
	const char *full[40];
	if (bundled_self(prog, sizeof(prog)) && strcmp(path, prog) == 0 &&
	    ms_loader_argv(prog, argv, full, sizeof(full) / sizeof(full[0])) > 0)
		return (int)syscall(SYS_execve, full[0], full, envp);
	return (int)syscall(SYS_execve, path, argv, envp);
}
