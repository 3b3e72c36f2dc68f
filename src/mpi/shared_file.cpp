#include "mpi/shared_file.hpp"

#include <algorithm>

#include "core/errors.hpp"

namespace engage::mpi {

namespace {
std::string mpi_text(int rc) {
    // The system's words for a full disk or quota, as the HDF5 writes report them
    // (io/h5/file.hpp, write_failed): ROMIO's own text for these varies between versions.
    int cls = 0;
    MPI_Error_class(rc, &cls);
    if (cls == MPI_ERR_NO_SPACE) return "No space left on device";
    if (cls == MPI_ERR_QUOTA) return "Disk quota exceeded";
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    return std::string(text, std::size_t(len));
}
}  // namespace

SharedFile::SharedFile(const Comm& comm, const std::string& path) : path_(path) {
    // MPI_File_open is collective and every rank gets the same outcome, so every rank throws.
    const int rc = MPI_File_open(comm.native(), path.c_str(), MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh_);
    if (rc != MPI_SUCCESS) {
        fh_ = MPI_FILE_NULL;
        throw IoError(path + ": cannot be created for writing (" + mpi_text(rc) + "); choose another --output");
    }
    // Files are error-returning by default in MPI (MPI_ERRORS_RETURN), but say so.
    MPI_File_set_errhandler(fh_, MPI_ERRORS_RETURN);
    // An earlier file at the path would keep its tail: start from nothing.
    const int sz = MPI_File_set_size(fh_, 0);
    if (sz != MPI_SUCCESS) throw IoError(path + ": cannot be truncated (" + mpi_text(sz) + ")");
}

SharedFile::~SharedFile() {
    if (fh_ != MPI_FILE_NULL) MPI_File_close(&fh_);
}

void SharedFile::write_at(std::uint64_t offset, std::string_view bytes) {
    // MPI counts are int: pieces of at most 1 GiB.
    constexpr std::size_t kPiece = std::size_t(1) << 30;
    for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
        const int n = int(std::min(kPiece, bytes.size() - at));
        MPI_Status status;
        const int rc = MPI_File_write_at(fh_, MPI_Offset(offset + at), bytes.data() + at, n, MPI_CHAR, &status);
        int written = 0;
        if (rc == MPI_SUCCESS) MPI_Get_count(&status, MPI_CHAR, &written);
        if (rc != MPI_SUCCESS || written != n)
            throw IoError(path_ + ": writing " + std::to_string(n) + " bytes at byte " + std::to_string(offset + at) +
                          " failed (" + (rc != MPI_SUCCESS ? mpi_text(rc) : "short write") +
                          "); free space or choose another --output");
    }
}

void SharedFile::close() {
    const int rc = MPI_File_close(&fh_);
    fh_ = MPI_FILE_NULL;
    if (rc != MPI_SUCCESS) throw IoError(path_ + ": closing failed (" + mpi_text(rc) + "); free space or choose another --output");
}

}  // namespace engage::mpi
