#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void reserve(struct ms_text *t, size_t more)
{
	if (t->len + more + 1 <= t->cap)
		return;
	size_t cap = t->cap ? t->cap : 4096;
	while (cap < t->len + more + 1)
		cap *= 2;
	t->data = ms_realloc(t->data, cap);
	t->cap = cap;
}

void ms_text_put(struct ms_text *t, const char *s, size_t n)
{
	reserve(t, n);
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = 0;
}

void ms_text_puts(struct ms_text *t, const char *s)
{
	if (s)
		ms_text_put(t, s, strlen(s));
}

void ms_text_printf(struct ms_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	reserve(t, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

void ms_text_xml(struct ms_text *t, const char *s)
{
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&': ms_text_puts(t, "&amp;"); break;
		case '<': ms_text_puts(t, "&lt;"); break;
		case '>': ms_text_puts(t, "&gt;"); break;
		case '"': ms_text_puts(t, "&quot;"); break;
		case '\'': ms_text_puts(t, "&#39;"); break;
		default:
			if (*p < 0x20 && *p != '\t' && *p != '\n')
				ms_text_puts(t, "\xef\xbf\xbd");
			else
				ms_text_put(t, (const char *)p, 1);
		}
	}
}

void ms_text_html(struct ms_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = fmt; *p;) {
		size_t plain = strcspn(p, "%");
		ms_text_put(t, p, plain);
		p += plain;
		if (!*p)
			break;
		if (p[1] == 's')
			ms_text_xml(t, va_arg(ap, const char *));
		else if (p[1] == '%')
			ms_text_put(t, "%", 1);
		else
			abort(); /* a template the code wrote wrong, not input */
		p += 2;
	}
	va_end(ap);
}

void ms_text_md_cell(struct ms_text *t, const char *s, size_t max)
{
	if (!s)
		return;
	size_t n = 0;
	for (const char *p = s; *p; p++, n++) {
		if (n >= max) {
			ms_text_puts(t, "...");
			return;
		}
		if (*p == '|')
			ms_text_puts(t, "\\|");
		else if (*p == '\n' && p[1])
			ms_text_puts(t, "<br>"); /* GitHub and GitLab tables keep the line break */
		else if (*p == '\n' || *p == '\r' || *p == '\t')
			ms_text_puts(t, " ");
		else if (*p == '<')
			ms_text_puts(t, "&lt;");
		else
			ms_text_put(t, p, 1);
	}
}

void ms_text_free(struct ms_text *t)
{
	free(t->data);
	t->data = NULL;
	t->len = t->cap = 0;
}

int ms_text_save(const struct ms_text *t, const char *path)
{
	return ms_write_file_atomic(path, t->data ? t->data : "", t->len);
}

char *ms_first_line(const char *s, size_t max)
{
	if (!s)
		return ms_strdup("");
	size_t n = strcspn(s, "\n");
	if (n > max)
		n = max;
	char *r = ms_malloc(n + 1);
	memcpy(r, s, n);
	r[n] = 0;
	return r;
}
