#pragma once
// The one driver of the feature kernels: folds each customer's interactions through every
// kernel in a single pass over memory, customers in parallel with OpenMP. Each customer is
// computed by exactly one thread from its own events, so the result does not depend on the
// number of threads.
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <tuple>
#include <utility>

#include "features/event.hpp"
#include "engagement/engagement_kernel.hpp"
#include "features/feature_kernels.hpp"

namespace engage::kernels {

// A shard's columns in memory: customers [0, n) with interactions offsets[i]..offsets[i+1]
// (offsets relative to the shard's first interaction).
struct ShardView {
    std::span<const std::uint64_t> offsets;       // n + 1
    std::span<const Day> acquisition_day;         // n
    std::span<const std::int64_t> time;           // offsets[n]
    std::span<const std::uint8_t> channel;        // offsets[n]
    std::span<const double> value;                // offsets[n]
    std::span<const double> wallet;               // n, or empty when no wallets are known
    // Schema version 2's optional columns (io::CustomerShard), empty when the file has none:
    // who initiated each interaction (0 customer, 1 company), and how many rows back within the
    // customer lies the interaction it answers (0: none).
    std::span<const std::uint8_t> initiator;      // offsets[n] or empty
    std::span<const std::uint32_t> answers;       // offsets[n] or empty
    std::size_t customers() const noexcept { return acquisition_day.size(); }
};

using ChannelKinds = std::array<ChannelKind, kMaxChannels>;

// value * 100 rounded half away from zero, inline (llround is a library call, and this runs
// once per interaction). Validated values are finite and at most 1e13 in magnitude.
inline std::int64_t hundredths(double value) noexcept {
    const double x = value * 100.0;
    return x >= 0 ? std::int64_t(x + 0.5) : -std::int64_t(0.5 - x);
}

inline Event make_event(const ShardView& v, std::size_t i, const ChannelKinds& kinds) noexcept {
    const std::int64_t t = v.time[i];
    const std::uint8_t ch = v.channel[i];
    const ChannelKind answers =
        v.answers.empty() || v.answers[i] == 0 ? kAnswersNothing : kinds[v.channel[i - v.answers[i]]];
    return Event{t, static_cast<Day>(t / 86400), ch, kinds[ch], hundredths(v.value[i]), answers};
}

template <class... Kernels>
struct FeaturePass {
    using States = std::tuple<typename Kernels::State...>;

    // Folds events [begin, end) of one customer (time order) into fresh states.
    static States fold(const ShardView& v, std::size_t begin, std::size_t end,
                       const FeatureContext& c, const ChannelKinds& kinds) noexcept {
        States s{};
        for (std::size_t i = begin; i < end; ++i) {
            const Event e = make_event(v, i, kinds);
            if (e.day > c.as_of) break;  // sorted by time: nothing later counts
            std::apply([&](auto&... st) { (Kernels::update(st, e, c), ...); }, s);
        }
        return s;
    }

    static void combine(States& into, const States& later) noexcept {
        combine_impl(into, later, std::index_sequence_for<Kernels...>{});
    }

    // The features of folded states, written into `out` where it lies (a row returned and then
    // assigned cost the run a 592-byte copy a customer: docs/performance.md).
    static void finalize(const States& s, const FeatureContext& c, CustomerFeatures& out) noexcept {
        out = CustomerFeatures{};
        finalize_impl(s, c, out, std::index_sequence_for<Kernels...>{});
    }
    static CustomerFeatures finalize(const States& s, const FeatureContext& c) noexcept {
        CustomerFeatures out;
        finalize(s, c, out);
        return out;
    }

    // Customer k's features, into `out`.
    static void customer(const ShardView& v, std::size_t k, FeatureContext c, const ChannelKinds& kinds,
                         CustomerFeatures& out) noexcept {
        c.acquisition_day = v.acquisition_day[k];
        c.wallet = v.wallet.empty() ? std::numeric_limits<double>::quiet_NaN() : v.wallet[k];
        finalize(fold(v, v.offsets[k], v.offsets[k + 1], c, kinds), c, out);
    }
    static CustomerFeatures customer(const ShardView& v, std::size_t k, const FeatureContext& c,
                                     const ChannelKinds& kinds) noexcept {
        CustomerFeatures out;
        customer(v, k, c, kinds, out);
        return out;
    }

    // Every customer of the shard, in parallel; out.size() == v.customers().
    static void run(const ShardView& v, const FeatureContext& c, const ChannelKinds& kinds,
                    std::span<CustomerFeatures> out) noexcept {
        const auto n = static_cast<std::int64_t>(v.customers());
#pragma omp parallel for schedule(dynamic, 256)
        for (std::int64_t k = 0; k < n; ++k) customer(v, std::size_t(k), c, kinds, out[k]);
    }

private:
    template <std::size_t... I>
    static void combine_impl(States& a, const States& b, std::index_sequence<I...>) noexcept {
        (Kernels::combine(std::get<I>(a), std::get<I>(b)), ...);
    }
    template <std::size_t... I>
    static void finalize_impl(const States& s, const FeatureContext& c, CustomerFeatures& out,
                              std::index_sequence<I...>) noexcept {
        (Kernels::finalize(std::get<I>(s), c, out), ...);
    }
};

// The feature set of `engage score`.
using ScoreFeatures = FeaturePass<TenureKernel, RecencyKernel, ActivityKernel, ChannelMixKernel,
                                  ActivePeriodsKernel, EngagementKernel>;

}  // namespace engage::kernels
