/* Counter metrics beside the mmap/read() verdicts (see why.h). */
#include "why.h"

#include <stdio.h>
#include <string.h>

#include "model.h"

static const struct {
	const char *key, *title;
} metrics[MS_WHY_N] = {
	{ "page_faults_per_op", "faults/op" },
	{ "cycles_per_op", "cycles/op" },
	{ "instructions_per_op", "instr/op" },
	{ "ipc", "IPC" },
	{ "dtlb_misses_per_4KiB", "dTLB misses/4 KiB" },
};

static json_t *derived(const struct ms_pair_set *set, long index)
{
	if (index < 0 || (size_t)index >= set->run->n_benchmarks)
		return NULL;
	json_t *c = set->run->benchmarks[index].counters;
	return c ? json_object_get(c, "derived") : NULL;
}

void ms_why_scan(const struct ms_pair_set *set, struct ms_why_cols *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < set->n; i++) {
		json_t *d[2] = { derived(set, set->pairs[i].map_index),
				 derived(set, set->pairs[i].sys_index) };
		for (int m = 0; m < MS_WHY_N; m++)
			for (int k = 0; k < 2; k++)
				if (d[k] && json_is_number(json_object_get(d[k], metrics[m].key)) &&
				    !c->shown[m]) {
					c->shown[m] = true;
					c->n++;
				}
	}
}

/* "a / b": the mapping's value, then the system call's; "-" for a side without it. */
static void cell_text(const struct ms_pair_set *set, const struct ms_mmap_pair *p, int m,
		      char *buf, size_t len)
{
	long idx[2] = { p->map_index, p->sys_index };
	char v[2][32];

	for (int k = 0; k < 2; k++) {
		json_t *d = derived(set, idx[k]), *x = d ? json_object_get(d, metrics[m].key) : NULL;

		if (json_is_number(x))
			ms_format_value(json_number_value(x), v[k], sizeof(v[k]));
		else
			snprintf(v[k], sizeof(v[k]), "-");
	}
	snprintf(buf, len, "%s / %s", v[0], v[1]);
}

size_t ms_why_columns(struct ms_why_cols *c, struct ms_table_col *cols)
{
	size_t n = 0;
	for (int m = 0; m < MS_WHY_N; m++) {
		if (!c->shown[m])
			continue;
		snprintf(c->title[m], sizeof(c->title[m]), "%s mmap / syscall",
			 metrics[m].title);
		snprintf(c->html_title[m], sizeof(c->html_title[m]), "%s<br>mmap / syscall",
			 metrics[m].title);
		snprintf(c->th_attrs[m], sizeof(c->th_attrs[m]),
			 "class=\"why\" data-metric=\"%s\"", metrics[m].key);
		cols[n++] = (struct ms_table_col){ .title = c->title[m],
			.html_title = c->html_title[m], .th_attrs = c->th_attrs[m], .right = true };
	}
	return n;
}

void ms_why_cells(const struct ms_why_cols *c, const struct ms_pair_set *set,
		  const struct ms_mmap_pair *p, struct ms_table *tb)
{
	for (int m = 0; m < MS_WHY_N; m++) {
		char buf[80];

		if (!c->shown[m])
			continue;
		cell_text(set, p, m, buf, sizeof(buf));
		ms_table_cell(tb, &(struct ms_cell){ .text = buf, .cls = "num why" });
	}
}

void ms_why_note(const struct ms_why_cols *c, struct ms_text *t)
{
	if (!c->n)
		return;
	ms_text_puts(t, "Counter columns: per operation (per 4 KiB page for the fault cases), "
			"the mapping's value then the system call's, from the perf counters around "
			"the timed region; a multiplexed count is scaled to its whole interval, and "
			"an event this machine cannot count has no column.");
}
