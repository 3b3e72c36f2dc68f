#pragma once
// The parameters of the engagement model (docs/metrics.md, "Engagement model"). Pure data:
// the defaults here are the documented defaults of docs/engagement.cfg, and a test checks that
// the shipped file and these defaults agree.
#include <array>
#include <cstdint>

#include "features/event.hpp"

namespace engage::kernels {

// Walker's four elements with usage split out of share of wallet ("competitive status").
enum class Dimension : int { usage, sentiment, involvement, advocacy, competitive };
constexpr int kDimensions = 5;
constexpr const char* kDimensionNames[kDimensions] = {"usage", "sentiment", "involvement", "advocacy",
                                                      "competitive"};

// Gallup's four tiers, from the best.
enum class Tier : std::uint8_t { fully_engaged, engaged, not_engaged, actively_disengaged };
constexpr int kTiers = 4;
constexpr const char* kTierNames[kTiers] = {"fully_engaged", "engaged", "not_engaged",
                                            "actively_disengaged"};

// Whom the percentiles rank a customer against: the customers alive (at risk) at the date (the
// retention study's churn definition), or every customer acquired by then.
enum class ReferencePopulation : std::uint8_t { alive, all };
constexpr const char* kReferencePopulationNames[2] = {"alive", "all"};

struct EngagementConfig {
    // Which dimensions each channel kind feeds (bit d set: feeds Dimension d). Competitive
    // status is share of wallet and is fed by purchases whatever this says.
    std::array<std::uint8_t, kChannelKinds> dimensions_of_kind = default_mapping();
    // How much one interaction of a kind counts in the dimensions it feeds.
    std::array<double, kChannelKinds> kind_weight = {1.0, 0.5, 0.5, 1.0, 1.0, 1.0, 3.0, 2.0,
                                                     1.0, 3.0, 0.5, 0.2, 1.0, 4.0, 1.0, 0.0, 0.0};
    double half_life_days = 90.0;   // recency decay of interaction weights
    std::int32_t trend_days = 90;   // the trend compares the as-of date with this many days earlier
    std::array<double, kDimensions> dimension_weight = {0.30, 0.20, 0.15, 0.15, 0.20};
    double fully_engaged_min = 75.0;  // composite >= this: fully engaged
    double engaged_min = 50.0;        // composite >= this: engaged; below: not engaged
    std::uint32_t min_group_size = 10;  // smaller report groups are folded into "other"
    ReferencePopulation reference = ReferencePopulation::alive;

    static constexpr std::uint8_t bit(Dimension d) { return std::uint8_t(1u << int(d)); }
    static constexpr std::array<std::uint8_t, kChannelKinds> default_mapping() {
        using D = Dimension;
        return {bit(D::usage),                        // purchase
                bit(D::usage),                        // usage
                bit(D::usage),                        // support
                bit(D::sentiment),                    // complaint
                bit(D::sentiment),                    // survey
                std::uint8_t(bit(D::sentiment) | bit(D::advocacy)),  // review
                bit(D::advocacy),                     // referral
                bit(D::involvement),                  // event
                bit(D::involvement),                  // community
                bit(D::involvement),                  // idea
                bit(D::involvement),                  // idea_vote
                bit(D::usage),                        // content
                bit(D::advocacy),                     // social
                bit(D::involvement),                  // cocreation
                bit(D::involvement),                  // offer: counted when the customer takes it up
                0,                                    // support_reply: the company's, not the customer's
                0};                                   // idea_feedback: the company's
    }
    bool feeds(ChannelKind k, Dimension d) const noexcept {
        return (dimensions_of_kind[int(k)] >> int(d)) & 1u;
    }
};

}  // namespace engage::kernels
