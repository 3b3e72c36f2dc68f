#include "io/channel_map.hpp"

#include <fstream>

#include "core/errors.hpp"
#include "features/channel_kind.hpp"
#include "io/text.hpp"

namespace engage::io {

namespace {

using text::lower;
using text::trim;

// Comma-separated fields, trimmed; a field may be double-quoted ("" is a quote, a comma inside
// quotes is kept). nullopt when the quotes are malformed.
std::optional<std::vector<std::string>> split_commas(std::string_view line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (true) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        std::string field;
        if (i < line.size() && line[i] == '"') {
            for (++i;; ++i) {
                if (i == line.size()) return std::nullopt;
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field += '"';
                        ++i;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += line[i];
            }
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
            if (i < line.size() && line[i] != ',') return std::nullopt;
        } else {
            const std::size_t b = i;
            while (i < line.size() && line[i] != ',') ++i;
            field = std::string(trim(line.substr(b, i - b)));
        }
        out.push_back(std::move(field));
        if (i == line.size()) return out;
        ++i;
    }
}

std::string kind_names() {
    std::string s;
    for (const auto k : kernels::kChannelKindNames) s += (s.empty() ? "" : ", ") + std::string(k);
    return s;
}

}  // namespace

ChannelMap::ChannelMap() : channels_(default_channels()) {
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        by_label_.emplace(channels_[i].name, std::uint8_t(i));
        by_label_.emplace(std::string(kernels::kind_name(channels_[i].kind)), std::uint8_t(i));
    }
}

std::optional<std::uint8_t> ChannelMap::code(std::string_view label) const {
    const auto it = by_label_.find(lower(trim(label)));
    if (it == by_label_.end()) return std::nullopt;
    return it->second;
}

std::string ChannelMap::expected_labels() const {
    std::string names;
    for (const auto& c : channels_) names += (names.empty() ? "" : ", ") + c.name;
    return (source_.empty() ? std::string() : "a label of --channel-map " + source_ + ", ") + "a channel name (" +
           names + ") or a channel kind; map other labels with " +
           (source_.empty() ? std::string("--channel-map FILE") : "a line of " + source_) + " (label,channel,kind)";
}

ChannelMap ChannelMap::from_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open the channel map; check the path given to --channel-map");
    ChannelMap m = parse(in, path);
    if (in.bad()) throw IoError(path + ": read error in the channel map");
    return m;
}

ChannelMap ChannelMap::parse(std::istream& in, const std::string& name) {
    ChannelMap m;
    m.source_ = name;
    const std::size_t builtin = m.channels_.size();
    std::unordered_map<std::string, std::uint64_t> file_label_line;  // lower-case label -> its line
    std::string line;
    std::uint64_t line_no = 0;
    bool first = true;
    while (std::getline(in, line)) {
        ++line_no;
        if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string where = name + ": line " + std::to_string(line_no) + ": ";
        if (trim(line).empty() || trim(line).front() == '#') continue;
        const auto fields = split_commas(line);
        if (!fields)
            throw ConfigError(where + "unbalanced or misplaced double quotes; quote a whole field: \"label, with comma\"");
        if (fields->size() != 3)
            throw ConfigError(where + "expected 3 comma-separated fields (label,channel,kind), found " +
                              std::to_string(fields->size()));
        const std::string label = (*fields)[0], channel = (*fields)[1], kind_text = lower((*fields)[2]);
        if (first && lower(label) == "label" && lower(channel) == "channel" && kind_text == "kind") {
            first = false;
            continue;  // the header
        }
        first = false;
        if (label.empty()) throw ConfigError(where + "the label is empty; give the source label as the export writes it");
        if (channel.empty()) throw ConfigError(where + "the channel is empty; give a channel name, e.g. support_ticket");
        const std::optional<kernels::ChannelKind> kind =
            kind_text.empty() ? std::nullopt : kernels::parse_kind(kind_text);
        if (!kind_text.empty() && !kind)
            throw ConfigError(where + "unknown kind \"" + (*fields)[2] + "\"; expected one of " + kind_names());
        const std::string key = lower(label);
        if (const auto seen = file_label_line.find(key); seen != file_label_line.end())
            throw ConfigError(where + "the label \"" + label + "\" is already mapped on line " +
                              std::to_string(seen->second) + "; keep one line per label");
        file_label_line.emplace(key, line_no);

        // The channel: an existing one (built-in or added above) by exact name, or a new one.
        std::size_t code = m.channels_.size();
        for (std::size_t i = 0; i < m.channels_.size(); ++i)
            if (m.channels_[i].name == channel) code = i;
        if (code < m.channels_.size()) {
            if (kind && *kind != m.channels_[code].kind)
                throw ConfigError(where + "channel \"" + channel + "\" is of kind " +
                                  std::string(kernels::kind_name(m.channels_[code].kind)) +
                                  (code < builtin ? " (built-in)" : " (from an earlier line)") + ", not " +
                                  std::string(kernels::kind_name(*kind)) +
                                  "; leave the kind empty, write that kind, or name another channel");
        } else {
            if (!kind)
                throw ConfigError(where + "new channel \"" + channel + "\" needs a kind; expected one of " +
                                  kind_names());
            if (m.channels_.size() == kMaxChannels)
                throw ConfigError(where + "channel \"" + channel + "\" would be channel " +
                                  std::to_string(kMaxChannels + 1) + "; a base holds at most " +
                                  std::to_string(kMaxChannels) + " channels (" + std::to_string(builtin) +
                                  " built-in): map more labels to the same channels");
            m.channels_.push_back({channel, *kind});
        }
        m.by_label_[key] = std::uint8_t(code);
        ++m.file_labels_;
    }
    return m;
}

}  // namespace engage::io
