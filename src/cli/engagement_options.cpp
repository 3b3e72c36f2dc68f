#include "cli/engagement_options.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/errors.hpp"
#include "features/channel_kind.hpp"

namespace engage::cli {

namespace po = boost::program_options;
using kernels::Dimension;
using kernels::EngagementConfig;
using kernels::kChannelKindNames;
using kernels::kChannelKinds;
using kernels::kDimensionNames;
using kernels::kDimensions;
using kernels::kReferencePopulationNames;
using kernels::ReferencePopulation;

namespace {

// The dimensions a channel kind may feed: all but competitive status, which is share of wallet
// and always comes from purchases (EngagementConfig::dimensions_of_kind).
constexpr int kMappableDimensions = int(Dimension::competitive);

constexpr const char* kDimensionsAllowed =
    "a space-separated list of usage, sentiment, involvement, advocacy, or none (or nothing) for "
    "no dimension";

// Appends `item` to the list `list`, separated by `separator`.
void append(std::string& list, std::string_view separator, std::string_view item) {
    if (!list.empty()) list += separator;
    list += item;
}

std::string key_in(std::string_view section, std::string_view name) {
    return std::string(section) + "." + std::string(name);
}

// Shortest text that reads back as the same double, so that defaults round-trip exactly.
std::string number_text(double v) {
    std::array<char, 32> buf;
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return std::string(buf.data(), r.ptr);
}

std::string dimension_list(std::uint8_t bits) {
    std::string s;
    for (int d = 0; d < kDimensions; ++d)
        if ((bits >> d) & 1u) append(s, " ", kDimensionNames[d]);
    return s.empty() ? "none" : s;
}

std::string_view trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Reads the engagement keys of a variables_map and words the errors: each names the key as the
// user wrote it, where it came from, its value and what is allowed.
class Reader {
public:
    Reader(const po::variables_map& vm, const po::variables_map& command_line, const std::string& file)
        : vm_(vm), command_line_(command_line), file_(file) {}

    std::string text(const std::string& key) const { return vm_[key].as<std::string>(); }

    bool from_command_line(const std::string& key) const {
        return command_line_.count(key) && !command_line_[key].defaulted();
    }
    bool from_file(const std::string& key) const {
        return !from_command_line(key) && vm_.count(key) && !vm_[key].defaulted();
    }

    // "--key value", "key = value (in FILE)" or "key = value (the default)".
    std::string where(const std::string& key) const {
        std::string value = text(key);
        if (value.empty() || value.find_first_of(" \t") != std::string::npos) value = "\"" + value + "\"";
        if (from_command_line(key)) return "--" + key + " " + value;
        return key + " = " + value + (from_file(key) ? " (in " + file_ + ")" : " (the default)");
    }

    [[noreturn]] void fail(const std::string& key, const std::string& problem, const std::string& allowed) const {
        throw ConfigError(where(key) + ": " + problem + "; allowed: " + allowed);
    }

    // A finite number in [low, high], or (low, high] when low_open.
    double number(const std::string& key, double low, bool low_open, double high,
                  const std::string& allowed) const {
        const std::string value = text(key);
        const std::string_view s = trimmed(value);
        double v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || r.ec == std::errc::invalid_argument || r.ptr != s.data() + s.size())
            fail(key, "not a number", allowed);
        if (r.ec != std::errc() || !std::isfinite(v)) fail(key, "not a finite number", allowed);
        if (v < low || (low_open && v == low) || v > high) fail(key, "out of range", allowed);
        return v;
    }

    std::int64_t integer(const std::string& key, std::int64_t low, std::int64_t high,
                         const std::string& allowed) const {
        const std::string value = text(key);
        const std::string_view s = trimmed(value);
        std::int64_t v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || r.ec == std::errc::invalid_argument || r.ptr != s.data() + s.size())
            fail(key, "not an integer", allowed);
        if (r.ec != std::errc() || v < low || v > high) fail(key, "out of range", allowed);
        return v;
    }

