/* Local and remote memory for the cases on anonymous memory (numa=local|remote). The
 * measuring thread stays pinned where the runner put it; only the memory moves, bound
 * through hwloc to the pinned CPU's node or to another one, so the difference between the
 * two variants is the interconnect and nothing else. */
#include "case.h"
#include "topo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The details of the placement, in one object beside params.numa: the nodes by OS index, how
 * the memory was bound, and where its pages were found after the first touch. */
static void set_placement(struct bench_ctx *c, const char *key, json_t *value)
{
	json_t *placement = json_object_get(c->params, "numa_placement");

	if (!placement) {
		placement = json_object();
		json_object_set_new(c->params, "numa_placement", placement);
	}
	json_object_set_new(placement, key, value);
}

int bench_numa_setup(struct bench_ctx *c, int *node)
{
	const char *numa = c->v->numa;
	int cpu = bench_placement(c, 0), local, nodes = ms_topo_numa_nodes();
	size_t page = sysconf(_SC_PAGESIZE);
	void *probe;

	*node = -1;
	if (!numa)
		return 0;
	if (!ms_topo_is_this_system()) {
		strcpy(c->reason, "the hwloc topology is not this system's (HWLOC_SYNTHETIC or "
		       "HWLOC_XMLFILE without HWLOC_THISSYSTEM=1): memory cannot be bound");
		return BENCH_SKIP;
	}
	local = ms_topo_numa_local_node(cpu);
	if (!strcmp(numa, "remote") && nodes < 2) {
		strcpy(c->reason, "one NUMA node: no remote memory");
		return BENCH_SKIP;
	}
	if (local < 0) {
		snprintf(c->reason, sizeof(c->reason), "hwloc cannot tell which NUMA node CPU "
			 "%d is on", cpu);
		return BENCH_SKIP;
	}
	*node = !strcmp(numa, "remote") ? ms_topo_numa_remote_node(local) : local;
	if (*node < 0) {
		snprintf(c->reason, sizeof(c->reason), "no NUMA node other than %d", local);
		return BENCH_SKIP;
	}
	/* A binding the kernel refuses is found here, with its reason, not as a failed
	 * sample later. */
	probe = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (probe == MAP_FAILED) {
		snprintf(c->reason, sizeof(c->reason), "mmap: %s", strerrorname_np(errno));
		return -1;
	}
	int ret = bench_numa_bind(c, probe, page, *node);

	munmap(probe, page);
	if (ret)
		return -1;
	json_object_set_new(c->params, "numa", json_string(numa));
	set_placement(c, "cpu_node", json_integer(local));
	set_placement(c, "memory_node", json_integer(*node));
	return 0;
}

int bench_numa_bind(struct bench_ctx *c, void *addr, size_t len, int node)
{
	const char *how;

	if (node < 0)
		return 0;
	if (ms_topo_bind_area(addr, len, node, &how)) {
		snprintf(c->reason, sizeof(c->reason), "binding memory to NUMA node %d: %s", node,
			 strerrorname_np(errno));
		return -1;
	}
	set_placement(c, "membind", json_string(how));
	return 0;
}

void bench_numa_check(struct bench_ctx *c, const void *addr, size_t len, int node)
{
	int found;

	if (node < 0)
		return;
	found = ms_topo_area_node(addr, len);
	set_placement(c, "memory_node_found", found >= 0 ? json_integer(found) : json_string(
		found == -2 ? "no page present" : "several nodes or unknown"));
	if (found >= 0 && found != node)
		fprintf(stderr, "  warning: memory bound to NUMA node %d was found on node %d\n",
			node, found);
}
