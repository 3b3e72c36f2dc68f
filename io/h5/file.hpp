#pragma once
// An HDF5 file opened by every rank of a communicator through MPI-IO, and its datasets.
// Opening, creating and closing are collective. Reads are independent (each rank reads its
// own rows); writes are collective, because HDF5 writes through filters (shuffle, deflate)
// only collectively: a rank with nothing to write still joins with an empty selection. The
// exception: an unfiltered contiguous column (File::create_contiguous) also takes independent
// writes (Dataset::write_independent).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <mpi.h>

#include "io/h5/compression.hpp"
#include "io/h5/h5.hpp"

namespace engage::mpi { class Comm; }
namespace engage::io { class DirectFile; }

namespace engage::io::h5 {

// Throws IoError "<what> failed: <strerror(error)>; free space or choose another --output
// (HDF5: <innermost cause>)": one line naming the file and the system's reason. `error` 0 (MPI-IO
// does not keep errno) is taken as ENOSPC when the file system of `file` has no room left.
[[noreturn]] void write_failed(int error, const std::string& file, const std::string& what);

// After a collective HDF5 call: every rank of `comm` learns whether any failed (`status` < 0
// here, with errno `error`), and all throw together (write_failed), so that no rank goes on into
// the next collective while another has left. Collective.
void agree_on_write(MPI_Comm comm, herr_t status, int error, const std::string& file, const std::string& what);

class Dataset {
public:
    // `comm`: the file's communicator, over which collective writes agree on their outcome.
    // `direct`: where write_independent() writes a contiguous column's bytes itself, past the
    // page cache (a file this process created or reopened; null: through HDF5).
    Dataset(Handle h, std::string file, std::string path, hid_t collective_xfer, MPI_Comm comm = MPI_COMM_NULL,
            std::shared_ptr<DirectFile> direct = nullptr);

    const std::string& path() const noexcept { return path_; }
    std::uint64_t rows() const noexcept { return rows_; }
    std::uint64_t cols() const noexcept { return cols_; }
    int dimensions() const noexcept { return dims_; }

    // Throws DataError naming the file and dataset unless the stored type is T's class, sign
    // and size, and the dataset has `dims` dimensions.
    template <class T> void expect(int dims = 1) const { expect_type(native_type<T>(), dims); }
    // Throws DataError naming the file and dataset when the file cannot hold what the dataset
    // declares: its stored bytes beyond `file_bytes` (a truncated file), or far fewer stored
    // bytes than its rows need even at deflate's best ratio (a damaged or forged size). Call it
    // before allocating anything sized by rows().
    void expect_stored(std::uint64_t file_bytes) const;
    // Throws DataError unless the dataset has `rows` rows.
    void expect_rows(std::uint64_t rows, const std::string& why) const;

    // Rows [first, first + out.size() / cols()) into out. Independent.
    template <class T> void read(std::uint64_t first, std::span<T> out) const {
        read_raw(native_type<T>(), first, out.size() / (cols_ ? cols_ : 1), out.data());
    }
    // Rows [first, first + data.size() / cols()). Collective: every rank calls, possibly empty.
    template <class T> void write(std::uint64_t first, std::span<const T> data) {
        write_raw(native_type<T>(), first, data.size() / (cols_ ? cols_ : 1), data.data());
    }
    // Rows [first, first + data.size() / cols()). Independent: only this rank calls, any number
    // of times. Only for an unfiltered dataset whose space is allocated (File::create_contiguous):
    // parallel HDF5 1.10 writes filtered chunks, or allocates space, only collectively. The
    // bytes go to the file directly (io/direct_file.hpp) where they lie there as in memory.
    template <class T> void write_independent(std::uint64_t first, std::span<const T> data) {
        write_raw_independent(native_type<T>(), first, data.size() / (cols_ ? cols_ : 1), data.data());
    }

    // The byte offset in the file of the dataset's first element when its elements lie there
    // exactly as T's in memory: contiguous layout (no chunks, filters or external storage), space
    // allocated, stored type T's native type (no conversion). nullopt otherwise. A reader may
    // then use the file's bytes in place (io/mapped_file.hpp) instead of read().
    template <class T> std::optional<std::uint64_t> offset_in_file() const {
        return offset_in_file_raw(native_type<T>());
    }

    void write_attribute(const std::string& name, const std::string& value);
    // A scalar attribute of T's type (e.g. `_FillValue`, of the dataset's own type).
    template <class T> void write_value_attribute(const std::string& name, T value) {
        write_value_attribute_raw(native_type<T>(), name, &value);
    }

private:
    void expect_type(hid_t type, int dims) const;
    void write_value_attribute_raw(hid_t type, const std::string& name, const void* value);
    std::optional<std::uint64_t> offset_in_file_raw(hid_t mem_type) const;
    void read_raw(hid_t mem_type, std::uint64_t first, std::uint64_t rows, void* out) const;
    void write_raw(hid_t mem_type, std::uint64_t first, std::uint64_t rows, const void* data);
    void write_raw_independent(hid_t mem_type, std::uint64_t first, std::uint64_t rows, const void* data);

