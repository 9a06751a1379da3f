/* Machine topology through hwloc: a summary for the environment, and placements that put
 * workers on distinct cores before doubling up on SMT siblings (as will-it-scale does). */
#include "topo.h"

#include <errno.h>
#include <hwloc.h>
#include <pthread.h>
#include <stdbool.h>

/* The XML travels inside results.json: a 2-socket, 128-core server is about 150 KiB once
 * unindented; past this the drawing is not worth the weight and the summary has to do. */
#define TOPO_XML_MAX (512 * 1024)

static pthread_once_t topo_once = PTHREAD_ONCE_INIT;
static hwloc_topology_t topology;
static int topo_ok;

static void topo_load(void)
{
	if (hwloc_topology_init(&topology))
		return;
	if (hwloc_topology_load(topology)) {
		hwloc_topology_destroy(topology);
		return;
	}
	topo_ok = 1;
}

static int topo_ready(void)
{
	pthread_once(&topo_once, topo_load);
	return topo_ok;
}

static void add_caches(json_t *caches)
{
	static const hwloc_obj_type_t kinds[] = {
		HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L4CACHE,
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int count = hwloc_get_nbobjs_by_type(topology, kinds[k]);
		hwloc_obj_t first = hwloc_get_obj_by_type(topology, kinds[k], 0);

		if (count <= 0 || !first || !first->attr)
			continue;
		/* L1i and L1d are both L1: keep the data cache, which loads go through. */
		if (first->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION)
			continue;
		json_array_append_new(caches, json_pack("{s:i, s:I, s:i}",
			"level", (int)first->attr->cache.depth,
			"size", (json_int_t)first->attr->cache.size, "count", count));
	}
}

/* Indentation is two spaces per level and means nothing to an XML reader: dropping it
 * roughly halves the size. Works in place. */
static size_t unindent(char *xml)
{
	char *out = xml;
	bool line_start = true;

	for (const char *p = xml; *p; p++) {
		if (line_start && (*p == ' ' || *p == '\t'))
			continue;
		line_start = *p == '\n';
		*out++ = *p;
	}
	*out = 0;
	return (size_t)(out - xml);
}

/* The loaded topology (I/O devices filtered out, as hwloc does by default) as hwloc XML, so
 * that a report rendered elsewhere draws this machine with `lstopo --if xml`. */
static void add_xml(json_t *out)
{
	char *buf = NULL;
	int len = 0;

	if (hwloc_topology_export_xmlbuffer(topology, &buf, &len, 0) || !buf) {
		json_object_set_new(out, "xml_missing", json_string("hwloc could not export XML"));
		return;
	}
	size_t n = unindent(buf);

	if (n > TOPO_XML_MAX)
		json_object_set_new(out, "xml_missing", json_sprintf(
			"hwloc XML of %zu KiB left out (limit %d KiB)", n / 1024,
			TOPO_XML_MAX / 1024));
	else
		json_object_set_new(out, "xml", json_stringn(buf, n));
	hwloc_free_xmlbuffer(topology, buf);
}

json_t *ms_topo_summary(void)
{
	json_t *out, *caches;
	hwloc_obj_t pkg;
	const char *model = NULL;

	if (!topo_ready())
		return json_pack("{s:s}", "error", "hwloc could not load the topology");
	pkg = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PACKAGE, 0);
	if (pkg)
		model = hwloc_obj_get_info_by_name(pkg, "CPUModel");
	caches = json_array();
	add_caches(caches);
	out = json_pack("{s:i, s:i, s:i, s:i, s:o, s:s?}",
		"packages", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PACKAGE),
		"cores", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE),
		"pus", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU),
		"numa_nodes", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_NUMANODE),
		"caches", caches, "cpu_model", model);
	add_xml(out);
	return out;
}

