#include "io/output_claim.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "core/errors.hpp"

namespace engage::io {

namespace {

std::string contents(int fd) {
    std::string out(512, '\0');
    const ssize_t n = ::pread(fd, out.data(), out.size(), 0);
    out.resize(n > 0 ? std::size_t(n) : 0);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\0')) out.pop_back();
    return out;
}

std::string holder_line() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    char when[32] = {};
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return "engage job on host " + std::string(host) + ", pid " + std::to_string(::getpid()) + ", since " + when + "\n";
}

}  // namespace

OutputClaim::OutputClaim(const std::string& lock, const std::string& what) : path_(lock) {
    // A few attempts: the file may be removed by its previous holder between our open and our
    // lock, and we must hold the file that is at the path, not an unlinked one.
    for (int attempt = 0; attempt < 20; ++attempt) {
        const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
            throw IoError(lock + ": cannot create the claim on the " + what + " (" + std::strerror(errno) +
                          "); choose a writable path for --output");
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            const std::string holder = contents(fd);
            ::close(fd);
            if (err == EWOULDBLOCK)
                throw ConfigError("the " + what + " is being written by another job (" +
                                  (holder.empty() ? std::string("its claim is being written") : holder) +
                                  "; claim file " + lock + "); wait for it to end or choose another --output");
            if (err == ENOLCK || err == EOPNOTSUPP || err == EINVAL) {
                // A file system without locks (some parallel file systems mounted without
                // flock): the job goes on unclaimed rather than not at all.
                path_.clear();
                return;
            }
            throw IoError(lock + ": cannot lock the claim on the " + what + " (" + std::strerror(err) + ")");
        }
        struct stat held {}, at_path {};
        if (::fstat(fd, &held) == 0 && ::stat(lock.c_str(), &at_path) == 0 && held.st_ino == at_path.st_ino &&
            held.st_dev == at_path.st_dev) {
            const std::string line = holder_line();
            if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, line.data(), line.size(), 0) != ssize_t(line.size())) {
                const int err = errno;
                ::unlink(lock.c_str());
                ::close(fd);
                throw IoError(lock + ": cannot write the claim on the " + what + " (" + std::strerror(err) + ")");
            }
            fd_ = fd;
            return;
        }
        ::close(fd);  // removed or replaced meanwhile: claim the file now at the path
    }
    throw IoError(lock + ": the claim on the " + what + " keeps being replaced; is another job starting there?");
}

OutputClaim::~OutputClaim() {
    if (fd_ < 0) return;
    ::unlink(path_.c_str());  // before the unlock: a waiting job then finds the new file
    ::close(fd_);
}

}  // namespace engage::io
