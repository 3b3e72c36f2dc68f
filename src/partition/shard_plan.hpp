#pragma once
// Logical shards: contiguous ranges of customers, balanced by interaction count, whose layout
// depends on the data only, never on the number of ranks. Shards are dealt to ranks in
// contiguous blocks, so each rank's customers are one contiguous range and combining results
// in rank order is combining them in shard order.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace engage::partition {

struct ShardLimits {
    std::uint64_t interactions = 1u << 20;  // close a shard once it holds this many interactions
    std::uint64_t customers = 1u << 16;     // ... or this many customers
};

// Streams the CSR offsets (customers + 1 values, in order, in blocks of any size) and closes a
// shard after the customer that makes it reach either limit. A customer is never split.
class ShardPlanner {
public:
    explicit ShardPlanner(ShardLimits limits) : limits_(limits) {}
    void feed(std::span<const std::uint64_t> offsets);
    // Boundaries b[0] = 0 < b[1] < ... < b[S] = customers: shard s is customers [b[s], b[s+1]).
    std::vector<std::uint64_t> finish();

private:
    ShardLimits limits_;
    std::vector<std::uint64_t> bounds_{0};
    std::uint64_t seen_ = 0;        // offsets fed so far
    std::uint64_t shard_start_offset_ = 0;
};

// Shards [first, second) of rank `rank` among `ranks`: contiguous blocks differing by at most one.
std::pair<std::size_t, std::size_t> shards_of_rank(std::size_t shards, int rank, int ranks) noexcept;

}  // namespace engage::partition
