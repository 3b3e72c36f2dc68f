// A text file written through io::TextOut (io/text_out.hpp): pieces of every size, smaller and
// larger than its 1 MiB buffer, come out exactly, over an older and longer file (truncated);
// a file that cannot be created and a write that fails behind the caller are named.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/errors.hpp"
#include "io/text_out.hpp"

namespace engage::io {
namespace {

std::string contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(TextOut, WritesEveryPieceInOrderOverAnOlderFile) {
    const std::string path = (std::filesystem::temp_directory_path() / ("engage-text-out-" + std::to_string(::getpid()))).string();
    std::ofstream(path, std::ios::binary) << std::string(9u << 20, 'x');  // longer than what follows
    std::string expected;
    {
        TextOut out(path);
        std::size_t piece = 1;
        for (int i = 0; expected.size() < (5u << 20) + 12345; ++i) {
            std::string text(piece, char('a' + i % 26));
            text.back() = '\n';
            out << text;
            expected += text;
            out << char('0' + i % 10);
            expected += char('0' + i % 10);
            piece = piece * 2 + 3;
            if (piece > (3u << 20)) piece = 7;
        }
        out.close();
    }
    EXPECT_EQ(contents(path), expected);
    std::filesystem::remove(path);
}

TEST(TextOut, NamesTheFileItCannotCreate) {
    try {
        TextOut out("/nonexistent-dir-of-engage/report.json");
        FAIL() << "no error";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir-of-engage/report.json"), std::string::npos) << e.what();
    }
}

// The failure is thrown by a later write or at the latest by close.
TEST(TextOut, ReportsAFullDisk) {
    if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
    try {
        TextOut out("/dev/full");
        out << std::string(3u << 20, 'r');
        out.close();
        FAIL() << "no error";
    } catch (const IoError& e) {
        EXPECT_NE(std::string(e.what()).find("/dev/full"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(std::strerror(ENOSPC)), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace engage::io
