#include "synth/company_touches.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace engage::kernels {

namespace {

constexpr double kDay = 86400.0;
constexpr double kOffersPerDay = 1.0 / 30.0;       // about one offer a month while active
constexpr double kResponseMedianDays = 3.0;        // exponential delay of a response to an offer
constexpr double kResponsePurchaseShare = 0.5;     // a response is a purchase, else a content view
constexpr double kSupportNoiseSigma = 0.4;         // customer around its region's median
constexpr double kReplySigma = 1.0;                // one reply around the customer's median
constexpr double kResolutionShare = 0.4;           // tickets with a later resolving reply
constexpr double kSlowSupportSeconds = kDay;       // slower than this raises the churn hazard
constexpr double kSlowSupportChurnFactor = 1.8;
// Idea feedback: the share reaching each stage given the one before (commented, evaluated,
// implemented), and the median delay in days of each stage after the one before.
constexpr double kIdeaStageShare[3] = {0.6, 0.5, 0.3};
constexpr double kIdeaStageMedianDays[3] = {3.0, 14.0, 30.0};
constexpr double kIdeaSigma = 0.7;

double normal(Rng& r) { return std::normal_distribution<double>(0.0, 1.0)(r); }
double lognormal(double median, double sigma, Rng& r) { return median * std::exp(sigma * normal(r)); }
// Whole seconds after `t`, at least one: an answer is strictly later than what it answers.
std::int64_t after(std::int64_t t, double seconds) { return t + std::max<std::int64_t>(1, std::int64_t(seconds)); }

// column[base + k] = column[base + order[k]] for every k.
template <class T>
void permute(std::vector<T>& column, std::size_t base, const std::vector<std::uint32_t>& order) {
    std::vector<T> sorted(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) sorted[k] = column[base + order[k]];
    std::copy(sorted.begin(), sorted.end(), column.begin() + std::ptrdiff_t(base));
}

}  // namespace

double region_support_median_seconds(std::uint32_t region) {
    static constexpr double median[3] = {15.0 * 60.0, 4.0 * 3600.0, 2.0 * kDay};
    return median[region % 3];
}

double draw_support_median_seconds(std::uint32_t region, Rng& touches) {
    return lognormal(region_support_median_seconds(region), kSupportNoiseSigma, touches);
}

double support_churn_factor(double support_median_seconds) {
    return support_median_seconds > kSlowSupportSeconds ? kSlowSupportChurnFactor : 1.0;
}

double offer_response_probability(double engagement) { return 0.05 + 0.5 * engagement; }

std::size_t plant_company_touches(const SynthCustomer& c, std::int64_t start, std::int64_t limit, Rng& touches,
                                  SynthEvents& ev, std::size_t base) {
    const std::size_t own = ev.time.size() - base;
    ev.target.assign(own, -1);
    auto add = [&](std::int64_t time, ChannelKind kind, double value, std::int64_t target) {
        ev.time.push_back(time);
        ev.channel.push_back(std::uint8_t(kind));
        ev.value.push_back(value);
        ev.target.push_back(target);
    };
    auto local = [&]() { return std::int64_t(ev.time.size() - base); };

    // Support replies and idea feedback answer the customer's own rows (indices below `own`).
    for (std::size_t k = 0; k < own; ++k) {
        const std::int64_t t = ev.time[base + k];
        const auto kind = ChannelKind(ev.channel[base + k]);
        if (kind == ChannelKind::support) {
            const std::int64_t reply = after(t, lognormal(c.support_median_seconds, kReplySigma, touches));
            if (reply >= limit) continue;
            add(reply, ChannelKind::support_reply, 1.0, std::int64_t(k));
            if (touches.uniform() >= kResolutionShare) continue;
            const std::int64_t resolved = after(reply, lognormal(c.support_median_seconds, kReplySigma, touches));
            if (resolved < limit) add(resolved, ChannelKind::support_reply, 2.0, std::int64_t(k));
        } else if (kind == ChannelKind::idea) {
            std::int64_t at = t;
            for (int stage = 0; stage < 3; ++stage) {
                if (touches.uniform() >= kIdeaStageShare[stage]) break;
                at = after(at, lognormal(kIdeaStageMedianDays[stage] * kDay, kIdeaSigma, touches));
                if (at >= limit) break;
                add(at, ChannelKind::idea_feedback, double(stage + 1), std::int64_t(k));
            }
        }
    }

    // Offers: a Poisson number over the active span, uniform times; each answered with
    // probability p(e) after an exponential delay, unless the customer has gone by then.
    const double span = double(limit - start);
    const auto offers = std::poisson_distribution<std::uint64_t>(kOffersPerDay * span / kDay)(touches);
    const double mean_delay = kResponseMedianDays * kDay / std::log(2.0);
    for (std::uint64_t o = 0; o < offers; ++o) {
        const std::int64_t sent = start + std::int64_t(touches.uniform() * span);
        const std::int64_t offer = local();
        add(sent, ChannelKind::offer, 1.0, -1);
        if (touches.uniform() >= c.offer_response_probability) continue;
        const std::int64_t response = after(sent, -mean_delay * std::log1p(-touches.uniform()));
        if (response >= limit) continue;
        if (touches.uniform() < kResponsePurchaseShare)
            add(response, ChannelKind::purchase, synth_purchase_value(c.engagement, c.segment, touches), offer);
        else
            add(response, ChannelKind::content, 1.0, offer);
    }

    // All rows in time order: a stable sort keeps the customer's rows in their order and puts an
    // answer after what it answers (appended later, never earlier in time).
    const std::size_t n = ev.time.size() - base;
    ev.order.resize(n);
    for (std::size_t k = 0; k < n; ++k) ev.order[k] = std::uint32_t(k);
    std::stable_sort(ev.order.begin(), ev.order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return ev.time[base + a] < ev.time[base + b]; });
    permute(ev.time, base, ev.order);
    permute(ev.channel, base, ev.order);
    permute(ev.value, base, ev.order);
    // position[k]: where local row k now lies.
    std::vector<std::uint32_t> position(n);
    for (std::size_t k = 0; k < n; ++k) position[ev.order[k]] = std::uint32_t(k);
    ev.initiator.resize(base + n);
    ev.answers.resize(base + n);
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t row = base + position[k];
        const auto kind = ChannelKind(ev.channel[row]);
        const bool company =
            kind == ChannelKind::offer || kind == ChannelKind::support_reply || kind == ChannelKind::idea_feedback;
        ev.initiator[row] = company ? 1 : 0;
        ev.answers[row] = ev.target[k] < 0 ? 0 : position[k] - position[std::size_t(ev.target[k])];
    }
    return n - own;
}

}  // namespace engage::kernels
