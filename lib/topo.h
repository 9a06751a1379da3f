/* Machine topology through hwloc. */
#ifndef MMAPSUITE_TOPO_H
#define MMAPSUITE_TOPO_H

#include <jansson.h>
#include <stddef.h>

/* {packages, cores, pus, numa_nodes, caches: [{level, size, count}], cpu_model, xml}: xml is
 * the hwloc XML of the topology (unindented, without I/O devices) for `lstopo --if xml`;
 * when it cannot be given, xml_missing says why instead. */
json_t *ms_topo_summary(void);

/* CPU (PU os index) list for n workers: distinct cores first, then remaining PUs.
 * Returns how many were filled. */
int ms_topo_placement(int n, int *pu_os_index);

/* Binds the calling thread to one PU (os index). Returns 0 or -1. */
int ms_topo_bind_thread(int pu_os_index);

/* Number of PUs (hardware threads); 1 when hwloc fails. */
int ms_topo_pus(void);

/* Size of the largest cache level, in bytes (0 when unknown). */
unsigned long long ms_topo_llc_bytes(void);

/* NUMA. Nodes are named by their OS index (what numactl and /sys/devices/system/node call
 * them). Tests can exercise the two-node paths on a one-node machine with hwloc's own
 * variables: HWLOC_SYNTHETIC="pack:2 numa:1 core:1 pu:1" HWLOC_THISSYSTEM=1. */

/* False when the loaded topology is not the running system's (HWLOC_SYNTHETIC or
 * HWLOC_XMLFILE without HWLOC_THISSYSTEM=1): hwloc then binds nothing, and says success. */
int ms_topo_is_this_system(void);

/* NUMA nodes of the machine; 1 when hwloc fails. */
int ms_topo_numa_nodes(void);

/* The node local to PU pu_os_index (the first, by hwloc's logical order, whose CPUs include
 * it), or -1 when hwloc cannot tell. */
int ms_topo_numa_local_node(int pu_os_index);

/* A node other than local_node for remote memory: the first other node with CPUs (another
 * socket's memory), else the first other node (CPU-less memory such as CXL); -1 if none. */
int ms_topo_numa_remote_node(int local_node);

/* Binds [addr, addr + len) to node (MPOL_BIND through hwloc), so the pages it gets on first
 * touch come from there; pages already present are migrated. HWLOC_MEMBIND_STRICT is asked
 * first, and dropped when this system cannot enforce it (ENOSYS, EXDEV); *how then says
 * "bind" instead of "bind,strict". Returns 0, or -1 with errno. */
int ms_topo_bind_area(void *addr, size_t len, int node, const char **how);

/* The node holding every present page of [addr, addr + len), -1 when they are on several
 * nodes or the kernel cannot say, -2 when no page is present. */
int ms_topo_area_node(const void *addr, size_t len);

#endif
