#pragma once
// The command line of `engage` (Boost.Program_options): a command and its options, with the
// score options also readable from a configuration file (--config) that the command line
// overrides. Every rank parses the same arguments and reaches the same verdict.
#include <string>
#include <variant>

#include "jobs/generate_job.hpp"
#include "jobs/import_job.hpp"
#include "jobs/score_job.hpp"

namespace engage::cli {

struct HelpRequest {
    std::string text;
};

using Command = std::variant<HelpRequest, jobs::GenerateOptions, jobs::ScoreOptions, jobs::ImportOptions>;

// Throws ConfigError naming the option or key at fault and how to fix it.
Command parse_command_line(int argc, const char* const* argv);

}  // namespace engage::cli
