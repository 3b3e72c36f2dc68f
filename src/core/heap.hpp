#pragma once
// Freed memory kept for the next allocation. glibc's malloc serves a request of more than its
// mmap threshold with a fresh mapping and unmaps it when freed, and the threshold moves with
// the program's own history (raised to the size of each such block freed). The same run then
// faults in its buffers again or not, depending on which block it happened to free first: on a
// VM that hands freed pages back to its host, a fresh page costs a host fault (0.3-2.5 GB/s
// measured; docs/performance.md, "The serial part is the planning block" and "New memory on
// this machine costs 0.3 GB/s the first time"). Fixing the threshold at glibc's largest value
// and the heap's trim threshold at twice that (the pair glibc's own adjustment reaches) makes
// every block up to 32 MiB reused from the heap whatever came before.
namespace engage {

inline constexpr long kMmapThresholdBytes = 32L << 20;  // glibc's maximum for M_MMAP_THRESHOLD on 64 bits
inline constexpr long kTrimThresholdBytes = 2 * kMmapThresholdBytes;

// Sets both thresholds; false where the allocator is not glibc's (a sanitizer's: it ignores
// them), and then changes nothing.
bool keep_freed_memory() noexcept;

}  // namespace engage
