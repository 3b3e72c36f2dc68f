#include "io/checkpoint.hpp"

#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "mpi/comm.hpp"

namespace engage::io {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

constexpr int kManifestFormat = 1;
constexpr char kMagic[8] = {'E', 'N', 'G', 'A', 'G', 'E', 'C', 'K'};
constexpr char kEndMark[8] = {'E', 'N', 'G', 'A', 'G', 'E', 'N', 'D'};

std::string shown(const std::string& v) { return v.empty() ? "(none)" : v; }

}  // namespace

CheckpointDir::CheckpointDir(const mpi::Comm& comm, const std::string& output_dir)
    : comm_(comm), dir_((std::filesystem::path(output_dir) / ".engage-checkpoint").string()), pending_(dir_ + "-new") {}

std::optional<std::int64_t> CheckpointDir::find(const CheckpointIdentity& identity) const {
    std::int64_t progress = -1;
    comm_.agree([&] {
        if (!comm_.root()) return;
        const std::string manifest = file("checkpoint.json");
        std::error_code ec;
        if (!fs::exists(manifest, ec)) return;
        const std::string fix = "; remove " + dir_ + " to start afresh";
        json j;
        try {
            std::ifstream in(manifest);
            j = json::parse(in);
            if (j.at("format").get<int>() != kManifestFormat)
                throw ConfigError(manifest + ": a checkpoint of another format (" + j.at("format").dump() +
                                  ", this engage reads " + std::to_string(kManifestFormat) + ")" + fix);
            progress = j.at("progress").get<std::int64_t>();
        } catch (const json::exception& e) {
            throw ConfigError(manifest + ": cannot be read (" + e.what() + ")" + fix);
        }
        const json& there = j["identity"];
        std::string differences;
        for (const auto& [name, value] : identity) {
            const std::string old = there.contains(name) && there[name].is_string() ? there[name].get<std::string>()
                                                                                      : std::string("(not recorded)");
            if (old == value) continue;
            differences += (differences.empty() ? "" : "; ") + name + " " + shown(old) + " there, " + shown(value) +
                           " now";
        }
        if (!differences.empty())
            throw ConfigError(dir_ + " holds the progress of a different run (" + differences +
                              "). Rerun with the same input, options and number of ranks to resume it, or "
                              "remove " + dir_ + " to start afresh");
    });
    progress = comm_.max(progress);  // rank 0's answer; -1 elsewhere
    if (progress < 0) return std::nullopt;
    return progress;
}

void CheckpointDir::begin_save() const {
    comm_.agree([&] {
        if (!comm_.root()) return;
        std::error_code ec;
        fs::remove_all(pending_, ec);
        fs::create_directory(pending_, ec);
        if (ec) throw IoError(pending_ + ": cannot create the checkpoint directory (" + ec.message() + ")");
    });
}

void CheckpointDir::finish_save(const CheckpointIdentity& identity, std::int64_t progress) const {
    comm_.agree([&] {
        if (!comm_.root()) return;
        json j;
        j["format"] = kManifestFormat;
        j["note"] = "progress of an engage job stopped on request; the same command resumes it";
        j["progress"] = progress;
        json& id = j["identity"];
        for (const auto& [name, value] : identity) id[name] = value;
        const std::string manifest = pending_file("checkpoint.json");
        {
            std::ofstream out(manifest);
            out << j.dump(2) << '\n';
            out.close();
            if (!out) throw IoError(manifest + ": cannot write the checkpoint (disk full?)");
        }
        // The previous checkpoint goes aside before the new one takes its place, so that a
        // crash in between leaves a complete checkpoint or none, never a mixture.
        const std::string old = dir_ + "-old";
        std::error_code ec;
        fs::remove_all(old, ec);
        if (fs::exists(dir_, ec)) fs::rename(dir_, old, ec);
        if (!ec) fs::rename(pending_, dir_, ec);
        if (ec) throw IoError(dir_ + ": cannot put the checkpoint in place (" + ec.message() + ")");
        fs::remove_all(old, ec);
    });
}

void CheckpointDir::remove() const {
    if (!comm_.root()) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::remove_all(pending_, ec);
    fs::remove_all(dir_ + "-old", ec);
}

StateWriter::StateWriter(const std::string& path, std::uint32_t format) : path_(path), out_(path, std::ios::binary) {
    if (!out_) throw IoError(path + ": cannot create the checkpoint file");
    raw(kMagic, sizeof kMagic);
    value(format);
}

void StateWriter::raw(const void* data, std::size_t bytes) {
    out_.write(static_cast<const char*>(data), std::streamsize(bytes));
}

void StateWriter::close() {
    raw(kEndMark, sizeof kEndMark);
    out_.close();
    if (!out_) throw IoError(path_ + ": cannot write the checkpoint (disk full?)");
}

StateReader::StateReader(const std::string& path, std::uint32_t format) : path_(path), in_(path, std::ios::binary) {
    std::error_code ec;
    size_ = fs::file_size(path, ec);
    if (!in_ || ec) damaged("it cannot be opened");
    char magic[sizeof kMagic];
    raw(magic, sizeof magic);
    if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) damaged("not a checkpoint file");
    if (value<std::uint32_t>() != format) damaged("written by another version of engage");
}

void StateReader::raw(void* data, std::size_t bytes) {
    in_.read(static_cast<char*>(data), std::streamsize(bytes));
    if (!in_) damaged("it ends early");
}

std::uint64_t StateReader::left() {
    const auto at = in_.tellg();
    return at < 0 || std::uint64_t(at) > size_ ? 0 : size_ - std::uint64_t(at);
}

void StateReader::close() {
    char mark[sizeof kEndMark];
    raw(mark, sizeof mark);
    if (std::memcmp(mark, kEndMark, sizeof kEndMark) != 0 || in_.peek() != std::ifstream::traits_type::eof())
        damaged("its end mark is missing");
}

void StateReader::damaged(const std::string& why) const {
    throw IoError(path_ + ": damaged checkpoint file (" + why + "); remove the checkpoint directory " +
                  fs::path(path_).parent_path().string() + " to start afresh");
}

}  // namespace engage::io
