#pragma once
// What a customer adds to its relationship manager's touches groups at the two dates, as a
// compact record of a few bytes (unsigned LEB128 integers, the nonzero response-time bins only):
// kept between the pass and the sweeps where the managers' groups are built range by range
// (jobs/touches_stage.hpp). Decoding gives back every field that TouchesSummary::update reads,
// so a record adds exactly what the customer's contributions add. Pure; no I/O.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "touches/touches_summary.hpp"

namespace engage::kernels {

// Appends the record of a customer of manager `rm`.
void append_touches_record(std::vector<std::uint8_t>& out, std::uint32_t rm, const TouchesContribution& now,
                           const TouchesContribution& previous);

// Decodes the record at bytes[at]; returns the position after it. Throws std::out_of_range when
// the bytes end inside the record.
std::size_t read_touches_record(std::span<const std::uint8_t> bytes, std::size_t at, std::uint32_t& rm,
                                TouchesContribution& now, TouchesContribution& previous);

}  // namespace engage::kernels
