#include "io/direct_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "core/errors.hpp"
#include "core/helper_thread.hpp"

namespace engage::io {

namespace {

constexpr std::uint64_t kBlock = kDirectBlock;

std::atomic<std::uint64_t> g_read{0};

}  // namespace

DirectReader::DirectReader(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC);
}

DirectReader::~DirectReader() {
    wait();
    if (fd_ >= 0) ::close(fd_);
}

void DirectReader::wait() noexcept {
    if (thread_.joinable()) thread_.join();
}

bool DirectReader::started(const std::vector<Range>& ranges) const noexcept { return pending_ && ranges_ == ranges; }

void DirectReader::start(std::vector<Range> ranges) {
    wait();
    pending_ = false;  // a read not taken is dropped, also when this one fails to start
    if (fd_ < 0) return;
    std::vector<Buffer>& set = sets_[next_];
    if (set.size() < ranges.size()) set.resize(ranges.size());
    result_.assign(ranges.size(), {});
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const std::uint64_t begin = ranges[i].offset / kBlock * kBlock;
        const std::uint64_t end = (ranges[i].offset + ranges[i].bytes + kBlock - 1) / kBlock * kBlock;
        Buffer& b = set[i];
        if (end > begin && b.capacity < end - begin) {
            b.memory = aligned_bytes(end - begin);
            if (!b.memory) {
                b.capacity = 0;
                throw std::bad_alloc();
            }
            b.capacity = end - begin;
        }
        result_[i] = {end > begin ? b.memory.get() + (ranges[i].offset - begin) : nullptr, std::size_t(ranges[i].bytes)};
    }
    ranges_ = std::move(ranges);
    pending_ = true;
    error_ = 0;
    thread_ = helper_thread([this] { read_all(); });
}

void DirectReader::read_all() noexcept {
    for (std::size_t i = 0; i < ranges_.size() && error_ == 0; ++i) {
        const std::uint64_t begin = ranges_[i].offset / kBlock * kBlock;
        const std::uint64_t need = ranges_[i].offset + ranges_[i].bytes;  // read at least up to here
        const std::uint64_t end = (need + kBlock - 1) / kBlock * kBlock;
        std::byte* memory = sets_[next_][i].memory.get();
        for (std::uint64_t at = begin; at < need;) {
            const ssize_t r = ::pread(fd_, memory + (at - begin), end - at, off_t(at));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                error_ = r < 0 ? errno : EIO;  // 0: the file ends before the range (truncated)
                break;
            }
            at += std::uint64_t(r);
            g_read += std::uint64_t(r);
            worked_ = true;
            if (at % kBlock != 0 && at < need) {  // a short read off the block size: not O_DIRECT's way
                error_ = EIO;
                break;
            }
        }
    }
}

std::vector<std::span<const std::byte>> DirectReader::take() {
    wait();
    pending_ = false;
    if (error_ == EINVAL && !worked_) {  // the file system refuses O_DIRECT: the caller reads another way
        ::close(fd_);
        fd_ = -1;
        return {};
    }
    if (error_ != 0)
        throw IoError(path_ + ": reading bytes past the page cache failed: " + std::strerror(error_) +
                      "; check the file and its file system (ENGAGE_MAP_INPUT=0 reads it through HDF5)");
    next_ ^= 1;
    return std::move(result_);
}

std::uint64_t DirectReader::bytes_read() noexcept { return g_read; }

}  // namespace engage::io
