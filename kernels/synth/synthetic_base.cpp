#include "synth/synthetic_base.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>

#include "synth/company_touches.hpp"
#include "synth/rng.hpp"

namespace engage::kernels {

SynthHierarchy::SynthHierarchy(const SynthConfig& c)
    : business_units(std::max(1u, c.business_units)),
      regions(business_units * std::max(1u, c.regions_per_unit)),
      rms(std::max<std::uint32_t>(
          regions, std::uint32_t((c.customers + c.customers_per_rm - 1) / std::max(1u, c.customers_per_rm)))) {
    rms = (rms + regions - 1) / regions * regions;  // the same number of RMs in every region
}

namespace {

double normal(Rng& r) { return std::normal_distribution<double>(0.0, 1.0)(r); }
double clamp(double x, double lo, double hi) { return std::min(hi, std::max(lo, x)); }

// Relative rate of each channel kind (ChannelKind order) for a customer of engagement e.
std::array<double, kChannelKinds> channel_weights(double e) {
    const double e2 = e * e;
    return {0.26,                  // purchase
            0.16 + 0.20 * e,       // usage (login)
            0.05,                  // support
            0.04 * (1 - e) * (1 - e),  // complaint
            0.02,                  // survey
            0.03 * e,              // review
            0.015 * e2,            // referral
            0.03 * e2,             // event
            0.04 * e2,             // community
            0.008 * e2,            // idea
            0.03 * e2,             // idea vote
            0.15,                  // content
            0.03 * e2,             // social
            0.005 * e2};           // cocreation
}

// Median purchase value by engagement and segment (consumer, small business, enterprise).
double median_purchase(double e, std::uint8_t segment) {
    static constexpr double scale[3] = {1.0, 5.0, 25.0};
    return 40.0 * scale[segment] * (0.5 + e);
}
constexpr double kPurchaseSigma = 0.6;  // lognormal spread of purchase values
double mean_purchase(double e, std::uint8_t segment) {
    return median_purchase(e, segment) * std::exp(kPurchaseSigma * kPurchaseSigma / 2.0);
}

}  // namespace

double synth_purchase_value(double e, std::uint8_t segment, Rng& r) {
    const double spend = median_purchase(e, segment) * std::exp(kPurchaseSigma * normal(r));
    return std::round(spend * 100.0) / 100.0;
}

namespace {

double value_of(ChannelKind k, double e, std::uint8_t segment, Rng& r) {
    switch (k) {
    case ChannelKind::purchase: return synth_purchase_value(e, segment, r);
    case ChannelKind::survey:  // NPS answer 0-10
        return std::round(clamp(3.0 + 7.0 * e + 1.0 * normal(r), 0.0, 10.0));
    case ChannelKind::review:  // star rating 1-5
        return std::round(clamp(1.3 + 3.7 * e + 0.5 * normal(r), 1.0, 5.0));
    default: return 1.0;
    }
}

}  // namespace

SynthCustomer synth_customer(const SynthConfig& c, const SynthHierarchy& h, std::uint64_t i,
                             SynthEvents* events) {
    if (c.company_touches && !events) {  // the count includes touches planted on the events
        SynthEvents scratch;
        return synth_customer(c, h, i, &scratch);
    }
    Rng r(c.seed, i);
    SynthCustomer out{};
    // Strictly increasing ids with gaps, as real customer numbers have.
    out.id = 1000000 + 4 * i + (r() & 3);
    out.rm = std::uint32_t(r() % h.rms);
    out.region = out.rm / (h.rms / h.regions);
    out.business_unit = out.region / (h.regions / h.business_units);
    const double seg = r.uniform();
    out.segment = seg < 0.70 ? 0 : (seg < 0.95 ? 1 : 2);

    // Acquisitions grow over the years: density rising linearly across the history.
    const double a = std::sqrt(0.25 + 0.75 * r.uniform());
    out.acquisition_day = Day(std::floor((a - 0.5) / 0.5 * (c.history_days - 1)));
    out.acquisition_day = std::clamp<Day>(out.acquisition_day, 0, c.history_days - 1);

    const double z = normal(r);
    out.engagement = 0.5 * std::erfc(-z / std::sqrt(2.0));  // Phi(z)

    // The company's touches draw from their own stream, so that without them every draw from
    // r is what it was. First the support speed, which raises the churn hazard when slow.
    Rng touches(c.seed ^ kTouchSeedMask, i);
    double churn_factor = 1.0;
    out.offer_response_probability = out.support_median_seconds = std::numeric_limits<double>::quiet_NaN();
    if (c.company_touches) {
        out.offer_response_probability = offer_response_probability(out.engagement);
        out.support_median_seconds = draw_support_median_seconds(out.region, touches);
        churn_factor = support_churn_factor(out.support_median_seconds);
    }

    // Churn: exponential lifetime whose yearly hazard falls with engagement (times the support
    // factor, 1 without touches).
    const double hazard_per_day = 0.45 * std::exp(-1.1 * z) / 365.0 * churn_factor;
    const double life = std::exponential_distribution<double>(hazard_per_day)(r);
    const double end_day = out.acquisition_day + life;
    out.churn_day = end_day < c.history_days ? Day(end_day) : -1;

    // Heavy-tailed activity: lognormal in its own factor and in engagement.
    const double activity = std::exp(0.6 * normal(r) + 1.3 * z);
    const double mean_activity = std::exp((0.6 * 0.6 + 1.3 * 1.3) / 2.0);
    const double span_days = std::max(1.0, std::min<double>(end_day, c.history_days) - out.acquisition_day);
    // 0.36 calibrates the mean count per customer to mean_interactions under the acquisition,
    // churn and activity model above (measured: 100.3 at 1,000,000 customers).
    const double rate = c.mean_interactions / (0.36 * c.history_days) * activity / mean_activity;
    const double expected = std::min(rate * span_days, double(c.max_interactions));
    out.interactions = std::uint32_t(std::min<std::uint64_t>(
        std::poisson_distribution<std::uint64_t>(expected)(r), c.max_interactions));

    // Wallet known for 60 % of customers: the customer's expected yearly spend with us divided
    // by its share of wallet, which rises with engagement.
    const bool known = r.uniform() < 0.6;
    const double share = clamp(0.15 + 0.7 * out.engagement + 0.1 * normal(r), 0.05, 0.95);
    const auto weights = channel_weights(out.engagement);
    double total_weight = 0;
    for (double w : weights) total_weight += w;
    const double purchases_per_year = rate * 365.0 * weights[int(ChannelKind::purchase)] / total_weight;
    const double yearly_spend = purchases_per_year * mean_purchase(out.engagement, out.segment);
    out.wallet = known ? std::round(std::max(1.0, yearly_spend / share)) : std::numeric_limits<double>::quiet_NaN();

    if (!events) return out;
    // Times: sorted uniforms over the active span via normalised exponential spacings.
    const std::int64_t start = std::int64_t(out.acquisition_day) * 86400;
    const auto span_s = std::int64_t(span_days * 86400.0) - 1;
    std::array<double, kChannelKinds> cumulative{};
    double total = 0;
    for (int k = 0; k < kChannelKinds; ++k) cumulative[k] = total += weights[k];
    const std::size_t n = out.interactions, base = events->time.size();
    events->time.resize(base + n);
    events->spacing.resize(n);
    double acc = 0;
    for (std::size_t k = 0; k < n; ++k) events->spacing[k] = acc += -std::log1p(-r.uniform());
    const double norm = acc - std::log1p(-r.uniform());
    for (std::size_t k = 0; k < n; ++k)
        events->time[base + k] = start + std::int64_t(events->spacing[k] / norm * double(span_s));
    for (std::size_t k = 0; k < n; ++k) {
        const double u = r.uniform() * total;
        int kind = 0;
        while (kind < kChannelKinds - 1 && u >= cumulative[kind]) ++kind;
        events->channel.push_back(std::uint8_t(kind));
        events->value.push_back(value_of(ChannelKind(kind), out.engagement, out.segment, r));
    }
    if (c.company_touches)
        out.interactions += std::uint32_t(plant_company_touches(out, start, start + span_s, touches, *events, base));
    return out;
}

}  // namespace engage::kernels
