/* The section table (sections.def) and what walks it for summary.md and index.html. */
#include <stdlib.h>
#include <string.h>

#include "section.h"
#include "util.h"

static const struct ms_section *const sections[] = {
#define MS_SECTION(name, file) &ms_section_##name,
#include "sections.def"
#undef MS_SECTION
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

struct ms_report_models {
	void *model[N_SECTIONS];
};

struct ms_report_models *ms_sections_build(const struct ms_report_input *in)
{
	struct ms_report_models *m = ms_calloc(1, sizeof(*m));

	for (size_t i = 0; i < N_SECTIONS; i++)
		if (sections[i]->build)
			m->model[i] = sections[i]->build(in);
	return m;
}

void ms_sections_free(struct ms_report_models *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < N_SECTIONS; i++)
		if (sections[i]->free)
			sections[i]->free(m->model[i]);
	free(m);
}

void ms_sections_render(const struct ms_report_input *in, const struct ms_report_models *m,
			enum ms_format f, struct ms_text *t)
{
	for (size_t i = 0; i < N_SECTIONS; i++) {
		const struct ms_section *s = sections[i];

		if (s->render)
			s->render(in, m->model[i], f, t);
		else if (f == MS_HTML && s->html)
			s->html(in, m->model[i], t);
		else if (f == MS_MARKDOWN && s->markdown)
			s->markdown(in, m->model[i], t);
	}
}

void ms_sections_nav(struct ms_text *t)
{
	ms_text_puts(t, "<nav>");
	for (size_t i = 0; i < N_SECTIONS; i++) {
		if (!sections[i]->nav)
			continue;
		ms_text_printf(t, "<a href=\"#%s\">", sections[i]->id);
		ms_text_xml(t, sections[i]->title);
		ms_text_puts(t, "</a>");
	}
	ms_text_puts(t, "</nav>");
}

void ms_section_open(const struct ms_section *s, enum ms_format f, struct ms_text *t)
{
	if (f == MS_MARKDOWN) {
		ms_text_printf(t, "### %s\n\n", s->title);
		return;
	}
	ms_text_printf(t, "<section id=\"%s\"><h2>", s->id);
	ms_text_xml(t, s->title);
	ms_text_puts(t, "</h2>\n");
}

void ms_section_close(enum ms_format f, struct ms_text *t)
{
	if (f == MS_HTML)
		ms_text_puts(t, "</section>\n");
}

/* HTML of the inline subset: `code` and **bold**, the rest escaped. */
static void inline_html(const char *s, struct ms_text *t)
{
	bool code = false, bold = false;

	while (*s) {
		size_t n = strcspn(s, code ? "`" : "`*"); /* `share_*` keeps its star */
		char *plain = ms_strndup(s, n);

		ms_text_xml(t, plain);
		free(plain);
		s += n;
		if (*s == '`') {
			ms_text_puts(t, code ? "</code>" : "<code>");
			code = !code;
			s++;
		} else if (s[0] == '*' && s[1] == '*') {
			ms_text_puts(t, bold ? "</b>" : "<b>");
			bold = !bold;
			s += 2;
		} else if (*s) {
			ms_text_puts(t, "*");
			s++;
		}
	}
}

void ms_section_inline(enum ms_format f, const char *prose, struct ms_text *t)
{
	if (f == MS_MARKDOWN)
		ms_text_puts(t, prose);
	else
		inline_html(prose, t);
}

void ms_section_prose(enum ms_format f, const char *attrs, const char *prose, struct ms_text *t)
{
	if (f == MS_MARKDOWN) {
		ms_text_puts(t, prose);
		ms_text_puts(t, "\n\n");
		return;
	}
	ms_text_puts(t, attrs ? "<p " : "<p>");
	if (attrs) {
		ms_text_puts(t, attrs);
		ms_text_puts(t, ">");
	}
	inline_html(prose, t);
	ms_text_puts(t, "</p>\n");
}
