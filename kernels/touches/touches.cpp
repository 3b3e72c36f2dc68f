#include "touches/touches.hpp"

#include <algorithm>
#include <limits>

namespace engage::kernels {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kNone = -1;

double share(std::int64_t a, std::int64_t b) noexcept { return b == 0 ? kNaN : double(a) / double(b); }

double median_of(std::vector<std::int64_t>& v) {
    if (v.empty()) return kNaN;
    std::sort(v.begin(), v.end());
    return double(nearest_rank(v, 50));
}
}  // namespace

EngagementStageKind engagement_stage(ChannelKind k) noexcept {
    switch (k) {
        case ChannelKind::usage:
        case ChannelKind::content:
            return EngagementStageKind::content;
        case ChannelKind::review:
        case ChannelKind::referral:
        case ChannelKind::event:
        case ChannelKind::community:
        case ChannelKind::idea:
        case ChannelKind::idea_vote:
        case ChannelKind::social:
        case ChannelKind::cocreation:
        case ChannelKind::idea_feedback:
            return EngagementStageKind::community;
        default:  // purchase, support, complaint, survey, offer, support_reply
            return EngagementStageKind::company;
    }
}

std::int64_t nearest_rank(std::span<const std::int64_t> sorted, int percent) noexcept {
    const std::size_t n = sorted.size();
    std::size_t rank = (std::size_t(percent) * n + 99) / 100;  // ceil(percent n / 100)
    if (rank < 1) rank = 1;
    return sorted[rank - 1];
}

void TouchesKernel::update(State& s, std::int64_t time, ChannelKind kind, bool company, std::uint32_t answers,
                           std::int64_t value_hundredths) noexcept {
    const std::int64_t whole = (value_hundredths >= 0 ? value_hundredths + 50 : value_hundredths - 50) / 100;
    const auto value = std::int16_t(std::clamp<std::int64_t>(whole, -32768, 32767));
    s.rows.push_back({time, answers, kind, company, value});
}

CustomerTouches TouchesKernel::finalize(State& s, Day window_start, Day as_of, bool answers_known,
                                        std::vector<std::int64_t>* delays) {
    CustomerTouches t;
    t.answers_known = answers_known;
    // The rows up to the as-of date: those before the first row after it (in time order, as
    // customer_touches reads them).
    const std::size_t n = std::size_t(
        std::find_if(s.rows.begin(), s.rows.end(), [as_of](const State::Row& r) { return Day(r.time / 86400) > as_of; }) -
        s.rows.begin());
    // For each row, the delay to its first answer of each sort (kNone: none by the as-of date),
    // and the highest idea feedback. Answers come after what they answer, so one pass in order
    // sees the first answer first.
    auto& first_customer = s.first_customer;
    auto& first_reply = s.first_reply;
    auto& first_resolution = s.first_resolution;
    auto& feedback = s.feedback;
    first_customer.assign(n, kNone);
    first_reply.assign(n, kNone);
    first_resolution.assign(n, kNone);
    feedback.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& r = s.rows[i];
        if (r.answers == 0 || r.answers > i) continue;
        const std::size_t j = i - r.answers;
        const std::int64_t delay = r.time - s.rows[j].time;
        if (!r.company) {
            if (first_customer[j] == kNone) first_customer[j] = delay;
        } else if (r.kind == ChannelKind::support_reply) {
            if (first_reply[j] == kNone) first_reply[j] = delay;
            if (r.value == 2 && first_resolution[j] == kNone) first_resolution[j] = delay;
        } else if (r.kind == ChannelKind::idea_feedback) {
            feedback[j] = std::max(feedback[j], r.value);
        }
    }
    auto& offer_delays = s.offer_delays;
    auto& reply_delays = s.reply_delays;
    auto& resolution_delays = s.resolution_delays;
    offer_delays.clear();
    reply_delays.clear();
    resolution_delays.clear();
    std::int32_t offers_answered = 0, tickets_answered = 0, tickets_resolved = 0;
    std::array<std::int32_t, 3> within{};
    std::int32_t commented = 0, evaluated = 0, implemented = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& r = s.rows[i];
        const Day day = Day(r.time / 86400);
        const bool in_window = day >= window_start && day <= as_of;
        if (r.kind == ChannelKind::idea && !r.company) ++t.ideas_to_date;
        if (!in_window) continue;
        ++t.interactions;
        if (r.company) {
            if (r.kind != ChannelKind::offer) continue;
            ++t.offers;
            if (first_customer[i] != kNone) {
                ++offers_answered;
                offer_delays.push_back(first_customer[i]);
            }
            continue;
        }
        ++t.customer_initiated;
        ++t.stage[int(engagement_stage(r.kind))];
        if (r.kind == ChannelKind::support) {
            ++t.tickets;
            if (first_reply[i] != kNone) {
                ++tickets_answered;
                reply_delays.push_back(first_reply[i]);
                for (int w = 0; w < 3; ++w) within[w] += first_reply[i] <= kWithinSeconds[w];
            }
            if (first_resolution[i] != kNone) {
                ++tickets_resolved;
                resolution_delays.push_back(first_resolution[i]);
            }
        } else if (r.kind == ChannelKind::idea) {
            ++t.ideas;
            commented += feedback[i] >= 1;
            evaluated += feedback[i] >= 2;
            implemented += feedback[i] == 3;
        } else if (r.kind == ChannelKind::idea_vote) {
            ++t.idea_votes;
        }
    }
    t.customer_initiated_share = share(t.customer_initiated, t.interactions);
    t.offer_response_rate = t.offer_response_median_s = kNaN;
    t.first_response_median_s = t.first_response_p90_s = t.resolution_median_s = kNaN;
    t.within_share = {kNaN, kNaN, kNaN};
    if (delays) delays->clear();
    if (!answers_known) return t;  // every count of answers stays -1 (unknown)
    t.offers_answered = offers_answered;
    t.offer_response_rate = share(offers_answered, t.offers);
    t.offer_response_median_s = median_of(offer_delays);
    t.tickets_answered = tickets_answered;
    t.tickets_resolved = tickets_resolved;
    t.first_response_median_s = median_of(reply_delays);
    if (!reply_delays.empty()) t.first_response_p90_s = double(nearest_rank(reply_delays, 90));  // sorted by median_of
    if (delays) *delays = reply_delays;
    t.resolution_median_s = median_of(resolution_delays);
    for (int w = 0; w < 3; ++w) {
        t.within[w] = within[w];
        t.within_share[w] = share(within[w], t.tickets);
    }
    t.ideas_commented = commented;
    t.ideas_evaluated = evaluated;
    t.ideas_implemented = implemented;
    return t;
}

CustomerTouches customer_touches(const ShardView& v, std::size_t k, Day window_start, Day as_of,
                                 const ChannelKinds& kinds, TouchesState& scratch,
                                 std::vector<std::int64_t>* delays) {
    scratch.rows.clear();
    for (std::size_t i = v.offsets[k]; i < v.offsets[k + 1]; ++i) {
        const std::int64_t time = v.time[i];
        if (Day(time / 86400) > as_of) break;  // sorted by time: nothing later counts
        const ChannelKind kind = kinds[v.channel[i]];
        const bool company = v.initiator.empty() ? company_kind(kind) : v.initiator[i] == 1;
        const std::uint32_t answers = v.answers.empty() ? 0 : v.answers[i];
        TouchesKernel::update(scratch, time, kind, company, answers, hundredths(v.value[i]));
    }
    return TouchesKernel::finalize(scratch, window_start, as_of, !v.answers.empty(), delays);
}

}  // namespace engage::kernels
