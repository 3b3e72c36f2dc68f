#include "io/h5/file.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "mpi/comm.hpp"

namespace engage::io::h5 {

namespace {

Handle file_access(const mpi::Comm& comm) {
    Handle fapl = plist(H5P_FILE_ACCESS);
    checked_status(H5Pset_fapl_mpio(fapl.id(), comm.native(), MPI_INFO_NULL), "H5Pset_fapl_mpio");
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

bool is_variable_string(hid_t type) { return H5Tis_variable_str(type) > 0; }

// A memory string type like `stored` (variable or fixed `width`), in its character set: h5py
// writes UTF-8 by default, and HDF5 does not convert between ASCII and UTF-8.
Handle memory_string_type(hid_t stored, bool variable, std::size_t width) {
    Handle mem{checked(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose};
    checked_status(H5Tset_size(mem.id(), variable ? H5T_VARIABLE : width), "H5Tset_size");
    if (!variable) checked_status(H5Tset_strpad(mem.id(), H5T_STR_NULLPAD), "H5Tset_strpad");
    checked_status(H5Tset_cset(mem.id(), H5Tget_cset(stored)), "H5Tset_cset");
    return mem;
}

}  // namespace

Dataset::Dataset(Handle h, std::string file, std::string path, hid_t collective_xfer)
    : h_(std::move(h)), file_(std::move(file)), path_(std::move(path)), xfer_(collective_xfer) {
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

void Dataset::expect_rows(std::uint64_t rows, const std::string& why) const {
    if (rows_ != rows)
        throw DataError(file_ + ": dataset " + path_ + " has " + std::to_string(rows_) +
                        " rows, expected " + std::to_string(rows) + " (" + why + ")");
}

void Dataset::read_raw(hid_t mem_type, std::uint64_t first, std::uint64_t rows, void* out) const {
    if (rows == 0) return;
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
    checked_status(H5Dwrite(h_.id(), mem_type, mem.id(), file_space.id(), xfer_, data),
                   "writing " + path_ + " in " + file_);
}

void Dataset::write_raw_independent(hid_t mem_type, std::uint64_t first, std::uint64_t rows,
                                    const void* data) {
    if (rows == 0) return;
    Handle file_space{checked(H5Dget_space(h_.id()), "H5Dget_space " + path_), H5Sclose};
    select_rows(file_space.id(), dims_, first, rows, cols_);
    Handle mem = memory_space(dims_, rows, cols_);
    // H5P_DEFAULT: an independent MPI-IO transfer.
    checked_status(H5Dwrite(h_.id(), mem_type, mem.id(), file_space.id(), H5P_DEFAULT, data),
                   "writing rows " + std::to_string(first) + ".." + std::to_string(first + rows) + " of " +
                       path_ + " in " + file_);
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

File::File(Handle h, std::string name, Handle xfer, int rank)
    : h_(std::move(h)), name_(std::move(name)), xfer_(std::move(xfer)), rank_(rank) {}

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
    Handle f{checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.id()), "opening " + path), H5Fclose};
    return File(std::move(f), path, collective_xfer(), comm.rank());
}

File File::create(const mpi::Comm& comm, const std::string& path) {
    Handle fapl = file_access(comm);
    Handle f{checked(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()),
                     "creating " + path),
             H5Fclose};
    return File(std::move(f), path, collective_xfer(), comm.rank());
}

File File::reopen(const mpi::Comm& comm, const std::string& path) {
    Handle fapl = file_access(comm);
    Handle f{checked(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.id()), "opening " + path + " for writing"),
             H5Fclose};
    File file(std::move(f), path, collective_xfer(), comm.rank());
    file.reopened_ = true;
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
    Handle d{checked(H5Dopen2(h_.id(), path.c_str(), H5P_DEFAULT), "opening " + path + " in " + name_),
             H5Dclose};
    return Dataset(std::move(d), name_, path, xfer_.id());
}