    // A space-separated list of the dimensions a channel kind feeds, as bits (bit d: Dimension d).
    std::uint8_t dimensions(const std::string& key) const {
        std::istringstream words(text(key));
        std::vector<std::string> names;
        for (std::string w; words >> w;) names.push_back(w);
        if (names.size() == 1 && names[0] == "none") return 0;
        std::uint8_t bits = 0;
        for (const auto& name : names) {
            if (name == "none") fail(key, "\"none\" cannot be combined with dimensions", kDimensionsAllowed);
            if (name == kDimensionNames[int(Dimension::competitive)])
                fail(key, "\"competitive\" cannot be fed by a channel kind: share of wallet always comes "
                          "from purchases",
                     kDimensionsAllowed);
            int d = 0;
            while (d < kMappableDimensions && name != kDimensionNames[d]) ++d;
            if (d == kMappableDimensions) fail(key, "\"" + name + "\" is not a dimension", kDimensionsAllowed);
            bits |= EngagementConfig::bit(Dimension(d));
        }
        return bits;
    }

    // "in FILE", "on the command line", "by default", or several of them joined by "and".
    std::string sources(const std::vector<std::string>& keys) const {
        std::set<std::string> seen;
        std::string s;
        for (const auto& key : keys) {
            const std::string source = from_command_line(key) ? "on the command line"
                                       : from_file(key)       ? "in " + file_
                                                              : "by default";
            if (seen.insert(source).second) append(s, " and ", source);
        }
        return s;
    }

private:
    const po::variables_map& vm_;
    const po::variables_map& command_line_;
    const std::string& file_;
};

}  // namespace

void add_engagement_options(po::options_description& d, po::options_description& shown) {
    const EngagementConfig def;
    const char* title = "engagement model options (command line or --config file; defaults and meaning: "
                        "docs/engagement.cfg; formulas: docs/metrics.md)";
    po::options_description model(title), visible(title), per_kind;  // per_kind: left out of `shown`
    const auto add_to = [](po::options_description& group, const std::string& key, const std::string& value,
                           const std::string& help) {
        group.add_options()(key.c_str(), po::value<std::string>()->default_value(value), help.c_str());
    };
    const auto add = [&](const std::string& key, const std::string& value, const std::string& help) {
        add_to(visible, key, value, help);
    };
    add("half-life-days", number_text(def.half_life_days), "half-life of the recency decay of interactions, days (> 0)");
    add("trend-days", std::to_string(def.trend_days), "the trend compares the as-of date with this many days earlier (1 to window-days; by default 90 or window-days if shorter)");
    add("min-group-size", std::to_string(def.min_group_size), "report groups with fewer customers are folded into \"other\" (>= 1)");
    add("reference-population", kReferencePopulationNames[int(def.reference)], "whom the percentiles rank a customer against: alive (the customers at risk at the date, by --churn-days or --cancel-channel) or all (every customer acquired by then)");
    for (int k = 0; k < kChannelKinds; ++k)
        add_to(per_kind, key_in("dimensions", kChannelKindNames[k]), dimension_list(def.dimensions_of_kind[k]),
               "dimensions " + std::string(kChannelKindNames[k]) + " feeds: usage sentiment involvement advocacy, or none");
    for (int k = 0; k < kChannelKinds; ++k)
        add_to(per_kind, key_in("kind-weight", kChannelKindNames[k]), number_text(def.kind_weight[k]),
               "weight of one " + std::string(kChannelKindNames[k]) + " interaction (0 to 1000)");
    for (int d = 0; d < kDimensions; ++d)
        add(key_in("dimension-weight", kDimensionNames[d]), number_text(def.dimension_weight[d]),
            "weight of " + std::string(kDimensionNames[d]) + " in the composite (>= 0, not all zero)");
    add("tier.fully-engaged", number_text(def.fully_engaged_min), "composite score from which a customer is fully engaged (<= 100)");
    add("tier.engaged", number_text(def.engaged_min), "composite score from which a customer is engaged (>= 0, below tier.fully-engaged)");
    model.add(visible).add(per_kind);
    d.add(model);
    shown.add(visible);
}

std::string per_kind_help() {
    const EngagementConfig def;
    std::string out =
        "per-kind options (command line or --config file; docs/engagement.cfg), for each interaction kind K:\n"
        "  --dimensions.K arg                    the dimensions interactions of kind K feed: usage\n"
        "                                        sentiment involvement advocacy, or none\n"
        "  --kind-weight.K arg                   weight of one interaction of kind K (0 to 1000)\n"
        "  K and its defaults (dimensions, weight):\n";
    std::string line = "   ";
    for (int k = 0; k < kChannelKinds; ++k) {
        const std::string item = " " + std::string(kChannelKindNames[k]) + " (" +
                                 dimension_list(def.dimensions_of_kind[k]) + ", " + number_text(def.kind_weight[k]) +
                                 ")" + (k + 1 < kChannelKinds ? ";" : "");
        if (line.size() + item.size() > 92) {
            out += line + "\n";
            line = "   ";
        }
        line += item;
    }
    return out + line + "\n";
}

