// Planning blocks (src/partition/block_plan.hpp): the block-wise plan is ShardPlanner run on each
// block alone, block boundaries are shard boundaries, and any split of the blocks between planners
// joins into the same plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "partition/block_plan.hpp"

namespace engage::partition {
namespace {

// Offsets from per-customer interaction counts.
std::vector<std::uint64_t> offsets_of(const std::vector<std::uint64_t>& counts) {
    std::vector<std::uint64_t> o{0};
    for (const auto c : counts) o.push_back(o.back() + c);
    return o;
}

OffsetsSource source(const std::vector<std::uint64_t>& offsets) {
    return [&offsets](std::uint64_t at, std::span<std::uint64_t> out) {
        ASSERT_LE(at + out.size(), offsets.size());
        std::copy_n(offsets.begin() + std::ptrdiff_t(at), out.size(), out.begin());
    };
}

// The reference: ShardPlanner fed each block's offsets, rebased to 0, in one piece.
std::vector<std::uint64_t> per_block(const std::vector<std::uint64_t>& offsets, ShardLimits limits,
                                     std::uint64_t block) {
    const std::uint64_t customers = offsets.size() - 1;
    if (customers == 0) return {0, 0};
    std::vector<std::uint64_t> bounds{0};
    for (std::uint64_t c0 = 0; c0 < customers; c0 += block) {
        const std::uint64_t c1 = std::min(customers, c0 + block);
        std::vector<std::uint64_t> rows(offsets.begin() + std::ptrdiff_t(c0), offsets.begin() + std::ptrdiff_t(c1 + 1));
        for (auto& r : rows) r -= offsets[c0];
        ShardPlanner p(limits);
        p.feed(rows);
        const auto local = p.finish();
        for (std::size_t i = 1; i < local.size(); ++i) bounds.push_back(c0 + local[i]);
    }
    return bounds;
}

// Interaction counts with zeros, small and heavy customers (a fixed linear congruential sequence).
std::vector<std::uint64_t> mixed_counts(std::size_t n) {
    std::vector<std::uint64_t> counts;
    std::uint64_t x = 12345;
    for (std::size_t i = 0; i < n; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const std::uint64_t r = x >> 33;
        counts.push_back(r % 5 == 0 ? 0 : r % 17 == 0 ? 500 + r % 300 : r % 40);
    }
    return counts;
}

TEST(BlockPlan, EqualsShardPlannerRunOnEachBlock) {
    const auto offsets = offsets_of(mixed_counts(1000));
    for (const ShardLimits limits : {ShardLimits{1, 1000}, ShardLimits{60, 7}, ShardLimits{200, 50}, ShardLimits{}})
        for (const std::uint64_t block : {1, 2, 3, 7, 64, 999, 1000, 1001, 1 << 22})
            for (const std::uint64_t read_rows : {2, 3, 5, 64, 1 << 20}) {
                const auto got = plan_all_blocks(source(offsets), 1000, limits, block, read_rows);
                EXPECT_EQ(got, per_block(offsets, limits, block))
                    << limits.interactions << "/" << limits.customers << " block " << block << " rows " << read_rows;
            }
}

TEST(BlockPlan, OneBlockIsTheWholeBaseShardPlannerPlan) {
    const auto offsets = offsets_of(mixed_counts(777));
    for (const ShardLimits limits : {ShardLimits{1, 1000}, ShardLimits{60, 7}, ShardLimits{300, 50}}) {
        ShardPlanner whole(limits);
        whole.feed(offsets);
        EXPECT_EQ(plan_all_blocks(source(offsets), 777, limits, 777, 10), whole.finish());
    }
}

TEST(BlockPlan, BlockBoundariesAreShardBoundaries) {
    const auto offsets = offsets_of(mixed_counts(500));
    for (const std::uint64_t block : {1, 9, 64, 499}) {
        const auto bounds = plan_all_blocks(source(offsets), 500, {100000, 100000}, block, 16);
        // Limits never reached: the shards are exactly the blocks.
        std::vector<std::uint64_t> blocks;
        for (std::uint64_t c = 0; c < 500; c += block) blocks.push_back(c);
        blocks.push_back(500);
        EXPECT_EQ(bounds, blocks) << block;
        const auto small = plan_all_blocks(source(offsets), 500, {50, 10}, block, 16);
        for (std::uint64_t c = 0; c < 500; c += block)
            EXPECT_TRUE(std::binary_search(small.begin(), small.end(), c)) << block << " " << c;
    }
}

TEST(BlockPlan, NoCustomersIsOneEmptyShard) {
    const std::vector<std::uint64_t> offsets{0};
    EXPECT_EQ(plan_block_count(0, 7), 0u);
    EXPECT_EQ(plan_all_blocks(source(offsets), 0, {10, 10}, 7), (std::vector<std::uint64_t>{0, 0}));
    EXPECT_EQ(plan_blocks(source(offsets), 0, 0, 0, {10, 10}, 7), (std::vector<std::uint64_t>{0}));
}

TEST(BlockPlan, CustomersWithoutInteractionsCloseOnTheCustomerLimitAndBlockEnds) {
    const auto offsets = offsets_of({0, 0, 0, 0, 0, 0});
    EXPECT_EQ(plan_all_blocks(source(offsets), 6, {100, 4}, 3), (std::vector<std::uint64_t>{0, 3, 6}));
    EXPECT_EQ(plan_all_blocks(source(offsets), 6, {100, 4}, 4), (std::vector<std::uint64_t>{0, 4, 6}));
    EXPECT_EQ(plan_all_blocks(source(offsets), 6, {100, 4}, 5), (std::vector<std::uint64_t>{0, 4, 5, 6}));
    EXPECT_EQ(plan_all_blocks(source(offsets), 6, {100, 4}, 6), (std::vector<std::uint64_t>{0, 4, 6}));
}

TEST(BlockPlan, ACustomerOverTheInteractionLimitIsAShardOfItsOwnNeverSplit) {
    // Customers hold 1000, 1, 1, 1000 interactions; limit 10.
    const auto offsets = offsets_of({1000, 1, 1, 1000});
    // Block [0, 2): customer 0 fills a shard alone. Block [2, 4): 1 + 1000 reaches the limit at
    // customer 3, which closes the shard with it (a customer is never split).
    EXPECT_EQ(plan_all_blocks(source(offsets), 4, {10, 100}, 2), (std::vector<std::uint64_t>{0, 1, 2, 4}));
    EXPECT_EQ(plan_all_blocks(source(offsets), 4, {10, 100}, 4), (std::vector<std::uint64_t>{0, 1, 4}));
    // Block [0, 3) then [3, 4).
    EXPECT_EQ(plan_all_blocks(source(offsets), 4, {10, 100}, 3), (std::vector<std::uint64_t>{0, 1, 3, 4}));
}

TEST(BlockPlan, AnySplitOfTheBlocksJoinsIntoTheSamePlan) {
    const auto offsets = offsets_of(mixed_counts(300));
    const ShardLimits limits{80, 9};
    for (const std::uint64_t block : {1, 7, 64, 300}) {
        const std::uint64_t blocks = plan_block_count(300, block);
        const auto whole = plan_all_blocks(source(offsets), 300, limits, block, 11);
        for (std::uint64_t k = 0; k <= blocks + 1; ++k) {
            auto left = plan_blocks(source(offsets), 300, 0, std::min(k, blocks), limits, block, 11);
            const auto right = plan_blocks(source(offsets), 300, std::min(k, blocks), blocks, limits, block, 11);
            ASSERT_EQ(left.back(), right.front()) << block << " " << k;
            left.insert(left.end(), right.begin() + 1, right.end());
            EXPECT_EQ(left, whole) << block << " " << k;
        }
        // An empty range past the end sits at the end of the base.
        EXPECT_EQ(plan_blocks(source(offsets), 300, blocks + 3, blocks + 5, limits, block),
                  (std::vector<std::uint64_t>{300}));
    }
}

}  // namespace
}  // namespace engage::partition
