/* Writing gnuplot scripts and running gnuplot, and making its SVG (and lstopo's) fit to
 * inline in one HTML page. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dir_anchor.h"
#include "plots.h"
#include "subprocess.h"
#include "trusted_env.h"
#include "util.h"

#ifndef MMAPSUITE_GNUPLOT
#define MMAPSUITE_GNUPLOT "/usr/bin/gnuplot"
#endif

/* Starts gnuplot: $MMAPSUITE_GNUPLOT, else gnuplot in $PATH, else the one the build found.
 * Its pid, or -1 with errno. */
static pid_t start_gnuplot(struct ms_spawn *gp, char *argv[])
{
	const char *env = ms_env("MMAPSUITE_GNUPLOT");
	pid_t pid = -1;
	if (env && *env) {
		argv[0] = (char *)env;
		pid = ms_spawn_start(gp);
	}
	if (pid < 0) {
		argv[0] = "gnuplot";
		gp->find = MS_SPAWN_SEARCH;
		pid = ms_spawn_start(gp);
	}
	if (pid < 0) {
		argv[0] = MMAPSUITE_GNUPLOT;
		gp->find = MS_SPAWN_PATH;
		pid = ms_spawn_start(gp);
	}
	return pid;
}

int ms_gnuplot_run(const char *dir, const char *script, char *err, size_t errlen)
{
	char *log = ms_asprintf("%s/gnuplot.log", dir);
	/* The plots directory as the run directory's writers reach it (dir_anchor.h): gnuplot
	 * runs in it and writes its outputs relative to it, its messages into gnuplot.log. */
	char leaf[64];
	int dir_fd = ms_anchor_parent(log, leaf, sizeof(leaf));
	if (dir_fd < 0) {
		snprintf(err, errlen, "cannot open %s for gnuplot: %s", dir, strerror(errno));
		free(log);
		return -1;
	}
	int fd = openat(dir_fd, leaf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	char *argv[] = { "gnuplot", (char *)script, NULL };
	struct ms_spawn gp = MS_SPAWN_INIT;
	gp.argv = argv;
	gp.fd[STDIN_FILENO] = gp.fd[STDOUT_FILENO] = null;
	gp.fd[STDERR_FILENO] = fd;
	gp.dir_fd = dir_fd;
	pid_t pid = start_gnuplot(&gp, argv);
	int start_err = errno, status = -1, rc = 0;
	if (pid >= 0)
		ms_spawn_wait(pid, &status);
	close(dir_fd);
	if (fd >= 0)
		close(fd);
	if (null >= 0)
		close(null);
	if (pid < 0 && (start_err == ENOENT || start_err == EACCES)) {
		snprintf(err, errlen, "gnuplot not found in PATH nor at %s: install the Debian "
			 "package gnuplot-nox (or run tools/deps)", MMAPSUITE_GNUPLOT);
		rc = -1;
	} else if (pid < 0) {
		snprintf(err, errlen, "cannot start gnuplot: %s", strerror(start_err));
		rc = -1;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *text = ms_read_file(log, NULL);
		char *nl = text ? strchr(text, '\n') : NULL;
		/* gnuplot's error is the last non-empty lines; keep the first for the summary. */
		if (nl)
			*nl = 0;
		snprintf(err, errlen, "gnuplot failed on %s/%s (see %s): %s", dir, script, log,
			 text && *text ? text : "no message");
		free(text);
		rc = -1;
	}
	free(log);
	return rc;
}

void ms_gnuplot_string(struct ms_text *t, const char *s)
{
	ms_text_puts(t, "'");
	for (; s && *s; s++) {
		if (*s == '\'')
			ms_text_puts(t, "''");
		else if (*s == '\n')
			ms_text_puts(t, " ");
		else
			ms_text_put(t, s, 1);
	}
	ms_text_puts(t, "'");
}

void ms_gnuplot_set_text(struct ms_text *t, const char *what, const char *text)
{
	ms_text_printf(t, "set %s ", what);
	ms_gnuplot_string(t, text);
	ms_text_puts(t, "\n");
}

void ms_gnuplot_terminal(struct ms_text *t, enum ms_gnuplot_term term, const char *size,
			 const char *output)
{
	if (term == MS_GNUPLOT_SVG)
		ms_text_printf(t, "set terminal svg size %s dynamic noenhanced font 'sans,11' ", size);
	else
		ms_text_printf(t, "set terminal pngcairo size %s noenhanced font 'sans,10' ", size);
	ms_text_puts(t, "background '#ffffff'\nset output ");
	ms_gnuplot_string(t, output);
	ms_text_puts(t, "\n");
}

void ms_gnuplot_series(struct ms_text *t, size_t n, const struct ms_gnuplot_series *s)
{
	ms_text_puts(t, n ? ", \\\n  " : "plot \\\n  ");
	ms_gnuplot_string(t, s->data);
	ms_text_printf(t, " index %zu %s", s->index, s->style);
	if (s->dash)
		ms_text_printf(t, " dt %d", s->dash);
	if (s->colour)
		ms_text_printf(t, " lc rgb '%s'", s->colour);
	ms_text_puts(t, " title ");
	ms_gnuplot_string(t, s->title);
}

void ms_gnuplot_plot_end(struct ms_text *t)
{
	ms_text_puts(t, "\n");
}

static bool starts(const char *p, const char *prefix)
{
	return strncmp(p, prefix, strlen(prefix)) == 0;
}

/* SVG text made fit to inline in HTML: the XML prolog dropped, every id prefixed (several
 * plots on one page would otherwise share ids), lstopo's "px" in viewBox removed, and attrs
 * added to the root element. Returns NULL if there is no <svg> element. */
static char *ms_svg_inline(const char *svg, const char *id_prefix, const char *attrs)
{
	const char *p = strstr(svg, "<svg");
	if (!p)
		return NULL;
	static const char *const refs[] = { "id='", "id=\"", "href='#", "href=\"#", "url(#" };
	struct ms_text t = { 0 };
	ms_text_puts(&t, "<svg");
	if (attrs) {
		ms_text_puts(&t, " ");
		ms_text_puts(&t, attrs);
	}
	p += 4;
	while (*p) {
		bool done = false;
		for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]) && !done; i++) {
			/* "id=" must start an attribute, not end one like "data-id=". */
			if (starts(p, refs[i]) && (i > 1 || p[-1] == ' ' || p[-1] == '\t' ||
						  p[-1] == '\n')) {
				ms_text_puts(&t, refs[i]);
				ms_text_puts(&t, id_prefix);
				p += strlen(refs[i]);
				done = true;
			}
		}
		if (done)
			continue;
		if (starts(p, "viewBox='") || starts(p, "viewBox=\"")) {
			char quote = p[8];
			ms_text_put(&t, p, 9);
			p += 9;
			while (*p && *p != quote) {
				if (starts(p, "px"))
					p += 2;
				else
					ms_text_put(&t, p++, 1);
			}
			continue;
		}
		ms_text_put(&t, p++, 1);
	}
	return t.data;
}

char *ms_svg_inline_file(const char *path, const char *id_prefix, const char *attrs)
{
	char *text = ms_read_file(path, NULL);
	if (!text)
		return NULL;
	char *svg = ms_svg_inline(text, id_prefix, attrs);
	free(text);
	return svg;
}
