/* The environment section: everything env capture recorded, rendered generically (so a new
 * field shows up without a change here), with the topology drawn by hwloc's lstopo. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html.h"
#include "model.h"
#include "section.h"
#include "util.h"

static void render_value(json_t *v, struct ms_text *t, int depth);

static void scalar(json_t *v, struct ms_text *t)
{
	if (json_is_string(v))
		ms_text_xml(t, json_string_value(v));
	else if (json_is_true(v))
		ms_text_puts(t, "yes");
	else if (json_is_false(v))
		ms_text_puts(t, "no");
	else if (json_is_null(v))
		ms_text_puts(t, "<i>unknown</i>");
	else if (json_is_integer(v))
		ms_text_printf(t, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		ms_text_printf(t, "%g", json_real_value(v));
}

static bool all_objects(json_t *array)
{
	size_t i;
	json_t *item;
	json_array_foreach(array, i, item)
		if (!json_is_object(item))
			return false;
	return json_array_size(array) > 0;
}

/* An array of objects (file systems, caches) as a table with the union of their keys. */
static void object_table(json_t *array, struct ms_text *t, int depth)
{
	json_t *keys = json_array();
	size_t i;
	json_t *item;
	json_array_foreach(array, i, item) {
		const char *key;
		json_t *v;
		json_object_foreach(item, key, v) {
			(void)v;
			bool seen = false;
			for (size_t k = 0; k < json_array_size(keys); k++)
				seen |= strcmp(json_string_value(json_array_get(keys, k)), key) == 0;
			if (!seen)
				json_array_append_new(keys, json_string(key));
		}
	}
	ms_text_puts(t, "<table><thead><tr>");
	for (size_t k = 0; k < json_array_size(keys); k++) {
		ms_text_puts(t, "<th>");
		ms_text_xml(t, json_string_value(json_array_get(keys, k)));
		ms_text_puts(t, "</th>");
	}
	ms_text_puts(t, "</tr></thead><tbody>\n");
	json_array_foreach(array, i, item) {
		ms_text_puts(t, "<tr>");
		for (size_t k = 0; k < json_array_size(keys); k++) {
			ms_text_puts(t, "<td>");
			json_t *v = json_object_get(item, json_string_value(json_array_get(keys, k)));
			if (v)
				render_value(v, t, depth + 1);
			ms_text_puts(t, "</td>");
		}
		ms_text_puts(t, "</tr>\n");
	}
	ms_text_puts(t, "</tbody></table>");
	json_decref(keys);
}

static void render_value(json_t *v, struct ms_text *t, int depth)
{
	if (json_is_object(v)) {
		if (depth > 4) {
			char *s = json_dumps(v, JSON_COMPACT);
			ms_text_xml(t, s);
			free(s);
			return;
		}
		ms_text_puts(t, "<dl class=\"env\">");
		const char *key;
		json_t *item;
		json_object_foreach(v, key, item) {
			if (strcmp(key, "xml") == 0)
				continue; /* the topology XML is drawn, not printed */
			ms_text_puts(t, "<dt>");
			ms_text_xml(t, key);
			ms_text_puts(t, "</dt><dd>");
			render_value(item, t, depth + 1);
			ms_text_puts(t, "</dd>");
		}
		ms_text_puts(t, "</dl>");
	} else if (json_is_array(v)) {
		if (all_objects(v)) {
			object_table(v, t, depth);
			return;
		}
		size_t i;
		json_t *item;
		if (!json_array_size(v))
			ms_text_puts(t, "<i>none</i>");
		json_array_foreach(v, i, item) {
			if (i)
				ms_text_puts(t, ", ");
			render_value(item, t, depth + 1);
		}
	} else {
		scalar(v, t);
	}
}

