// Spill stores under a budget (io/spill_store.hpp): blocks kept in memory while the allowance
// lasts, the rest written to the scratch file; lending part of the allowance to a stage writes
// the latest blocks held in memory out, and every block still reads back its own rows.
#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "io/spill_store.hpp"

namespace engage::io {
namespace {

std::string scratch(const char* name) {
    return (std::filesystem::temp_directory_path() / (std::string("engage-spill-test-") + name)).string();
}

// Rows 0, 1, 2, ... in blocks of 4 (32 bytes each).
std::vector<std::int64_t> rows(std::size_t n) {
    std::vector<std::int64_t> v(n);
    std::iota(v.begin(), v.end(), 0);
    return v;
}

void expect_rows(const SpillStore<std::int64_t>& s, std::size_t n) {
    std::vector<std::byte> buffer;
    std::size_t next = 0;
    for (std::size_t b = 0; b < s.blocks(); ++b)
        for (std::int64_t v : s.block(b, buffer)) EXPECT_EQ(v, std::int64_t(next++)) << "block " << b;
    EXPECT_EQ(next, n);
}

TEST(SpillStore, BlocksBeyondTheAllowanceGoToTheScratchFile) {
    SpillBudget budget(64);  // two sealed blocks of 32 bytes
    SpillStore<std::int64_t> s(scratch("a"), 4, budget);
    s.append(rows(18));  // 4 sealed blocks and a tail of 2
    EXPECT_EQ(budget.used(), 64u);
    EXPECT_EQ(budget.spilled(), 64u);
    expect_rows(s, 18);
}

TEST(SpillStore, LendingWritesTheLatestBlocksOutAndGivingBackRestoresTheAllowance) {
    SpillBudget budget(96);
    SpillStore<std::int64_t> first(scratch("b1"), 4, budget), second(scratch("b2"), 4, budget);
    first.append(rows(8));   // 2 blocks in memory
    second.append(rows(4));  // 1 block in memory: the allowance is full
    EXPECT_EQ(budget.used(), 96u);
    EXPECT_EQ(budget.spilled(), 0u);
    budget.lend(40);  // 56 bytes left: the latest store's block goes out, then one of the first's
    EXPECT_EQ(budget.allowance(), 56u);
    EXPECT_EQ(budget.used(), 32u);
    EXPECT_EQ(budget.spilled(), 64u);
    expect_rows(first, 8);
    expect_rows(second, 4);
    first.release(1);  // a block written out is released like any other (a hole in the file)
    EXPECT_EQ(budget.used(), 32u);
    first.release(0);  // the one still in memory: its bytes go back to the budget
    EXPECT_EQ(budget.used(), 0u);
    budget.give_back(40);
    EXPECT_EQ(budget.allowance(), 96u);
    budget.lend(1000);  // more than the allowance: everything in memory goes out
    EXPECT_EQ(budget.allowance(), 0u);
    EXPECT_EQ(budget.used(), 0u);
    std::vector<std::byte> buffer;
    EXPECT_EQ(second.block(0, buffer)[3], 3);
    budget.give_back(1000);
    EXPECT_EQ(budget.allowance(), 96u);  // only what was lent comes back
}

}  // namespace
}  // namespace engage::io
