#pragma once
// The channels of an imported base and the source labels that name them (`engage import
// --channel-map FILE`, docs/data-format.md): the default dictionary, whose channel names and kind
// names are labels of their own, plus the rows of a mapping file (label, channel, kind) that map
// an export's labels ("Zendesk Ticket") to a channel and add channels of their own. Serial code.
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/customer_base.hpp"

namespace engage::io {

constexpr std::size_t kMaxChannels = 32;  // the customer-base bound on /channels

class ChannelMap {
public:
    // The built-in mapping: default_channels(), each channel's name and its kind's name a label.
    ChannelMap();

    // The built-in mapping plus a mapping file: comma-separated `label,channel,kind` per line,
    // fields trimmed and optionally double-quoted; an optional header line `label,channel,kind`;
    // empty lines and lines starting with '#' ignored. `channel` is a built-in channel name (the
    // kind may then be empty, or must be its kind) or a new channel, added after the built-in
    // ones in order of first appearance with `kind` (a kind name, required). Labels are matched
    // case-insensitively and must be unique in the file; a file's label wins over a built-in
    // one. Throws ConfigError naming the file, the line and the fix; IoError when unreadable.
    static ChannelMap from_file(const std::string& path);
    static ChannelMap parse(std::istream& in, const std::string& name);

    // The channel code of a label (trimmed, case-insensitive); nullopt when unknown.
    std::optional<std::uint8_t> code(std::string_view label) const;
    // The dictionary of the base: code i is channels()[i].
    const std::vector<Channel>& channels() const noexcept { return channels_; }
    // The file it was read from ("" for the built-in mapping), and how many labels it added.
    const std::string& source() const noexcept { return source_; }
    std::size_t file_labels() const noexcept { return file_labels_; }
    // For messages: what a label may be.
    std::string expected_labels() const;

private:
    std::vector<Channel> channels_;
    std::unordered_map<std::string, std::uint8_t> by_label_;  // lower-case label -> code
    std::string source_;
    std::size_t file_labels_ = 0;
};

}  // namespace engage::io
