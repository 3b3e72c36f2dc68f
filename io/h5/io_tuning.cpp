#include "io/h5/io_tuning.hpp"

#include <cstdint>
#include <cstdlib>
#include <optional>

#include "core/errors.hpp"
#include "io/direct_file.hpp"
#include "io/direct_reader.hpp"

namespace engage::io::h5 {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// "4194304", "4096K", "4M", "1G" -> bytes; nullopt when malformed or 0.
std::optional<hsize_t> parse_size(const std::string& s) {
    if (s.empty() || s.size() > 20) return std::nullopt;
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
    if (digits == 0 || digits + 1 < s.size()) return std::nullopt;
    hsize_t value = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        if (value > (hsize_t(1) << 50)) return std::nullopt;
        value = value * 10 + hsize_t(s[i] - '0');
    }
    int shift = 0;
    if (digits < s.size()) {
        switch (s[digits]) {
        case 'K': case 'k': shift = 10; break;
        case 'M': case 'm': shift = 20; break;
        case 'G': case 'g': shift = 30; break;
        default: return std::nullopt;
        }
    }
    if (value == 0 || value > (hsize_t(1) << (40 - shift))) return std::nullopt;
    return value << shift;
}

nlohmann::ordered_json g_effective;  // the hints in effect on the first file opened
bool g_noted = false;
// Collective writes asked for, run collectively, run independently, and the causes seen.
std::int64_t g_collective_asked = 0, g_collective_ran = 0, g_collective_not = 0;
std::uint32_t g_causes = 0;
std::string g_input_read;  // note_input_read

}  // namespace

IoTuning parse_io_tuning(const std::string& hints, const std::string& alignment, const std::string& map_input,
                         const std::string& direct_output) {
    IoTuning t;
    std::size_t start = 0;
    while (start < hints.size()) {
        std::size_t end = hints.find(',', start);
        if (end == std::string::npos) end = hints.size();
        const std::string item = hints.substr(start, end - start);
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == item.size() || item.size() >= MPI_MAX_INFO_VAL)
            throw ConfigError("ENGAGE_MPIIO_HINTS=\"" + hints + "\": \"" + item +
                              "\" is not KEY=VALUE; give comma-separated hints such as "
                              "striping_factor=16,striping_unit=4194304 (docs/cluster.md)");
        t.hints.emplace_back(item.substr(0, eq), item.substr(eq + 1));
        start = end + 1;
    }
    if (!alignment.empty()) {
        const auto bytes = parse_size(alignment);
        if (!bytes)
            throw ConfigError("ENGAGE_H5_ALIGNMENT=\"" + alignment +
                              "\": expected a size such as 1048576, 1M or 4M (the stripe size of the file system), "
                              "at most 1T");
        t.alignment = *bytes;
    }
    if (map_input == "0") t.map_input = false;
    else if (map_input == "direct") t.direct_input = true;
    else if (!map_input.empty() && map_input != "1")
        throw ConfigError("ENGAGE_MAP_INPUT=\"" + map_input + "\": expected 1 (use the input's unfiltered columns "
                          "in place, the default), 0 (read them through HDF5) or direct (read them past the "
                          "page cache)");
    if (direct_output == "0") t.direct_output = false;
    else if (!direct_output.empty() && direct_output != "1")
        throw ConfigError("ENGAGE_DIRECT_OUTPUT=\"" + direct_output + "\": expected 1 (write the output's unfiltered "
                          "columns past the page cache where the file system allows, the default) or 0 (through "
                          "the page cache)");
    return t;
}

const IoTuning& io_tuning() {
    static const IoTuning t = parse_io_tuning(env("ENGAGE_MPIIO_HINTS"), env("ENGAGE_H5_ALIGNMENT"),
                                                 env("ENGAGE_MAP_INPUT"), env("ENGAGE_DIRECT_OUTPUT"));
    return t;
}

void apply_io_tuning(hid_t fapl, MPI_Comm comm, const IoTuning& t) {
    MPI_Info info = MPI_INFO_NULL;
    if (!t.hints.empty()) {
        MPI_Info_create(&info);
        for (const auto& [key, value] : t.hints) MPI_Info_set(info, key.c_str(), value.c_str());
    }
    const herr_t status = H5Pset_fapl_mpio(fapl, comm, info);  // HDF5 keeps its own copy
    if (info != MPI_INFO_NULL) MPI_Info_free(&info);
    if (status < 0) throw IoError("H5Pset_fapl_mpio failed");
    // Without ENGAGE_H5_ALIGNMENT, objects of 64 KiB or more (every column of a base or of
    // customers.h5 that is not tiny) start on a 4 KiB page, so that their elements are aligned
    // and a reader can map them in place (io/mapped_file.hpp); at most 4 KiB lost per column.
    const hsize_t alignment = t.alignment > 0 ? t.alignment : kDefaultAlignment;
    const hsize_t threshold = t.alignment > 0 ? t.alignment / 2 : kDefaultAlignmentThreshold;
    if (H5Pset_alignment(fapl, threshold, alignment) < 0) throw IoError("H5Pset_alignment failed");
}