static void environment_html(const struct ms_report_input *in, void *model, struct ms_text *t)
{
	const struct ms_run *run = in->run;
	const char *topology_svg = in->topology_svg, *topology_note = in->topology_note;

	(void)model;
	ms_text_puts(t, "<section id=\"environment\"><h2>Environment</h2>\n<div class=\"topology\" "
			"id=\"topology\"><h3>Topology (hwloc lstopo)</h3>\n");
	if (topology_svg)
		ms_text_puts(t, topology_svg);
	if (topology_note) {
		ms_text_puts(t, "<p class=\"meta\">");
		ms_text_xml(t, topology_note);
		ms_text_puts(t, "</p>");
	}
	ms_text_puts(t, "</div>\n");
	if (!run->environment || !json_object_size(run->environment)) {
		ms_text_puts(t, "<p class=\"missing\">The run recorded no environment.</p>");
	} else {
		/* Each top-level part under its own heading, in the order env capture wrote them. */
		const char *key;
		json_t *v;
		ms_text_puts(t, "<dl class=\"env\" id=\"env-facts\">");
		json_object_foreach(run->environment, key, v) {
			if (json_is_object(v) || json_is_array(v))
				continue;
			ms_text_puts(t, "<dt>");
			ms_text_xml(t, key);
			ms_text_puts(t, "</dt><dd>");
			scalar(v, t);
			ms_text_puts(t, "</dd>");
		}
		ms_text_puts(t, "</dl>\n");
		json_object_foreach(run->environment, key, v) {
			if (!json_is_object(v) && !json_is_array(v))
				continue;
			ms_text_puts(t, "<h3 id=\"env-");
			ms_text_xml(t, key);
			ms_text_puts(t, "\">");
			ms_text_xml(t, key);
			ms_text_puts(t, "</h3>\n");
			render_value(v, t, 0);
			ms_text_puts(t, "\n");
		}
	}
	char *raw = run->environment ? json_dumps(run->environment, JSON_INDENT(2)) : NULL;
	ms_text_puts(t, "<details><summary>environment as recorded (JSON)</summary><pre>");
	ms_text_xml(t, raw ? raw : "{}");
	ms_text_puts(t, "</pre></details></section>\n");
	free(raw);
}

/* The run happened on this machine: the host's own run whose id names this host. */
static bool run_is_from_here(const struct ms_run *run)
{
	char host[256] = "";
	if (!run->place || strcmp(run->place, "host") != 0 || gethostname(host, sizeof(host)) != 0)
		return false;
	char *needle = ms_asprintf("-%s-", host);
	bool here = run->id && strstr(run->id, needle);
	free(needle);
	return here;
}

char *ms_topology_svg(const struct ms_run *run, const char *plots_dir, char **note)
{
	json_t *xml = run->environment ? json_object_get(json_object_get(run->environment,
									 "topology"), "xml") : NULL;
	char *svg_path = ms_asprintf("%s/topology.svg", plots_dir);
	char *xml_path = ms_asprintf("%s/topology.xml", plots_dir);
	char *result = NULL;
	bool from_xml = json_is_string(xml);
	*note = NULL;
	if (!from_xml && !run_is_from_here(run)) {
		*note = ms_strdup("No drawing: the run recorded no hwloc XML (environment.topology.xml) "
				  "and did not happen on this machine; the summary below is what it "
				  "recorded.");
		goto out;
	}
	if (ms_mkdir_p(plots_dir, 0755) != 0 ||
	    (from_xml && ms_write_file_atomic(xml_path, json_string_value(xml),
					      strlen(json_string_value(xml))) != 0)) {
		*note = ms_asprintf("No drawing: cannot write into %s: %s", plots_dir, strerror(errno));
		goto out;
	}
	unlink(svg_path);
	const char *tools[] = { "lstopo-no-graphics", "lstopo" };
	int rc = -1;
	for (size_t i = 0; i < 2 && rc != 0; i++) {
		/* No default legend: it would print the render time and host as the run's. */
		char *argv[] = { (char *)tools[i], "--of", "svg", "-f", "--no-default-legend", NULL,
				 NULL, NULL, NULL, NULL, NULL };
		int a = 5;
		if (from_xml) {
			argv[a++] = "--if";
			argv[a++] = "xml";
			argv[a++] = "-i";
			argv[a++] = xml_path;
		}
		argv[a] = svg_path;
		rc = ms_run_quietly((const char *const *)argv);
	}
	result = rc == 0 ? ms_svg_inline_file(svg_path, "topo-", "id=\"topology-svg\" role=\"img\"")
			 : NULL;
	if (!result)
		*note = ms_strdup("No drawing: lstopo failed or is missing (install the Debian package "
				  "hwloc).");
	else
		*note = ms_strdup(from_xml ? "Drawn by lstopo from the hwloc XML the run recorded."
					 : "Drawn by lstopo on this machine, where the run happened.");
out:
	free(svg_path);
	free(xml_path);
	return result;
}

/* index.html only: summary.md names the kernel and CPU in its header. */
const struct ms_section ms_section_environment = {
	.id = "environment", .title = "Environment", .nav = true,
	.html = environment_html,
};
