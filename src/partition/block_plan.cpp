#include "partition/block_plan.hpp"

#include <algorithm>

namespace engage::partition {

std::uint64_t plan_block_count(std::uint64_t customers, std::uint64_t block_customers) noexcept {
    return customers / block_customers + (customers % block_customers != 0 ? 1 : 0);
}

std::vector<std::uint64_t> plan_blocks(const OffsetsSource& read, std::uint64_t customers, std::uint64_t first_block,
                                       std::uint64_t last_block, ShardLimits limits, std::uint64_t block_customers,
                                       std::uint64_t read_rows) {
    const auto start = [&](std::uint64_t block) { return std::min(block * block_customers, customers); };
    std::vector<std::uint64_t> bounds{start(first_block)};
    read_rows = std::max<std::uint64_t>(read_rows, 2);
    std::vector<std::uint64_t> rows;
    for (std::uint64_t b = first_block; b < last_block; ++b) {
        const std::uint64_t c0 = start(b), c1 = start(b + 1);
        if (c0 == c1) break;  // past the last customer
        // ShardPlanner measures the first shard from offset 0: feed it the block's offsets minus
        // the block's first offset, as if the block were a base of its own.
        ShardPlanner planner(limits);
        std::uint64_t origin = 0;
        for (std::uint64_t at = c0; at <= c1;) {
            const std::uint64_t n = std::min(read_rows, c1 + 1 - at);
            rows.resize(n);
            read(at, rows);
            if (at == c0) origin = rows[0];
            for (auto& o : rows) o -= origin;  // wraps on decreasing offsets, as the serial plan did;
                                               // read_shard rejects such offsets later
            planner.feed(rows);
            at += n;
        }
        const std::vector<std::uint64_t> local = planner.finish();  // 0 = local[0] < ... = c1 - c0
        for (std::size_t i = 1; i < local.size(); ++i) bounds.push_back(c0 + local[i]);
    }
    return bounds;
}

std::vector<std::uint64_t> plan_all_blocks(const OffsetsSource& read, std::uint64_t customers, ShardLimits limits,
                                           std::uint64_t block_customers, std::uint64_t read_rows) {
    if (customers == 0) return {0, 0};
    return plan_blocks(read, customers, 0, plan_block_count(customers, block_customers), limits, block_customers,
                       read_rows);
}

}  // namespace engage::partition
