#include "io/direct_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/errors.hpp"
#include "core/helper_thread.hpp"

namespace engage::io {

namespace {

constexpr std::uint64_t kBlock = kDirectBlock;
// Smaller middles are written buffered. At 256 KiB the score columns of a sweep block of 25,000
// customers (a run whose managers take half the budget) went buffered: 0.8 GB of new page cache
// a rank at 100 M customers; at 64 KiB they go direct, 4-5 s shorter there, the same at 1 M and
// 10 M (docs/performance.md, "The CSVs read ahead, each row's manager fetched ahead").
constexpr std::uint64_t kMinDirect = 64u << 10;

std::atomic<std::uint64_t> g_direct{0}, g_buffered{0};

}  // namespace

AlignedBytes aligned_bytes(std::uint64_t bytes) {
    return {static_cast<std::byte*>(std::aligned_alloc(kDirectBlock, (bytes + kDirectBlock - 1) / kDirectBlock * kDirectBlock)),
            [](std::byte* p) { std::free(p); }};
}

void DirectFile::fail(const char* what, int error) {
    failure_errno_ = error;
    throw IoError(path_ + ": " + what + " failed: " + std::strerror(error) + "; free space or choose another --output");
}

DirectFile::~DirectFile() { close(); }

void DirectFile::open() {
    buffered_fd_ = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (buffered_fd_ < 0) fail("opening for writing", errno);
    direct_fd_ = direct_ ? ::open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_DIRECT) : -1;  // -1: buffered only
    for (Stage& s : stages_)
        if (!s.memory) {
            s.memory = aligned_bytes(stage_bytes_);
            if (!s.memory) {
                ::close(buffered_fd_);
                if (direct_fd_ >= 0) ::close(direct_fd_);
                buffered_fd_ = direct_fd_ = -1;
                throw std::bad_alloc();
            }
        }
    next_ = 0;
    thread_ = helper_thread([this] { run(); });
    opened_ = true;
}

void DirectFile::run() noexcept {
    std::size_t w = 0;  // the stages are written in the order the caller queued them
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        changed_.wait(lock, [&] { return stages_[w].queued || stopping_; });
        if (!stages_[w].queued) return;  // stopping, and nothing left: the next in order is not queued
        const bool skip = failure_ != nullptr;  // after a failure, the file is abandoned anyway
        lock.unlock();
        std::exception_ptr error;
        if (!skip) {
            try {
                write_now(stages_[w]);
            } catch (...) {
                error = std::current_exception();
            }
        }
        lock.lock();
        if (error && !failure_) failure_ = error;
        stages_[w].queued = false;
        changed_.notify_all();
        w = (w + 1) % stages_.size();
    }
}

void DirectFile::write_buffered(std::uint64_t offset, const std::byte* data, std::uint64_t bytes) {
    while (bytes > 0) {
        const ssize_t n = ::pwrite(buffered_fd_, data, std::min<std::uint64_t>(bytes, 1u << 30), off_t(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("writing", n < 0 ? errno : ENOSPC);
        data += n;
        offset += std::uint64_t(n);
        bytes -= std::uint64_t(n);
        g_buffered += std::uint64_t(n);
    }
}

void DirectFile::write_now(const Stage& s) {
    const std::byte* p = s.memory.get() + s.offset % kBlock;  // the byte at s.offset
    const std::uint64_t begin = (s.offset + kBlock - 1) / kBlock * kBlock;
    const std::uint64_t end = (s.offset + s.bytes) / kBlock * kBlock;
    if (direct_fd_ < 0 || end <= begin || end - begin < kMinDirect) return write_buffered(s.offset, p, s.bytes);

    write_buffered(s.offset, p, begin - s.offset);  // the partial block before the aligned middle
    for (std::uint64_t at = begin; at < end;) {
        const std::byte* from = p + (at - s.offset);  // block-aligned in memory as in the file
        const ssize_t w = ::pwrite(direct_fd_, from, end - at, off_t(at));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EINVAL && !direct_worked_) {
            // The file system refuses O_DIRECT (or this alignment): buffered from here on.
            ::close(direct_fd_);
            direct_fd_ = -1;
            write_buffered(at, from, end - at);
            break;
        }
        if (w < 0) fail("writing", errno);
        // A short direct write (a full disk) leaves the rest to the buffered path, which reports it.
        g_direct += std::uint64_t(w);
        direct_worked_ = true;
        if (std::uint64_t(w) < end - at) {
            write_buffered(at + std::uint64_t(w), from + w, end - at - std::uint64_t(w));
            break;
        }
        at = end;
    }
    write_buffered(end, p + (end - s.offset), s.offset + s.bytes - end);  // the partial block after it
}

void DirectFile::rethrow_failure() {
    std::exception_ptr f;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        std::swap(f, failure_);
    }
    if (f) std::rethrow_exception(f);
}

void DirectFile::write(std::uint64_t offset, const void* data, std::uint64_t bytes) {
    if (bytes == 0) return;
    if (!opened_) open();
    const auto* p = static_cast<const std::byte*>(data);
    for (std::uint64_t at = offset; at < offset + bytes;) {
        // A piece ends on a block boundary (or at the range's end) and fits its stage from
        // the stage's offset of `at` within its block.
        const std::uint64_t n = std::min(offset + bytes - at, stage_bytes_ - at % kBlock);
        Stage& s = stages_[next_];
        {
            std::unique_lock<std::mutex> lock(mutex_);
            changed_.wait(lock, [&] { return !s.queued; });
        }
        rethrow_failure();
        std::memcpy(s.memory.get() + at % kBlock, p + (at - offset), n);
        s.offset = at;
        s.bytes = n;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            s.queued = true;
        }
        changed_.notify_all();
        next_ = (next_ + 1) % stages_.size();
        at += n;
    }
}

void DirectFile::stop() noexcept {
    if (!opened_) return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
    stopping_ = false;
    if (buffered_fd_ >= 0) ::close(buffered_fd_);
    if (direct_fd_ >= 0) ::close(direct_fd_);
    buffered_fd_ = direct_fd_ = -1;
    opened_ = false;
}

void DirectFile::finish() {
    stop();
    rethrow_failure();
}

void DirectFile::close() noexcept {
    stop();
    std::lock_guard<std::mutex> lock(mutex_);
    failure_ = nullptr;
}

std::uint64_t DirectFile::direct_bytes() noexcept { return g_direct; }
std::uint64_t DirectFile::buffered_bytes() noexcept { return g_buffered; }

}  // namespace engage::io
