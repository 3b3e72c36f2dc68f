#pragma once
// Planning blocks: the shard plan cut into pieces that can be planned independently. The customers
// are cut into blocks of `block_customers` (kPlanBlockCustomers unless a test says otherwise; the
// last block may be shorter). Every block boundary is a shard boundary, and inside a block the
// shards are those of ShardPlanner run on that block alone. The layout is therefore a function of
// the offsets, the limits and the block size, never of the number of ranks, and each rank can
// plan its own blocks reading only their offsets (jobs/shard_plan.hpp does so collectively).
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "partition/shard_plan.hpp"

namespace engage::partition {

// 2^18 customers per planning block. Small, because the slowest rank plans whole blocks: with
// 100,000 customers per rank on 1,024 ranks it plans one block, 262,144 customers' offsets,
// where blocks of 2^22 made it plan 4,194,304 (measured at 4-15 ns a customer: 0.06 s, a fifth
// of such a rank's work; docs/performance.md, "The serial part is the planning block"). Large
// enough that the forced boundaries stay rare: at the default limits a block holds at least 4
// shards, and they align with its end where the customer limit closes them (10 interactions a
// customer: 4 full shards), while at 100 interactions a customer one shard in about 25 is cut short.
// A multiple of the default customer limit (2^16) and of the customer columns' chunk (65536).
// Changing it changes the shard layout of every base larger than one block, not the outputs.
inline constexpr std::uint64_t kPlanBlockCustomers = std::uint64_t(1) << 18;

// Rows of /interactions/offsets read at once while planning (8 MiB).
inline constexpr std::uint64_t kPlanReadRows = std::uint64_t(1) << 20;

// Reads rows [first, first + out.size()) of the CSR offsets into `out`.
using OffsetsSource = std::function<void(std::uint64_t first, std::span<std::uint64_t> out)>;

// Number of planning blocks of a base of `customers` customers: ceil(customers / block_customers),
// 0 for no customers. `block_customers` must be at least 1.
std::uint64_t plan_block_count(std::uint64_t customers, std::uint64_t block_customers) noexcept;

// Plans blocks [first_block, last_block) of a base of `customers` customers, reading offsets rows
// c0 .. c1 (both ends included) of each block [c0, c1) in pieces of at most `read_rows` rows
// (>= 2). Returns the shard boundaries in customer indices: b[0] = the first customer of
// first_block, b[S] = the end of last_block, S the number of shards in these blocks; for an empty
// range of blocks, {b[0]} with b[0] clamped to `customers`. Each block's offsets are taken
// relative to its first offset, so a block's plan depends on its own interaction counts only.
std::vector<std::uint64_t> plan_blocks(const OffsetsSource& read, std::uint64_t customers, std::uint64_t first_block,
                                       std::uint64_t last_block, ShardLimits limits,
                                       std::uint64_t block_customers = kPlanBlockCustomers,
                                       std::uint64_t read_rows = kPlanReadRows);

// The whole plan, serially: every block, and for a base without customers one empty shard
// {0, 0}, as ShardPlanner gives. b[0] = 0 < ... < b[S] = customers. The reference that the
// collective plan (jobs/shard_plan.hpp) equals at any number of ranks.
std::vector<std::uint64_t> plan_all_blocks(const OffsetsSource& read, std::uint64_t customers, ShardLimits limits,
                                           std::uint64_t block_customers = kPlanBlockCustomers,
                                           std::uint64_t read_rows = kPlanReadRows);

}  // namespace engage::partition
