/* Every benchmark case, in the order the runner measures them. Add a case here and in
 * CMakeLists.txt (cases/<name>.c); nothing else registers it, so the static library keeps
 * every case without constructors the linker could drop. ceiling comes first: every
 * throughput is also reported as a fraction of it. */
BENCH_CASE(ceiling)
BENCH_CASE(seq_read)
BENCH_CASE(rand_read)
BENCH_CASE(cold_read)
BENCH_CASE(page_fault)
BENCH_CASE(map_unmap)
BENCH_CASE(write)
BENCH_CASE(memory_use)
BENCH_CASE(share_throughput)
BENCH_CASE(share_latency)
BENCH_CASE(scaling)
BENCH_CASE(beyond_memory)
