// The collective shard plan (jobs/shard_plan.hpp) at 1-4 ranks: every rank's part equals the
// serial block-wise plan of the same file, whatever the number of ranks, including ranks without
// blocks and ranks without shards; and the boundaries exchanged stay within each rank's share.
#include <gtest/gtest.h>

#include <vector>

#include "io/customer_base.hpp"
#include "jobs/shard_plan.hpp"
#include "mpi/comm.hpp"
#include "partition/block_plan.hpp"
#include "shared_files.hpp"

namespace engage {
namespace {

struct Case {
    partition::ShardLimits limits;
    std::uint64_t block;
};

void expect_plan_equals_serial(const mpi::Comm& comm, const io::CustomerBaseReader& in, const Case& c) {
    const std::uint64_t customers = in.meta().customers;
    const auto serial = partition::plan_all_blocks(
        [&](std::uint64_t at, std::span<std::uint64_t> out) { in.read_offsets(at, out); }, customers, c.limits,
        c.block);
    const std::int64_t exchanged_before = comm.traffic().exchange_bytes;
    const jobs::ShardPlan plan = jobs::plan_shards_parallel(comm, in, c.limits, c.block);
    const std::string what = std::to_string(c.limits.interactions) + "/" + std::to_string(c.limits.customers) +
                             " block " + std::to_string(c.block) + " rank " + std::to_string(comm.rank()) + " of " +
                             std::to_string(comm.size());
    ASSERT_EQ(plan.shards, serial.size() - 1) << what;
    const auto [first, last] = partition::shards_of_rank(plan.shards, comm.rank(), comm.size());
    EXPECT_EQ(plan.first, first) << what;
    EXPECT_EQ(plan.last, last) << what;
    const std::vector<std::uint64_t> expected(serial.begin() + std::ptrdiff_t(first),
                                              serial.begin() + std::ptrdiff_t(last + 1));
    EXPECT_EQ(plan.bounds, expected) << what;
    // What was exchanged: each rank receives at most its own boundaries, so all ranks together
    // send at most shards + ranks words, never every boundary to every rank.
    const std::int64_t sent = comm.sum(comm.traffic().exchange_bytes - exchanged_before);
    EXPECT_LE(sent, std::int64_t(8 * (plan.shards + std::size_t(comm.size())))) << what;
}

TEST(ShardPlanParallel, EqualsTheSerialBlockPlanAtAnyNumberOfRanks) {
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_shard_plan");
    const std::string path = testing_support::generated_base(comm, dir, 3001, 5, 12.0);
    const io::CustomerBaseReader in(comm, path);
    ASSERT_EQ(in.meta().customers, 3001u);
    const Case cases[] = {
        {{}, partition::kPlanBlockCustomers},  // the defaults: one block, one shard (ranks without shards)
        {{200, 50}, 64},                        // many blocks and shards
        {{60, 7}, 1000},                        // 4 blocks, the last short
        {{1, 1000}, 7},                         // a shard per customer with interactions
        {{100000, 100000}, 1500},               // 3 blocks at 4 ranks: a rank without blocks
        {{400, 100}, 1},                        // every customer a block
        {{400, 100}, 5000},                     // one block larger than the base
    };
    for (const Case& c : cases) expect_plan_equals_serial(comm, in, c);
}

TEST(ShardPlanParallel, OneBlockEqualsTheWholeBaseShardPlanner) {
    // Below one block the layout is the one the serial planner gave before blocks existed.
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_shard_plan");
    const io::CustomerBaseReader in(comm, testing_support::generated_base(comm, dir, 1200, 9, 20.0));
    const partition::ShardLimits limits{500, 64};
    partition::ShardPlanner whole(limits);
    std::vector<std::uint64_t> offsets(1201);
    in.read_offsets(0, offsets);
    whole.feed(offsets);
    const auto serial = whole.finish();
    const jobs::ShardPlan plan = jobs::plan_shards_parallel(comm, in, limits);
    ASSERT_EQ(plan.shards, serial.size() - 1);
    EXPECT_EQ(plan.bounds, std::vector<std::uint64_t>(serial.begin() + std::ptrdiff_t(plan.first),
                                                      serial.begin() + std::ptrdiff_t(plan.last + 1)));
}

TEST(ShardPlanParallel, ABaseWithoutCustomersHasOneEmptyShard) {
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_shard_plan");
    const io::CustomerBaseReader in(comm, testing_support::generated_base(comm, dir, 0, 1));
    ASSERT_EQ(in.meta().customers, 0u);
    const jobs::ShardPlan plan = jobs::plan_shards_parallel(comm, in, {});
    EXPECT_EQ(plan.shards, 1u);
    const auto [first, last] = partition::shards_of_rank(1, comm.rank(), comm.size());
    EXPECT_EQ(plan.first, first);
    EXPECT_EQ(plan.last, last);
    EXPECT_EQ(plan.bounds, std::vector<std::uint64_t>(last - first + 1, 0));
}

}  // namespace
}  // namespace engage
