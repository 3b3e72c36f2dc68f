#pragma once
// The engagement tiers as report.json names them, in tier code order (docs/metrics.md, Tiers).
namespace engage::io::html {

inline constexpr const char* kTierKeys[4] = {"fully_engaged", "engaged", "not_engaged", "actively_disengaged"};

}  // namespace engage::io::html
