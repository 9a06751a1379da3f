/* store_at_munmap_only: a MAP_SHARED file mapping is a private copy whose written pages are
 * copied to the file only at munmap (or when MAP_FIXED replaces it): msync writes nothing,
 * stores are lost at exit, and until munmap neither read() nor another mapping sees them. */
#include "../faulty.h"

const enum faulty_writeback faulty_writeback_mode = WRITEBACK_AT_MUNMAP;
