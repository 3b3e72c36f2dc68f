// Byte ranges of a file mapped in place (io/mapped_file.hpp): a range that starts inside a page
// gives exactly the file's bytes there, as elements of a type; a range beyond the end of the file
// is refused with a message naming the file; the mapping ends with its MappedRange.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <vector>

#include "core/errors.hpp"
#include "io/mapped_file.hpp"

namespace engage::io {
namespace {

struct TempFile {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("engage-mapped-test-" + std::to_string(::getpid()))).string();
    ~TempFile() { std::filesystem::remove(path); }
};

TEST(MappedFile, GivesTheFilesBytesAtAnyOffset) {
    TempFile f;
    std::vector<std::int64_t> values(3000);  // 24,000 bytes: several pages
    std::iota(values.begin(), values.end(), -7);
    std::ofstream(f.path, std::ios::binary).write(reinterpret_cast<const char*>(values.data()),
                                                   std::streamsize(values.size() * sizeof(values[0])));
    const MappedFile file(f.path);
    EXPECT_EQ(file.size(), 24000u);
    // Elements 600..1100: bytes 4,800..8,800, starting inside the second page.
    const MappedRange r = file.map(600 * 8, 500 * 8);
    const auto v = r.as<std::int64_t>();
    ASSERT_EQ(v.size(), 500u);
    for (std::size_t i = 0; i < v.size(); ++i) ASSERT_EQ(v[i], std::int64_t(600 + i) - 7) << i;
    // Up to the last byte, and one byte (the low byte of element 2999 = 2992).
    EXPECT_EQ(file.map(0, 24000).as<std::int64_t>().back(), 2992);
    EXPECT_EQ(file.map(2999 * 8, 1).as<std::uint8_t>()[0], 2992 % 256);
    EXPECT_TRUE(file.map(100, 0).as<std::uint8_t>().empty());
    // A range moved keeps its bytes; the one moved from is empty.
    MappedRange moved = file.map(8, 16);
    MappedRange to = std::move(moved);
    EXPECT_EQ(to.as<std::int64_t>()[1], -5);
    EXPECT_EQ(moved.bytes(), 0u);
}

TEST(MappedFile, RefusesRangesBeyondTheEnd) {
    TempFile f;
    std::ofstream(f.path, std::ios::binary) << std::string(100, 'x');
    const MappedFile file(f.path);
    for (auto [offset, bytes] : {std::pair<std::uint64_t, std::uint64_t>{0, 101}, {100, 1}, {200, 0 + 1},
                                 {1, UINT64_MAX}}) {
        try {
            file.map(offset, bytes);
            ADD_FAILURE() << offset << "+" << bytes << " was mapped";
        } catch (const IoError& e) {
            EXPECT_NE(std::string(e.what()).find(f.path), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
        }
    }
    EXPECT_THROW(MappedFile(f.path + ".missing"), IoError);
    // A read-ahead hint is only a hint: beyond the end, across it or empty, it neither throws
    // nor changes what a map then gives.
    for (auto [offset, bytes] : {std::pair<std::uint64_t, std::uint64_t>{0, 101}, {100, 1}, {1, UINT64_MAX}, {50, 0}, {10, 20}})
        file.will_need(offset, bytes);
    EXPECT_EQ(file.map(10, 20).as<char>()[19], 'x');
}

}  // namespace
}  // namespace engage::io
