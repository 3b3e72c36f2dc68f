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
// Rewritten datasets are contiguous and lose their attributes.
#include <hdf5.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

const char* kUsage =
    "usage: engage_corrupt get     FILE DATASET ROW\n"
    "       engage_corrupt set     FILE DATASET ROW VALUE   (VALUE may be nan, inf, -inf for floats)\n"
    "       engage_corrupt delete  FILE DATASET\n"
    "       engage_corrupt retype  FILE DATASET\n"
    "       engage_corrupt shorten FILE DATASET\n";

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

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    const int want = mode == "set" ? 6 : mode == "get" ? 5 : 4;
    if (argc != want || (mode != "get" && mode != "set" && mode != "delete" && mode != "retype" &&
                         mode != "shorten")) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const std::string file = argv[2], name = argv[3];
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported through ok()
    const unsigned access = mode == "get" ? H5F_ACC_RDONLY : H5F_ACC_RDWR;
    const hid_t f = ok(H5Fopen(file.c_str(), access, H5P_DEFAULT), "opening " + file);
    if (mode == "delete") {
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
