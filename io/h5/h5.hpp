#pragma once
// RAII over the HDF5 C API. Every call's return code is checked; a failure throws IoError
// carrying the HDF5 error stack. Handles close themselves and never throw from destructors.
// No hid_t leaves io/.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>

namespace engage::io::h5 {

// The HDF5 error stack of the calling thread, one line per frame ("" when empty).
std::string error_stack();

// The innermost frame of that stack, "function: description" ("" when empty): the cause.
std::string innermost_error();

// Throws IoError("<what>: <stack>") when the id or status is negative.
hid_t checked(hid_t id, const std::string& what);
void checked_status(herr_t status, const std::string& what);

class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer close) noexcept : id_(id), close_(close) {}
    Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
    Handle& operator=(Handle&& o) noexcept {
        if (this != &o) {
            reset();
            id_ = std::exchange(o.id_, H5I_INVALID_HID);
            close_ = o.close_;
        }
        return *this;
    }
    ~Handle() { reset(); }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    hid_t id() const noexcept { return id_; }
    // Gives up ownership without closing.
    hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
    explicit operator bool() const noexcept { return id_ >= 0; }
    void reset() noexcept {
        if (id_ >= 0 && close_) close_(id_);
        id_ = H5I_INVALID_HID;
    }

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer close_ = nullptr;
};

inline Handle plist(hid_t cls) { return {checked(H5Pcreate(cls), "H5Pcreate"), H5Pclose}; }
inline Handle dataspace_1d(hsize_t n) {
    return {checked(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"), H5Sclose};
}
inline Handle dataspace_2d(hsize_t rows, hsize_t cols) {
    const hsize_t dims[2] = {rows, cols};
    return {checked(H5Screate_simple(2, dims, nullptr), "H5Screate_simple"), H5Sclose};
}
// A fixed-length, NUL-padded string type of `size` bytes.
Handle string_type(std::size_t size);

// The HDF5 memory type of a C++ column element.
template <class T> hid_t native_type();
template <> inline hid_t native_type<std::int8_t>() { return H5T_NATIVE_INT8; }
template <> inline hid_t native_type<std::uint8_t>() { return H5T_NATIVE_UINT8; }
template <> inline hid_t native_type<std::uint16_t>() { return H5T_NATIVE_UINT16; }
template <> inline hid_t native_type<std::uint32_t>() { return H5T_NATIVE_UINT32; }
template <> inline hid_t native_type<std::uint64_t>() { return H5T_NATIVE_UINT64; }
template <> inline hid_t native_type<std::int32_t>() { return H5T_NATIVE_INT32; }
template <> inline hid_t native_type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <> inline hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> inline hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }

// "64-bit unsigned integer", "64-bit float": how error messages name a type.
std::string describe_type(hid_t type);
template <class T> std::string describe() { return describe_type(native_type<T>()); }

}  // namespace engage::io::h5
