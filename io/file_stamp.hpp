#pragma once
// What identifies one version of a file (device, inode, size, modification time), taken when a
// job opens its input and compared before it commits its outputs: a file that another process
// rewrote in place while it was read (Engage itself never does: it writes under a temporary
// name and renames) would give results mixing two versions, which must not be written.
#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "core/errors.hpp"

namespace engage::io {

struct FileStamp {
    std::uint64_t device = 0, inode = 0;
    std::int64_t size = -1, mtime_ns = -1;
    bool operator==(const FileStamp&) const = default;

    static FileStamp of(const std::string& path) noexcept {
        struct stat s {};
        if (::stat(path.c_str(), &s) != 0) return {};
        return {std::uint64_t(s.st_dev), std::uint64_t(s.st_ino), std::int64_t(s.st_size),
                std::int64_t(s.st_mtim.tv_sec) * 1'000'000'000 + s.st_mtim.tv_nsec};
    }
};

// Throws DataError when `path` is no longer the file stamped `before`.
inline void check_unchanged(const std::string& path, const FileStamp& before) {
    const FileStamp now = FileStamp::of(path);
    if (now == before) return;
    const std::string what = now.size < 0 ? "was removed" :
                             now.inode != before.inode || now.device != before.device ? "was replaced by another file" :
                                                                                         "was modified (size " +
                                                                                             std::to_string(before.size) + " -> " +
                                                                                             std::to_string(now.size) + " bytes)";
    throw DataError(path + " " + what + " while this job read it: its results would mix two versions of the data, so "
                           "nothing was written; run the job again once the file is complete (write a base under "
                           "another name and rename it into place, as engage does)");
}

}  // namespace engage::io
