#pragma once
// Appends rows to a chunked dataset from a contiguous range of rows that this rank owns, and
// writes only whole chunks until the end. A filtered chunk written in pieces is read back,
// decompressed and compressed again for every piece; writing whole chunks compresses each
// chunk once (the chunk shared with the neighbouring rank excepted). Collective calls; with
// `independent` (a contiguous unfiltered dataset, File::create_contiguous) every pending row is
// written at once by this rank alone, and the calls are local.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "io/h5/file.hpp"

namespace engage::io::h5 {

template <class T>
class AlignedAppender {
public:
    // The rank's rows start at first_row; chunk_rows must match the dataset's chunking.
    AlignedAppender(Dataset& ds, std::uint64_t first_row, std::uint64_t chunk_rows, bool independent = false)
        : ds_(&ds), next_(first_row), chunk_(chunk_rows), width_(ds.cols()), independent_(independent) {}

    void append(std::span<const T> rows) { pending_.insert(pending_.end(), rows.begin(), rows.end()); }
    // Appends n values and returns where to write them.
    T* grow(std::size_t n) {
        pending_.resize(pending_.size() + n);
        return pending_.data() + pending_.size() - n;
    }

    // Collective: writes the pending rows up to the last whole-chunk boundary.
    void write_whole_chunks() {
        if (independent_) return write_rows(pending_.size() / width_);
        const std::uint64_t rows = pending_.size() / width_;
        const std::uint64_t end = (next_ + rows) / chunk_ * chunk_;
        write_rows(end > next_ ? end - next_ : 0);
    }
    // Collective: writes everything pending and releases the buffer.
    void write_all() {
        write_rows(pending_.size() / width_);
        std::vector<T>().swap(pending_);
    }

private:
    void write_rows(std::uint64_t rows) {
        const std::span<const T> data(pending_.data(), rows * width_);
        if (independent_) {
            if (rows > 0) ds_->write_independent<T>(next_, data);
        } else {
            ds_->write<T>(next_, data);
        }
        pending_.erase(pending_.begin(), pending_.begin() + std::ptrdiff_t(rows * width_));
        next_ += rows;
    }
    Dataset* ds_;
    std::uint64_t next_, chunk_, width_;
    bool independent_;
    std::vector<T> pending_;
};

}  // namespace engage::io::h5
