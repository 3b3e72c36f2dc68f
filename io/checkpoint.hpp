#pragma once
// A checkpoint: the progress of a job that stopped on request, kept in a hidden directory of its
// output directory, DIR/.engage-checkpoint, from which the same command resumes.
//   checkpoint.json  what the checkpoint belongs to (its identity: input, options, ranks) and how
//                    far the job got; written last, so a directory without it is no checkpoint
//   rank-R.state     the in-memory state of rank R (StateWriter below)
//   other files      the job's partial outputs (customers.h5 of `engage score`)
// A checkpoint is written into DIR/.engage-checkpoint-new and renamed into place once complete,
// replacing the previous one. The job that finishes removes it.
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace engage::mpi { class Comm; }

namespace engage::io {

// What a checkpoint belongs to: named values compared one by one on resume, e.g.
// {"--window-days", "365"}. Names are what the user would change (an option, "number of ranks").
using CheckpointIdentity = std::vector<std::pair<std::string, std::string>>;

class CheckpointDir {
public:
    // The checkpoint of the output directory `output_dir` (not collective; touches nothing).
    CheckpointDir(const mpi::Comm& comm, const std::string& output_dir);

    const std::string& path() const noexcept { return dir_; }
    // A file of the checkpoint found by find(), and of the one being written by begin_save().
    std::string file(const std::string& name) const { return dir_ + "/" + name; }
    std::string pending_file(const std::string& name) const { return pending_ + "/" + name; }

    // Collective. The progress recorded by the checkpoint, or nothing when there is none. Throws
    // ConfigError (on every rank) when the checkpoint belongs to another identity, naming every
    // difference and how to go on (same options and ranks, or remove the checkpoint), or when
    // checkpoint.json cannot be read.
    std::optional<std::int64_t> find(const CheckpointIdentity& identity) const;

    // Collective. Rank 0 creates an empty DIR/.engage-checkpoint-new for a new checkpoint.
    void begin_save() const;
    // Collective, after every rank has written its files into pending_file(): rank 0 writes
    // checkpoint.json and puts the new checkpoint in the place of the previous one.
    void finish_save(const CheckpointIdentity& identity, std::int64_t progress) const;
    // Collective. Rank 0 removes the checkpoint (and an unfinished new one).
    void remove() const;

private:
    const mpi::Comm& comm_;
    std::string dir_, pending_;
};

// One rank's state as a binary file: a header (magic, format version), then values and vectors
// of trivially copyable types in the order the job writes them, then an end mark. Vectors carry
// their length and element size, so that a reader of another layout fails instead of misreading.
class StateWriter {
public:
    StateWriter(const std::string& path, std::uint32_t format);
    template <class T> void value(const T& v) { raw(&v, sizeof v); }
    template <class T> void vector(std::span<const T> v) {
        static_assert(std::is_trivially_copyable_v<T>);
        const std::uint64_t header[2] = {v.size(), sizeof(T)};
        raw(header, sizeof header);
        raw(v.data(), v.size_bytes());
    }
    template <class T> void vector(const std::vector<T>& v) { vector(std::span<const T>(v)); }
    // Writes the end mark and closes; throws IoError when anything failed.
    void close();

private:
    void raw(const void* data, std::size_t bytes);
    std::string path_;
    std::ofstream out_;
};

class StateReader {
public:
    // Throws IoError when the file is missing or of another format.
    StateReader(const std::string& path, std::uint32_t format);
    template <class T> T value() {
        T v;
        raw(&v, sizeof v);
        return v;
    }
    template <class T> void vector(std::vector<T>& out) {
        static_assert(std::is_trivially_copyable_v<T>);
        std::uint64_t header[2];
        raw(header, sizeof header);
        if (header[1] != sizeof(T)) damaged("an element size differs");
        if (header[0] > left() / sizeof(T)) damaged("a length goes past its end");
        out.resize(header[0]);
        raw(out.data(), out.size() * sizeof(T));
    }
    // Reads exactly out.size() values.
    template <class T> void fixed(std::span<T> out) {
        std::vector<T> v;
        vector(v);
        if (v.size() != out.size()) damaged("a length differs");
        std::copy(v.begin(), v.end(), out.begin());
    }
    // Checks the end mark.
    void close();
    // Throws the damaged-file error unless `ok` (a consistency check of what was read).
    void check(bool ok, const std::string& why) const {
        if (!ok) damaged(why);
    }

private:
    void raw(void* data, std::size_t bytes);
    std::uint64_t left();  // bytes after the read position
    [[noreturn]] void damaged(const std::string& why) const;
    std::string path_;
    std::ifstream in_;
    std::uint64_t size_ = 0;
};

}  // namespace engage::io
