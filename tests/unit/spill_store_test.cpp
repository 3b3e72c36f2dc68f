// Spill stores under a budget (io/spill_store.hpp): blocks kept in memory while the allowance
// lasts, the rest written to the scratch file; lending part of the allowance to a stage writes
// the latest blocks held in memory out, and every block still reads back its own rows.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <numeric>

#include "core/errors.hpp"

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

// Rows read at random (what the report does with the managers' groups kept on rank 0): those
// in memory, in the scratch file and in the unsealed tail, from several threads at once.
TEST(SpillStore, RowsReadAtRandomFromMemoryFileAndTailOnSeveralThreads) {
    SpillBudget budget(64);  // blocks 0 and 1 in memory, 2-4 spilled, a tail of 3
    SpillStore<std::int64_t> s(scratch("random"), 4, budget);
    s.append(rows(23));
    EXPECT_EQ(budget.spilled(), 96u);
    s.settle();
    std::vector<std::int64_t> got(23 * 7, -1);
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t k = 0; k < std::int64_t(got.size()); ++k) s.row(std::uint64_t(k * 13 % 23), got[std::size_t(k)]);
    for (std::size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k], std::int64_t(k * 13 % 23)) << k;
    std::int64_t past = 0;
    EXPECT_THROW(s.row(23, past), Error);
    s.release(2);
    EXPECT_THROW(s.row(9, past), Error);  // block 2's row: released
}

