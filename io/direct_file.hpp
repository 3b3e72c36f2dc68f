#pragma once
// Byte ranges written into a file past the page cache (POSIX O_DIRECT), so that a rank writing
// gigabytes of customers.h5, of a base's columns or of customers.csv does not first have the kernel allocate and
// fill that much page cache: on the machines measured, new page-cache memory costs 0.3-0.5 GB/s
// the first time, a direct write goes to the disk at 1.2 GB/s (docs/performance.md, "Writing
// past the page cache").
//
// A range [offset, offset + bytes) is split at the file system's block size (4 KiB): the
// aligned middle goes through a 4 KiB-aligned buffer with O_DIRECT, the partial blocks at its
// two ends through an ordinary (buffered) write. Two ranks writing neighbouring ranges thus
// only ever share a block through the page cache, where their bytes merge, and no block is
// written both ways. Where O_DIRECT is not available (tmpfs, some network file systems: open or
// the first write fails with EINVAL), every byte is written buffered; the file's content is the
// same either way. ENGAGE_DIRECT_OUTPUT=0 turns it off (io/h5/io_tuning.hpp).
//
// The caller guarantees that nothing else writes the same bytes (HDF5 writes only metadata
// outside the datasets' allocated space) and that readers of the file come after the writes:
// a direct write invalidates the page cache over its range, so later reads see its bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace engage::io {

class DirectFile {
public:
    // Nothing is opened until the first write. `direct` false: every byte written buffered
    // (ENGAGE_DIRECT_OUTPUT=0).
    explicit DirectFile(std::string path, bool direct = true) : path_(std::move(path)), direct_(direct) {}
    DirectFile(const DirectFile&) = delete;
    DirectFile& operator=(const DirectFile&) = delete;
    ~DirectFile();

    // Writes `bytes` bytes from `data` at `offset`. Throws IoError naming the file and the
    // system's reason (a full disk) when a write fails.
    void write(std::uint64_t offset, const void* data, std::uint64_t bytes);
    // Closes the descriptors (a later write opens them again).
    void close() noexcept;

    // What this process wrote each way, for run.json.
    static std::uint64_t direct_bytes() noexcept;
    static std::uint64_t buffered_bytes() noexcept;

private:
    void open();
    void write_buffered(std::uint64_t offset, const std::byte* data, std::uint64_t bytes);
    std::string path_;
    int buffered_fd_ = -1, direct_fd_ = -1;
    bool direct_ = true;
    bool opened_ = false;
    bool direct_worked_ = false;  // a direct write succeeded: a later EINVAL is an error, not a refusal
    struct AlignedFree {
        void operator()(std::byte* p) const noexcept;
    };
    std::unique_ptr<std::byte[], AlignedFree> bounce_;
};

}  // namespace engage::io
