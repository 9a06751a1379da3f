#include "expect.h"
#include "env.h"
#include "place.h"
#include "renames.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *const keys[] = { "fs", "kernel", "arch", "message", "reason" };
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

struct parser {
	const char *file;
	int line;
	char *err;
	size_t errlen;
	bool failed;
};

static int bad(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct parser *p, const char *fmt, ...)
{
	if (p->failed)
		return -1;
	int n = snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->line);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	p->failed = true;
	return -1;
}

/* Reads one word at *s: a bare run of non-blank characters, or (after key=) a double-quoted
 * value. Returns the value (caller frees) and advances *s, or NULL after bad(). */
static char *read_value(struct parser *p, const char **s, const char *what)
{
	const char *q = *s;
	if (*q != '"') {
		const char *end = q;
		while (*end && !isspace((unsigned char)*end)) {
			if (*end == '"')
				return bad(p, "%s: a quote inside an unquoted value; quote the whole "
					   "value (%s=\"...\")", what, what), NULL;
			end++;
		}
		*s = end;
		return strndup(q, (size_t)(end - q));
	}
	q++;
	size_t cap = strlen(q) + 1, n = 0;
	char *out = ms_malloc(cap);
	for (;;) {
		if (!*q) {
			free(out);
			return bad(p, "%s: the quoted value is not closed (missing '\"')", what), NULL;
		}
		if (*q == '"')
			break;
		if (*q == '\\' && (q[1] == '"' || q[1] == '\\')) {
			out[n++] = q[1];
			q += 2;
			continue;
		}
		out[n++] = *q++;
	}
	out[n] = 0;
	q++;
	if (*q && !isspace((unsigned char)*q)) {
		free(out);
		return bad(p, "%s: text right after the closing quote; put a space between values",
			   what), NULL;
	}
	*s = q;
	return out;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return true;
	return false;
}

/* Why fnmatch() would not read glob as meant, or NULL: an unclosed '[' (or '[:', '[.', '[=')
 * is taken as a literal character and a trailing '\\' matches nothing, so such a line would
 * silently match no test. */
static const char *glob_problem(const char *glob)
{
	for (const char *p = glob; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return "ends in a lone '\\'";
			p++;
			continue;
		}
		if (*p != '[')
			continue;
		const char *q = p + 1;
		if (*q == '!' || *q == '^')
			q++;
		if (*q == ']') /* first in the set: a literal ']' */
			q++;
		for (; *q && *q != ']'; q++) {
			if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
				const char kind = q[1], *end = q + 2;
				while (*end && !(end[0] == kind && end[1] == ']'))
					end++;
				if (!*end)
					return "has a '[' with no closing ']'";
				q = end + 1;
			} else if (*q == '\\' && q[1]) {
				q++;
			}
		}
		if (!*q)
			return "has a '[' with no closing ']'";
		p = q;
	}
	return NULL;
}

/* Parses one line (without its newline) into *x. Returns 1 for an entry, 0 for a blank or
 * comment line, -1 after bad(). */
