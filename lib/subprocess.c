#include "subprocess.h"
#include "exec_self.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

/* Whether environment entry e ("NAME=value") is named by change ("NAME" or "NAME=..."). */
static bool same_name(const char *e, const char *change)
{
	size_t n = strcspn(change, "=");
	return strncmp(e, change, n) == 0 && e[n] == '=';
}

/* Our environment with the changes applied: a new array of borrowed strings (free the array
 * only), or NULL. */
static char **changed_env(const char *const *changes)
{
	size_t n = 0, k = 0, c = 0;
	while (environ[n])
		n++;
	while (changes[c])
		c++;
	char **env = calloc(n + c + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool changed = false;
		for (size_t j = 0; j < c && !changed; j++)
			changed = same_name(environ[i], changes[j]);
		if (!changed)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < c; j++)
		if (strchr(changes[j], '='))
			env[k++] = (char *)changes[j];
	env[k] = NULL;
	return env;
}

static int set_up(const struct ms_spawn *s, posix_spawn_file_actions_t *fa,
		  posix_spawnattr_t *attr)
{
	int err = 0;
	for (int i = 0; i < 3 && !err; i++)
		if (s->fd[i] >= 0)
			err = posix_spawn_file_actions_adddup2(fa, s->fd[i], i);
	if (!err && s->dir_fd >= 0)
		err = posix_spawn_file_actions_addfchdir_np(fa, s->dir_fd);
	if (!err && s->default_signals) {
		sigset_t all, none;
		sigfillset(&all);
		sigdelset(&all, SIGKILL);
		sigdelset(&all, SIGSTOP);
		sigemptyset(&none);
		err = posix_spawnattr_setsigdefault(attr, &all);
		if (!err)
			err = posix_spawnattr_setsigmask(attr, &none);
		if (!err)
			err = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGDEF |
						       POSIX_SPAWN_SETSIGMASK);
	}
	return err;
}

pid_t ms_spawn_start(const struct ms_spawn *s)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char **own_env = s->env ? changed_env(s->env) : NULL;
	char **env = s->env ? own_env : environ;
	const char **full = NULL;
	char *const *argv = s->argv;
	const char *path = s->argv[0];
	pid_t pid = -1;
	int err = env ? 0 : ENOMEM;

	if (!err && s->find == MS_SPAWN_SELF) {
		size_t n = 0;
		while (s->argv[n])
			n++;
		full = calloc(n + 7, sizeof(*full));
		int k = full ? ms_loader_argv(path, s->argv, full, n + 7) : -1;
		if (k < 0)
			err = ENOMEM;
		else if (k > 0)
			argv = (char *const *)full, path = full[0];
	}
	if (!err) {
		posix_spawn_file_actions_init(&fa);
		posix_spawnattr_init(&attr);
		err = set_up(s, &fa, &attr);
		if (!err && s->find == MS_SPAWN_SEARCH)
			err = posix_spawnp(&pid, path, &fa, &attr, argv, env);
		else if (!err)
			err = posix_spawn(&pid, path, &fa, &attr, argv, env);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&attr);
	}
	free(full);
	free(own_env);
	if (err) {
		errno = err;
		return -1;
	}
	return pid;
}

int ms_spawn_wait(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

int ms_exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int ms_spawn_run(const struct ms_spawn *s)
{
	int status;
	pid_t pid = ms_spawn_start(s);
	if (pid < 0 || ms_spawn_wait(pid, &status) < 0)
		return -1;
	return ms_exit_code(status);
}