    Handle h_;
    std::string file_, path_;
    hid_t xfer_;
    MPI_Comm comm_ = MPI_COMM_NULL;
    std::shared_ptr<DirectFile> direct_;
    int dims_ = 1;
    std::uint64_t rows_ = 0, cols_ = 1;
};

class File {
public:
    // Collective. Throws IoError when the file is missing or unreadable, DataError when it is
    // not an HDF5 file.
    static File open(const mpi::Comm& comm, const std::string& path);
    // Collective. Creates or truncates. `write_queue_bytes`: the memory of this rank's direct
    // writes queued behind it (io/direct_file.hpp; 0: its two staging buffers).
    static File create(const mpi::Comm& comm, const std::string& path, std::uint64_t write_queue_bytes = 0);
    // Collective. Opens a file that Engage created earlier for reading and writing (customers.h5
    // kept by a checkpoint, jobs/score_checkpoint.hpp): its column() calls then open the
    // existing datasets instead of creating them.
    static File reopen(const mpi::Comm& comm, const std::string& path, std::uint64_t write_queue_bytes = 0);

    const std::string& name() const noexcept { return name_; }
    // The file's size in bytes when opened (open() only; UINT64_MAX when unknown).
    std::uint64_t bytes() const noexcept { return bytes_; }
    bool exists(const std::string& path) const;
    // Throws DataError naming the missing dataset.
    Dataset dataset(const std::string& path) const;

    // Collective. A column of `rows` x `cols` elements of T: with a codec (compression.hpp),
    // chunks of `chunk_rows` rows through shuffle + the codec, written collectively; without,
    // contiguous and unfiltered (create_contiguous), which also takes independent writes.
    template <class T>
    Dataset create_column(const std::string& path, std::uint64_t rows, std::uint64_t cols = 1,
                          std::uint64_t chunk_rows = 65536, Compression c = {}) {
        return create_raw(native_type<T>(), path, rows, cols, chunk_rows, c);
    }

    // Collective. An unfiltered, contiguous column of `rows` x `cols` elements of T, its space
    // allocated at creation and never filled: written at disk speed, by independent writes
    // (Dataset::write_independent) as well as collective ones.
    template <class T>
    Dataset create_contiguous(const std::string& path, std::uint64_t rows, std::uint64_t cols = 1) {
        return create_contiguous_raw(native_type<T>(), path, rows, cols);
    }

    // Collective. create_column() in a new file; in a reopened file, the existing dataset,
    // which must have `rows` x `cols` elements (DataError otherwise).
    template <class T>
    Dataset column(const std::string& path, std::uint64_t rows, std::uint64_t cols = 1,
                   std::uint64_t chunk_rows = 65536, Compression c = {}) {
        if (!reopened_) return create_column<T>(path, rows, cols, chunk_rows, c);
        return existing_column(path, rows, cols);
    }
    bool reopened() const noexcept { return reopened_; }

    // Collective: a fixed-length string dataset (rank 0's values; the same on every rank), its
    // character set UTF-8 when `utf8` (the caller has checked the bytes), ASCII otherwise.
    void write_strings(const std::string& path, const std::vector<std::string>& values, bool utf8 = false);
    // Checks, before reading, that the table is 1-D, of strings, of a plausible size; then that
    // every entry is valid UTF-8. Throws DataError naming the file, dataset and row.
    std::vector<std::string> read_strings(const std::string& path) const;
    // A per-row string column too long to read whole (a name per customer): check_string_column
    // checks once what read_strings checks before reading (1-D strings, `rows` rows, entries of
    // at most 64 KiB, variable-length ones in the file's bytes); read_strings(path, first, n)
    // then reads rows [first, first + n), each checked for UTF-8. Independent.
    void check_string_column(const std::string& path, std::uint64_t rows) const;
    std::vector<std::string> read_strings(const std::string& path, std::uint64_t first, std::uint64_t n) const;

    // Collective (every rank writes the same value). On the root group when object is "/".
    // The readers check the attribute's class and that it holds one value (a scalar, or an array
    // of one element) before reading; DataError otherwise.
    void write_attribute(const std::string& object, const std::string& name, const std::string& v);
    void write_attribute(const std::string& object, const std::string& name, std::int64_t v);
    std::optional<std::string> read_string_attribute(const std::string& object,
                                                     const std::string& name) const;
    std::optional<std::int64_t> read_int_attribute(const std::string& object,
                                                   const std::string& name) const;

    // Collective. Flushes and closes; a failure here throws (unlike the destructor).
    void close();

private:
    File(Handle h, std::string name, Handle xfer, int rank, MPI_Comm comm);
    Dataset create_raw(hid_t type, const std::string& path, std::uint64_t rows,
                       std::uint64_t cols, std::uint64_t chunk_rows, Compression c);
    Dataset create_contiguous_raw(hid_t type, const std::string& path, std::uint64_t rows,
                                  std::uint64_t cols);
    Dataset existing_column(const std::string& path, std::uint64_t rows, std::uint64_t cols) const;
    // The attribute `name` of `object` and its stored type, nullopt when either is missing;
    // DataError unless the type is of class `cls` ("holds ..., expected <a_kind>") and the
    // attribute holds one value ("expected <one>").
    struct OpenAttribute {
        Handle attribute, type;
    };
    std::optional<OpenAttribute> open_scalar_attribute(const std::string& object, const std::string& name,
                                                       H5T_class_t cls, const char* a_kind, const char* one) const;
    // Collective: the dataset `path` (intermediate groups created) of `space` and `dcpl`.
    Dataset create_dataset(hid_t type, const std::string& path, hid_t space, hid_t dcpl);

    Handle h_;
    std::string name_;
    Handle xfer_;  // collective data transfer property list
    int rank_ = 0;
    MPI_Comm comm_ = MPI_COMM_NULL;
    bool reopened_ = false;
    std::uint64_t bytes_ = UINT64_MAX;
    std::shared_ptr<DirectFile> direct_;  // created or reopened files (ENGAGE_DIRECT_OUTPUT)
};

}  // namespace engage::io::h5
