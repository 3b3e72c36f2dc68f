#pragma once
// How many bad rows `engage import` tolerates before it refuses the whole import
// (--max-bad-rows N or P%): strict by default, so that a file read with the wrong options, where
// most rows are rejected, never turns quietly into a small customer base. Serial code.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace engage::io {

struct BadRowLimit {
    // A count (`N`: at most N bad rows) or a share of the data rows (`P%`, kept as millionths
    // of the rows, so that 0.5% is 5000 and the comparison below is exact integer arithmetic).
    bool percent = true;
    std::uint64_t count = 0;
    std::uint64_t per_million = 10000;  // the default: 1%
    std::string spelling = "1%";        // as given, for messages

    // True when `bad` of `data_rows` is more than the limit allows: bad > N, or
    // bad / data_rows > P/100 (bad * 10^6 > per_million * data_rows, without rounding).
    bool exceeded(std::uint64_t bad, std::uint64_t data_rows) const noexcept;
    // The largest number of bad rows allowed among `data_rows`.
    std::uint64_t allowed(std::uint64_t data_rows) const noexcept;
};

// From the command line: a whole number of rows (`0`, `25`) or a percentage with at most four
// decimals from 0% to 100% (`1%`, `0.5%`, `100%`). nullopt when malformed.
std::optional<BadRowLimit> parse_bad_row_limit(std::string_view text);

}  // namespace engage::io
