/* Machine topology through hwloc. */
#ifndef MMAPSUITE_TOPO_H
#define MMAPSUITE_TOPO_H

#include <jansson.h>

/* {packages, cores, pus, numa_nodes, caches: [{level, size, count}], cpu_model, xml}: xml is
 * the hwloc XML of the topology (unindented, without I/O devices) for `lstopo --if xml`;
 * when it cannot be given, xml_missing says why instead. */
json_t *ms_topo_summary(void);

/* CPU (PU os index) list for n workers: distinct cores first, then remaining PUs.
 * Returns how many were filled. */
int ms_topo_placement(int n, int *pu_os_index);

/* Binds the calling thread to one PU (os index). Returns 0 or -1. */
int ms_topo_bind_thread(int pu_os_index);

/* Number of cores and of PUs (hardware threads); 1 when hwloc fails. */
int ms_topo_distinct_cores(void);
int ms_topo_pus(void);

/* Size of the largest cache level, in bytes (0 when unknown). */
unsigned long long ms_topo_llc_bytes(void);

#endif
