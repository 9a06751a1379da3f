/* shared_as_private: MAP_SHARED file mappings silently become MAP_PRIVATE; stores never reach
 * the file and other mappings never see them. */
#include "../faulty.h"

const enum faulty_writeback faulty_writeback_mode = WRITEBACK_NEVER;
