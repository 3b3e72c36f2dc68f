// Ranges read past the page cache (io/direct_reader.hpp) hold exactly the file's bytes: ranges
// that start and end off the 4 KiB blocks, an empty one, one that ends at the file's end (not a
// multiple of the block), reads alternating between the two sets of buffers with the set handed
// out last still intact, and a read started and never taken dropped by the next.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "io/direct_reader.hpp"

namespace engage::io {
namespace {

std::vector<std::byte> bytes_of(const std::vector<char>& file, DirectReader::Range r) {
    std::vector<std::byte> out(r.bytes);
    for (std::uint64_t i = 0; i < r.bytes; ++i) out[i] = std::byte(file[r.offset + i]);
    return out;
}

std::vector<std::byte> copy(std::span<const std::byte> s) { return {s.begin(), s.end()}; }

TEST(DirectReader, RangesHoldTheFilesBytes) {
    const std::string path = (std::filesystem::temp_directory_path() / "engage-direct-reader-test").string();
    std::vector<char> file(3 * 1024 * 1024 + 123);  // ends off a block
    std::mt19937 rng(3);
    for (char& c : file) c = char(rng());
    std::ofstream(path, std::ios::binary).write(file.data(), std::streamsize(file.size()));

    DirectReader reader(path);
    if (!reader.ok()) GTEST_SKIP() << "the file system of " << path << " refuses O_DIRECT";
    const std::vector<DirectReader::Range> first{{5, 100000}, {4096, 8192}, {77, 0}, {file.size() - 999, 999}};
    const std::vector<DirectReader::Range> second{{1000003, 2000000}, {1, 1}};
    reader.start(first);
    EXPECT_TRUE(reader.started(first));
    EXPECT_FALSE(reader.started(second));
    const auto a = reader.take();
    ASSERT_EQ(a.size(), first.size());
    for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(copy(a[i]), bytes_of(file, first[i])) << i;
    EXPECT_FALSE(reader.started(first));  // taken

    reader.start(second);  // into the other set: `a` stays as it was
    const auto b = reader.take();
    for (std::size_t i = 0; i < second.size(); ++i) EXPECT_EQ(copy(b[i]), bytes_of(file, second[i])) << i;
    for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(copy(a[i]), bytes_of(file, first[i])) << "after: " << i;

    reader.start(first);   // never taken
    reader.start(second);  // drops it
    EXPECT_TRUE(reader.started(second));
    const auto c = reader.take();
    for (std::size_t i = 0; i < second.size(); ++i) EXPECT_EQ(copy(c[i]), bytes_of(file, second[i])) << i;
    EXPECT_GE(DirectReader::bytes_read(), 100000u + 8192 + 999 + 2000000 + 1);
    std::filesystem::remove(path);
}

TEST(DirectReader, AFileThatEndsBeforeARangeIsAnError) {
    const std::string path = (std::filesystem::temp_directory_path() / "engage-direct-reader-short").string();
    std::ofstream(path, std::ios::binary) << std::string(5000, 'x');
    DirectReader reader(path);
    if (!reader.ok()) GTEST_SKIP() << "the file system of " << path << " refuses O_DIRECT";
    reader.start({{4000, 2000}});
    try {
        (void)reader.take();
        ADD_FAILURE() << "a range past the end was read";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace engage::io
