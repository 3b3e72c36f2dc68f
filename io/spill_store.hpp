#pragma once
// Per-customer rows of one rank kept between the pass and the sweeps of `engage score`
// (docs/architecture.md, "Stages"): appended in the customers' order, read back block by block.
// Sealed blocks stay in memory while the rank's spill allowance (`SpillBudget`) has room; the
// others go to a scratch file of their own and are read back from it. Either way a reader gets
// the same rows, so results do not depend on the memory budget. Local: no MPI.
//
// The scratch file is written behind the caller and past the page cache (io/direct_file.hpp,
// with a ring of 1 MiB staging buffers that holds a block while the store is being written:
// the memory of the block that a store being read reads ahead), each block from a 4 KiB
// boundary, and read back with O_DIRECT where the file system allows it: 9.5 GB of blocks at
// 100 M customers cost new page-cache memory twice otherwise (docs/performance.md, "The report's
// lists printed, not built", its paragraph on the spill). The sweeps read a store's blocks in
// order: reading block b from the file starts reading block b + 1 on a thread of its own, so the
// next block's read overlaps the caller's work on this one (one more block's memory per store).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "io/checkpoint.hpp"
#include "io/direct_file.hpp"

namespace engage::io {

class SpillBytes;

// The bytes that sealed blocks of all of a rank's spill stores may keep in memory.
class SpillBudget {
public:
    explicit SpillBudget(std::uint64_t bytes) : allowance_(bytes) {}
    bool reserve(std::uint64_t bytes) noexcept {
        if (used_ + bytes > allowance_) return false;
        used_ += bytes;
        return true;
    }
    void release(std::uint64_t bytes) noexcept { used_ -= bytes; }
    std::uint64_t allowance() const noexcept { return allowance_; }
    std::uint64_t used() const noexcept { return used_; }
    std::uint64_t spilled() const noexcept { return spilled_; }  // bytes written to scratch files
    void count_spill(std::uint64_t bytes) noexcept { spilled_ += bytes; }

    // Memory that a stage holds beside the spill stores for a while (the retention predictions:
    // known only after the fits): taken off the allowance, and blocks beyond the rest written
    // out to their scratch files, latest first (they are read last). give_back() returns it.
    void lend(std::uint64_t bytes);
    void give_back(std::uint64_t bytes) noexcept;

private:
    friend class SpillBytes;  // registers itself, to be asked to write blocks out
    std::uint64_t allowance_, used_ = 0, spilled_ = 0, lent_ = 0;
    std::vector<SpillBytes*> stores_;
};

// Rows of `row_bytes` bytes in blocks of `block_rows` rows.
class SpillBytes {
public:
    // `path`: the scratch file, created only when a block spills, removed by the destructor.
    SpillBytes(std::string path, std::size_t row_bytes, std::size_t block_rows, SpillBudget& budget);
    ~SpillBytes();
    SpillBytes(const SpillBytes&) = delete;
    SpillBytes& operator=(const SpillBytes&) = delete;

    void append(const void* rows, std::size_t n);
    std::uint64_t rows() const noexcept { return rows_; }
    std::size_t block_rows() const noexcept { return block_rows_; }
    std::size_t blocks() const noexcept { return std::size_t((rows_ + block_rows_ - 1) / block_rows_); }
    // Block b (rows [b * block_rows, ...)): its bytes, read into `scratch` when spilled (or
    // swapped into it from the read ahead, which then keeps scratch's old buffer).
    std::span<const std::byte> block(std::size_t b, std::vector<std::byte>& scratch) const;
    // Row i into `out`, from memory or from the scratch file: for a store read at random once
    // written. Safe on several threads at once after settle(), as long as nothing else is called
    // meanwhile. A thread that reads a spilled block's rows in order (a level's groups, one by
    // one) is served from a chunk of up to 256 KiB of them that it read at once; a read that
    // does not follow the thread's previous one closely reads its row alone.
    void row(std::uint64_t i, void* out) const;
    void settle() const;  // the queued writes done and no read ahead running
    // Bytes that block() returned from a read ahead rather than a read of its own.
    std::uint64_t bytes_read_ahead() const noexcept { return bytes_read_ahead_; }
    // Block b will not be read again: its memory is freed, or its disk space given back (a hole
    // punched in the scratch file), so that a sweep that reads one store and writes another
    // does not need room for both. Reading it again is an error.
    void release(std::size_t b);
    bool released(std::size_t b) const noexcept { return b < sealed_.size() && sealed_[b].released; }
    std::size_t rows_of(std::size_t b) const noexcept;
    // Seals a released block of `n` rows without data (a checkpoint's released block).
    void append_released(std::size_t n);
    // Drops every row and the scratch file.
    void clear();

