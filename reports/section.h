/* A section of the report. summary.md and index.html render the same list of sections
 * (sections.def) in its one order; each section is one declaration beside its code:
 *
 *	const struct ms_section ms_section_NAME = {
 *		.id = "html-id", .title = "Title", .nav = true,
 *		.build = build, .free = free_model,
 *		.render = render,  (or .markdown = ..., .html = ...)
 *	};
 *
 * The builder computes what both formats show once per report (a table model, the pairs of
 * mmap against read()); the renderer writes it as Markdown or HTML, its prose written once
 * (ms_section_prose: one text, both formats). */
#ifndef MMAPSUITE_REPORTS_SECTION_H
#define MMAPSUITE_REPORTS_SECTION_H

#include <stdbool.h>

#include "plots.h"
#include "results.h"
#include "text.h"

enum ms_format { MS_MARKDOWN, MS_HTML };

/* What a section may read: the run, and for index.html its drawn plots and topology. */
struct ms_report_input {
	const struct ms_run *run;
	const struct ms_plot_set *plots;  /* drawn before any section renders */
	const char *topology_svg, *topology_note;
};

struct ms_section {
	const char *id;     /* the id of its <section> in index.html, the navigation's target */
	const char *title;  /* its heading (ms_section_open) and navigation link */
	bool nav;           /* linked from index.html's navigation bar */
	/* Optional: what both renderers read, built once per report; NULL is a valid model. */
	void *(*build)(const struct ms_report_input *in);
	void (*free)(void *model); /* optional */
	/* Either one renderer for both formats (prose written once, the format a parameter)... */
	void (*render)(const struct ms_report_input *in, void *model, enum ms_format f,
		       struct ms_text *t);
	/* ... or one per format, where the two show different things (summary.md a table of
	 * totals, index.html the matrix); NULL: the section shows nothing in that format. */
	void (*markdown)(const struct ms_report_input *in, void *model, struct ms_text *t);
	void (*html)(const struct ms_report_input *in, void *model, struct ms_text *t);
};

#define MS_SECTION(name, file) extern const struct ms_section ms_section_##name;
#include "sections.def"
#undef MS_SECTION

/* The sections' models, built once for both formats. */
struct ms_report_models;
struct ms_report_models *ms_sections_build(const struct ms_report_input *in);
void ms_sections_free(struct ms_report_models *m);
/* Every section in order, in format f. */
void ms_sections_render(const struct ms_report_input *in, const struct ms_report_models *m,
			enum ms_format f, struct ms_text *t);
/* index.html's navigation links, from the table (the sections with nav). */
void ms_sections_nav(struct ms_text *t);

/* The heading of a section: "### Title" in Markdown; <section id><h2>Title</h2> in HTML
 * (ms_section_close ends it). */
void ms_section_open(const struct ms_section *s, enum ms_format f, struct ms_text *t);
void ms_section_close(enum ms_format f, struct ms_text *t);
/* A paragraph of prose in a small Markdown subset (`code`, **bold**): as is, then a blank
 * line, in Markdown; in HTML escaped, in <p> (with attrs inside the tag when not NULL),
 * `code` as <code>, **bold** as <b>. */
void ms_section_prose(enum ms_format f, const char *attrs, const char *prose, struct ms_text *t);
/* The same inline text without the paragraph around it. */
void ms_section_inline(enum ms_format f, const char *prose, struct ms_text *t);

#endif
