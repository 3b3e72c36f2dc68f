#include "io/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "core/errors.hpp"

namespace engage::io {

MappedRange::MappedRange(MappedRange&& o) noexcept
    : base_(std::exchange(o.base_, nullptr)), length_(std::exchange(o.length_, 0)),
      data_(std::exchange(o.data_, nullptr)), bytes_(std::exchange(o.bytes_, 0)) {}

MappedRange& MappedRange::operator=(MappedRange&& o) noexcept {
    if (this != &o) {
        if (base_) ::munmap(base_, length_);
        base_ = std::exchange(o.base_, nullptr);
        length_ = std::exchange(o.length_, 0);
        data_ = std::exchange(o.data_, nullptr);
        bytes_ = std::exchange(o.bytes_, 0);
    }
    return *this;
}

MappedRange::~MappedRange() {
    if (base_) ::munmap(base_, length_);
}

MappedFile::MappedFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat s {};
    if (fd_ < 0 || ::fstat(fd_, &s) != 0) {
        const int error = errno;
        if (fd_ >= 0) ::close(fd_);
        throw IoError(path + ": cannot open for reading: " + std::strerror(error));
    }
    size_ = std::uint64_t(s.st_size);
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)), size_(o.size_) {}

MappedFile::~MappedFile() {
    if (fd_ >= 0) ::close(fd_);
}

MappedRange MappedFile::map(std::uint64_t offset, std::uint64_t bytes) const {
    if (bytes == 0) return {};
    if (offset > size_ || bytes > size_ - offset)
        throw IoError(path_ + ": bytes " + std::to_string(offset) + ".." + std::to_string(offset + bytes) +
                      " lie beyond the file's " + std::to_string(size_) + " bytes; the file was truncated");
    static const std::uint64_t page = std::uint64_t(::sysconf(_SC_PAGESIZE));
    const std::uint64_t start = offset / page * page;
    const std::size_t length = std::size_t(offset + bytes - start);
    void* base = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_, off_t(start));
    if (base == MAP_FAILED)
        throw IoError(path_ + ": mapping bytes " + std::to_string(offset) + ".." + std::to_string(offset + bytes) +
                      " failed: " + std::strerror(errno));
    return {base, length, static_cast<const std::byte*>(base) + (offset - start), bytes};
}

void MappedFile::will_need(std::uint64_t offset, std::uint64_t bytes) const noexcept {
    if (bytes == 0 || offset >= size_) return;
    (void)::posix_fadvise(fd_, off_t(offset), off_t(std::min(bytes, size_ - offset)), POSIX_FADV_WILLNEED);
}

double MappedFile::resident(std::uint64_t offset, std::uint64_t bytes) const noexcept {
    if (bytes == 0 || offset >= size_) return 1.0;
    bytes = std::min(bytes, size_ - offset);
    static const std::uint64_t page = std::uint64_t(::sysconf(_SC_PAGESIZE));
    const std::uint64_t start = offset / page * page;
    const std::size_t length = std::size_t(offset + bytes - start);
    void* base = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE, fd_, off_t(start));  // no page is read
    if (base == MAP_FAILED) return 1.0;
    std::vector<unsigned char> in((length + page - 1) / page);
    std::size_t count = 0;
    if (::mincore(base, length, in.data()) == 0)
        for (const unsigned char c : in) count += c & 1;
    else
        count = in.size();
    ::munmap(base, length);
    return double(count) / double(in.size());
}

}  // namespace engage::io
