#include "io/direct_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/errors.hpp"

namespace engage::io {

namespace {

constexpr std::uint64_t kBlock = 4096;          // O_DIRECT's alignment on the file systems in use
constexpr std::uint64_t kBounce = 8u << 20;     // the aligned buffer: one direct write at most
constexpr std::uint64_t kMinDirect = 256u << 10;  // smaller middles are written buffered

std::atomic<std::uint64_t> g_direct{0}, g_buffered{0};

[[noreturn]] void failed(const std::string& path, const char* what, int error) {
    throw IoError(path + ": " + what + " failed: " + std::strerror(error) +
                  "; free space or choose another --output");
}

}  // namespace

void DirectFile::AlignedFree::operator()(std::byte* p) const noexcept { std::free(p); }

DirectFile::~DirectFile() { close(); }

void DirectFile::close() noexcept {
    if (buffered_fd_ >= 0) ::close(buffered_fd_);
    if (direct_fd_ >= 0) ::close(direct_fd_);
    buffered_fd_ = direct_fd_ = -1;
    opened_ = false;
}

void DirectFile::open() {
    opened_ = true;
    buffered_fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (buffered_fd_ < 0) failed(path_, "opening for writing", errno);
    direct_fd_ = direct_ ? ::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_DIRECT) : -1;  // -1: buffered only
    if (direct_fd_ >= 0 && !bounce_)
        bounce_.reset(static_cast<std::byte*>(std::aligned_alloc(kBlock, kBounce)));
    if (!bounce_ && direct_fd_ >= 0) {
        ::close(direct_fd_);
        direct_fd_ = -1;
    }
}

void DirectFile::write_buffered(std::uint64_t offset, const std::byte* data, std::uint64_t bytes) {
    while (bytes > 0) {
        const ssize_t n = ::pwrite(buffered_fd_, data, std::min<std::uint64_t>(bytes, 1u << 30), off_t(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) failed(path_, "writing", n < 0 ? errno : ENOSPC);
        data += n;
        offset += std::uint64_t(n);
        bytes -= std::uint64_t(n);
        g_buffered += std::uint64_t(n);
    }
}

void DirectFile::write(std::uint64_t offset, const void* data, std::uint64_t bytes) {
    if (bytes == 0) return;
    if (!opened_) open();
    const auto* p = static_cast<const std::byte*>(data);
    const std::uint64_t begin = (offset + kBlock - 1) / kBlock * kBlock;
    const std::uint64_t end = (offset + bytes) / kBlock * kBlock;
    if (direct_fd_ < 0 || end <= begin || end - begin < kMinDirect) return write_buffered(offset, p, bytes);

    write_buffered(offset, p, begin - offset);  // the partial block before the aligned middle
    for (std::uint64_t at = begin; at < end;) {
        const std::uint64_t n = std::min(end - at, kBounce);
        std::memcpy(bounce_.get(), p + (at - offset), n);
        const ssize_t w = ::pwrite(direct_fd_, bounce_.get(), n, off_t(at));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EINVAL && !direct_worked_) {
            // The file system refuses O_DIRECT (or this alignment): buffered from here on.
            ::close(direct_fd_);
            direct_fd_ = -1;
            write_buffered(at, p + (at - offset), end - at);
            break;
        }
        if (w < 0) failed(path_, "writing", errno);
        // A short direct write (a full disk) leaves the rest to the buffered path, which reports it.
        if (std::uint64_t(w) < n) {
            g_direct += std::uint64_t(w);
            direct_worked_ = true;
            write_buffered(at + std::uint64_t(w), p + (at - offset) + w, end - at - std::uint64_t(w));
            break;
        }
        g_direct += n;
        direct_worked_ = true;
        at += n;
    }
    write_buffered(end, p + (end - offset), offset + bytes - end);  // the partial block after it
}

std::uint64_t DirectFile::direct_bytes() noexcept { return g_direct; }
std::uint64_t DirectFile::buffered_bytes() noexcept { return g_buffered; }

}  // namespace engage::io
