#pragma once
// The shard plan of `engage score`, made in parallel: no rank reads more than its share of
// /interactions/offsets, and no rank holds or sends the boundaries of every shard.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "partition/block_plan.hpp"
#include "partition/shard_plan.hpp"

namespace engage::io { class CustomerBaseReader; }
namespace engage::mpi { class Comm; }

namespace engage::jobs {

// What one rank needs of the shard plan: the number of shards, its own shards [first, last)
// (partition::shards_of_rank(shards, rank, ranks): contiguous, sizes differing by at most one),
// and their boundaries in customer indices: shard first + i is customers
// [bounds[i], bounds[i + 1]), so bounds.size() == last - first + 1. A rank without a shard
// (more ranks than shards) has first == last and bounds == {the customer where its empty range
// sits}, so bounds.front() is always the rank's first customer and bounds.back() its end.
struct ShardPlan {
    std::size_t shards = 0;
    std::size_t first = 0, last = 0;
    std::vector<std::uint64_t> bounds;
};

// Collective: every rank of `comm` must call this, with the same file and limits.
//
// The layout is partition::plan_all_blocks of the file's offsets: the customers are cut into
// planning blocks of `block_customers` (partition::kPlanBlockCustomers; tests pass smaller
// ones), every block boundary is a shard boundary, and inside a block ShardPlanner closes a
// shard after the customer that brings it to `limits.interactions` interactions or
// `limits.customers` customers. A base without customers has one empty shard. The layout
// depends on the data, the limits and the block size only, never on the number of ranks.
//
// How: the blocks are dealt to ranks in contiguous ranges (shards_of_rank over blocks); each rank
// reads the offsets of its blocks only and plans them; the per-rank shard counts are all-gathered
// (8 bytes sent per rank) and their prefix sums number the shards; each rank then receives the
// boundaries of its own shards from the ranks that planned them (Comm::exchange, point to point).
// A rank sends each boundary it planned to the one or two ranks whose shards it bounds, so the
// bytes a rank sends grow with its own share of the shards, not with the base.
//
// Errors: a failed read of the offsets on any rank (IoError) is thrown on every rank
// (Comm::agree). The offsets are not checked here beyond what the plan needs; read_shard checks
// them row by row when the shards are read.
ShardPlan plan_shards_parallel(const mpi::Comm& comm, const io::CustomerBaseReader& in,
                               const partition::ShardLimits& limits,
                               std::uint64_t block_customers = partition::kPlanBlockCustomers);

}  // namespace engage::jobs
