#include "io/h5/h5.hpp"

#include "core/errors.hpp"

namespace engage::io::h5 {

namespace {
herr_t collect_frame(unsigned n, const H5E_error2_t* e, void* data) {
    auto& out = *static_cast<std::string*>(data);
    out += "\n    #" + std::to_string(n) + " " + (e->func_name ? e->func_name : "?") + ": " +
           (e->desc ? e->desc : "");
    return 0;
}
}  // namespace

namespace {
herr_t keep_innermost(unsigned, const H5E_error2_t* e, void* data) {
    *static_cast<std::string*>(data) = std::string(e->func_name ? e->func_name : "?") + ": " + (e->desc ? e->desc : "");
    return 0;
}
}  // namespace

std::string innermost_error() {
    std::string out;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_innermost, &out);
    return out;
}

std::string error_stack() {
    std::string out;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_frame, &out);
    return out.empty() ? out : "\n  HDF5 error stack:" + out;
}

hid_t checked(hid_t id, const std::string& what) {
    if (id < 0) {
        std::string stack = error_stack();
        H5Eclear2(H5E_DEFAULT);
        throw IoError(what + " failed" + stack);
    }
    return id;
}

void checked_status(herr_t status, const std::string& what) {
    if (status < 0) checked(hid_t(-1), what);
}

Handle string_type(std::size_t size) {
    Handle t{checked(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose};
    checked_status(H5Tset_size(t.id(), size), "H5Tset_size");
    checked_status(H5Tset_strpad(t.id(), H5T_STR_NULLPAD), "H5Tset_strpad");
    return t;
}

std::string describe_type(hid_t type) {
    const H5T_class_t cls = H5Tget_class(type);
    const std::size_t bits = H5Tget_size(type) * 8;
    switch (cls) {
    case H5T_INTEGER:
        return std::to_string(bits) + "-bit " +
               (H5Tget_sign(type) == H5T_SGN_NONE ? "unsigned integer" : "signed integer");
    case H5T_FLOAT: return std::to_string(bits) + "-bit float";
    case H5T_STRING: return "string";
    default: return "non-numeric type (class " + std::to_string(int(cls)) + ")";
    }
}

}  // namespace engage::io::h5

#include "io/h5/library.hpp"

namespace engage::io::h5 {
void silence_automatic_error_printing() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
}  // namespace engage::io::h5
