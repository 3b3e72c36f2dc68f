#pragma once
// A filtered column's rows read in parallel (issue 14 item 2): the chunks that hold them are
// read raw (H5Dread_chunk, on the calling thread: HDF5 is called from one thread) and decoded,
// unshuffled and copied by the OpenMP threads, so that OMP_NUM_THREADS speeds up the read of a
// compressed base as well as the fold. What it does not know (another filter, a type to convert,
// chunks that are not whole rows, a chunk that fails to decode) it leaves to HDF5's own path.
#include <cstdint>

#include "io/h5/h5.hpp"

namespace engage::io::h5 {

// Rows [first, first + rows) of `dataset` (rows x cols elements of `mem_type`) into out, when
// the dataset is chunked by whole rows through [shuffle +] zstd, LZ4 or deflate and stores
// exactly mem_type, and they are at least one chunk's rows; true when it read them, false when
// HDF5's own path must (smaller reads keep its chunk cache).
// Independent.
bool read_rows_in_parallel(hid_t dataset, hid_t mem_type, std::uint64_t first, std::uint64_t rows,
                           std::uint64_t cols, void* out);

}  // namespace engage::io::h5
