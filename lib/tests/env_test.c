#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"
#include "place.h"
#include "unit_files.h"

/* Assert that the environment holds every section a report needs, with values read from
 * this machine. */
Test(env, capture_has_every_section)
{
	json_t *env = ms_env_capture();
	static const char *const keys[] = { "kernel", "architecture", "page_size", "cpu_model",
		"topology", "memory", "thp", "vm", "perf_events", "dev_mem", "kvm", "root",
		"filesystems", "policy" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_assert_not_null(json_object_get(env, keys[i]), "no '%s' in the environment", keys[i]);
	cr_assert_eq(json_integer_value(json_object_get(env, "page_size")), sysconf(_SC_PAGESIZE));
	cr_assert_eq(json_is_true(json_object_get(env, "root")), geteuid() == 0);
	json_t *vm = json_object_get(env, "vm");
	char *text = NULL;
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	long expected = -1;
	if (f && fscanf(f, "%ld", &expected) == 1)
		cr_assert_eq(json_integer_value(json_object_get(vm, "max_map_count")), expected);
	if (f)
		fclose(f);
	/* a software event always opens where perf_event_open exists at all */
	json_t *perf = json_object_get(env, "perf_events");
	json_t *pf = json_object_get(json_object_get(perf, "events"), "page-faults");
	cr_assert(json_is_true(json_object_get(pf, "opens")) ||
		  json_is_string(json_object_get(pf, "unavailable")),
		  "page-faults neither opens nor says why not");
	cr_assert(json_is_object(json_object_get(pf, "encoding")), "page-faults has no encoding");
	free(text);
	json_decref(env);
}

/* Assert that the mount of a path is found with its type. */
Test(env, mount_of_proc_is_proc)
{
	char *type = NULL, *opts = NULL, *src = NULL;
	cr_assert_eq(ms_mount_of("/proc/self", &type, &opts, &src), 0);
	cr_assert_str_eq(type, "proc");
	free(type), free(opts), free(src);
}

/* Assert that a module is absent only when modules.dep is there and neither it nor
 * modules.builtin lists it, matched by whole file name (vivid is not vivid2). */
Test(env, module_absent_only_when_the_lists_say_so)
{
	char dir[] = "/tmp/mmapsuite-unit-modules.XXXXXX", path[96];
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_not(ms_place_module_absent_in(dir, "vivid"), "no modules.dep: cannot tell");
	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	char deps[3000] = "kernel/drivers/media/test-drivers/vivid2/vivid2.ko.xz:";
	while (strlen(deps) < 2000) /* past any fixed line buffer: a dependency is no module */
		strcat(deps, " kernel/x/vivid.ko.xz");
	strcat(deps, "\nkernel/sound/drivers/snd-aloop.ko.xz: kernel/sound/core/snd.ko.xz\n");
	ms_unit_write_text(path, deps);
	cr_assert(ms_place_module_absent_in(dir, "vivid"), "vivid2.ko counted as vivid");
	cr_assert_not(ms_place_module_absent_in(dir, "snd-aloop"));
	cr_assert(ms_place_module_absent_in(dir, "snd"), "a dependency counted as listed");
	snprintf(path, sizeof(path), "%s/modules.builtin", dir);
	ms_unit_write_text(path, "kernel/drivers/media/test-drivers/vivid/vivid.ko\n");
	cr_assert_not(ms_place_module_absent_in(dir, "vivid"), "a built-in module counted absent");
	unlink(path);
	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	unlink(path);
	rmdir(dir);
}
