#pragma once
// How a column is stored: its codec and level (docs/data-format.md, "Filters"). Codec::none is
// contiguous and unfiltered, written at disk speed by independent writes; any other codec is
// chunked, with HDF5's shuffle filter in front of the codec, and written collectively (parallel
// HDF5 1.10 writes filtered chunks only collectively).
#include <cstdint>
#include <string>

namespace engage::io::h5 {

enum class Codec { none, deflate, lz4, zstd };

struct Compression {
    Codec codec = Codec::none;
    int level = 0;  // the codec's level; 0: its default (kDefaultLevel)
    bool filtered() const noexcept { return codec != Codec::none; }
    bool operator==(const Compression&) const = default;
};

// The level a codec uses when none is given: deflate 1, zstd 1 (fast; ratio measured in
// docs/performance.md, "Codecs (issue 14)"), lz4 has no level (0).
int default_level(Codec c) noexcept;

// "none", "deflate", "lz4", "zstd".
const char* codec_name(Codec c) noexcept;

// `--compression NAME --compression-level LEVEL` (level -1: the codec's default). Throws
// ConfigError naming the option and what is allowed: an unknown codec, or a level outside the
// codec's range (deflate 1-9, zstd 1-19; lz4 and none take none).
Compression parse_compression(const std::string& name, int level = -1);

}  // namespace engage::io::h5
