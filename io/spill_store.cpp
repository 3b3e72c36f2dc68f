#include "io/spill_store.hpp"

#include <fcntl.h>
#include <linux/falloc.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.hpp"

namespace engage::io {

namespace {
std::string why() { return std::strerror(errno); }
}  // namespace

void SpillBudget::lend(std::uint64_t bytes) {
    const std::uint64_t lent = std::min(bytes, allowance_);
    allowance_ -= lent;
    lent_ += lent;
    for (auto it = stores_.rbegin(); it != stores_.rend() && used_ > allowance_; ++it)
        (*it)->write_out(used_ - allowance_);
}

void SpillBudget::give_back(std::uint64_t bytes) noexcept {
    const std::uint64_t back = std::min(bytes, lent_);
    lent_ -= back;
    allowance_ += back;
}

SpillBytes::SpillBytes(std::string path, std::size_t row_bytes, std::size_t block_rows, SpillBudget& budget)
    : path_(std::move(path)), row_bytes_(row_bytes), block_rows_(block_rows ? block_rows : 1), budget_(budget) {
    budget_.stores_.push_back(this);
}

SpillBytes::~SpillBytes() {
    clear();
    std::erase(budget_.stores_, this);
}

void SpillBytes::clear() {
    for (const Sealed& s : sealed_)
        if (!s.memory.empty() && !s.released) budget_.release(s.bytes);
    sealed_.clear();
    std::vector<std::byte>().swap(tail_);
    rows_ = 0;
    file_bytes_ = 0;
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(path_.c_str());
        fd_ = -1;
    }
}

void SpillBytes::append(const void* rows, std::size_t n) {
    const auto* p = static_cast<const std::byte*>(rows);
    const std::size_t block_bytes = block_rows_ * row_bytes_;
    while (n > 0) {
        if (tail_.capacity() < block_bytes) tail_.reserve(block_bytes);
        const std::size_t room = (block_bytes - tail_.size()) / row_bytes_;
        const std::size_t take = std::min(room, n);
        tail_.insert(tail_.end(), p, p + take * row_bytes_);
        p += take * row_bytes_;
        n -= take;
        rows_ += take;
        if (tail_.size() == block_bytes) seal();
    }
}

void SpillBytes::seal() {
    Sealed s;
    s.bytes = tail_.size();
    if (budget_.reserve(s.bytes)) {
        s.memory = std::move(tail_);
        tail_ = {};
    } else {
        write_block(tail_.data(), s.bytes, s.offset);
        tail_.clear();
    }
    sealed_.push_back(std::move(s));
}

void SpillBytes::write_block(const std::byte* data, std::uint64_t bytes, std::uint64_t& offset) {
    if (fd_ < 0) {
        fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd_ < 0)
            throw IoError(path_ + ": cannot create the scratch file for per-customer state (" + why() +
                          "); make its directory writable, or give a larger --memory-per-rank");
    }
    offset = file_bytes_;
    std::size_t done = 0;
    while (done < bytes) {
        const ssize_t w = ::pwrite(fd_, data + done, bytes - done, off_t(offset + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            throw IoError(path_ + ": cannot write per-customer state to the scratch file (" + why() +
                          "); free space on its file system, or give a larger --memory-per-rank");
        done += std::size_t(w);
    }
    file_bytes_ += bytes;
    budget_.count_spill(bytes);
}

std::uint64_t SpillBytes::write_out(std::uint64_t bytes) {
    std::uint64_t freed = 0;
    for (auto it = sealed_.rbegin(); it != sealed_.rend() && freed < bytes; ++it) {
        if (it->memory.empty() || it->released) continue;
        write_block(it->memory.data(), it->bytes, it->offset);
        std::vector<std::byte>().swap(it->memory);
        budget_.release(it->bytes);
        freed += it->bytes;
    }
    return freed;
}

std::size_t SpillBytes::rows_of(std::size_t b) const noexcept {
    if (b < sealed_.size()) return std::size_t(sealed_[b].bytes / row_bytes_);
    return b == sealed_.size() ? tail_.size() / row_bytes_ : 0;
}

void SpillBytes::release(std::size_t b) {
    if (b >= sealed_.size() || sealed_[b].released) return;  // the tail stays until clear()
    Sealed& s = sealed_[b];
    s.released = true;
    if (!s.memory.empty()) {
        budget_.release(s.bytes);
        std::vector<std::byte>().swap(s.memory);
    } else if (s.bytes > 0) {
        // Best effort: a file system without hole punching keeps the space until clear().
        (void)::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(s.offset), off_t(s.bytes));
    }
}

void SpillBytes::append_released(std::size_t n) {
    if (!tail_.empty() || n == 0) throw IoError(path_ + ": a released block after unsealed rows (a damaged checkpoint)");
    Sealed s;
    s.bytes = std::uint64_t(n) * row_bytes_;
    s.released = true;
    sealed_.push_back(std::move(s));
    rows_ += n;
}

std::span<const std::byte> SpillBytes::block(std::size_t b, std::vector<std::byte>& scratch) const {
    if (b == sealed_.size()) return tail_;
    const Sealed& s = sealed_.at(b);
    if (s.released) throw Error(path_ + ": block " + std::to_string(b) + " was read after its release");
    if (!s.memory.empty()) return s.memory;
    scratch.resize(s.bytes);
    std::size_t done = 0;
    while (done < s.bytes) {
        const ssize_t r = ::pread(fd_, scratch.data() + done, s.bytes - done, off_t(s.offset + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) throw IoError(path_ + ": cannot read per-customer state back from the scratch file (" + why() + ")");
        done += std::size_t(r);
    }
    return scratch;
}

}  // namespace engage::io
