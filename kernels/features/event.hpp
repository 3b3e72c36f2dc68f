#pragma once
// One interaction as the feature kernels see it, and the context of a scoring run.
// Pure data: no I/O, no MPI; every quantity is an integer so that sums are exact and
// independent of the order in which threads or ranks combine them.
#include <array>
#include <bit>
#include <cstdint>

namespace engage::kernels {

using Day = std::int32_t;                 // days since the file's epoch
constexpr Day kNoDay = -1;                // "never" in day-valued features
constexpr int kMaxChannels = 32;          // channel codes are 0..kMaxChannels-1

// What a channel means to the models; a file's channel dictionary maps each code to a kind.
enum class ChannelKind : std::uint8_t {
    purchase, usage, support, complaint, survey, review, referral, event,
    community, idea, idea_vote, content, social, cocreation,
    // What the company does (docs/data-format.md, "Initiator and answers"): an offer (email,
    // direct mail, campaign, outreach), a reply to a support ticket, feedback on an idea.
    offer, support_reply, idea_feedback,
};
constexpr int kChannelKinds = 17;

// The company's kinds are its actions, not the customer's: they never count as the customer's
// activity (recency, interactions, active periods, churn) or engagement (docs/metrics.md,
// "The company's side").
constexpr bool company_kind(ChannelKind k) noexcept { return k >= ChannelKind::offer; }
constexpr ChannelKind kAnswersNothing = ChannelKind(0xff);

struct Event {
    std::int64_t time;         // seconds since the epoch
    Day day;                   // time / 86400
    std::uint8_t channel;      // code in the channel dictionary
    ChannelKind kind;
    std::int64_t hundredths;   // value * 100, rounded: revenue in cents, a 0-10 score as 0-1000
    // The kind of the interaction this one answers (/interactions/answers), kAnswersNothing when
    // none or when the file has no answers.
    ChannelKind answers = kAnswersNothing;
};

struct EngagementConfig;

// The as-of date and scoring window of a run, plus the customer being folded.
struct FeatureContext {
    Day as_of = 0;                         // last day included (events after it are ignored)
    Day window_start = 0;                  // first day of the scoring window
    const std::int32_t* month_of = nullptr;  // month index of each day window_start..as_of
    // The engagement model: its parameters, its fixed-point weight of an interaction of kind k
    // and age a days, weights[k * window days + a] (engagement_weights()), and the earlier
    // date of the trend.
    const EngagementConfig* engagement = nullptr;
    const std::int64_t* weights = nullptr;
    Day previous_as_of = 0;
    Day previous_window_start = 0;
    // The customer being folded.
    Day acquisition_day = 0;
    double wallet = 0.0;                   // yearly category spend; NaN when unknown
};

// The raw engagement signals of one customer at one date (docs/metrics.md, "Engagement
// model"). Unknown values are NaN.
struct EngagementSignals {
    bool acquired = false;          // acquired on or before the date
    double usage_breadth = 0;       // distinct usage channels in the window
    double usage_depth = 0;         // decayed, weighted usage interactions in the window
    double usage_regularity = 0;    // 1 when not overdue against the customer's own cadence
    double sentiment = 0;           // decayed weighted mean of signals in [-1, 1]; NaN: no signal
    double involvement = 0;         // decayed, weighted involvement interactions
    double advocacy = 0;            // decayed, weighted advocacy interactions
    double share_of_wallet = 0;     // yearly spend / wallet in [0, 1]; NaN: wallet unknown
    std::int8_t last_nps = -1;      // last survey answer 0-10 in the window; -1: none
    std::uint32_t complaints = 0;   // in the window
    bool falling = false;           // fewer interactions in the last trend period than the one before

    // Bitwise equality of every field, so that two NaN (unknown) values compare equal.
    bool operator==(const EngagementSignals& o) const noexcept {
        auto same = [](double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); };
        return acquired == o.acquired && same(usage_breadth, o.usage_breadth) &&
               same(usage_depth, o.usage_depth) && same(usage_regularity, o.usage_regularity) &&
               same(sentiment, o.sentiment) && same(involvement, o.involvement) &&
               same(advocacy, o.advocacy) && same(share_of_wallet, o.share_of_wallet) &&
               last_nps == o.last_nps && complaints == o.complaints && falling == o.falling;
    }
};

// The per-customer features that `engage score` writes (see docs/metrics.md).
struct CustomerFeatures {
    std::int32_t tenure_days = -1;            // as_of - acquisition_day; -1: not yet acquired
    std::int32_t recency_days = -1;           // as_of - last purchase day; -1: no purchase yet
    std::int32_t last_interaction_days = -1;  // as_of - last interaction day; -1: none yet
    std::uint32_t frequency = 0;              // purchases in the window
    std::int64_t monetary_cents = 0;          // purchase revenue in the window
    std::uint32_t interactions = 0;           // interactions of any channel in the window
    std::uint32_t interactions_total = 0;     // interactions up to as_of
    std::uint32_t breadth = 0;                // distinct channels used in the window
    std::uint32_t active_weeks = 0;           // distinct 7-day periods (counted back from as_of)
    std::uint32_t active_months = 0;          // distinct calendar months in the window
    std::array<std::uint32_t, kMaxChannels> channel_count{};        // in the window
    std::array<std::int64_t, kMaxChannels> channel_hundredths{};    // value sums in the window
    EngagementSignals engagement_now;        // at the as-of date
    EngagementSignals engagement_previous;   // one trend period earlier

    bool operator==(const CustomerFeatures&) const = default;
};

}  // namespace engage::kernels
