#pragma once
// Read-only access to an HDF5 file through the C API, for the peer benchmark's exporters: whole
// datasets or row ranges converted to a native type, and string attributes and columns.
// Serial (default file driver), one thread. Every failure throws std::runtime_error naming the
// file and the object.
#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace peer {

class H5Handle {
public:
    H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;
    ~H5Handle() { if (id_ >= 0) close_(id_); }
    hid_t get() const noexcept { return id_; }
private:
    hid_t id_;
    herr_t (*close_)(hid_t);
};

template <class T> hid_t native_type() {
    if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
    else if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
    else if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
    else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
    else if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
    else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
    else static_assert(!sizeof(T), "unsupported column type");
}

class H5In {
public:
    explicit H5In(std::string path) : path_(std::move(path)), file_(open(path_), H5Fclose) {}

    const std::string& path() const noexcept { return path_; }

    bool exists(const std::string& object) const {
        return H5Lexists(file_.get(), object.c_str(), H5P_DEFAULT) > 0;
    }

    // Dimensions of a dataset (rows, or rows and columns).
    std::vector<std::uint64_t> shape(const std::string& dataset) const {
        H5Handle d(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
        check(d.get(), dataset, "open");
        H5Handle space(H5Dget_space(d.get()), H5Sclose);
        int rank = H5Sget_simple_extent_ndims(space.get());
        if (rank < 1 || rank > 2) fail(dataset, "expected a 1-D or 2-D dataset");
        hsize_t dims[2] = {0, 1};
        H5Sget_simple_extent_dims(space.get(), dims, nullptr);
        return rank == 1 ? std::vector<std::uint64_t>{dims[0]}
                         : std::vector<std::uint64_t>{dims[0], dims[1]};
    }

    // Rows [first, first + rows) of a 1-D or 2-D dataset, row-major, converted to T by HDF5.
    template <class T>
    std::vector<T> read(const std::string& dataset, std::uint64_t first, std::uint64_t rows) const {
        auto dims = shape(dataset);
        std::uint64_t cols = dims.size() == 2 ? dims[1] : 1;
        if (first + rows > dims[0]) fail(dataset, "rows beyond the end of the dataset");
        std::vector<T> out(rows * cols);
        if (rows == 0) return out;
        H5Handle d(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
        H5Handle space(H5Dget_space(d.get()), H5Sclose);
        hsize_t start[2] = {first, 0}, count[2] = {rows, cols};
        H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
        H5Handle mem(H5Screate_simple(static_cast<int>(dims.size()), count, nullptr), H5Sclose);
        if (H5Dread(d.get(), native_type<T>(), mem.get(), space.get(), H5P_DEFAULT, out.data()) < 0)
            fail(dataset, "read failed (corrupt file or unsupported filter?)");
        return out;
    }
    template <class T> std::vector<T> read_all(const std::string& dataset) const {
        return read<T>(dataset, 0, shape(dataset)[0]);
    }

    // A string column (fixed or variable length).
    std::vector<std::string> read_strings(const std::string& dataset) const {
        H5Handle d(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
        check(d.get(), dataset, "open");
        H5Handle type(H5Dget_type(d.get()), H5Tclose);
        H5Handle space(H5Dget_space(d.get()), H5Sclose);
        auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
        return read_string_data(dataset, type.get(), n, [&](hid_t mem, void* buf) {
            return H5Dread(d.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        });
    }

    // A scalar string attribute of `object` ("/" for the root).
    std::string attribute_string(const std::string& object, const std::string& name) const {
        H5Handle a(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose);
        check(a.get(), object + " attribute " + name, "open");
        H5Handle type(H5Aget_type(a.get()), H5Tclose);
        return read_string_data(object + " attribute " + name, type.get(), 1, [&](hid_t mem, void* buf) {
            return H5Aread(a.get(), mem, buf);
        })[0];
    }

    // A scalar integer attribute of `object`.
    std::int64_t attribute_int(const std::string& object, const std::string& name) const {
        H5Handle a(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose);
        check(a.get(), object + " attribute " + name, "open");
        std::int64_t v = 0;
        if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) fail(object + " attribute " + name, "read failed");
        return v;
    }

private:
    static hid_t open(const std::string& path) {
        hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f < 0) throw std::runtime_error(path + ": cannot open as an HDF5 file (missing, unreadable or not HDF5)");
        return f;
    }
    [[noreturn]] void fail(const std::string& object, const std::string& what) const {
        throw std::runtime_error(path_ + ": " + object + ": " + what);
    }
    void check(hid_t id, const std::string& object, const char* op) const {
        if (id < 0) fail(object, std::string("cannot ") + op + " (missing? see docs/data-format.md)");
    }

    template <class Read>
    std::vector<std::string> read_string_data(const std::string& object, hid_t type, std::size_t n,
                                              Read read) const {
        if (H5Tget_class(type) != H5T_STRING) fail(object, "expected a string");
        std::vector<std::string> out;
        if (H5Tis_variable_str(type) > 0) {
            H5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
            H5Tset_size(mem.get(), H5T_VARIABLE);
            H5Tset_cset(mem.get(), H5Tget_cset(type));
            std::vector<char*> buf(n, nullptr);
            if (read(mem.get(), buf.data()) < 0) fail(object, "read failed");
            for (char* s : buf) out.emplace_back(s ? s : "");
            H5Handle space(H5Screate_simple(1, std::vector<hsize_t>{n}.data(), nullptr), H5Sclose);
            H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, buf.data());
        } else {
            std::size_t width = H5Tget_size(type);
            std::vector<char> buf(n * width + 1, '\0');
            if (read(type, buf.data()) < 0) fail(object, "read failed");
            for (std::size_t i = 0; i < n; ++i) {
                std::string s(buf.data() + i * width, width);
                out.push_back(s.substr(0, s.find('\0')));
            }
        }
        return out;
    }

    std::string path_;
    H5Handle file_;
};

}  // namespace peer
