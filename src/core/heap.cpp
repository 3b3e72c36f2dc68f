#include "core/heap.hpp"

#include <malloc.h>

namespace engage {

bool keep_freed_memory() noexcept {
    return mallopt(M_MMAP_THRESHOLD, int(kMmapThresholdBytes)) == 1 &&
           mallopt(M_TRIM_THRESHOLD, int(kTrimThresholdBytes)) == 1;
}

}  // namespace engage
