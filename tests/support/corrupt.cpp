// engage_corrupt: breaks a COPY of a good customer base in place, for the bad-input tests.
// Serial, plain HDF5 C API (default file access), no MPI. Every HDF5 return code is checked;
// on failure it prints what failed and exits 1.
//
//   engage_corrupt get     FILE DATASET ROW         print one element
//   engage_corrupt set     FILE DATASET ROW VALUE   write one element in the dataset's own type
//   engage_corrupt delete  FILE DATASET             unlink the dataset
//   engage_corrupt retype  FILE DATASET             same length, stored as 32-bit float (or
//                                                   64-bit signed integer if already float32)
//   engage_corrupt shorten FILE DATASET             same type, one row fewer
//   engage_corrupt inflate FILE DATASET ROWS        same type, chunked, declares ROWS rows of
//                                                   which none is written (a forged size)
//   engage_corrupt attr-set   FILE OBJECT NAME VALUE  rewrite a scalar attribute: a 64-bit signed
//                                                   integer if it held an integer, else a string
//   engage_corrupt attr-array FILE OBJECT NAME      the attribute as a 2-element array of its type
//   engage_corrupt strings-2d   FILE DATASET        a string table stored 2-D (n x 2)
//   engage_corrupt strings-vlen FILE DATASET        a string table as variable-length strings
//   engage_corrupt string-set FILE DATASET ROW VALUE  one entry of a string table (raw bytes)
// Rewritten datasets are contiguous and lose their attributes.
#include <hdf5.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <string>
#include <vector>

namespace {

const char* kUsage =
    "usage: engage_corrupt get     FILE DATASET ROW\n"
    "       engage_corrupt set     FILE DATASET ROW VALUE   (VALUE may be nan, inf, -inf for floats)\n"
    "       engage_corrupt delete  FILE DATASET\n"
    "       engage_corrupt retype  FILE DATASET\n"
    "       engage_corrupt shorten FILE DATASET\n"
    "       engage_corrupt inflate FILE DATASET ROWS\n"
    "       engage_corrupt attr-set FILE OBJECT NAME VALUE\n"
    "       engage_corrupt attr-array FILE OBJECT NAME\n"
    "       engage_corrupt strings-2d FILE DATASET\n"
    "       engage_corrupt strings-vlen FILE DATASET\n"
    "       engage_corrupt string-set FILE DATASET ROW VALUE\n";

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "engage_corrupt: %s\n", what.c_str());
    std::exit(1);
}

// Exits with `what` (and HDF5's error stack) when an HDF5 call returned a negative value.
template <class T> T ok(T result, const std::string& what) {
    if (result < 0) {
        std::fprintf(stderr, "engage_corrupt: %s failed\n", what.c_str());
        H5Eprint2(H5E_DEFAULT, stderr);
        std::exit(1);
    }
    return result;
}

std::uint64_t parse_row(const char* text) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-') fail(std::string("bad ROW: ") + text);
    return v;
}

std::size_t size_of(hid_t type) {
    const std::size_t n = H5Tget_size(type);  // 0 on failure
    if (n == 0) ok(-1, "H5Tget_size");
    return n;
}

hsize_t rows_of(hid_t d, const std::string& name) {
    const hid_t space = ok(H5Dget_space(d), "H5Dget_space " + name);
    if (ok(H5Sget_simple_extent_ndims(space), "H5Sget_simple_extent_ndims") != 1)
        fail(name + ": only 1-D datasets are supported");
    hsize_t n = 0;
    ok(H5Sget_simple_extent_dims(space, &n, nullptr), "H5Sget_simple_extent_dims");
    ok(H5Sclose(space), "H5Sclose");
    return n;
}

// Reads or writes element `row` of dataset d, converting to/from the memory type `mem`.
void one_element(hid_t d, hid_t mem, hsize_t row, void* buf, bool write, const std::string& name) {
    if (row >= rows_of(d, name)) fail(name + ": row " + std::to_string(row) + " is out of range");
    const hid_t fspace = ok(H5Dget_space(d), "H5Dget_space");
    const hsize_t count = 1;
    ok(H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &row, nullptr, &count, nullptr), "H5Sselect_hyperslab");
    const hid_t mspace = ok(H5Screate_simple(1, &count, nullptr), "H5Screate_simple");
    if (write) ok(H5Dwrite(d, mem, mspace, fspace, H5P_DEFAULT, buf), "writing " + name);
    else ok(H5Dread(d, mem, mspace, fspace, H5P_DEFAULT, buf), "reading " + name);
    ok(H5Sclose(mspace), "H5Sclose");
    ok(H5Sclose(fspace), "H5Sclose");
}

