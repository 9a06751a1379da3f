#ifndef MMAPSUITE_CHECKLIST_H
#define MMAPSUITE_CHECKLIST_H

struct ms_checklist_group {
	char letter;
	const char *title;
};

struct ms_checklist_item {
	const char *id;       /* "b7" */
	const char *behaviour;
};

/* Both end with an all-zero entry. */
extern const struct ms_checklist_group ms_checklist_groups[];
extern const struct ms_checklist_item ms_checklist[];

#endif
