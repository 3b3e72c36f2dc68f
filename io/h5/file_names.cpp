// File's string tables (read_strings, check_string_column) and attributes: the
// names and metadata of a file, each checked for type, shape, size and UTF-8 before anything is
// allocated for it (the bulk columns are in file.cpp).
#include "io/h5/file.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/errors.hpp"
#include "io/h5/vlen_strings.hpp"
#include "io/text.hpp"

namespace engage::io::h5 {

namespace {

bool is_variable_string(hid_t type) { return H5Tis_variable_str(type) > 0; }

// Limits on what a string table or string attribute may declare before anything is allocated
// for it: names are short, and tables have at most one entry per customer-facing group.
constexpr std::uint64_t kMaxStringBytes = 1 << 16;      // one fixed-length string
constexpr std::uint64_t kMaxStringRows = 1 << 24;       // entries of one string table

// "scalar", "an array of 2 elements (shape 2)", "an array of 6 elements (shape 3 x 2)".
std::string describe_space(hid_t space) {
    const H5S_class_t cls = H5Sget_simple_extent_type(space);
    if (cls == H5S_SCALAR) return "a scalar";
    if (cls == H5S_NULL) return "no value (a null dataspace)";
    const int rank = H5Sget_simple_extent_ndims(space);
    hsize_t d[H5S_MAX_RANK] = {};
    if (rank > 0) H5Sget_simple_extent_dims(space, d, nullptr);
    std::string shape;
    hsize_t n = 1;
    for (int i = 0; i < rank; ++i) {
        shape += (i ? " x " : "") + std::to_string(d[i]);
        n *= d[i];
    }
    return "an array of " + std::to_string(n) + " element" + (n == 1 ? "" : "s") + " (shape " + shape + ")";
}

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

namespace {

// A dataset of strings opened, its type and shape checked before anything is read (a 2-D table
// read into a 1-D buffer would overrun it); `expected` ends the message of a wrong shape.
struct StringDataset {
    Handle d, stored;
    std::string what;
};

StringDataset open_strings(hid_t file, const std::string& file_name, const Dataset& ds, const std::string& path,
                           const char* expected) {
    StringDataset s{Handle{checked(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "opening " + path), H5Dclose}, {},
                    file_name + ": dataset " + path};
    s.stored = Handle{checked(H5Dget_type(s.d.id()), "H5Dget_type " + path), H5Tclose};
    if (H5Tget_class(s.stored.id()) != H5T_STRING)
        throw DataError(s.what + " holds " + describe_type(s.stored.id()) + ", expected strings");
    if (ds.dimensions() != 1) {
        Handle space{checked(H5Dget_space(s.d.id()), "H5Dget_space " + path), H5Sclose};
        throw DataError(s.what + " is " + describe_space(space.id()) + ", " + expected);
    }
    return s;
}

}  // namespace

std::vector<std::string> File::read_strings(const std::string& path) const {
    Dataset ds = dataset(path);
    const StringDataset s = open_strings(h_.id(), name_, ds, path,
                                         "expected a 1-D table of strings (one name per entry); store it as a 1-D dataset");
    const Handle& d = s.d;
    const Handle& stored = s.stored;
    const std::string& what = s.what;
    const bool variable = is_variable_string(stored.id());
    const std::uint64_t n = ds.rows();
    const std::size_t width = variable ? 0 : H5Tget_size(stored.id());
    if (n > kMaxStringRows || width > kMaxStringBytes)
        throw DataError(what + " declares " + std::to_string(n) + " strings of " +
                        (variable ? std::string("variable length") : std::to_string(width) + " bytes") +
                        ", expected at most " + std::to_string(kMaxStringRows) + " strings of at most " +
                        std::to_string(kMaxStringBytes) + " bytes; the file is damaged or not an Engage base");
    ds.expect_stored(bytes_);
    std::vector<std::string> out(n);
    if (n == 0) return out;
    if (variable) {
        check_variable_strings(h_.id(), d.id(), name_, bytes_, n, kMaxStringBytes, what);
        Handle mem = memory_string_type(stored.id(), true, 0);
        std::vector<char*> ptrs(n, nullptr);
        checked_status(H5Dread(d.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()),
                       "reading " + path);
        for (std::uint64_t i = 0; i < n; ++i) {
            out[i] = ptrs[i] ? ptrs[i] : "";
            H5free_memory(ptrs[i]);
        }
    } else {
        Handle mem = memory_string_type(stored.id(), false, width);
        std::vector<char> buf(n * width);
        checked_status(H5Dread(d.id(), mem.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()),
                       "reading " + path);
        for (std::uint64_t i = 0; i < n; ++i) {
            const char* s = buf.data() + i * width;
            out[i].assign(s, strnlen(s, width));
        }
    }
    for (std::uint64_t i = 0; i < n; ++i)
        if (const auto at = text::invalid_utf8_at(out[i]); at != std::string::npos) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", unsigned(static_cast<unsigned char>(out[i][at])));
            throw DataError(what + " row " + std::to_string(i) + " (0-based): byte " + std::to_string(at) +
                            " (" + hex + ") is not valid UTF-8; names must be UTF-8 (or ASCII): re-encode them");
        }
    return out;
}

void File::check_string_column(const std::string& path, std::uint64_t rows) const {
    Dataset ds = dataset(path);
    const StringDataset s = open_strings(h_.id(), name_, ds, path, "expected a 1-D column of strings");
    const Handle& d = s.d;
    const Handle& stored = s.stored;
    const std::string& what = s.what;
    ds.expect_rows(rows, "one per customer");
    const bool variable = is_variable_string(stored.id());
    const std::size_t width = variable ? 0 : H5Tget_size(stored.id());
    if (width > kMaxStringBytes)
        throw DataError(what + " holds strings of " + std::to_string(width) + " bytes, expected at most " +
                        std::to_string(kMaxStringBytes));
    ds.expect_stored(bytes_);
    if (variable && rows > 0) check_variable_strings(h_.id(), d.id(), name_, bytes_, rows, kMaxStringBytes, what);
}

std::vector<std::string> File::read_strings(const std::string& path, std::uint64_t first, std::uint64_t n) const {
    std::vector<std::string> out(n);
    if (n == 0) return out;
    Handle d{checked(H5Dopen2(h_.id(), path.c_str(), H5P_DEFAULT), "opening " + path), H5Dclose};
    Handle stored{checked(H5Dget_type(d.id()), "H5Dget_type " + path), H5Tclose};
    const bool variable = is_variable_string(stored.id());
    Handle file_space{checked(H5Dget_space(d.id()), "H5Dget_space " + path), H5Sclose};
    const hsize_t start = first, count = n;
    checked_status(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, &start, nullptr, &count, nullptr),
                   "selecting rows of " + path);
    Handle mem_space{checked(H5Screate_simple(1, &count, nullptr), "H5Screate_simple"), H5Sclose};
    const std::string where = "reading rows " + std::to_string(first) + ".." + std::to_string(first + n) + " of " + path;
    if (variable) {
        Handle mem = memory_string_type(stored.id(), true, 0);
        std::vector<char*> ptrs(n, nullptr);
        checked_status(H5Dread(d.id(), mem.id(), mem_space.id(), file_space.id(), H5P_DEFAULT, ptrs.data()), where);
        for (std::uint64_t i = 0; i < n; ++i) {
            out[i] = ptrs[i] ? ptrs[i] : "";
            H5free_memory(ptrs[i]);
        }
    } else {
        const std::size_t width = H5Tget_size(stored.id());
        Handle mem = memory_string_type(stored.id(), false, width);
        std::vector<char> buf(n * width);
        checked_status(H5Dread(d.id(), mem.id(), mem_space.id(), file_space.id(), H5P_DEFAULT, buf.data()), where);
        for (std::uint64_t i = 0; i < n; ++i) {
            const char* s = buf.data() + i * width;
            out[i].assign(s, strnlen(s, width));
        }
    }
    for (std::uint64_t i = 0; i < n; ++i)
        if (text::invalid_utf8_at(out[i]) != std::string::npos)
            throw DataError(name_ + ": dataset " + path + " row " + std::to_string(first + i) +
                            " (0-based) is not valid UTF-8; names must be UTF-8 (or ASCII): re-encode them");
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
    auto opened = open_scalar_attribute(object, name, H5T_STRING, "a string", "one string");
    if (!opened) return std::nullopt;
    const Handle &a = opened->attribute, &stored = opened->type;
    if (!is_variable_string(stored.id()) && H5Tget_size(stored.id()) > kMaxStringBytes)
        throw DataError(name_ + ": attribute " + name + " of " + object + " is a string of " +
                        std::to_string(H5Tget_size(stored.id())) + " bytes, expected at most " +
                        std::to_string(kMaxStringBytes));
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
    auto opened = open_scalar_attribute(object, name, H5T_INTEGER, "an integer", "one integer");
    if (!opened) return std::nullopt;
    const Handle &a = opened->attribute, &stored = opened->type;
    if (H5Tget_size(stored.id()) == 8 && H5Tget_sign(stored.id()) == H5T_SGN_NONE) {
        std::uint64_t u = 0;  // HDF5 would clip a value above INT64_MAX silently
        checked_status(H5Aread(a.id(), H5T_NATIVE_UINT64, &u), "reading attribute " + name);
        if (u > std::uint64_t(INT64_MAX))
            throw DataError(name_ + ": attribute " + name + " of " + object + " is " + std::to_string(u) +
                            ", above the largest 64-bit signed integer; store a signed 64-bit integer");
    }
    std::int64_t v = 0;
    checked_status(H5Aread(a.id(), H5T_NATIVE_INT64, &v), "reading attribute " + name);
    return v;
}