void note_effective_hints(hid_t file) {
    if (g_noted) return;
    g_noted = true;
    void* handle = nullptr;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || !handle) {
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    MPI_Info info = MPI_INFO_NULL;
    if (MPI_File_get_info(*static_cast<MPI_File*>(handle), &info) != MPI_SUCCESS || info == MPI_INFO_NULL) return;
    int keys = 0;
    MPI_Info_get_nkeys(info, &keys);
    for (int i = 0; i < keys; ++i) {
        char key[MPI_MAX_INFO_KEY + 1] = {}, value[MPI_MAX_INFO_VAL + 1] = {};
        int length = 0, found = 0;
        MPI_Info_get_nthkey(info, i, key);
        MPI_Info_get_valuelen(info, key, &length, &found);
        if (!found || length > MPI_MAX_INFO_VAL) continue;
        MPI_Info_get(info, key, length, value, &found);
        if (found) g_effective[key] = std::string(value, std::size_t(length));
    }
    MPI_Info_free(&info);
}

void note_collective_write(hid_t xfer) {
    ++g_collective_asked;
    H5D_mpio_actual_io_mode_t mode = H5D_MPIO_NO_COLLECTIVE;
    if (H5Pget_mpio_actual_io_mode(xfer, &mode) < 0) {
        H5Eclear2(H5E_DEFAULT);
        return;
    }
    if (mode != H5D_MPIO_NO_COLLECTIVE) {
        ++g_collective_ran;
        return;
    }
    ++g_collective_not;
    std::uint32_t local = 0, global = 0;
    if (H5Pget_mpio_no_collective_cause(xfer, &local, &global) >= 0) g_causes |= local | global;
    else H5Eclear2(H5E_DEFAULT);
}

void note_input_read(const std::string& how) { g_input_read = how; }

nlohmann::ordered_json io_tuning_record() {
    nlohmann::ordered_json r;
    const IoTuning& t = io_tuning();
    nlohmann::ordered_json requested = nlohmann::ordered_json::object();
    for (const auto& [key, value] : t.hints) requested[key] = value;
    r["ENGAGE_MPIIO_HINTS"] = std::move(requested);
    r["ENGAGE_H5_ALIGNMENT_bytes"] = t.alignment;
    r["ENGAGE_MAP_INPUT"] = t.map_input;
    r["ENGAGE_DIRECT_OUTPUT"] = t.direct_output;
    // The bytes this rank wrote into unfiltered columns through io::DirectFile: past the page
    // cache, and through it (the partial blocks at the ends of each range, small writes).
    r["direct_file_bytes"] = {{"direct", DirectFile::direct_bytes()}, {"buffered", DirectFile::buffered_bytes()}};
    // The input's interaction columns this rank read past the page cache (io/direct_reader.hpp).
    r["input_bytes_read_direct"] = DirectReader::bytes_read();
    if (!g_input_read.empty()) r["input_interactions"] = g_input_read;
    r["mpiio_hints_in_effect"] = g_effective.is_null() ? nlohmann::ordered_json::object() : g_effective;
    // Why HDF5 1.10 may fall back to independent I/O (H5D_mpio_no_collective_cause_t).
    static const std::pair<std::uint32_t, const char*> kCauses[] = {
        {H5D_MPIO_SET_INDEPENDENT, "independent transfer set"},
        {H5D_MPIO_DATATYPE_CONVERSION, "datatype conversion"},
        {H5D_MPIO_DATA_TRANSFORMS, "data transforms"},
        {H5D_MPIO_MPI_OPT_TYPES_ENV_VAR_DISABLED, "MPI derived types disabled"},
        {H5D_MPIO_NOT_SIMPLE_OR_SCALAR_DATASPACES, "dataspace not simple or scalar"},
        {H5D_MPIO_NOT_CONTIGUOUS_OR_CHUNKED_DATASET, "dataset neither contiguous nor chunked"},
        {H5D_MPIO_PARALLEL_FILTERED_WRITES_DISABLED, "parallel filtered writes disabled"},
        {H5D_MPIO_ERROR_WHILE_CHECKING_COLLECTIVE_POSSIBLE, "error while checking whether collective I/O is possible"}};
    nlohmann::ordered_json causes = nlohmann::ordered_json::array();
    for (const auto& [bit, name] : kCauses)
        if (g_causes & bit) causes.push_back(name);
    r["collective_writes"] = {{"asked", g_collective_asked}, {"ran_collectively", g_collective_ran},
                              {"ran_independently", g_collective_not}, {"causes", std::move(causes)}};
    return r;
}

}  // namespace engage::io::h5