// Spilled rows read in order come from a chunk a thread read at once (256 KiB: 32,768 rows of
// 8 bytes, so a block of 100,000 rows takes several chunks and a chunk ends at its block's end);
// read in pieces on several threads, backwards, or once the store was cleared and filled with
// other rows, each read still gets its own row.
TEST(SpillStore, RowsReadInOrderInPiecesBackwardsAndAfterAClear) {
    SpillBudget budget(0);  // every block spilled
    SpillStore<std::int64_t> s(scratch("in-order"), 100000, budget);
    const std::size_t n = 250003;  // two blocks and a tail
    s.append(rows(n));
    s.settle();
    std::int64_t got = -1;
    for (std::size_t i = 0; i < n; ++i) {
        s.row(i, got);
        ASSERT_EQ(got, std::int64_t(i));
    }
    std::vector<std::int64_t> pieces(n, -1);  // pieces of 256 rows, every thread's in order
#pragma omp parallel for schedule(static, 1)
    for (std::int64_t p = 0; p < std::int64_t((n + 255) / 256); ++p)
        for (std::size_t i = std::size_t(p) * 256; i < std::min(n, std::size_t(p + 1) * 256); ++i) s.row(i, pieces[i]);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(pieces[i], std::int64_t(i));
    for (std::size_t i = n; i-- > 0;) {
        s.row(i, got);
        ASSERT_EQ(got, std::int64_t(i));
    }
    for (std::size_t i = 0; i < 100; ++i) s.row(i, got);  // this thread's chunk: rows from 1
    // The same rows' places hold other values after a clear: nothing read before is served.
    s.clear();
    std::vector<std::int64_t> other = rows(n);
    for (auto& v : other) v = -v - 7;
    s.append(other);
    s.settle();
    for (std::size_t i = 0; i < n; ++i) {
        s.row(i, got);
        ASSERT_EQ(got, -std::int64_t(i) - 7);
    }
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

TEST(SpillStore, LargeBlocksGoPastThePageCacheAndReadBackWhole) {
    // Blocks of 300,007 rows of 8 bytes (2.4 MB: more than the writer's staging buffers, not a
    // multiple of 4 KiB), all spilled; one released between reads, rows appended after a read.
    SpillBudget budget(0);
    SpillStore<std::int64_t> s(scratch("large"), 300007, budget);
    s.append(rows(1000000));
    EXPECT_EQ(budget.spilled(), 3u * 300007 * 8);
    expect_rows(s, 1000000);
    s.release(1);
    std::vector<std::byte> buffer;
    EXPECT_EQ(s.block(2, buffer)[300006], 3 * 300007 - 1);
    std::vector<std::int64_t> more(300007);
    std::iota(more.begin(), more.end(), 1000000);
    s.append(more);  // fills the tail (block 3) and starts block 4, written after the reads
    EXPECT_EQ(s.block(3, buffer)[0], 3 * 300007);
    EXPECT_EQ(s.block(3, buffer)[300006], 4 * 300007 - 1);
    EXPECT_EQ(s.block(4, buffer).size(), 1000000u + 300007u - 4u * 300007u);
}

TEST(SpillStore, TheNextBlockReadAheadInAnyOrderOfReads) {
    // Six spilled blocks of 300,007 rows (2.4 MB). Read in order, every block after the first
    // comes from the read ahead that its predecessor started; out of order, a block read ahead
    // but not asked for is dropped and the block asked for is read, with the same rows.
    const std::string path = scratch("ahead");
    constexpr std::size_t kRows = 300007, kBytes = kRows * 8;
    SpillBudget budget(0);
    SpillStore<std::int64_t> s(path, kRows, budget);
    s.append(rows(6 * kRows));
    ASSERT_EQ(s.blocks(), 6u);
    expect_rows(s, 6 * kRows);
    EXPECT_EQ(s.bytes_read_ahead(), 5 * kBytes);
    std::vector<std::byte> buffer;
    EXPECT_EQ(s.block(3, buffer)[0], std::int64_t(3 * kRows));  // starts reading 4 ahead
    EXPECT_EQ(s.block(1, buffer)[kRows - 1], std::int64_t(2 * kRows - 1));  // 4 dropped; 2 ahead
    s.release(2);  // the block being read ahead: the read is waited for, then the hole punched
    EXPECT_THROW((void)s.block(2, buffer), Error);
    EXPECT_EQ(s.block(4, buffer)[5], std::int64_t(4 * kRows + 5));
    EXPECT_EQ(s.bytes_read_ahead(), 5 * kBytes);  // none of these came from a read ahead
    // A read ahead that fails (the file cut short under it) is reported when its block is asked
    // for, naming the scratch file; the block before it reads whole.
    EXPECT_EQ(s.block(3, buffer)[1], std::int64_t(3 * kRows + 1));
    std::filesystem::resize_file(path, 5 * ((kBytes + 4095) / 4096 * 4096) + 4096);  // block 5 cut (blocks start at 4 KiB boundaries)
    EXPECT_EQ(s.block(4, buffer)[kRows - 1], std::int64_t(5 * kRows - 1));  // starts reading 5 ahead
    try {
        (void)s.block(5, buffer);
        ADD_FAILURE() << "block 5 read from a file cut short";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST(SpillStore, AFailedWriteIsReportedWhenTheBlockIsRead) {
    // Writes past a file-size limit fail (EFBIG) on the writer's thread, behind the caller: the
    // failure is reported by the next write or, at the latest, before a row is read back,
    // naming the scratch file and the way out.
    const std::string path = scratch("limit");
    rlimit before{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &before), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = before;
    limit.rlim_cur = 1u << 20;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
    std::string message;
    {
        SpillBudget budget(0);
        SpillStore<std::int64_t> s(path, 300007, budget);
        std::vector<std::byte> buffer;
        try {
            s.append(rows(700000));  // two 2.4 MB blocks
            (void)s.block(0, buffer);
        } catch (const IoError& e) {
            message = e.what();
        }
    }
    setrlimit(RLIMIT_FSIZE, &before);
    std::signal(SIGXFSZ, old_handler);
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("File too large"), std::string::npos) << message;
    EXPECT_NE(message.find("--memory-per-rank"), std::string::npos) << message;
    EXPECT_FALSE(std::filesystem::exists(path));  // the scratch file goes with the store
}

}  // namespace
}  // namespace engage::io