Dataset File::create_raw(hid_t type, const std::string& path, std::uint64_t rows,
                         std::uint64_t cols, std::uint64_t chunk_rows, Compression c) {
    if (c == Compression::contiguous) return create_contiguous_raw(type, path, rows, cols);
    // An empty dataset cannot have a chunk of its own fixed size: it gets an unlimited
    // maximum and chunks of one row.
    const hsize_t dims[2] = {rows, cols};
    const hsize_t max_dims[2] = {rows > 0 ? rows : H5S_UNLIMITED, cols};
    Handle space{checked(H5Screate_simple(cols > 1 ? 2 : 1, dims, max_dims), "H5Screate_simple"), H5Sclose};
    Handle dcpl = plist(H5P_DATASET_CREATE);
    const hsize_t chunk[2] = {std::max<std::uint64_t>(1, std::min<std::uint64_t>(chunk_rows, rows)), cols};
    checked_status(H5Pset_chunk(dcpl.id(), cols > 1 ? 2 : 1, chunk), "H5Pset_chunk");
    if (c == Compression::deflate) {
        checked_status(H5Pset_shuffle(dcpl.id()), "H5Pset_shuffle");
        checked_status(H5Pset_deflate(dcpl.id(), 1), "H5Pset_deflate");
    }
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
    return Dataset(std::move(d), name_, path, xfer_.id());
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

void File::write_strings(const std::string& path, const std::vector<std::string>& values) {
    std::size_t width = 1;
    for (const auto& v : values) width = std::max(width, v.size());
    std::vector<char> buf(values.size() * width, '\0');
    for (std::size_t i = 0; i < values.size(); ++i)
        std::memcpy(buf.data() + i * width, values[i].data(), values[i].size());
    Handle type = string_type(width);
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
    checked_status(H5Dwrite(d.id(), type.id(), mem.id(), fspace.id(), xfer_.id(), buf.data()),
                   "writing " + path + " in " + name_);
}

std::vector<std::string> File::read_strings(const std::string& path) const {
    Dataset ds = dataset(path);
    Handle d{checked(H5Dopen2(h_.id(), path.c_str(), H5P_DEFAULT), "opening " + path), H5Dclose};
    Handle stored{checked(H5Dget_type(d.id()), "H5Dget_type " + path), H5Tclose};
    if (H5Tget_class(stored.id()) != H5T_STRING)
        throw DataError(name_ + ": dataset " + path + " holds " + describe_type(stored.id()) +
                        ", expected strings");
    const std::uint64_t n = ds.rows();
    std::vector<std::string> out(n);
    if (n == 0) return out;
    if (is_variable_string(stored.id())) {
        Handle mem = memory_string_type(stored.id(), true, 0);
        std::vector<char*> ptrs(n, nullptr);
        checked_status(H5Dread(d.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
                       "reading " + path);
        for (std::uint64_t i = 0; i < n; ++i) {
            out[i] = ptrs[i] ? ptrs[i] : "";
            H5free_memory(ptrs[i]);
        }
        return out;
    }
    const std::size_t width = H5Tget_size(stored.id());
    Handle mem = memory_string_type(stored.id(), false, width);
    std::vector<char> buf(n * width);
    checked_status(H5Dread(d.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()),
                   "reading " + path);
    for (std::uint64_t i = 0; i < n; ++i) {
        const char* s = buf.data() + i * width;
        out[i].assign(s, strnlen(s, width));
    }
    return out;
}

void File::write_attribute(const std::string& object, const std::string& name, const std::string& v) {
    Handle type = string_type(std::max<std::size_t>(v.size(), 1));
    Handle space{checked(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose};
    Handle a{checked(H5Acreate_by_name(h_.id(), object.c_str(), name.c_str(), type.id(),
                                       space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                     "creating attribute " + name + " of " + object + " in " + name_),
             H5Aclose};
    std::string padded = v;
    padded.resize(std::max<std::size_t>(v.size(), 1), '\0');
    checked_status(H5Awrite(a.id(), type.id(), padded.data()), "writing attribute " + name);
}

void File::write_attribute(const std::string& object, const std::string& name, std::int64_t v) {
    Handle space{checked(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose};
    Handle a{checked(H5Acreate_by_name(h_.id(), object.c_str(), name.c_str(), H5T_STD_I64LE,
                                       space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                     "creating attribute " + name + " of " + object + " in " + name_),
             H5Aclose};
    checked_status(H5Awrite(a.id(), H5T_NATIVE_INT64, &v), "writing attribute " + name);
}

std::optional<std::string> File::read_string_attribute(const std::string& object,
                                                       const std::string& name) const {
    if (object != "/" && !exists(object)) return std::nullopt;
    if (H5Aexists_by_name(h_.id(), object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return std::nullopt;
    Handle a{checked(H5Aopen_by_name(h_.id(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                     "opening attribute " + name),
             H5Aclose};
    Handle stored{checked(H5Aget_type(a.id()), "H5Aget_type"), H5Tclose};
    if (H5Tget_class(stored.id()) != H5T_STRING)
        throw DataError(name_ + ": attribute " + name + " of " + object + " holds " +
                        describe_type(stored.id()) + ", expected a string");
    if (is_variable_string(stored.id())) {
        Handle mem = memory_string_type(stored.id(), true, 0);
        char* p = nullptr;
        checked_status(H5Aread(a.id(), mem.id(), &p), "reading attribute " + name);
        std::string out = p ? p : "";
        H5free_memory(p);
        return out;
    }
    const std::size_t width = H5Tget_size(stored.id());
    Handle mem = memory_string_type(stored.id(), false, width);
    std::string buf(width, '\0');
    checked_status(H5Aread(a.id(), mem.id(), buf.data()), "reading attribute " + name);
    buf.resize(strnlen(buf.data(), width));
    return buf;
}

std::optional<std::int64_t> File::read_int_attribute(const std::string& object,
                                                     const std::string& name) const {
    if (object != "/" && !exists(object)) return std::nullopt;
    if (H5Aexists_by_name(h_.id(), object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return std::nullopt;
    Handle a{checked(H5Aopen_by_name(h_.id(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                     "opening attribute " + name),
             H5Aclose};
    Handle stored{checked(H5Aget_type(a.id()), "H5Aget_type"), H5Tclose};
    if (H5Tget_class(stored.id()) != H5T_INTEGER)
        throw DataError(name_ + ": attribute " + name + " of " + object + " holds " +
                        describe_type(stored.id()) + ", expected an integer");
    std::int64_t v = 0;
    checked_status(H5Aread(a.id(), H5T_NATIVE_INT64, &v), "reading attribute " + name);
    return v;
}

void File::close() {
    if (!h_) return;
    checked_status(H5Fclose(h_.release()), "closing " + name_);
}

}  // namespace engage::io::h5
