#pragma once
// Tuning of MPI-IO and HDF5 for parallel file systems (docs/cluster.md, "Parallel file
// systems"), from the environment, so that the same command line runs anywhere and a site sets
// its file system's values once in its job script:
//
//   ENGAGE_MPIIO_HINTS="striping_factor=16,striping_unit=4194304,cb_nodes=4,romio_cb_write=enable"
//       MPI-IO hints passed to MPI_File_open for every file Engage opens or creates (an MPI
//       implementation ignores the keys it does not know; run.json lists what it kept);
//   ENGAGE_H5_ALIGNMENT=4M
//       HDF5 places every object of at least half that size at a multiple of it
//       (H5Pset_alignment): each contiguous column starts on a stripe boundary, so that ranks
//       writing neighbouring ranges of two columns do not share a stripe's lock. Unset: objects
//       of at least 64 KiB start at a multiple of 4 KiB (kDefaultAlignment).
//   ENGAGE_MAP_INPUT=0
//       reads the input's interaction columns through HDF5 (MPI-IO) into the reader's buffers
//       even where they could be used in place from the page cache (1, the default: mapped
//       with mmap where the columns are unfiltered and contiguous, io/mapped_file.hpp; or, when
//       the page cache holds less than half of them, read past it into the reader's own
//       buffers, io/direct_reader.hpp). For a file system whose mmap is slow or unsupported.
//       ENGAGE_MAP_INPUT=direct reads every shard but the first past the page cache (tests).
//   ENGAGE_DIRECT_OUTPUT=0
//       writes the unfiltered columns of the files Engage creates (customers.h5, a generated or
//       imported base) through the page cache (MPI-IO) instead of past it (1, the default:
//       O_DIRECT where the file system takes it; io/direct_file.hpp).
//
// A malformed value stops the job before any file is opened (ConfigError, naming the variable).
#include <hdf5.h>
#include <mpi.h>

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace engage::io::h5 {

constexpr hsize_t kDefaultAlignment = 4096, kDefaultAlignmentThreshold = 65536;

struct IoTuning {
    std::vector<std::pair<std::string, std::string>> hints;  // ENGAGE_MPIIO_HINTS, in order
    hsize_t alignment = 0;                                   // ENGAGE_H5_ALIGNMENT; 0: HDF5's default (none)
    bool map_input = true;                                   // ENGAGE_MAP_INPUT
    bool direct_input = false;                               // ENGAGE_MAP_INPUT=direct
    bool direct_output = true;                               // ENGAGE_DIRECT_OUTPUT
};

// Parses the two variables' values (empty: unset). Throws ConfigError.
IoTuning parse_io_tuning(const std::string& hints, const std::string& alignment,
                         const std::string& map_input = "", const std::string& direct_output = "");
// This process's tuning, from the environment (parsed once).
const IoTuning& io_tuning();

// Applies the tuning to a file-access property list with the MPI-IO driver on `comm`.
void apply_io_tuning(hid_t fapl, MPI_Comm comm, const IoTuning& tuning);

// After a file is open: the hints the MPI-IO layer reports for it (MPI_File_get_info), kept from
// the first file opened by this process, for run.json.
void note_effective_hints(hid_t file);
// After a write asked to be collective with `xfer`: whether HDF5 really ran it collectively
// (H5Pget_mpio_actual_io_mode) and, when not, why (H5Pget_mpio_no_collective_cause), counted
// for run.json.
void note_collective_write(hid_t xfer);
// How the input's interaction columns were read, for run.json: "mapped" or "read: <why>".
void note_input_read(const std::string& how);
// run.json's "io_tuning": the variables as given, the hints in effect and the collective writes.
nlohmann::ordered_json io_tuning_record();

}  // namespace engage::io::h5
