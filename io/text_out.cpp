#include "io/text_out.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.hpp"
#include "io/h5/io_tuning.hpp"

namespace engage::io {

namespace {

constexpr std::size_t kPiece = 1u << 20;

std::string created(std::string path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw IoError(path + ": cannot create it: " + std::strerror(errno) +
                      "; check the space and permissions of the output directory");
    ::close(fd);
    return path;
}

}  // namespace

TextOut::TextOut(std::string path) : path_(created(std::move(path))), file_(path_, h5::io_tuning().direct_output) {
    buffer_.reserve(kPiece);
}

TextOut& TextOut::operator<<(std::string_view text) {
    while (!text.empty()) {
        const std::size_t n = std::min(text.size(), kPiece - buffer_.size());
        buffer_.append(text.data(), n);
        text.remove_prefix(n);
        if (buffer_.size() == kPiece) flush();
    }
    return *this;
}

void TextOut::flush() {
    file_.write(written_, buffer_.data(), buffer_.size());
    written_ += buffer_.size();
    buffer_.clear();
}

void TextOut::close() {
    flush();
    file_.finish();
}

}  // namespace engage::io
