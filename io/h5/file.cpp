#include "io/h5/file.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "io/direct_file.hpp"
#include "io/h5/chunk_reader.hpp"
#include "io/h5/filters.hpp"
#include "io/h5/io_tuning.hpp"
#include "mpi/comm.hpp"

namespace engage::io::h5 {

namespace {

Handle file_access(const mpi::Comm& comm) {
    register_filters();  // before any dataset is created or read (idempotent)
    Handle fapl = plist(H5P_FILE_ACCESS);
    apply_io_tuning(fapl.id(), comm.native(), io_tuning());  // MPI-IO hints, alignment (io_tuning.hpp)
    // Metadata writes are collective (every write here is). Metadata reads stay independent:
    // ranks read different shards at different times, which collective metadata reads forbid.
    checked_status(H5Pset_coll_metadata_write(fapl.id(), true), "H5Pset_coll_metadata_write");
    return fapl;
}

Handle collective_xfer() {
    Handle x = plist(H5P_DATASET_XFER);
    checked_status(H5Pset_dxpl_mpio(x.id(), H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
    return x;
}

// Selects rows [first, first + rows) of a 1-D or 2-D dataspace (all columns).
void select_rows(hid_t space, int dims, std::uint64_t first, std::uint64_t rows, std::uint64_t cols) {
    if (rows == 0) {
        checked_status(H5Sselect_none(space), "H5Sselect_none");
        return;
    }
    const hsize_t start[2] = {first, 0};
    const hsize_t count[2] = {rows, cols};
    checked_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr),
                   "H5Sselect_hyperslab");
    (void)dims;
}

Handle memory_space(int dims, std::uint64_t rows, std::uint64_t cols) {
    if (dims == 1) return dataspace_1d(rows);
    return dataspace_2d(rows, cols);
}

// The number of chunks of a dataset filtered by zstd or LZ4 (nullopt for any other storage).
std::optional<std::uint64_t> fast_codec_chunks(hid_t dataset, std::uint64_t rows) {
    Handle dcpl{checked(H5Dget_create_plist(dataset), "H5Dget_create_plist"), H5Pclose};
    if (H5Pget_layout(dcpl.id()) != H5D_CHUNKED) return std::nullopt;
    bool fast = false;
    const int n = H5Pget_nfilters(dcpl.id());
    for (int i = 0; i < n; ++i) {
        unsigned flags = 0, config = 0;
        std::size_t nelmts = 0;
        const H5Z_filter_t id = H5Pget_filter2(dcpl.id(), unsigned(i), &flags, &nelmts, nullptr, 0, nullptr, &config);
        fast = fast || id == kFilterZstd || id == kFilterLz4;
    }
    if (!fast) return std::nullopt;
    hsize_t chunk[H5S_MAX_RANK] = {};
    if (H5Pget_chunk(dcpl.id(), H5S_MAX_RANK, chunk) < 1 || chunk[0] == 0) return std::nullopt;
    return (rows + chunk[0] - 1) / chunk[0];
}

// Deflate compresses at most ~1032:1 (RFC 1951 blocks of 258-byte matches); a dataset that
// declares more bytes than this ratio over the bytes it stores (plus slack for tiny files)
// holds unwritten space: a damaged or forged header, not data.
constexpr std::uint64_t kMaxCompression = 1100;
constexpr std::uint64_t kSlackBytes = 1 << 20;

}  // namespace

Dataset::Dataset(Handle h, std::string file, std::string path, hid_t collective_xfer, MPI_Comm comm,
                 std::shared_ptr<DirectFile> direct)
    : h_(std::move(h)), file_(std::move(file)), path_(std::move(path)), xfer_(collective_xfer), comm_(comm),
      direct_(std::move(direct)) {
    Handle space{checked(H5Dget_space(h_.id()), "H5Dget_space " + path_), H5Sclose};
    dims_ = H5Sget_simple_extent_ndims(space.id());
    hsize_t d[H5S_MAX_RANK] = {};
    if (dims_ > 0) H5Sget_simple_extent_dims(space.id(), d, nullptr);
    rows_ = dims_ > 0 ? d[0] : 1;
    cols_ = dims_ > 1 ? d[1] : 1;
}

void Dataset::expect_type(hid_t type, int dims) const {
    Handle stored{checked(H5Dget_type(h_.id()), "H5Dget_type " + path_), H5Tclose};
    const bool same = H5Tget_class(stored.id()) == H5Tget_class(type) &&
                      H5Tget_size(stored.id()) == H5Tget_size(type) &&
                      (H5Tget_class(type) != H5T_INTEGER ||
                       H5Tget_sign(stored.id()) == H5Tget_sign(type));
    if (!same)
        throw DataError(file_ + ": dataset " + path_ + " holds " + describe_type(stored.id()) +
                        ", expected " + describe_type(type) +
                        "; rewrite it with that type (see docs/data-format.md)");
    if (dims_ != dims)
        throw DataError(file_ + ": dataset " + path_ + " has " + std::to_string(dims_) +
                        " dimensions, expected " + std::to_string(dims) +
                        " (see docs/data-format.md)");
}

void Dataset::expect_stored(std::uint64_t file_bytes) const {
    Handle stored{checked(H5Dget_type(h_.id()), "H5Dget_type " + path_), H5Tclose};
    const std::uint64_t element = H5Tget_size(stored.id());
    const std::uint64_t elements = rows_ * cols_;
    const bool overflow = element && elements > UINT64_MAX / element;
    const std::uint64_t declared = overflow ? UINT64_MAX : elements * element;
    const std::uint64_t storage = H5Dget_storage_size(h_.id());
    const std::string declares = file_ + ": dataset " + path_ + " declares " + std::to_string(rows_) +
                                 (cols_ > 1 ? " x " + std::to_string(cols_) : std::string()) + " elements (" +
                                 std::to_string(declared) + " bytes)";
    if (storage > file_bytes)
        throw DataError(declares + " stored in " + std::to_string(storage) + " bytes, but the file has only " +
                        std::to_string(file_bytes) + " bytes: it is truncated; copy or write it again");
    // zstd and LZ4 compress a chunk of one repeated value far beyond deflate's ratio: their floor
    // is the smallest chunk they write (a 9-byte zstd frame, a 16-byte LZ4 chunk) per chunk.
    std::uint64_t floor = declared > kSlackBytes ? declared / kMaxCompression : 0;
    if (const auto chunks = fast_codec_chunks(h_.id(), rows_)) floor = std::min(floor, *chunks * 9);
    if (overflow || floor > storage)
        throw DataError(declares + ", but the file stores only " + std::to_string(storage) +
                        " bytes of it: its size is damaged or its rows were never written; write the file "
                        "again (see docs/data-format.md)");
}

void Dataset::expect_rows(std::uint64_t rows, const std::string& why) const {
    if (rows_ != rows)
        throw DataError(file_ + ": dataset " + path_ + " has " + std::to_string(rows_) +
                        " rows, expected " + std::to_string(rows) + " (" + why + ")");
}

std::optional<std::uint64_t> Dataset::offset_in_file_raw(hid_t mem_type) const {
    Handle stored{checked(H5Dget_type(h_.id()), "H5Dget_type " + path_), H5Tclose};
    if (H5Tequal(stored.id(), mem_type) <= 0) return std::nullopt;
    // HADDR_UNDEF for a chunked, compact, external or virtual dataset, or one not yet allocated.
    const haddr_t offset = H5Dget_offset(h_.id());
    if (offset == HADDR_UNDEF) return std::nullopt;
    return std::uint64_t(offset);
}

void Dataset::read_raw(hid_t mem_type, std::uint64_t first, std::uint64_t rows, void* out) const {
    if (rows == 0) return;
    // A compressed column: its chunks decoded on the OpenMP threads (chunk_reader.hpp).
    if (read_rows_in_parallel(h_.id(), mem_type, first, rows, cols_, out)) return;
    Handle file_space{checked(H5Dget_space(h_.id()), "H5Dget_space " + path_), H5Sclose};
    select_rows(file_space.id(), dims_, first, rows, cols_);
    Handle mem = memory_space(dims_, rows, cols_);
    checked_status(H5Dread(h_.id(), mem_type, mem.id(), file_space.id(), H5P_DEFAULT, out),
                   "reading rows " + std::to_string(first) + ".." + std::to_string(first + rows) +
                       " of " + path_ + " in " + file_);
}

void Dataset::write_raw(hid_t mem_type, std::uint64_t first, std::uint64_t rows, const void* data) {
    Handle file_space{checked(H5Dget_space(h_.id()), "H5Dget_space " + path_), H5Sclose};
    select_rows(file_space.id(), dims_, first, rows, cols_);
    Handle mem = memory_space(dims_, std::max<std::uint64_t>(rows, 1), cols_);
    if (rows == 0) checked_status(H5Sselect_none(mem.id()), "H5Sselect_none");
    errno = 0;
    const herr_t status = H5Dwrite(h_.id(), mem_type, mem.id(), file_space.id(), xfer_, data);
    if (status >= 0) note_collective_write(xfer_);
    agree_on_write(comm_, status, errno, file_, file_ + ": writing " + path_);
}

void Dataset::write_raw_independent(hid_t mem_type, std::uint64_t first, std::uint64_t rows,
                                    const void* data) {
    if (rows == 0) return;
    if (direct_) {
        if (const auto offset = offset_in_file_raw(mem_type)) {
            const std::uint64_t row_bytes = H5Tget_size(mem_type) * cols_;
            return direct_->write(*offset + first * row_bytes, data, rows * row_bytes);
        }
    }
    Handle file_space{checked(H5Dget_space(h_.id()), "H5Dget_space " + path_), H5Sclose};
    select_rows(file_space.id(), dims_, first, rows, cols_);
    Handle mem = memory_space(dims_, rows, cols_);
    // H5P_DEFAULT: an independent MPI-IO transfer.
    errno = 0;
    if (H5Dwrite(h_.id(), mem_type, mem.id(), file_space.id(), H5P_DEFAULT, data) < 0)
        write_failed(errno, file_, file_ + ": writing rows " + std::to_string(first) + ".." + std::to_string(first + rows) +
                                " of " + path_);
}

void Dataset::write_attribute(const std::string& name, const std::string& value) {
    Handle type = string_type(std::max<std::size_t>(value.size(), 1));
    Handle space{checked(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose};
    Handle a{checked(H5Acreate2(h_.id(), name.c_str(), type.id(), space.id(), H5P_DEFAULT,
                                H5P_DEFAULT),
                     "creating attribute " + name + " of " + path_),
             H5Aclose};
    std::string padded = value;
    padded.resize(std::max<std::size_t>(value.size(), 1), '\0');
    checked_status(H5Awrite(a.id(), type.id(), padded.data()), "writing attribute " + name);
}

void Dataset::write_value_attribute_raw(hid_t type, const std::string& name, const void* value) {
    Handle space{checked(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose};
    Handle a{checked(H5Acreate2(h_.id(), name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                     "creating attribute " + name + " of " + path_),
             H5Aclose};
    checked_status(H5Awrite(a.id(), type, value), "writing attribute " + name);
}

File::File(Handle h, std::string name, Handle xfer, int rank, MPI_Comm comm)
    : h_(std::move(h)), name_(std::move(name)), xfer_(std::move(xfer)), rank_(rank), comm_(comm) {}

File File::open(const mpi::Comm& comm, const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw IoError(path + ": no such file; check the path given to --input");
    if (std::filesystem::is_directory(path, ec))
        throw IoError(path + ": is a directory, expected an HDF5 file (--input)");
    if (!std::ifstream(path, std::ios::binary).good())
        throw IoError(path + ": cannot be read (permissions?); check the file given to --input");
    Handle fapl = file_access(comm);
    const htri_t ok = H5Fis_hdf5(path.c_str());  // H5Fis_accessible arrived only in HDF5 1.12
    H5Eclear2(H5E_DEFAULT);
    if (ok <= 0)
        throw DataError(path + ": not an HDF5 file (or unreadable); give the file written by "
                               "`engage generate` (see docs/data-format.md)");
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.id());
    if (id < 0) {
        // H5Fis_hdf5 found a superblock: what fails now is the rest of the file.
        const std::string cause = innermost_error();
        H5Eclear2(H5E_DEFAULT);
        const bool truncated = cause.find("truncated") != std::string::npos;
        throw DataError(path + (truncated ? ": the file is truncated (shorter than its HDF5 header says)"
                                          : ": the file is damaged (HDF5 cannot read its metadata)") +
                        "; copy or write it again (HDF5: " + cause + ")");
    }
    note_effective_hints(id);
    File file(Handle{id, H5Fclose}, path, collective_xfer(), comm.rank(), comm.native());
    file.bytes_ = std::filesystem::file_size(path, ec);
    if (ec) file.bytes_ = UINT64_MAX;
    return file;
}

File File::create(const mpi::Comm& comm, const std::string& path, std::uint64_t write_queue_bytes) {
    Handle fapl = file_access(comm);
    Handle f{checked(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()),
                     "creating " + path),
             H5Fclose};
    note_effective_hints(f.id());
    File file(std::move(f), path, collective_xfer(), comm.rank(), comm.native());
    if (io_tuning().direct_output)
        file.direct_ = std::make_shared<DirectFile>(path, true, DirectFile::kDefaultStageBytes, write_queue_bytes);
    return file;
}

File File::reopen(const mpi::Comm& comm, const std::string& path, std::uint64_t write_queue_bytes) {
    Handle fapl = file_access(comm);
    Handle f{checked(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.id()), "opening " + path + " for writing"),
             H5Fclose};
    File file(std::move(f), path, collective_xfer(), comm.rank(), comm.native());
    file.reopened_ = true;
    if (io_tuning().direct_output)
        file.direct_ = std::make_shared<DirectFile>(path, true, DirectFile::kDefaultStageBytes, write_queue_bytes);
    return file;
}

Dataset File::existing_column(const std::string& path, std::uint64_t rows, std::uint64_t cols) const {
    Dataset d = dataset(path);
    if (d.rows() != rows || d.cols() != cols)
        throw DataError(name_ + ": dataset " + path + " has " + std::to_string(d.rows()) + " x " +
                        std::to_string(d.cols()) + " elements, expected " + std::to_string(rows) + " x " +
                        std::to_string(cols) + "; it was not written for this input");
    return d;
}

bool File::exists(const std::string& path) const {
    // Check each level: H5Lexists fails (rather than answering false) below a missing group.
    std::string at;
    std::size_t pos = 0;
    while (pos < path.size()) {
        const std::size_t next = path.find('/', pos + 1);
        at = path.substr(0, next);
        if (at != "/" && H5Lexists(h_.id(), at.c_str(), H5P_DEFAULT) <= 0) return false;
        if (next == std::string::npos) break;
        pos = next;
    }
    return true;
}

Dataset File::dataset(const std::string& path) const {
    if (!exists(path))
        throw DataError(name_ + ": dataset " + path + " is missing (see docs/data-format.md for "
                                "the datasets an Engage file holds)");
    const hid_t id = H5Dopen2(h_.id(), path.c_str(), H5P_DEFAULT);
    if (id < 0) {
        const std::string cause = innermost_error();
        H5Eclear2(H5E_DEFAULT);
        throw DataError(name_ + ": dataset " + path + " cannot be opened: the file's metadata for it is "
                                "damaged or it is not a dataset; write the file again (HDF5: " + cause + ")");
    }
    return Dataset(Handle{id, H5Dclose}, name_, path, xfer_.id(), comm_, direct_);
}

Dataset File::create_raw(hid_t type, const std::string& path, std::uint64_t rows,
                         std::uint64_t cols, std::uint64_t chunk_rows, Compression c) {
    if (!c.filtered()) return create_contiguous_raw(type, path, rows, cols);
    // An empty dataset cannot have a chunk of its own fixed size: it gets an unlimited
    // maximum and chunks of one row.
    const hsize_t dims[2] = {rows, cols};
    const hsize_t max_dims[2] = {rows > 0 ? rows : H5S_UNLIMITED, cols};
    Handle space{checked(H5Screate_simple(cols > 1 ? 2 : 1, dims, max_dims), "H5Screate_simple"), H5Sclose};
    Handle dcpl = plist(H5P_DATASET_CREATE);
    const hsize_t chunk[2] = {std::max<std::uint64_t>(1, std::min<std::uint64_t>(chunk_rows, rows)), cols};
    checked_status(H5Pset_chunk(dcpl.id(), cols > 1 ? 2 : 1, chunk), "H5Pset_chunk");
    add_filters(dcpl.id(), c);
    // Parallel HDF5 requires space allocated at creation for filtered datasets; no fill.
    checked_status(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
    return create_dataset(type, path, space.id(), dcpl.id());
}

Dataset File::create_dataset(hid_t type, const std::string& path, hid_t space, hid_t dcpl) {
    Handle lcpl = plist(H5P_LINK_CREATE);
    checked_status(H5Pset_create_intermediate_group(lcpl.id(), 1), "H5Pset_create_intermediate_group");
    Handle d{checked(H5Dcreate2(h_.id(), path.c_str(), type, space, lcpl.id(), dcpl, H5P_DEFAULT),
                     "creating " + path + " in " + name_),
             H5Dclose};
    return Dataset(std::move(d), name_, path, xfer_.id(), comm_, direct_);
}

Dataset File::create_contiguous_raw(hid_t type, const std::string& path, std::uint64_t rows,
                                    std::uint64_t cols) {
    const hsize_t dims[2] = {rows, cols};
    Handle space{checked(H5Screate_simple(cols > 1 ? 2 : 1, dims, nullptr), "H5Screate_simple"), H5Sclose};
    Handle dcpl = plist(H5P_DATASET_CREATE);
    checked_status(H5Pset_layout(dcpl.id(), H5D_CONTIGUOUS), "H5Pset_layout");
    // Space allocated now (a collective metadata operation), so that later writes change no
    // metadata and may be independent; no fill: every row is written once.
    checked_status(H5Pset_alloc_time(dcpl.id(), H5D_ALLOC_TIME_EARLY), "H5Pset_alloc_time");
    checked_status(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
    return create_dataset(type, path, space.id(), dcpl.id());
}

void File::write_strings(const std::string& path, const std::vector<std::string>& values, bool utf8) {
    std::size_t width = 1;
    for (const auto& v : values) width = std::max(width, v.size());
    std::vector<char> buf(values.size() * width, '\0');
    for (std::size_t i = 0; i < values.size(); ++i)
        std::memcpy(buf.data() + i * width, values[i].data(), values[i].size());
    Handle type = string_type(width);
    if (utf8) checked_status(H5Tset_cset(type.id(), H5T_CSET_UTF8), "H5Tset_cset");
    Handle space = dataspace_1d(values.size());
    Handle lcpl = plist(H5P_LINK_CREATE);
    checked_status(H5Pset_create_intermediate_group(lcpl.id(), 1), "H5Pset_create_intermediate_group");
    Handle d{checked(H5Dcreate2(h_.id(), path.c_str(), type.id(), space.id(), lcpl.id(),
                                H5P_DEFAULT, H5P_DEFAULT),
                     "creating " + path + " in " + name_),
             H5Dclose};
    const std::uint64_t rows = rank_ == 0 ? values.size() : 0;
    Handle fspace{checked(H5Dget_space(d.id()), "H5Dget_space"), H5Sclose};
    select_rows(fspace.id(), 1, 0, rows, 1);
    Handle mem = dataspace_1d(std::max<std::size_t>(values.size(), 1));
    if (rows == 0) checked_status(H5Sselect_none(mem.id()), "H5Sselect_none");
    errno = 0;
    const herr_t status = H5Dwrite(d.id(), type.id(), mem.id(), fspace.id(), xfer_.id(), buf.data());
    if (status >= 0) note_collective_write(xfer_.id());
    agree_on_write(comm_, status, errno, name_, name_ + ": writing " + path);
}

void File::close() {
    if (!h_) return;
    // Flush first: a flush that fails (a full disk) leaves the file open and owned here, so that
    // the job can abandon it (io::StagedFile::abandon) and the destructor close it. An H5Fclose
    // that fails leaves HDF5 a half-closed file, which it crashes on at MPI_Finalize.
    if (direct_) {
        // The columns written behind the computation (io/direct_file.hpp) are on disk before
        // the metadata that describes them; a failure on any rank fails the close on all.
        bool failed = false;
        try {
            direct_->finish();
        } catch (const IoError&) {
            failed = true;
        }
        agree_on_write(comm_, failed ? -1 : 0, failed ? direct_->failure_errno() : 0, name_, name_ + ": writing its columns");
    }
    errno = 0;
    const herr_t status = H5Fflush(h_.id(), H5F_SCOPE_LOCAL);
    agree_on_write(comm_, status, errno, name_, name_ + ": writing its metadata");
    checked_status(H5Fclose(h_.release()), "closing " + name_);
}

void agree_on_write(MPI_Comm comm, herr_t status, int error, const std::string& file, const std::string& what) {
    // [failed anywhere, the largest errno of a failed rank]: every rank words the same error.
    const int mine[2] = {status < 0 ? 1 : 0, status < 0 ? error : 0};
    int all[2] = {mine[0], mine[1]};
    if (comm != MPI_COMM_NULL && MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS)
        throw IoError(what + ": MPI_Allreduce failed after the write");
    if (all[0]) write_failed(all[1], file, what);
}

void write_failed(int error, const std::string& file, const std::string& what) {
    // MPI-IO (OMPIO) does not keep errno: a full file system is recognised by its free space.
    if (error == 0) {
        struct statvfs fs {};
        const auto dir = std::filesystem::path(file).parent_path();
        if (::statvfs(dir.empty() ? "." : dir.c_str(), &fs) == 0 && std::uint64_t(fs.f_bavail) * fs.f_frsize < (64u << 10))
            error = ENOSPC;
    }
    const std::string cause = innermost_error();
    H5Eclear2(H5E_DEFAULT);
    throw IoError(what + " failed" + (error ? ": " + std::string(std::strerror(error)) : std::string()) +
                  "; free space or choose another --output (HDF5: " + cause + ")");
}

}  // namespace engage::io::h5