static int parse_line(struct parser *p, const char *s, bool allow_placeholder,
		      struct ms_expectation *x)
{
	char *vals[N_KEYS] = { 0 };
	memset(x, 0, sizeof(*x));
	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == '#')
		return 0;
	const char *start = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	char *test = ms_strndup(start, (size_t)(s - start));
	if (strchr(test, '=')) {
		bad(p, "the line must start with a test glob (suite/test, e.g. fault_counts/*), not "
		       "'%s'", test);
		goto fail;
	}
	if (strchr(test, '"')) {
		bad(p, "the test glob '%s' holds a quote; test names have none", test);
		goto fail;
	}
	const char *problem = glob_problem(test);
	if (problem) {
		bad(p, "the test glob '%s' %s (write \\[ for a literal '['): it would match no "
		       "test", test, problem);
		goto fail;
	}
	if (!strchr(test, '/')) {
		bad(p, "the test glob '%s' has no '/': write suite/test (e.g. fault_counts/%s)", test,
		    test);
		goto fail;
	}
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			break;
		const char *eq = s;
		while (*eq && *eq != '=' && !isspace((unsigned char)*eq))
			eq++;
		if (*eq != '=') {
			bad(p, "expected KEY=VALUE, found '%.*s' (keys: fs, kernel, arch, message, "
			       "reason)", (int)(eq - s), s);
			goto fail;
		}
		size_t k;
		for (k = 0; k < N_KEYS; k++)
			if (strlen(keys[k]) == (size_t)(eq - s) && !strncmp(keys[k], s, (size_t)(eq - s)))
				break;
		if (k == N_KEYS) {
			bad(p, "unknown key '%.*s' (keys: fs, kernel, arch, message, reason)",
			    (int)(eq - s), s);
			goto fail;
		}
		if (vals[k]) {
			bad(p, "%s= given twice", keys[k]);
			goto fail;
		}
		s = eq + 1;
		vals[k] = read_value(p, &s, keys[k]);
		if (!vals[k])
			goto fail;
		if (!vals[k][0]) {
			bad(p, "%s= is empty%s", keys[k],
			    k == N_KEYS - 1 ? ": say why the deviation is known, with its evidence"
					    : "; leave the key out to match any");
			goto fail;
		}
		if (has_control(vals[k])) {
			bad(p, "%s= holds a control character", keys[k]);
			goto fail;
		}
		problem = k == N_KEYS - 1 ? NULL : glob_problem(vals[k]); /* reason is text */
		if (problem) {
			bad(p, "%s=: the pattern '%s' %s (write \\[ for a literal '['): the line "
			       "would match nothing", keys[k], vals[k], problem);
			goto fail;
		}
	}
	char *reason = vals[N_KEYS - 1];
	if (!reason) {
		bad(p, "reason=\"...\" is missing: every known deviation says why, with its "
		       "evidence");
		goto fail;
	}
	const char *r = reason;
	while (isspace((unsigned char)*r))
		r++;
	if (!*r) {
		bad(p, "reason= is blank: say why the deviation is known, with its evidence");
		goto fail;
	}
	if (!allow_placeholder && !strncasecmp(r, MS_EXPECT_PLACEHOLDER,
					       strlen(MS_EXPECT_PLACEHOLDER))) {
		bad(p, "the reason is still the placeholder written by `mmapsuite expect --from` "
		       "(\"%.60s\"): replace it with the evidence that this is a known deviation",
		    r);
		goto fail;
	}
	*x = (struct ms_expectation){ .test = test, .fs = vals[0], .kernel = vals[1],
				      .arch = vals[2], .message = vals[3], .reason = reason,
				      .line = p->line };
	return 1;
fail:
	free(test);
	for (size_t k = 0; k < N_KEYS; k++)
		free(vals[k]);
	return -1;
}

static void free_entries(struct ms_expectation *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].test), free(v[i].fs), free(v[i].kernel), free(v[i].arch);
		free(v[i].message), free(v[i].reason);
	}
	free(v);
}

int ms_expect_parse(struct ms_expect *e, const char *file, const char *text,
		    bool allow_placeholder, char *err, size_t errlen)
{
	struct parser p = { .file = file, .err = err, .errlen = errlen };
	struct ms_expectation *v = NULL;
	size_t n = 0, cap = 0;
	const char *s = text;
	while (*s) {
		p.line++;
		size_t len = strcspn(s, "\n");
		char *line = ms_strndup(s, len);
		if (len && line[len - 1] == '\r')
			line[len - 1] = 0;
		struct ms_expectation x;
		int rc = parse_line(&p, line, allow_placeholder, &x);
		free(line);
		if (rc < 0) {
			free_entries(v, n);
			return -1;
		}
		if (rc > 0) {
			if (n == cap)
				v = ms_realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*v));
			v[n++] = x;
		}
		s += len;
		if (*s == '\n')
			s++;
	}
	memset(e, 0, sizeof(*e));
	e->file = ms_strdup(file);
	e->v = v;
	e->n = n;
	struct utsname u;
	e->kernel = ms_strdup(uname(&u) == 0 ? u.release : "");
	char machine[65]; /* the program's machine: armv8l for armhf on an arm64 kernel */
	ms_place_machine(machine, sizeof(machine));
	e->arch = ms_strdup(machine);
	return 0;
}

