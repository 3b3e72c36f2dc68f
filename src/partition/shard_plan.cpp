#include "partition/shard_plan.hpp"

namespace engage::partition {

void ShardPlanner::feed(std::span<const std::uint64_t> offsets) {
    for (const std::uint64_t o : offsets) {
        // o = offsets[seen_]: customers [bounds_.back(), seen_) hold o - shard_start_offset_
        // interactions.
        if (seen_ > bounds_.back()) {
            const bool full = o - shard_start_offset_ >= limits_.interactions ||
                              seen_ - bounds_.back() >= limits_.customers;
            if (full) {
                bounds_.push_back(seen_);
                shard_start_offset_ = o;
            }
        }
        ++seen_;
    }
}

std::vector<std::uint64_t> ShardPlanner::finish() {
    const std::uint64_t customers = seen_ == 0 ? 0 : seen_ - 1;
    if (bounds_.back() != customers) bounds_.push_back(customers);
    if (bounds_.size() == 1) bounds_.push_back(0);  // no customers: one empty shard
    return std::move(bounds_);
}

std::pair<std::size_t, std::size_t> shards_of_rank(std::size_t shards, int rank, int ranks) noexcept {
    const auto r = std::size_t(rank), p = std::size_t(ranks);
    return {shards * r / p, shards * (r + 1) / p};
}

}  // namespace engage::partition
