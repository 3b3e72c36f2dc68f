#pragma once
// Names of the channel kinds, as stored in a file's /channels/kind dataset.
#include <optional>
#include <string_view>

#include "features/event.hpp"

namespace engage::kernels {

constexpr std::string_view kChannelKindNames[kChannelKinds] = {
    "purchase", "usage", "support", "complaint", "survey", "review", "referral", "event",
    "community", "idea", "idea_vote", "content", "social", "cocreation", "offer", "support_reply",
    "idea_feedback"};

constexpr std::string_view kind_name(ChannelKind k) noexcept { return kChannelKindNames[int(k)]; }

constexpr std::optional<ChannelKind> parse_kind(std::string_view name) noexcept {
    for (int k = 0; k < kChannelKinds; ++k)
        if (kChannelKindNames[k] == name) return ChannelKind(k);
    return std::nullopt;
}

}  // namespace engage::kernels
