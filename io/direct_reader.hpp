#pragma once
// Byte ranges of a file read past the page cache (POSIX O_DIRECT) on a thread of their own, into
// two sets of buffers that the reader keeps and reuses: while the caller works on the ranges of
// one read, the next is read into the other set. For the input's interaction columns when they
// are not in the page cache (CustomerBaseReader::prefetch): a 22 GB base read through the page
// cache is new memory on the machines measured, whose first touch cost a fifth of a 100 M
// customer run's CPU time (docs/performance.md, "The input past the page cache"); buffers the
// process keeps are never new memory again.
//
// Each range is read from the 4 KiB boundary at or before it to the one at or after its end,
// into 4 KiB-aligned memory; the caller gets a span of exactly its bytes. Where the file system
// refuses O_DIRECT (open fails, or the first read fails with EINVAL), ok() turns false and the
// caller reads another way.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "io/direct_file.hpp"

namespace engage::io {

class DirectReader {
public:
    struct Range {
        std::uint64_t offset = 0, bytes = 0;
        bool operator==(const Range&) const = default;
    };
    explicit DirectReader(std::string path);
    DirectReader(const DirectReader&) = delete;
    DirectReader& operator=(const DirectReader&) = delete;
    ~DirectReader();  // waits for a read in flight

    bool ok() const noexcept { return fd_ >= 0; }
    // Starts reading `ranges` into the set of buffers not handed out by the last take(), and
    // returns; a read started before and not taken is waited for and dropped.
    void start(std::vector<Range> ranges);
    // Whether the read in flight (or done, not taken) is of exactly these ranges.
    bool started(const std::vector<Range>& ranges) const noexcept;
    // Waits for the started read and returns its ranges' bytes, valid until the read after the
    // next start(). Empty when O_DIRECT was refused (ok() is then false). Throws IoError naming
    // the file and the system's reason when a read failed otherwise.
    std::vector<std::span<const std::byte>> take();

    // Bytes this process read this way, for run.json.
    static std::uint64_t bytes_read() noexcept;

private:
    struct Buffer {
        AlignedBytes memory{nullptr, nullptr};
        std::uint64_t capacity = 0;
    };
    void wait() noexcept;
    void read_all() noexcept;  // on the thread

    std::string path_;
    int fd_ = -1;
    std::vector<Buffer> sets_[2];
    int next_ = 0;  // the set the next start() fills
    bool pending_ = false;
    std::vector<Range> ranges_;
    std::vector<std::span<const std::byte>> result_;
    int error_ = 0;  // errno of a failed read; EINVAL on the first read: refused
    bool worked_ = false;
    std::thread thread_;
};

}  // namespace engage::io