void get_or_set(hid_t d, const std::string& name, hsize_t row, const char* value) {
    const hid_t type = ok(H5Dget_type(d), "H5Dget_type");
    const H5T_class_t cls = ok(H5Tget_class(type), "H5Tget_class");
    const std::size_t bits = size_of(type) * 8;
    const bool is_signed = cls == H5T_INTEGER && ok(H5Tget_sign(type), "H5Tget_sign") == H5T_SGN_2;
    ok(H5Tclose(type), "H5Tclose");
    char* end = nullptr;
    errno = 0;
    if (cls == H5T_FLOAT) {
        double v = 0;
        if (value) {
            v = std::strtod(value, &end);  // accepts nan, inf, -inf
            if (end == value || *end) fail(std::string("bad float VALUE: ") + value);
        }
        one_element(d, H5T_NATIVE_DOUBLE, row, &v, value != nullptr, name);
        if (!value) std::printf("%.17g\n", v);
    } else if (cls == H5T_INTEGER && is_signed) {
        long long v = 0;
        if (value) {
            v = std::strtoll(value, &end, 10);
            const long long hi = bits >= 64 ? INT64_MAX : (1LL << (bits - 1)) - 1;
            if (errno || end == value || *end || v > hi || v < -hi - 1)
                fail(std::string("VALUE ") + value + " does not fit " + name + " (" + std::to_string(bits) + "-bit signed)");
        }
        one_element(d, H5T_NATIVE_LLONG, row, &v, value != nullptr, name);
        if (!value) std::printf("%lld\n", v);
    } else if (cls == H5T_INTEGER) {
        unsigned long long v = 0;
        if (value) {
            v = std::strtoull(value, &end, 10);
            const unsigned long long hi = bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;
            if (errno || end == value || *end || value[0] == '-' || v > hi)
                fail(std::string("VALUE ") + value + " does not fit " + name + " (" + std::to_string(bits) + "-bit unsigned)");
        }
        one_element(d, H5T_NATIVE_ULLONG, row, &v, value != nullptr, name);
        if (!value) std::printf("%llu\n", v);
    } else {
        fail(name + ": only integer and float datasets are supported");
    }
}

