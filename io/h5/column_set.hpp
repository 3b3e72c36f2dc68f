#pragma once
// A set of output columns filled from rows of type Row: each column is a dataset plus how to
// extract its value(s) from a row. Appending rows converts them column by column and writes
// whole chunks (AlignedAppender). Collective calls.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "io/h5/appender.hpp"

namespace engage::io::h5 {

template <class Row>
class ColumnSet {
public:
    // A column of `width` values of T per row; get(row, out) writes them to out[0 .. width).
    // It is created, or opened when `f` was reopened (File::column). `get` is kept as its own
    // type, so that the loop over a block's rows calls it inline (a customer's 40-odd values
    // through a std::function each were 6 % of a 10 M-customer run).
    template <class T, class Get>
    void add(File& f, const std::string& path, std::uint64_t rows, std::uint64_t first_row,
             std::uint64_t chunk_rows, std::uint64_t width, Get get, Compression compression = {}) {
        columns_.push_back(std::make_unique<Column<T, Get>>(f, path, rows, first_row, chunk_rows, width, std::move(get),
                                                            compression));
    }
    // Column by column over blocks of rows small enough to stay in the L2 cache: a shard's rows
    // of a wide Row (CustomerFeatures: 592 bytes) are tens of MB, and a pass over all of them per
    // column would read each row's cache lines from memory once per column. The blocks are
    // shared out among the OpenMP threads: every column grows by all the rows first, then each
    // block's values go to their own places (the same bytes for any number of threads).
    void append(std::span<const Row> rows) {
        constexpr std::size_t kBlockBytes = 128 * 1024;
        constexpr std::size_t kBlock = std::max<std::size_t>(1, kBlockBytes / sizeof(Row));
        for (auto& c : columns_) c->grow(rows.size());
        const auto blocks = std::int64_t((rows.size() + kBlock - 1) / kBlock);
#pragma omp parallel for schedule(static)
        for (std::int64_t k = 0; k < blocks; ++k) {
            const std::size_t b = std::size_t(k) * kBlock;
            const auto block = rows.subspan(b, std::min(kBlock, rows.size() - b));
            for (auto& c : columns_) c->fill(block, b);
        }
    }
    void write_whole_chunks() {
        for (auto& c : columns_) c->write_whole_chunks();
    }
    void write_all() {
        for (auto& c : columns_) c->write_all();
    }
    void close() { columns_.clear(); }

private:
    struct Base {
        virtual ~Base() = default;
        virtual void grow(std::size_t rows) = 0;  // room for `rows` more rows, filled by fill()
        // Rows [at, at + rows.size()) of the room that the last grow() made.
        virtual void fill(std::span<const Row> rows, std::size_t at) const = 0;
        virtual void write_whole_chunks() = 0;
        virtual void write_all() = 0;
    };
    template <class T, class Get>
    struct Column final : Base {
        Column(File& f, const std::string& path, std::uint64_t rows, std::uint64_t first_row,
               std::uint64_t chunk_rows, std::uint64_t width, Get g, Compression compression)
            : ds(f.column<T>(path, rows, width, chunk_rows, compression)),
              out(ds, first_row, chunk_rows, !compression.filtered()),
              width(width), get(std::move(g)) {}
        void grow(std::size_t rows) override { room = out.grow(rows * width); }
        void fill(std::span<const Row> rows, std::size_t at) const override {
            T* dst = room + at * width;
            for (std::size_t i = 0; i < rows.size(); ++i) get(rows[i], dst + i * width);
        }
        void write_whole_chunks() override { out.write_whole_chunks(); }
        void write_all() override { out.write_all(); }
        Dataset ds;
        AlignedAppender<T> out;
        std::uint64_t width;
        Get get;
        T* room = nullptr;  // where the last grow() made room
    };
    std::vector<std::unique_ptr<Base>> columns_;
};

}  // namespace engage::io::h5