int ms_topo_placement(int n, int *pu_os_index)
{
	int cores, pus, filled = 0;

	if (!topo_ready() || n <= 0)
		return 0;
	cores = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE);
	pus = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU);
	/* Round r takes the r-th PU of every core: all first siblings, then all second ones. */
	for (int round = 0; filled < n && round < pus; round++) {
		int took = 0;

		for (int c = 0; c < cores && filled < n; c++) {
			hwloc_obj_t core = hwloc_get_obj_by_type(topology, HWLOC_OBJ_CORE, c);
			hwloc_obj_t pu = core ? hwloc_get_obj_inside_cpuset_by_type(topology,
						core->cpuset, HWLOC_OBJ_PU, round) : NULL;

			if (!pu)
				continue;
			pu_os_index[filled++] = pu->os_index;
			took++;
		}
		if (!took)
			break;
	}
	/* No core objects (some VMs): plain PU order. */
	for (int p = 0; filled < n && filled == 0 && p < pus; p++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU, p);

		if (pu)
			pu_os_index[filled++] = pu->os_index;
	}
	return filled;
}

int ms_topo_pus(void)
{
	if (!topo_ready())
		return 1;
	return hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU);
}

int ms_topo_bind_thread(int pu_os_index)
{
	hwloc_bitmap_t set;
	int ret;

	if (!topo_ready())
		return -1;
	set = hwloc_bitmap_alloc();
	hwloc_bitmap_only(set, pu_os_index);
	ret = hwloc_set_cpubind(topology, set, HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT);
	if (ret)
		ret = hwloc_set_cpubind(topology, set, HWLOC_CPUBIND_THREAD);
	hwloc_bitmap_free(set);
	return ret ? -1 : 0;
}

unsigned long long ms_topo_llc_bytes(void)
{
	static const hwloc_obj_type_t kinds[] = {
		HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L2CACHE,
	};

	if (!topo_ready())
		return 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		hwloc_obj_t c = hwloc_get_obj_by_type(topology, kinds[k], 0);

		if (c && c->attr)
			return c->attr->cache.size;
	}
	return 0;
}

int ms_topo_is_this_system(void)
{
	return topo_ready() && hwloc_topology_is_thissystem(topology);
}

int ms_topo_numa_nodes(void)
{
	int n;

	if (!topo_ready())
		return 1;
	n = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_NUMANODE);
	return n > 0 ? n : 1;
}

int ms_topo_numa_local_node(int pu_os_index)
{
	hwloc_obj_t node = NULL;

	if (!topo_ready())
		return -1;
	while ((node = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_NUMANODE, node)))
		if (node->cpuset && hwloc_bitmap_isset(node->cpuset, pu_os_index))
			return (int)node->os_index;
	return -1;
}

int ms_topo_numa_remote_node(int local_node)
{
	hwloc_obj_t node = NULL;
	int cpuless = -1;

	if (!topo_ready())
		return -1;
	while ((node = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_NUMANODE, node))) {
		if ((int)node->os_index == local_node)
			continue;
		if (node->cpuset && !hwloc_bitmap_iszero(node->cpuset))
			return (int)node->os_index;
		if (cpuless < 0)
			cpuless = (int)node->os_index;
	}
	return cpuless;
}

int ms_topo_bind_area(void *addr, size_t len, int node, const char **how)
{
	const int flags = HWLOC_MEMBIND_BYNODESET | HWLOC_MEMBIND_MIGRATE;
	hwloc_bitmap_t set;
	int ret;

	if (!topo_ready()) {
		errno = ENOSYS;
		return -1;
	}
	set = hwloc_bitmap_alloc();
	hwloc_bitmap_only(set, node);
	*how = "bind,strict";
	ret = hwloc_set_area_membind(topology, addr, len, set, HWLOC_MEMBIND_BIND,
				     flags | HWLOC_MEMBIND_STRICT);
	if (ret && (errno == ENOSYS || errno == EXDEV)) {
		*how = "bind";
		ret = hwloc_set_area_membind(topology, addr, len, set, HWLOC_MEMBIND_BIND, flags);
	}
	hwloc_bitmap_free(set);
	return ret ? -1 : 0;
}

int ms_topo_area_node(const void *addr, size_t len)
{
	hwloc_bitmap_t set;
	int ret = -1;

	if (!topo_ready())
		return -1;
	set = hwloc_bitmap_alloc();
	if (!hwloc_get_area_memlocation(topology, addr, len, set, HWLOC_MEMBIND_BYNODESET)) {
		if (hwloc_bitmap_iszero(set))
			ret = -2;
		else if (hwloc_bitmap_weight(set) == 1)
			ret = hwloc_bitmap_first(set);
	}
	hwloc_bitmap_free(set);
	return ret;
}
