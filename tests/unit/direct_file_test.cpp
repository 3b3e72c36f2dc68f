// Byte ranges written past the page cache and behind the caller (io/direct_file.hpp): two
// writers of neighbouring ranges whose boundary falls inside a block, and one writer appending
// pieces of odd sizes (larger and smaller than its staging buffers, the caller's buffer reused
// at once), leave exactly the bytes written, whether the file system takes O_DIRECT (the
// aligned middles then go past the page cache) or not (tmpfs: everything buffered); a file that
// cannot be opened is named in the error, a write that fails behind the caller is reported
// by finish and by the next write, and a deep ring of staging buffers writes in queue order.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "io/direct_file.hpp"

namespace engage::io {
namespace {

struct TempFile {
    std::string path;
    explicit TempFile(const std::filesystem::path& dir)
        : path((dir / ("engage-direct-test-" + std::to_string(::getpid()))).string()) {
        std::ofstream(path, std::ios::binary);  // created empty, as HDF5 creates the file first
    }
    ~TempFile() { std::filesystem::remove(path); }
};

std::vector<unsigned char> pattern(std::size_t n, unsigned seed) {
    std::vector<unsigned char> v(n);
    std::uint32_t x = seed;
    for (auto& b : v) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<unsigned char>(x >> 24);
    }
    return v;
}

std::vector<unsigned char> contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool takes_o_direct(const std::string& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_DIRECT);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

// Two "ranks" write [0, cut) and [cut, n) of 3 MiB + 777 bytes, the cut inside a 4 KiB block,
// the second one first; then one writer appends 5 MiB in pieces of odd sizes after a gap.
void check_writes(const std::filesystem::path& dir) {
    TempFile f(dir);
    const std::size_t n = (3u << 20) + 777, cut = (1u << 20) + 1234;
    const auto data = pattern(n, 7);
    const std::uint64_t direct_before = DirectFile::direct_bytes();
    {
        DirectFile a(f.path), b(f.path);
        b.write(100 + cut, data.data() + cut, n - cut);
        a.write(100, data.data(), cut);
        a.finish();
        b.finish();
    }
    const std::size_t at = 100 + n + 5000, m = 5u << 20;
    const auto more = pattern(m, 11);
    {
        DirectFile c(f.path);
        std::size_t done = 0, piece = 300001;
        std::vector<unsigned char> reused;  // the caller's buffer, overwritten as soon as write returns
        while (done < m) {
            const std::size_t k = std::min(piece, m - done);
            reused.assign(more.begin() + std::ptrdiff_t(done), more.begin() + std::ptrdiff_t(done + k));
            c.write(at + done, reused.data(), k);
            std::fill(reused.begin(), reused.end(), 0xEE);
            done += k;
            piece = piece * 3 / 2 + 17;
        }
        c.finish();
    }
    const auto got = contents(f.path);
    ASSERT_EQ(got.size(), at + m);
    for (std::size_t i = 0; i < 100; ++i) ASSERT_EQ(got[i], 0) << i;  // never written: a hole
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(got[100 + i], data[i]) << "first range, byte " << i;
    for (std::size_t i = 100 + n; i < at; ++i) ASSERT_EQ(got[i], 0) << i;
    for (std::size_t i = 0; i < m; ++i) ASSERT_EQ(got[at + i], more[i]) << "pieces, byte " << i;
    if (takes_o_direct(f.path)) {
        // The aligned middles went past the page cache: all but a few partial blocks.
        EXPECT_GT(DirectFile::direct_bytes() - direct_before, n + m - 16 * 4096);
    } else {
        EXPECT_EQ(DirectFile::direct_bytes(), direct_before);
    }
}

TEST(DirectFile, LeavesExactlyTheBytesWritten) { check_writes(std::filesystem::temp_directory_path()); }

TEST(DirectFile, FallsBackToBufferedWritesOnTmpfs) {
    if (!std::filesystem::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm here";
    check_writes("/dev/shm");
}

// A ring of seven staging buffers of 64 KiB (a writer with a deep queue, as customers.h5's):
// 40 "columns" of a flush written in turn at scattered places, each in pieces of odd sizes, the
// ring wrapping round many times; then a later write over part of earlier ones, which must win
// because the stages are written in the order they were queued.
TEST(DirectFile, ARingOfStagesWritesInTheOrderQueued) {
    TempFile f(std::filesystem::temp_directory_path());
    constexpr std::size_t kColumns = 40, kColumnBytes = 200003, kStride = 262144 + 513;
    std::vector<std::vector<unsigned char>> columns;
    for (std::size_t c = 0; c < kColumns; ++c) columns.push_back(pattern(kColumnBytes, unsigned(100 + c)));
    const auto later = pattern(3 * kColumnBytes, 99);
    const std::size_t later_at = 5 * kStride + 1000;
    {
        DirectFile d(f.path, true, 64u << 10, 7 * (64u << 10));
        for (std::size_t c = 0; c < kColumns; ++c) {
            const std::size_t at = (kColumns - 1 - c) * kStride;  // the last column first
            for (std::size_t done = 0, piece = 1 + 9000 * c; done < kColumnBytes; piece = piece * 2 + 4097) {
                const std::size_t k = std::min(piece, kColumnBytes - done);
                d.write(at + done, columns[c].data() + done, k);
                done += k;
            }
        }
        d.write(later_at, later.data(), later.size());
        d.finish();
    }
    const auto got = contents(f.path);
    ASSERT_EQ(got.size(), (kColumns - 1) * kStride + kColumnBytes);
    for (std::size_t c = 0; c < kColumns; ++c) {
        const std::size_t at = (kColumns - 1 - c) * kStride;
        for (std::size_t i = 0; i < kColumnBytes; ++i) {
            const std::size_t p = at + i;
            const unsigned char want = p >= later_at && p < later_at + later.size() ? later[p - later_at] : columns[c][i];
            ASSERT_EQ(got[p], want) << "column " << c << ", byte " << i;
        }
    }
}

TEST(DirectFile, StagesInAQueueOfBytes) {
    EXPECT_EQ(DirectFile::stages_in(0), 2u);
    EXPECT_EQ(DirectFile::stages_in(DirectFile::kDefaultStageBytes * 3 - 1), 2u);
    EXPECT_EQ(DirectFile::stages_in(DirectFile::kDefaultStageBytes * 21), 21u);
    EXPECT_EQ(DirectFile::stages_in(7u << 20, 1u << 20), 7u);  // a spill store's 1 MiB stages
    EXPECT_EQ(DirectFile::stages_in(std::uint64_t(1) << 40), 1024u);
}

TEST(DirectFile, NamesTheFileItCannotOpen) {
    DirectFile f("/nonexistent-dir-of-engage/customers.h5");
    const char byte = 1;
    try {
        f.write(0, &byte, 1);
        FAIL() << "no error";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir-of-engage/customers.h5"), std::string::npos) << e.what();
    }
}

// /dev/full takes the open and refuses every write (ENOSPC): the write returns (it runs behind
// the caller), finish reports the failure with the file's name and the reason, and a writer
// that goes on writing hears of it at a later write.
TEST(DirectFile, ReportsAWriteThatFailedBehindTheCaller) {
    if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
    const std::vector<unsigned char> data(1u << 20, 7);
    {
        DirectFile f("/dev/full");
        f.write(0, data.data(), data.size());
        try {
            f.finish();
            FAIL() << "no error";
        } catch (const IoError& e) {
            EXPECT_NE(std::string(e.what()).find("/dev/full"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(std::strerror(ENOSPC)), std::string::npos) << e.what();
        }
        EXPECT_EQ(f.failure_errno(), ENOSPC);
        EXPECT_NO_THROW(f.finish());  // reported once
    }
    DirectFile f("/dev/full");
    bool thrown = false;
    for (int i = 0; i < 64 && !thrown; ++i) {
        try {
            f.write(std::uint64_t(i) * data.size(), data.data(), data.size());
        } catch (const IoError&) {
            thrown = true;
        }
    }
    EXPECT_TRUE(thrown) << "64 MiB written to /dev/full without an error";
}

}  // namespace
}  // namespace engage::io
