// Freed memory kept for the next allocation (core/heap.hpp): after keep_freed_memory(), a block
// just under the mmap threshold comes from the heap, not from a mapping of its own, and once
// freed it is kept there, so that allocating it again takes no page faults. Skipped under a
// sanitizer's allocator, which ignores the thresholds.
#include <gtest/gtest.h>

#include <malloc.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>

#include "core/heap.hpp"

namespace engage {
namespace {

volatile char sink;

long minor_faults() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

// Writes the block whole (the compiler may not drop it: it is used).
void use(char* p, std::size_t bytes) {
    std::memset(p, 1, bytes);
    asm volatile("" : : "r"(p) : "memory");
    sink = p[bytes / 2];
}

TEST(Heap, BlocksUnderTheThresholdComeFromTheHeapAndAreReused) {
    if (!keep_freed_memory()) GTEST_SKIP() << "the allocator ignores mallopt (a sanitizer's)";
    const std::size_t bytes = std::size_t(kMmapThresholdBytes) - (1u << 20);
    const std::size_t mapped_before = mallinfo2().hblkhd;
    char* p = static_cast<char*>(std::malloc(bytes));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(mallinfo2().hblkhd, mapped_before) << "a block of " << bytes << " bytes got a mapping of its own";
    use(p, bytes);
    std::free(p);
    EXPECT_GE(mallinfo2().keepcost, bytes) << "the freed block was handed back to the system";

    const long before = minor_faults();
    p = static_cast<char*>(std::malloc(bytes));
    ASSERT_NE(p, nullptr);
    use(p, bytes);
    std::free(p);
    EXPECT_LT(minor_faults() - before, long(bytes / 4096 / 16)) << "the block was faulted in again";
}

}  // namespace
}  // namespace engage