EngagementConfig engagement_config(const po::variables_map& vm, const po::variables_map& command_line,
                                   const std::string& config_file, std::int64_t window_days) {
    const Reader r(vm, command_line, config_file);
    constexpr double kMax = std::numeric_limits<double>::max();
    EngagementConfig c;
    c.half_life_days = r.number("half-life-days", 0.0, true, kMax, "a number of days > 0");
    // The default trend period shrinks to a shorter window rather than reject, say, --window-days 30
    // that does not mention trend-days; a trend-days the user wrote must fit the window.
    if (r.from_command_line("trend-days") || r.from_file("trend-days"))
        c.trend_days = std::int32_t(r.integer("trend-days", 1, window_days,
                                              "an integer from 1 to window-days (" + std::to_string(window_days) + ")"));
    else
        c.trend_days = std::int32_t(std::min<std::int64_t>(c.trend_days, window_days));
    c.min_group_size = std::uint32_t(r.integer("min-group-size", 1, std::numeric_limits<std::uint32_t>::max(),
                                               "an integer >= 1"));
    const std::string reference = r.text("reference-population");
    if (reference == "alive") c.reference = ReferencePopulation::alive;
    else if (reference == "all") c.reference = ReferencePopulation::all;
    else
        throw ConfigError(r.where("reference-population") + " is \"" + reference +
                          "\"; allowed: alive (the customers at risk at the date) or all (every acquired customer)");
    for (int k = 0; k < kChannelKinds; ++k) {
        c.dimensions_of_kind[k] = r.dimensions(key_in("dimensions", kChannelKindNames[k]));
        // At most 1000: weights are summed in 64-bit fixed point (2^32 units per weight 1).
        c.kind_weight[k] = r.number(key_in("kind-weight", kChannelKindNames[k]), 0.0, false, 1000.0,
                                    "a number from 0 to 1000");
    }
    std::vector<std::string> weight_keys;
    bool any_weight = false;
    for (int d = 0; d < kDimensions; ++d) {
        weight_keys.push_back(key_in("dimension-weight", kDimensionNames[d]));
        c.dimension_weight[d] = r.number(weight_keys.back(), 0.0, false, kMax,
                                         "a number >= 0, at least one dimension weight > 0");
        any_weight = any_weight || c.dimension_weight[d] > 0;
    }
    if (!any_weight) {
        std::string keys;
        for (const auto& key : weight_keys) append(keys, ", ", key);
        throw ConfigError(keys + " are all 0 (set " + r.sources(weight_keys) +
                          "): the composite is their weighted mean; allowed: numbers >= 0, at least one > 0");
    }
    const std::string tiers = "a number from 0 to 100, with 0 <= tier.engaged < tier.fully-engaged <= 100";
    c.fully_engaged_min = r.number("tier.fully-engaged", 0.0, false, 100.0, tiers);
    c.engaged_min = r.number("tier.engaged", 0.0, false, 100.0, tiers);
    if (c.engaged_min >= c.fully_engaged_min)
        throw ConfigError(r.where("tier.engaged") + " is not below " + r.where("tier.fully-engaged") +
                          "; allowed: 0 <= tier.engaged < tier.fully-engaged <= 100");
    return c;
}

std::string known_keys(const po::options_description& d, const std::string& unknown_key) {
    const auto dot = unknown_key.find('.');
    const std::string section = dot == std::string::npos ? "" : unknown_key.substr(0, dot + 1);
    std::string in_section, top_level, sections;
    std::set<std::string> seen_sections;
    for (const auto& option : d.options()) {
        const std::string& key = option->long_name();
        const auto key_dot = key.find('.');
        if (key_dot == std::string::npos) {
            append(top_level, ", ", key);
            continue;
        }
        const std::string key_section = key.substr(0, key_dot);
        if (seen_sections.insert(key_section).second)
            append(sections, ", ", "[" + key_section + "]");
        if (!section.empty() && key.compare(0, section.size(), section) == 0)
            append(in_section, ", ", key.substr(key_dot + 1));
    }
    if (!in_section.empty())
        return "the keys of [" + section.substr(0, section.size() - 1) + "] are " + in_section;
    return "the top-level keys are " + top_level + ", and the sections " + sections +
           " (engage score --help lists every key, docs/engagement.cfg documents them)";
}

}  // namespace engage::cli
