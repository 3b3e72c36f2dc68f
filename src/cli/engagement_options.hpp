#pragma once
// The keys of the engagement model (kernels::EngagementConfig) as Boost.Program_options
// options, for `engage score --config FILE` and the command line alike, and their conversion
// into a validated EngagementConfig. docs/engagement.cfg documents every key with its default.
//
// Keys, as written in a configuration file ([section] prefixes the keys below it with
// "section."; on the command line they are --section.key):
//   half-life-days, trend-days, min-group-size
//   dimensions.KIND, kind-weight.KIND     KIND: one of the 14 channel kinds (channel_kind.hpp)
//   dimension-weight.DIMENSION            DIMENSION: usage, sentiment, involvement, advocacy, competitive
//   tier.fully-engaged, tier.engaged
#include <boost/program_options.hpp>

#include <cstdint>
#include <string>

#include "engagement/engagement_config.hpp"

namespace engage::cli {

// Adds every engagement key to `d`, as strings (they are parsed and checked by
// engagement_config(), which names the key, the value and the allowed values on error), with
// the defaults of EngagementConfig{} as default values; and to `shown`, for --help, the same
// keys except the 28 per-kind ones (dimensions.KIND, kind-weight.KIND), which per_kind_help()
// describes once.
void add_engagement_options(boost::program_options::options_description& d,
                            boost::program_options::options_description& shown);
// The per-kind keys in a few lines for --help: their form, meaning and every kind's defaults.
std::string per_kind_help();

// Reads the engagement keys of `vm` (command line and configuration file stored together, the
// command line first so that it wins) into an EngagementConfig and checks every value.
// `command_line` holds what the command line alone stored: a key present there and not
// defaulted came from the command line, any other non-defaulted key from `config_file` (empty:
// no file). `window_days` bounds trend-days. Throws ConfigError whose message names the key as
// the user wrote it (--key on the command line, section.key with the file name for a file),
// the value and the allowed values.
kernels::EngagementConfig engagement_config(const boost::program_options::variables_map& vm,
                                            const boost::program_options::variables_map& command_line,
                                            const std::string& config_file, std::int64_t window_days);

// For an unknown key of a configuration file read with the options `d`: the keys that exist,
// those of the key's [section] when it names a known one, else the top-level keys and the
// sections.
std::string known_keys(const boost::program_options::options_description& d, const std::string& unknown_key);

}  // namespace engage::cli
