#pragma once
// Variable-length strings checked in the file's own bytes before HDF5 reads them. HDF5 1.10
// trusts a variable-length element's length and the global heap object it points to: a damaged
// or forged file makes H5Dread allocate and clear up to 4 GB per string, or copy a heap object
// past its collection or its buffer (a crash inside libhdf5, found by tests/fuzz).
#include <cstdint>
#include <string>

#include "io/h5/h5.hpp"

namespace engage::io::h5 {

// For the 1-D variable-length string dataset `dataset` of `rows` rows in the file `file` of
// `file_bytes` bytes: reads each element (length, global heap collection, object index) and
// each collection it names, and throws DataError naming `what` (the file and dataset) unless
// every string of at most `max_bytes` bytes lies whole in a well-formed collection inside the
// file. Only contiguous storage can be checked this way; other layouts are refused the same.
void check_variable_strings(hid_t file_id, hid_t dataset, const std::string& file, std::uint64_t file_bytes,
                            std::uint64_t rows, std::uint64_t max_bytes, const std::string& what);

}  // namespace engage::io::h5
