#include <gtest/gtest.h>

#include <vector>

#include "partition/shard_plan.hpp"

namespace engage::partition {
namespace {

std::vector<std::uint64_t> plan(const std::vector<std::uint64_t>& offsets, ShardLimits limits,
                                std::size_t block) {
    ShardPlanner p(limits);
    for (std::size_t at = 0; at < offsets.size(); at += block)
        p.feed(std::span(offsets).subspan(at, std::min(block, offsets.size() - at)));
    return p.finish();
}

TEST(ShardPlan, ClosesAShardWhenItReachesTheInteractionLimit) {
    // Customers hold 5, 0, 7, 1, 7 interactions.
    const std::vector<std::uint64_t> offsets{0, 5, 5, 12, 13, 20};
    const std::vector<std::uint64_t> expected{0, 3, 5};  // [0,3) has 12, [3,5) has 8
    for (std::size_t block : {1, 2, 4, 100}) EXPECT_EQ(plan(offsets, {6, 100}, block), expected) << block;
}

TEST(ShardPlan, ClosesAShardWhenItReachesTheCustomerLimitAndNeverSplitsACustomer) {
    const std::vector<std::uint64_t> offsets{0, 0, 0, 0, 0, 0};
    EXPECT_EQ(plan(offsets, {100, 2}, 3), (std::vector<std::uint64_t>{0, 2, 4, 5}));
    const std::vector<std::uint64_t> heavy{0, 1000, 1001};
    EXPECT_EQ(plan(heavy, {10, 100}, 5), (std::vector<std::uint64_t>{0, 1, 2}));
}

TEST(ShardPlan, EmptyBaseHasOneEmptyShard) {
    EXPECT_EQ(plan({0}, {10, 10}, 1), (std::vector<std::uint64_t>{0, 0}));
}

TEST(ShardPlan, RanksGetContiguousBlocksCoveringEveryShardOnce) {
    for (std::size_t shards : {1, 2, 5, 17}) {
        for (int ranks = 1; ranks <= 6; ++ranks) {
            std::size_t next = 0;
            for (int r = 0; r < ranks; ++r) {
                const auto [a, b] = shards_of_rank(shards, r, ranks);
                EXPECT_EQ(a, next);
                EXPECT_LE(b - a, shards / ranks + 1);
                next = b;
            }
            EXPECT_EQ(next, shards);
        }
    }
}

}  // namespace
}  // namespace engage::partition
