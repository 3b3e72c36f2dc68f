#pragma once
// One writer per output: a claim on an output (the score output directory, the file of generate
// or import) held by one process for the whole job. It is a lock file beside the output, created
// if missing and locked with flock(2); it holds the claiming job's host, process id and start
// time, so that a second job at the same path fails fast naming the first. The kernel releases
// the lock when the process dies, so a claim left by a killed job (SIGKILL, a lost node) never
// blocks: the next job takes it over and rewrites it. The file is removed when the job ends.
#include <string>

namespace engage::io {

class OutputClaim {
public:
    // Claims `lock` for `what` (e.g. "output directory out"). Throws ConfigError naming the
    // holder when another live process holds it; IoError when the lock file cannot be created.
    // Not collective: one process (rank 0) claims for the job.
    OutputClaim(const std::string& lock, const std::string& what);
    // Removes the lock file and releases the lock.
    ~OutputClaim();
    OutputClaim(const OutputClaim&) = delete;
    OutputClaim& operator=(const OutputClaim&) = delete;

    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace engage::io
