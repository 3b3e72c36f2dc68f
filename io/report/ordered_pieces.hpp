#pragma once
// A long list printed on the rank's OpenMP threads and written in its order: the report's lists
// with an entry per relationship manager (report.json's splices, engagement.csv's rows: 400,000
// entries and 1.7 GB at 100 M customers), which rank 0 prints alone while the other ranks wait.
// Rounds of consecutive items are cut into pieces of kItemsPerPiece, one per thread, each
// printed into a text of its own (kept from round to round), then written in order: the bytes
// do not depend on the number of threads. An error is the one of the first piece that has one.
#include <omp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "io/text_out.hpp"

namespace engage::io {

inline constexpr std::size_t kItemsPerPiece = 256;

// print(i, text) appends item i to text, for i in [0, n), and must be safe to call on several
// threads at once.
template <class Print>
void write_in_order(TextOut& out, std::size_t n, const Print& print) {
    // Each piece on its own cache lines: a text's size changes at every item (docs/performance.md,
    // "False sharing in the CSVs' pieces").
    struct alignas(64) Piece {
        std::string text;
        std::exception_ptr error;
    };
    std::vector<Piece> pieces(std::size_t(std::max(1, omp_get_max_threads())));
    const std::size_t round = pieces.size() * kItemsPerPiece;
    for (std::size_t first = 0; first < n; first += round) {
        const auto count = std::int64_t(std::min(pieces.size(), (std::min(n - first, round) + kItemsPerPiece - 1) / kItemsPerPiece));
#pragma omp parallel for schedule(static, 1) if (count > 1)
        for (std::int64_t p = 0; p < count; ++p) {
            Piece& piece = pieces[std::size_t(p)];
            piece.text.clear();
            try {
                const std::size_t a = first + std::size_t(p) * kItemsPerPiece, b = std::min(n, a + kItemsPerPiece);
                for (std::size_t i = a; i < b; ++i) print(i, piece.text);
            } catch (...) {
                piece.error = std::current_exception();
            }
        }
        for (std::int64_t p = 0; p < count; ++p)
            if (pieces[std::size_t(p)].error) std::rethrow_exception(pieces[std::size_t(p)].error);
        for (std::int64_t p = 0; p < count; ++p) out << pieces[std::size_t(p)].text;
    }
}

}  // namespace engage::io
