#pragma once
// A plain file (not HDF5) written by every rank of a communicator through MPI-IO, each rank at
// its own byte offsets: how a text table is written in parallel without gathering it on one
// rank (customers.csv, io/customers_csv.hpp). Opening and closing are collective; writes are
// independent. MPI-IO rather than POSIX pwrite because it is what keeps writes from several
// nodes to one file correct on a parallel or network file system.
#include <cstdint>
#include <string>
#include <string_view>

#include "mpi/comm.hpp"

namespace engage::mpi {

class SharedFile {
public:
    // Collective. Creates `path` (truncating an existing file) for writing. Throws IoError on
    // every rank when it cannot be created.
    SharedFile(const Comm& comm, const std::string& path);
    // Collective: closes the file if close() was not called (errors ignored).
    ~SharedFile();
    SharedFile(const SharedFile&) = delete;
    SharedFile& operator=(const SharedFile&) = delete;

    // Independent: `bytes` at byte `offset` of the file. Throws IoError naming the file, the
    // offset and the system's reason.
    void write_at(std::uint64_t offset, std::string_view bytes);
    // Collective. Throws IoError when the close (the last flush) fails.
    void close();

private:
    std::string path_;
    MPI_File fh_ = MPI_FILE_NULL;
};

}  // namespace engage::mpi