std::optional<File::OpenAttribute> File::open_scalar_attribute(const std::string& object, const std::string& name,
                                                               H5T_class_t cls, const char* a_kind,
                                                               const char* one) const {
    if (object != "/" && !exists(object)) return std::nullopt;
    if (H5Aexists_by_name(h_.id(), object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return std::nullopt;
    Handle a{checked(H5Aopen_by_name(h_.id(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                     "opening attribute " + name),
             H5Aclose};
    Handle stored{checked(H5Aget_type(a.id()), "H5Aget_type"), H5Tclose};
    if (H5Tget_class(stored.id()) != cls)
        throw DataError(name_ + ": attribute " + name + " of " + object + " holds " +
                        describe_type(stored.id()) + ", expected " + a_kind);
    Handle space{checked(H5Aget_space(a.id()), "H5Aget_space " + name), H5Sclose};
    const H5S_class_t shape = H5Sget_simple_extent_type(space.id());
    // A 1-element 1-D array is what some tools write for a single value: it is one value too.
    if (shape != H5S_SCALAR && !(shape == H5S_SIMPLE && H5Sget_simple_extent_npoints(space.id()) == 1))
        throw DataError(name_ + ": attribute " + name + " of " + object + " is " + describe_space(space.id()) +
                        ", expected " + one + " (a scalar attribute); rewrite it as a single value "
                        "(h5py: f[\"" + object + "\"].attrs[\"" + name + "\"] = value; see docs/data-format.md)");
    return OpenAttribute{std::move(a), std::move(stored)};
}

}  // namespace engage::io::h5
