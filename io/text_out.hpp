#pragma once
// A text file written from start to end through io::DirectFile: past the page cache and behind
// the caller, in pieces of 1 MiB. For the report files one rank writes (report.json: 170 MB at
// 10 M customers, 1.7 GB at 100 M; report.html, run.json and the CSV tables), which through an
// ofstream cost new page-cache memory at 0.3-0.5 GB/s on the machines measured
// (docs/performance.md, "Writes behind the computation").
#include <cstdint>
#include <string>
#include <string_view>

#include "io/direct_file.hpp"

namespace engage::io {

class TextOut {
public:
    // Creates (or truncates) the file; throws IoError naming it when it cannot.
    explicit TextOut(std::string path);
    TextOut(const TextOut&) = delete;
    TextOut& operator=(const TextOut&) = delete;

    TextOut& operator<<(std::string_view text);
    TextOut& operator<<(char c) { return *this << std::string_view(&c, 1); }
    // Writes what is buffered and waits for the file to be written; throws IoError (which file,
    // the system's reason) when a write failed. Without close, nothing is reported.
    void close();
    const std::string& path() const noexcept { return path_; }

private:
    void flush();
    std::string path_;
    DirectFile file_;
    std::string buffer_;
    std::uint64_t written_ = 0;
};

}  // namespace engage::io