/* What a file of this mode is, for the message refusing it. */
static const char *file_kind(mode_t mode)
{
	return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO" :
	       S_ISCHR(mode) ? "a character device" : S_ISBLK(mode) ? "a block device" :
	       S_ISSOCK(mode) ? "a socket" : "not a regular file";
}

/* The whole file, when it is a regular file of at most MS_EXPECT_MAX_BYTES: /dev/zero would
 * grow without end and a FIFO would block (opened O_NONBLOCK, so the open does not wait for a
 * writer). NULL with err set. */
static char *read_expect_file(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MS_EXPECT_MAX_BYTES) {
		if (S_ISREG(st.st_mode))
			snprintf(err, errlen, "%s: %lld bytes; an expectation file holds at most %d "
				 "(4 MiB)", path, (long long)st.st_size, MS_EXPECT_MAX_BYTES);
		else
			snprintf(err, errlen, "%s: %s, not a regular file: an expectation file is a "
				 "regular file of at most 4 MiB", path, file_kind(st.st_mode));
		close(fd);
		return NULL;
	}
	char *text = ms_malloc(MS_EXPECT_MAX_BYTES + 2);
	size_t used = 0;
	for (;;) {
		ssize_t n = read(fd, text + used, MS_EXPECT_MAX_BYTES + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			close(fd), free(text);
			return NULL;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > MS_EXPECT_MAX_BYTES) { /* it grew while being read */
			snprintf(err, errlen, "%s: more than %d bytes (4 MiB), the most an "
				 "expectation file holds", path, MS_EXPECT_MAX_BYTES);
			close(fd), free(text);
			return NULL;
		}
	}
	close(fd);
	text[used] = 0;
	*len = used;
	return text;
}

int ms_expect_load(struct ms_expect *e, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *text = read_expect_file(path, &len, err, errlen);
	if (!text)
		return -1;
	if (memchr(text, 0, len)) {
		snprintf(err, errlen, "%s: holds a NUL byte: not an expectation file", path);
		free(text);
		return -1;
	}
	int rc = ms_expect_parse(e, path, text, false, err, errlen);
	free(text);
	return rc;
}

void ms_expect_free(struct ms_expect *e)
{
	if (!e)
		return;
	free_entries(e->v, e->n);
	free(e->file), free(e->kernel), free(e->arch);
	memset(e, 0, sizeof(*e));
}

static bool glob_ok(const char *glob, const char *value)
{
	return !glob || fnmatch(glob, value ? value : "", 0) == 0;
}

const struct ms_expectation *ms_expect_match(const struct ms_expect *e,
					     const struct ms_conformance *c, const char *fs_type)
{
	if (!e || (c->outcome != MS_FAIL && c->outcome != MS_PASS))
		return NULL;
	char *name = ms_asprintf("%s/%s", c->suite, c->test);
	/* A line written before the test was renamed or split names it by an earlier name
	 * (lib/renames.def): it still matches, each variant of a split test alike. */
	const char *earlier[16];
	size_t n_earlier = ms_renamed_from(name, earlier, sizeof(earlier) / sizeof(earlier[0]));
	if (n_earlier > sizeof(earlier) / sizeof(earlier[0]))
		n_earlier = sizeof(earlier) / sizeof(earlier[0]);
	const struct ms_expectation *hit = NULL;
	for (size_t i = 0; i < e->n && !hit; i++) {
		const struct ms_expectation *x = &e->v[i];
		bool test_ok = glob_ok(x->test, name);
		for (size_t k = 0; k < n_earlier && !test_ok; k++)
			test_ok = glob_ok(x->test, earlier[k]);
		if (test_ok && (glob_ok(x->fs, c->fs) || (fs_type && glob_ok(x->fs, fs_type))) &&
		    glob_ok(x->kernel, e->kernel) && glob_ok(x->arch, e->arch) &&
		    (c->outcome == MS_PASS || glob_ok(x->message, c->message)))
			hit = x;
	}
	free(name);
	return hit;
}

