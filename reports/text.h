/* Growing text buffers and the escaping every output format needs. Reports are built in
 * memory and written once, atomically, so a reader never sees half a page. */
#ifndef MMAPSUITE_REPORTS_TEXT_H
#define MMAPSUITE_REPORTS_TEXT_H

#include <stdarg.h>
#include <stddef.h>

struct ms_text {
	char *data;
	size_t len, cap;
};

void ms_text_printf(struct ms_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ms_text_put(struct ms_text *t, const char *s, size_t n);
void ms_text_puts(struct ms_text *t, const char *s);
/* Escaped for XML and HTML text and attribute values; characters XML 1.0 forbids (control
 * characters other than tab and newline) become U+FFFD so a crash message never breaks the
 * document. */
void ms_text_xml(struct ms_text *t, const char *s);
/* HTML from a template: fmt's text as it is, each %s the next argument escaped as
 * ms_text_xml does (NULL: nothing), %% a '%'. No other conversion: format numbers with
 * ms_text_printf. */
void ms_text_html(struct ms_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For Markdown table cells: '|' escaped, newlines as <br>, cut to max bytes ("..."). */
void ms_text_md_cell(struct ms_text *t, const char *s, size_t max);
void ms_text_free(struct ms_text *t);
/* Writes the buffer to path atomically. Returns 0, or -1 with errno. */
int ms_text_save(const struct ms_text *t, const char *path);

/* First line of s, at most max bytes, into a new string. */
char *ms_first_line(const char *s, size_t max);

#endif
