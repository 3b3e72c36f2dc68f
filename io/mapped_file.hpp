#pragma once
// Byte ranges of a file mapped read-only into memory (POSIX mmap), so that a reader uses the
// page cache's pages in place instead of copying them into its own buffers: the input's
// unfiltered interaction columns (CustomerBaseReader, docs/performance.md "The read phase
// without its copy"). A range is mapped with MAP_POPULATE (its pages are made resident and
// mapped by the call, so the cost falls where the range is mapped) and unmapped when its
// MappedRange is destroyed, so that a reader's resident memory stays one shard's worth.
//
// A mapped file that another process truncates while a range is in use raises SIGBUS on access;
// Engage never rewrites its inputs in place (FileStamp checks at commit that no one did).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace engage::io {

class MappedRange {
public:
    MappedRange() = default;
    MappedRange(MappedRange&& o) noexcept;
    MappedRange& operator=(MappedRange&& o) noexcept;
    MappedRange(const MappedRange&) = delete;
    MappedRange& operator=(const MappedRange&) = delete;
    ~MappedRange();

    // The range's bytes as elements of T; the range's start must be aligned for T.
    template <class T> std::span<const T> as() const noexcept {
        return {reinterpret_cast<const T*>(data_), bytes_ / sizeof(T)};
    }
    std::uint64_t bytes() const noexcept { return bytes_; }
    // Bytes held elsewhere (a DirectReader's buffer), viewed like a mapped range; nothing is
    // unmapped when it goes.
    static MappedRange view(std::span<const std::byte> bytes) noexcept {
        return {nullptr, 0, bytes.data(), bytes.size()};
    }

private:
    friend class MappedFile;
    MappedRange(void* base, std::size_t length, const std::byte* data, std::uint64_t bytes) noexcept
        : base_(base), length_(length), data_(data), bytes_(bytes) {}
    void* base_ = nullptr;     // what mmap returned (page-aligned), for munmap
    std::size_t length_ = 0;
    const std::byte* data_ = nullptr;
    std::uint64_t bytes_ = 0;
};

class MappedFile {
public:
    // Opens `path` read-only. Throws IoError naming the file when it cannot.
    explicit MappedFile(const std::string& path);
    MappedFile(MappedFile&& o) noexcept;
    MappedFile& operator=(MappedFile&&) = delete;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    // The file's size when opened.
    std::uint64_t size() const noexcept { return size_; }
    // Bytes [offset, offset + bytes), which must lie inside size(). Throws IoError naming the
    // file and the system's reason when mmap fails. An empty range maps nothing.
    MappedRange map(std::uint64_t offset, std::uint64_t bytes) const;
    // Asks the kernel to start reading bytes [offset, offset + bytes) into the page cache and
    // returns (posix_fadvise WILLNEED), so that a later map of them finds them there. Only a
    // hint: ranges beyond the file and failures are ignored.
    void will_need(std::uint64_t offset, std::uint64_t bytes) const noexcept;
    // The share of the pages of bytes [offset, offset + bytes) in the page cache now (mincore);
    // 1 when it cannot tell.
    double resident(std::uint64_t offset, std::uint64_t bytes) const noexcept;

private:
    std::string path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

}  // namespace engage::io
