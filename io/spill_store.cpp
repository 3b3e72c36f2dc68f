#include "io/spill_store.hpp"

#include <fcntl.h>
#include <linux/falloc.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <system_error>

#include "core/errors.hpp"
#include "core/helper_thread.hpp"
#include "io/h5/io_tuning.hpp"

namespace engage::io {

namespace {
std::string why() { return std::strerror(errno); }
constexpr std::uint64_t kAlign = kDirectBlock;
constexpr std::uint64_t kStageBytes = 1u << 20;  // each of the writer's staging buffers

std::atomic<std::uint64_t> next_store_id{1};

// What SpillBytes::row keeps on each thread: the rows it read last of a few stores. A report
// reads the relationship managers' groups level by level, in order, and each read of 1.2 KB
// was a system call of its own: 2.6 million of them on rank 0 at 400,000 managers, in a report
// phase of 10 s (docs/performance.md, "The report's rows read in chunks").
constexpr std::uint64_t kChunkBytes = 256u << 10;
constexpr std::size_t kChunkStores = 4;  // a report reads two stores at once, the groups and the lists
struct RowChunk {
    std::uint64_t store = 0;            // SpillBytes::id_, 0 when unused
    std::uint64_t first = 0, rows = 0;  // the rows held, of one block
    std::uint64_t last = 0;             // the row this thread read last of that store
    std::uint64_t used = 0;             // when it was read last: the least recent one is reused
    std::vector<std::byte> bytes;
};
thread_local std::array<RowChunk, kChunkStores> row_chunks;
thread_local std::uint64_t row_reads = 0;
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
    : path_(std::move(path)),
      id_(next_store_id++),
      row_bytes_(row_bytes),
      block_rows_(block_rows ? block_rows : 1),
      budget_(budget) {
    budget_.stores_.push_back(this);
}

SpillBytes::~SpillBytes() {
    clear();
    std::erase(budget_.stores_, this);
}

void SpillBytes::clear() {
    forget_read_ahead();
    id_ = next_store_id++;  // rows kept by row() on any thread are no longer this store's
    std::vector<std::byte>().swap(ahead_);
    for (const Sealed& s : sealed_)
        if (!s.memory.empty() && !s.released) budget_.release(s.bytes);
    sealed_.clear();
    std::vector<std::byte>().swap(tail_);
    rows_ = 0;
    file_bytes_ = 0;
    if (writer_) writer_->close();  // waits for the queued writes; the file goes anyway
    writer_.reset();
    if (direct_fd_ >= 0) ::close(direct_fd_);
    direct_fd_ = -1;
    direct_read_ = true;
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
    // A ring of staging buffers that takes a whole block, so that the caller goes on while the
    // block is written rather than waiting for all but its last 2 MiB to reach the disk. A store
    // being written is not being read, so the ring takes the place of the block read ahead,
    // which the memory plan counts per store (jobs/score_job.cpp, plan_memory).
    if (!writer_) {
        const std::uint64_t whole_stages = (std::uint64_t(row_bytes_) * block_rows_ + kStageBytes - 1) / kStageBytes;
        writer_ = std::make_unique<DirectFile>(path_, h5::io_tuning().direct_output, kStageBytes, whole_stages * kStageBytes);
    }
    offset = (file_bytes_ + kAlign - 1) / kAlign * kAlign;  // from a block boundary: read back with O_DIRECT
    try {
        writer_->write(offset, data, bytes);  // copied; written behind the caller
    } catch (const IoError&) {
        write_failed(writer_->failure_errno());
    }
    file_bytes_ = offset + bytes;
    budget_.count_spill(bytes);
}

void SpillBytes::write_failed(int error) const {
    throw IoError(path_ + ": cannot write per-customer state to the scratch file (" + std::strerror(error ? error : EIO) +
                  "); free space on its file system, or give a larger --memory-per-rank");
}

void SpillBytes::finish_writes() const {
    if (!writer_) return;
    const std::unique_ptr<DirectFile> writer = std::move(writer_);  // its staging memory goes with it
    try {
        writer->finish();
    } catch (const IoError&) {
        write_failed(writer->failure_errno());
    }
}

std::uint64_t SpillBytes::write_out(std::uint64_t bytes) {
    forget_read_ahead();  // the writes and a read's fallback would share the descriptors
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
    if (ahead_thread_.joinable() && ahead_block_ == b) forget_read_ahead();  // no hole under a read
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

namespace {
// The 4 KiB-aligned start of a buffer's memory.
std::byte* aligned_start(std::vector<std::byte>& buffer) {
    return buffer.data() + (kAlign - reinterpret_cast<std::uintptr_t>(buffer.data()) % kAlign) % kAlign;
}
}  // namespace

int SpillBytes::read_spilled(std::uint64_t offset, std::uint64_t bytes, std::vector<std::byte>& buffer) const noexcept {
    // From the block's 4 KiB boundary into 4 KiB-aligned memory, past the page cache where the
    // file system allows it (the end of the last block is the end of the file: a short read).
    const std::uint64_t length = (bytes + kAlign - 1) / kAlign * kAlign;
    try {
        buffer.resize(length + kAlign);  // room for the alignment
    } catch (const std::bad_alloc&) {
        return ENOMEM;
    }
    std::byte* at = aligned_start(buffer);
    if (direct_read_ && direct_fd_ < 0) {
        direct_fd_ = h5::io_tuning().direct_output ? ::open(path_.c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC) : -1;
        direct_read_ = direct_fd_ >= 0;
    }
    std::uint64_t done = 0;
    while (done < bytes) {
        const bool direct = direct_fd_ >= 0 && done % kAlign == 0;
        const ssize_t r = direct ? ::pread(direct_fd_, at + done, length - done, off_t(offset + done))
                                 : ::pread(fd_, at + done, bytes - done, off_t(offset + done));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && errno == EINVAL && direct) {  // refused: buffered from here on
            ::close(direct_fd_);
            direct_fd_ = -1;
            direct_read_ = false;
            continue;
        }
        if (r < 0) return errno;
        if (r == 0) return EIO;  // the file ends before the block does
        done += std::uint64_t(r);
    }
    return 0;
}

void SpillBytes::start_read_ahead(std::size_t b) const {
    if (b >= sealed_.size() || sealed_[b].released || !sealed_[b].memory.empty() || sealed_[b].bytes == 0) return;
    ahead_block_ = b;
    ahead_errno_ = 0;
    const std::uint64_t offset = sealed_[b].offset, bytes = sealed_[b].bytes;
    try {
        ahead_thread_ = helper_thread([this, offset, bytes] { ahead_errno_ = read_spilled(offset, bytes, ahead_); });
    } catch (const std::system_error&) {
        // No thread to be had: the block is read when asked for.
    }
}

void SpillBytes::forget_read_ahead() const noexcept {  // joins; block() takes what it read
    if (ahead_thread_.joinable()) ahead_thread_.join();
}

std::span<const std::byte> SpillBytes::block(std::size_t b, std::vector<std::byte>& scratch) const {
    if (b == sealed_.size()) return tail_;
    const Sealed& s = sealed_.at(b);
    if (s.released) throw Error(path_ + ": block " + std::to_string(b) + " was read after its release");
    if (!s.memory.empty()) return s.memory;
    finish_writes();
    int error = -1;  // -1: not read ahead
    if (ahead_thread_.joinable()) {
        const bool wanted = ahead_block_ == b;
        forget_read_ahead();
        if (wanted && (error = ahead_errno_) == 0) {
            scratch.swap(ahead_);  // the read ahead's buffer, aligned as read_spilled left it
            bytes_read_ahead_ += s.bytes;
        }
    }
    if (error < 0) error = read_spilled(s.offset, s.bytes, scratch);
    // A failed read ahead is reported when its block is asked for, as a read of its own would be.
    if (error != 0)
        throw IoError(path_ + ": cannot read per-customer state back from the scratch file (" + std::strerror(error) + ")");
    start_read_ahead(b + 1);
    // Where read_spilled put the block: the buffer's aligned start (a swap keeps the buffer).
    return {aligned_start(scratch), std::size_t(s.bytes)};
}

void SpillBytes::settle() const {
    forget_read_ahead();
    finish_writes();
}

void SpillBytes::row(std::uint64_t i, void* out) const {
    if (i >= rows_) throw Error(path_ + ": row " + std::to_string(i) + " of " + std::to_string(rows_) + " read");
    const std::size_t b = std::size_t(i / block_rows_);
    const std::size_t at = std::size_t(i % block_rows_) * row_bytes_;
    if (b == sealed_.size()) {
        std::memcpy(out, tail_.data() + at, row_bytes_);
        return;
    }
    const Sealed& s = sealed_[b];
    if (s.released) throw Error(path_ + ": block " + std::to_string(b) + " was read after its release");
    if (!s.memory.empty()) {
        std::memcpy(out, s.memory.data() + at, row_bytes_);
        return;
    }
    // From the scratch file: from this thread's chunk of the block where it holds row i; as a
    // new chunk from row i where the thread's previous read of this store was shortly before
    // it (a reader in order, or one that takes every n-th piece of a list in order:
    // io/report/ordered_pieces.hpp); the row alone otherwise.
    const std::uint64_t chunk_rows = std::max<std::uint64_t>(1, kChunkBytes / row_bytes_);
    RowChunk* chunk = nullptr;
    RowChunk* oldest = &row_chunks[0];
    for (RowChunk& c : row_chunks) {
        if (c.store == id_) chunk = &c;
        if (c.used < oldest->used) oldest = &c;
    }
    const std::uint64_t now = ++row_reads;
    if (chunk && i >= chunk->first && i < chunk->first + chunk->rows) {
        std::memcpy(out, chunk->bytes.data() + (i - chunk->first) * row_bytes_, row_bytes_);
        chunk->last = i;
        chunk->used = now;
        return;
    }
    const bool in_order = chunk && i > chunk->last && i - chunk->last <= 2 * chunk_rows;
    if (!chunk) {
        chunk = oldest;
        chunk->store = id_;
        chunk->rows = 0;
    }
    chunk->last = i;
    chunk->used = now;
    if (!in_order) {
        read_rows(s.offset + at, row_bytes_, static_cast<std::byte*>(out));
        return;
    }
    const std::uint64_t block_end = std::uint64_t(b) * block_rows_ + s.bytes / row_bytes_;
    const std::uint64_t n = std::min(chunk_rows, block_end - i);
    chunk->rows = 0;  // until the read succeeds
    chunk->bytes.resize(std::size_t(n * row_bytes_));
    read_rows(s.offset + at, n * row_bytes_, chunk->bytes.data());
    chunk->first = i;
    chunk->rows = n;
    std::memcpy(out, chunk->bytes.data(), row_bytes_);
}

void SpillBytes::read_rows(std::uint64_t offset, std::uint64_t bytes, std::byte* to) const {
    for (std::uint64_t done = 0; done < bytes;) {
        const ssize_t r = ::pread(fd_, to + done, std::size_t(bytes - done), off_t(offset + done));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0)
            throw IoError(path_ + ": cannot read per-customer state back from the scratch file (" +
                          std::strerror(r < 0 ? errno : EIO) + ")");
        done += std::uint64_t(r);
    }
}

}  // namespace engage::io
