/* noncoherent_shared: a MAP_SHARED file mapping is a private copy written back at msync and
 * munmap, as a non-coherent cache would do it: msync + read() works, but write() is not seen
 * through the mapping, two mappings do not see each other's stores, and a fork child's stores
 * reach the parent only through the file. */
#include "../faulty.h"

const enum faulty_writeback faulty_writeback_mode = WRITEBACK_AT_MSYNC_MUNMAP;