// Replaces dataset `name` by `rows` rows of its current data, stored as `file_type`.
void rewrite(hid_t f, hid_t d, const std::string& name, hid_t file_type, hsize_t rows) {
    const hid_t stored = ok(H5Dget_type(d), "H5Dget_type");
    const hid_t mem = ok(H5Tget_native_type(stored, H5T_DIR_ASCEND), "H5Tget_native_type");
    const hsize_t n = rows_of(d, name);
    std::vector<unsigned char> data(n * size_of(mem) + 1);
    if (n > 0) ok(H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "reading " + name);
    ok(H5Dclose(d), "H5Dclose");
    ok(H5Ldelete(f, name.c_str(), H5P_DEFAULT), "deleting " + name);
    const hid_t space = ok(H5Screate_simple(1, &rows, nullptr), "H5Screate_simple");
    const hid_t out = ok(H5Dcreate2(f, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                         "creating " + name);
    if (rows > 0) ok(H5Dwrite(out, mem, space, space, H5P_DEFAULT, data.data()), "writing " + name);
    ok(H5Dclose(out), "H5Dclose");
    ok(H5Sclose(space), "H5Sclose");
    ok(H5Tclose(mem), "H5Tclose");
    ok(H5Tclose(stored), "H5Tclose");
}

// The entries of a 1-D string table (fixed or variable length).
std::vector<std::string> read_strings(hid_t d, const std::string& name) {
    const hid_t type = ok(H5Dget_type(d), "H5Dget_type");
    if (ok(H5Tget_class(type), "H5Tget_class") != H5T_STRING) fail(name + ": not a string table");
    const hsize_t n = rows_of(d, name);
    std::vector<std::string> out(n);
    if (ok(H5Tis_variable_str(type), "H5Tis_variable_str")) {
        std::vector<char*> p(n, nullptr);
        if (n) ok(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "reading " + name);
        for (hsize_t i = 0; i < n; ++i) {
            out[i] = p[i] ? p[i] : "";
            H5free_memory(p[i]);
        }
    } else {
        const std::size_t w = size_of(type);
        std::vector<char> buf(n * w + 1, '\0');
        if (n) ok(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "reading " + name);
        for (hsize_t i = 0; i < n; ++i) out[i].assign(buf.data() + i * w, strnlen(buf.data() + i * w, w));
    }
    ok(H5Tclose(type), "H5Tclose");
    return out;
}

// Replaces string table `name` by `values`: fixed-length (NUL-padded) of `cols` columns, each row
// repeated across them, or variable-length (1-D).
void write_strings(hid_t f, const std::string& name, const std::vector<std::string>& values, bool variable,
                   hsize_t cols) {
    ok(H5Ldelete(f, name.c_str(), H5P_DEFAULT), "deleting " + name);
    const hsize_t dims[2] = {values.size(), cols};
    const hid_t space = ok(H5Screate_simple(cols > 1 ? 2 : 1, dims, nullptr), "H5Screate_simple");
    const hid_t type = ok(H5Tcopy(H5T_C_S1), "H5Tcopy");
    std::size_t w = 1;
    for (const auto& v : values) w = std::max(w, v.size());
    ok(H5Tset_size(type, variable ? H5T_VARIABLE : w), "H5Tset_size");
    const hid_t d = ok(H5Dcreate2(f, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       "creating " + name);
    if (!values.empty()) {
        if (variable) {
            std::vector<const char*> p;
            for (const auto& v : values) p.push_back(v.c_str());
            ok(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "writing " + name);
        } else {
            std::vector<char> buf(values.size() * cols * w, '\0');
            for (std::size_t i = 0; i < values.size(); ++i)
                for (hsize_t c = 0; c < cols; ++c)
                    std::memcpy(buf.data() + (i * cols + c) * w, values[i].data(), values[i].size());
            ok(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "writing " + name);
        }
    }
    ok(H5Dclose(d), "H5Dclose");
    ok(H5Tclose(type), "H5Tclose");
    ok(H5Sclose(space), "H5Sclose");
}

// Rewrites attribute `attr` of `object`: a scalar `value`, or (value == nullptr) a 2-element
// array of its current type holding its current value twice.
void rewrite_attribute(hid_t f, const std::string& object, const std::string& attr, const char* value) {
    const hid_t a = ok(H5Aopen_by_name(f, object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                       "opening attribute " + attr + " of " + object);
    const hid_t stored = ok(H5Aget_type(a), "H5Aget_type");
    const bool is_int = ok(H5Tget_class(stored), "H5Tget_class") == H5T_INTEGER;
    const hid_t mem = ok(H5Tget_native_type(stored, H5T_DIR_ASCEND), "H5Tget_native_type");
    std::vector<unsigned char> old(size_of(mem) * 2 + 8, 0);
    ok(H5Aread(a, mem, old.data()), "reading attribute " + attr);
    ok(H5Aclose(a), "H5Aclose");
    ok(H5Adelete_by_name(f, object.c_str(), attr.c_str(), H5P_DEFAULT), "deleting attribute " + attr);
    if (value) {
        const hid_t space = ok(H5Screate(H5S_SCALAR), "H5Screate");
        if (is_int) {
            char* end = nullptr;
            errno = 0;
            const long long v = std::strtoll(value, &end, 10);
            if (errno || end == value || *end) fail(std::string("bad integer VALUE: ") + value);
            const hid_t n = ok(H5Acreate_by_name(f, object.c_str(), attr.c_str(), H5T_STD_I64LE, space,
                                                 H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "creating " + attr);
            ok(H5Awrite(n, H5T_NATIVE_LLONG, &v), "writing " + attr);
            ok(H5Aclose(n), "H5Aclose");
        } else {
            const hid_t t = ok(H5Tcopy(H5T_C_S1), "H5Tcopy");
            const std::string v = value;
            ok(H5Tset_size(t, std::max<std::size_t>(v.size(), 1)), "H5Tset_size");
            const hid_t n = ok(H5Acreate_by_name(f, object.c_str(), attr.c_str(), t, space, H5P_DEFAULT,
                                                 H5P_DEFAULT, H5P_DEFAULT), "creating " + attr);
            std::string padded = v;
            padded.resize(std::max<std::size_t>(v.size(), 1), '\0');
            ok(H5Awrite(n, t, padded.data()), "writing " + attr);
            ok(H5Aclose(n), "H5Aclose");
            ok(H5Tclose(t), "H5Tclose");
        }
        ok(H5Sclose(space), "H5Sclose");
    } else {
        const hsize_t two = 2;
        const hid_t space = ok(H5Screate_simple(1, &two, nullptr), "H5Screate_simple");
        const std::size_t w = size_of(mem);
        std::memcpy(old.data() + w, old.data(), w);
        const hid_t n = ok(H5Acreate_by_name(f, object.c_str(), attr.c_str(), stored, space, H5P_DEFAULT,
                                             H5P_DEFAULT, H5P_DEFAULT), "creating " + attr);
        ok(H5Awrite(n, mem, old.data()), "writing " + attr);
        ok(H5Aclose(n), "H5Aclose");
        ok(H5Sclose(space), "H5Sclose");
    }
    ok(H5Tclose(mem), "H5Tclose");
    ok(H5Tclose(stored), "H5Tclose");
}

// Replaces dataset `name` by a chunked one of the same type that declares `rows` rows and has
// none of them written.
void inflate(hid_t f, hid_t d, const std::string& name, hsize_t rows) {
    const hid_t type = ok(H5Dget_type(d), "H5Dget_type");
    ok(H5Dclose(d), "H5Dclose");
    ok(H5Ldelete(f, name.c_str(), H5P_DEFAULT), "deleting " + name);
    const hsize_t max = H5S_UNLIMITED, chunk = 1024;
    const hid_t space = ok(H5Screate_simple(1, &rows, &max), "H5Screate_simple");
    const hid_t dcpl = ok(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate");
    ok(H5Pset_chunk(dcpl, 1, &chunk), "H5Pset_chunk");
    const hid_t out = ok(H5Dcreate2(f, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), "creating " + name);
    ok(H5Dclose(out), "H5Dclose");
    ok(H5Pclose(dcpl), "H5Pclose");
    ok(H5Sclose(space), "H5Sclose");
    ok(H5Tclose(type), "H5Tclose");
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    const int want = mode == "set" || mode == "attr-set" || mode == "string-set" ? 6
                     : mode == "get" || mode == "inflate" || mode == "attr-array" ? 5
                                                                                  : 4;
    if (argc != want || (mode != "get" && mode != "set" && mode != "delete" && mode != "retype" &&
                         mode != "shorten" && mode != "inflate" && mode != "attr-set" && mode != "attr-array" &&
                         mode != "strings-2d" && mode != "strings-vlen" && mode != "string-set")) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const std::string file = argv[2], name = argv[3];
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported through ok()
    const unsigned access = mode == "get" ? H5F_ACC_RDONLY : H5F_ACC_RDWR;
    const hid_t f = ok(H5Fopen(file.c_str(), access, H5P_DEFAULT), "opening " + file);
    if (mode == "attr-set" || mode == "attr-array") {
        rewrite_attribute(f, name, argv[4], mode == "attr-set" ? argv[5] : nullptr);
    } else if (mode == "strings-2d" || mode == "strings-vlen" || mode == "string-set") {
        const hid_t d = ok(H5Dopen2(f, name.c_str(), H5P_DEFAULT), "opening " + name + " in " + file);
        auto values = read_strings(d, name);
        ok(H5Dclose(d), "H5Dclose");
        if (mode == "string-set") {
            const std::uint64_t row = parse_row(argv[4]);
            if (row >= values.size()) fail(name + ": row " + std::to_string(row) + " is out of range");
            values[row] = argv[5];
        }
        write_strings(f, name, values, mode == "strings-vlen", mode == "strings-2d" ? 2 : 1);
    } else if (mode == "inflate") {
        const hid_t d = ok(H5Dopen2(f, name.c_str(), H5P_DEFAULT), "opening " + name + " in " + file);
        inflate(f, d, name, parse_row(argv[4]));
    } else if (mode == "delete") {
        ok(H5Ldelete(f, name.c_str(), H5P_DEFAULT), "deleting " + name + " in " + file);
    } else {
        const hid_t d = ok(H5Dopen2(f, name.c_str(), H5P_DEFAULT), "opening " + name + " in " + file);
        if (mode == "get" || mode == "set") {
            get_or_set(d, name, parse_row(argv[4]), mode == "set" ? argv[5] : nullptr);
            ok(H5Dclose(d), "H5Dclose");
        } else {
            const hid_t type = ok(H5Dget_type(d), "H5Dget_type");
            const bool float32 = ok(H5Tget_class(type), "H5Tget_class") == H5T_FLOAT && size_of(type) == 4;
            const hid_t file_type = mode == "shorten" ? type : float32 ? H5T_STD_I64LE : H5T_IEEE_F32LE;
            const hsize_t n = rows_of(d, name);
            if (mode == "shorten" && n == 0) fail(name + " has no rows to remove");
            rewrite(f, d, name, file_type, mode == "shorten" ? n - 1 : n);
            ok(H5Tclose(type), "H5Tclose");
        }
    }
    ok(H5Fclose(f), "closing " + file);
    return 0;
}
