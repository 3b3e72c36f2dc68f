#pragma once
// The compression filters Engage compiles in and registers with HDF5 (H5Zregister) at
// start-up: no plugin, no second libhdf5. Each writes and reads the exact bytes of its
// registered filter id, so h5py with hdf5plugin reads Engage's files and Engage reads theirs
// (docs/data-format.md, "Filters"):
//   zstd    32015  one zstd frame per chunk (with its content size); cd_values[0] = level
//   LZ4     32004  8-byte big-endian original size, 4-byte big-endian block size, then per
//                  block a 4-byte big-endian compressed size and the block (stored raw when
//                  compressing does not shrink it); cd_values[0] = block size (0: 1 GiB)
// Deflate (id 1) stays HDF5's own: HDF5 1.10 refuses to replace a predefined filter
// ("H5Zregister: unable to modify predefined filters"), so libdeflate decodes deflate chunks
// only on the parallel read path (decode() below, chunk_reader.hpp), and zlib writes them.
// HDF5's shuffle filter (id 2) goes in front of each codec.
#include <cstddef>

#include "io/h5/compression.hpp"
#include "io/h5/h5.hpp"

namespace engage::io::h5 {

constexpr H5Z_filter_t kFilterZstd = 32015;
constexpr H5Z_filter_t kFilterLz4 = 32004;

// Registers zstd and LZ4 with this process's HDF5. Idempotent and thread-safe;
// File::open/create/reopen call it, main() calls it first.
void register_filters();

// Adds shuffle + the codec of `c` to a dataset creation property list (nothing for none).
void add_filters(hid_t dcpl, const Compression& c);

// One chunk's stored bytes decoded by `codec` (kFilterZstd, kFilterLz4 or H5Z_FILTER_DEFLATE)
// into exactly out.size() bytes; false when they are damaged or decode to another size.
// Thread-safe: what the parallel reader (chunk_reader.hpp) runs on the OpenMP threads.
bool decode(H5Z_filter_t codec, const unsigned char* in, std::size_t in_size, unsigned char* out,
            std::size_t out_size);

}  // namespace engage::io::h5
