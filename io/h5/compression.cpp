#include "io/h5/compression.hpp"

#include "core/errors.hpp"

namespace engage::io::h5 {

int default_level(Codec c) noexcept {
    switch (c) {
    case Codec::deflate: return 1;
    case Codec::zstd: return 1;
    default: return 0;
    }
}

const char* codec_name(Codec c) noexcept {
    switch (c) {
    case Codec::none: return "none";
    case Codec::deflate: return "deflate";
    case Codec::lz4: return "lz4";
    case Codec::zstd: return "zstd";
    }
    return "?";
}

Compression parse_compression(const std::string& name, int level) {
    Compression c;
    if (name == "none") c.codec = Codec::none;
    else if (name == "deflate") c.codec = Codec::deflate;
    else if (name == "lz4") c.codec = Codec::lz4;
    else if (name == "zstd") c.codec = Codec::zstd;
    else
        throw ConfigError("--compression " + name + ": unknown codec; allowed: zstd, lz4, deflate, none");
    int lo = 0, hi = 0;
    if (c.codec == Codec::deflate) lo = 1, hi = 9;
    if (c.codec == Codec::zstd) lo = 1, hi = 19;
    if (level < 0) {
        c.level = default_level(c.codec);
    } else if (hi == 0) {
        throw ConfigError("--compression-level " + std::to_string(level) + ": --compression " + name +
                          " takes no level; leave --compression-level out");
    } else if (level < lo || level > hi) {
        throw ConfigError("--compression-level " + std::to_string(level) + ": --compression " + name +
                          " takes levels " + std::to_string(lo) + " to " + std::to_string(hi));
    } else {
        c.level = level;
    }
    return c;
}

}  // namespace engage::io::h5