size_t ms_expect_apply(const struct ms_expect *e, struct ms_run *run, size_t from)
{
	size_t changed = 0;
	for (size_t i = from; e && i < run->n_conformance; i++) {
		struct ms_conformance *c = &run->conformance[i];
		const struct ms_expectation *x =
			ms_expect_match(e, c, ms_env_fs_type(run->environment, c->fs));
		if (!x)
			continue;
		c->outcome = c->outcome == MS_FAIL ? MS_XFAIL : MS_XPASS;
		free(c->expect_reason), free(c->expect_file);
		c->expect_reason = ms_strdup(x->reason);
		c->expect_file = ms_strdup(e->file);
		c->expect_line = x->line;
		changed++;
	}
	return changed;
}

/* value as the file holds it: bare when it has no blank, quote, '#' or backslash. */
static void put_value(char **out, size_t *n, size_t *cap, const char *key, const char *v)
{
	bool quote = !*v || *v == '#';
	for (const char *s = v; *s; s++)
		quote |= isspace((unsigned char)*s) || *s == '"' || *s == '\\';
	size_t need = strlen(key) + 2 * strlen(v) + 8;
	if (*n + need >= *cap)
		*out = ms_realloc(*out, *cap = (*n + need) * 2);
	*n += (size_t)sprintf(*out + *n, " %s=", key);
	if (quote)
		(*out)[(*n)++] = '"';
	for (const char *s = v; *s; s++) {
		if (quote && (*s == '"' || *s == '\\'))
			(*out)[(*n)++] = '\\';
		(*out)[(*n)++] = *s;
	}
	if (quote)
		(*out)[(*n)++] = '"';
	(*out)[*n] = 0;
}

char *ms_expect_format(const char *test, const char *fs, const char *kernel, const char *arch,
		       const char *message, const char *reason)
{
	size_t cap = strlen(test) + 64, n = strlen(test);
	char *out = ms_malloc(cap);
	memcpy(out, test, n + 1);
	const char *vals[] = { fs, kernel, arch, message, reason };
	for (size_t k = 0; k < N_KEYS; k++)
		if (vals[k])
			put_value(&out, &n, &cap, keys[k], vals[k]);
	return out;
}

/* A run of hex digits worth hiding: 0x..., or 8 or more hex digits with a digit among them
 * (an address in a /proc/self/maps line). Returns its length, 0 if none at s. */
static size_t address_at(const char *s, const char *start)
{
	if (s > start && isalnum((unsigned char)s[-1]))
		return 0;
	size_t n = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
		n = 2;
		while (isxdigit((unsigned char)s[n]))
			n++;
		return n;
	}
	bool digit = false;
	while (isxdigit((unsigned char)s[n]))
		digit |= isdigit((unsigned char)s[n++]);
	return n >= 8 && digit && !isalnum((unsigned char)s[n]) ? n : 0;
}

char *ms_expect_message_glob(const char *message)
{
	const char *m = message ? message : "";
	size_t len = strcspn(m, "\n"); /* the trailing '*' covers the rest */
	if (len > 160)
		len = 160;
	char *out = ms_malloc(2 * len + 4);
	size_t n = 0;
	out[n++] = '*';
	for (size_t i = 0; i < len;) {
		size_t a = address_at(m + i, m);
		if (a) {
			if (out[n - 1] != '*')
				out[n++] = '*';
			i += a;
			continue;
		}
		char ch = m[i++];
		if ((unsigned char)ch < 0x20) {
			if (out[n - 1] != '*')
				out[n++] = '*';
			continue;
		}
		if (ch == '*' || ch == '?' || ch == '[' || ch == '\\')
			out[n++] = '\\';
		out[n++] = ch;
	}
	if (out[n - 1] != '*')
		out[n++] = '*';
	out[n] = 0;
	return out;
}