    // Writes sealed blocks held in memory out to the scratch file, latest first, until `bytes`
    // are freed or none is left; returns the bytes freed (SpillBudget::lend).
    std::uint64_t write_out(std::uint64_t bytes);

private:
    void write_block(const std::byte* data, std::uint64_t bytes, std::uint64_t& offset);
    void finish_writes() const;  // waits for the queued writes (before a read); frees the staging
    [[noreturn]] void write_failed(int error) const;
    // Reads `bytes` from `offset` into `buffer` (sized and aligned here); the error number, 0 on
    // success. Uses the descriptors: the read-ahead thread alone while it runs.
    int read_spilled(std::uint64_t offset, std::uint64_t bytes, std::vector<std::byte>& buffer) const noexcept;
    void start_read_ahead(std::size_t b) const;  // block b, when spilled and not released
    void forget_read_ahead() const noexcept;     // joins the thread; its block is not kept
    struct Sealed {
        std::vector<std::byte> memory;  // empty when spilled
        std::uint64_t offset = 0, bytes = 0;
        bool released = false;
    };
    void seal();
    void read_rows(std::uint64_t offset, std::uint64_t bytes, std::byte* to) const;  // from fd_; throws
    std::string path_;
    std::uint64_t id_;  // the chunks that row() keeps on each thread are this store's rows (new at clear())
    std::size_t row_bytes_, block_rows_;
    SpillBudget& budget_;
    std::vector<Sealed> sealed_;
    std::vector<std::byte> tail_;  // the block being filled
    std::uint64_t rows_ = 0, file_bytes_ = 0;
    int fd_ = -1;                                   // created by the first spilled block
    mutable int direct_fd_ = -1;                    // reads past the page cache; -1: not (yet) open
    mutable bool direct_read_ = true;               // false where O_DIRECT reads are refused
    mutable std::unique_ptr<DirectFile> writer_;    // while blocks are being written
    // The read ahead: block ahead_block_ read into ahead_ by ahead_thread_, ahead_errno_ its
    // outcome (read after the join only).
    mutable std::thread ahead_thread_;
    mutable std::vector<std::byte> ahead_;
    mutable std::size_t ahead_block_ = 0;
    mutable int ahead_errno_ = 0;
    mutable std::uint64_t bytes_read_ahead_ = 0;
};

template <class T>
class SpillStore {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    SpillStore(std::string path, std::size_t block_rows, SpillBudget& budget)
        : bytes_(std::move(path), sizeof(T), block_rows, budget) {}

    void append(std::span<const T> rows) { bytes_.append(rows.data(), rows.size()); }
    void append(const T& row) { bytes_.append(&row, 1); }
    std::uint64_t size() const noexcept { return bytes_.rows(); }
    std::size_t blocks() const noexcept { return bytes_.blocks(); }
    std::size_t block_rows() const noexcept { return bytes_.block_rows(); }
    // Block b's rows; empty past the last block. Valid until the next call with this scratch.
    std::span<const T> block(std::size_t b, std::vector<std::byte>& scratch) const {
        if (b >= blocks()) return {};
        const auto raw = bytes_.block(b, scratch);
        return {reinterpret_cast<const T*>(raw.data()), raw.size() / sizeof(T)};
    }
    void clear() { bytes_.clear(); }
    void release(std::size_t b) { bytes_.release(b); }
    // Row i, read at random (SpillBytes::row): after settle(), on any number of threads.
    void settle() const { bytes_.settle(); }
    void row(std::uint64_t i, T& out) const { bytes_.row(i, &out); }
    std::uint64_t bytes_read_ahead() const noexcept { return bytes_.bytes_read_ahead(); }

    // Checkpoint: the rows block by block (a released block as its row count only), then
    // restored in the same order.
    void save(StateWriter& out) const {
        std::vector<std::byte> scratch;
        out.value(std::uint64_t(blocks()));
        for (std::size_t b = 0; b < blocks(); ++b) {
            const bool released = bytes_.released(b);
            out.value(std::uint64_t(released ? bytes_.rows_of(b) : 0));
            out.vector(released ? std::span<const T>() : block(b, scratch));
        }
    }
    void restore(StateReader& in) {
        clear();
        const auto n = in.value<std::uint64_t>();
        std::vector<T> rows;
        for (std::uint64_t b = 0; b < n; ++b) {
            const auto released_rows = in.value<std::uint64_t>();
            in.vector(rows);
            if (released_rows > 0) bytes_.append_released(std::size_t(released_rows));
            else append(rows);
        }
    }

private:
    SpillBytes bytes_;
};

}  // namespace engage::io
