#pragma once
// The per-customer feature kernels: each is a State with update (one event, in time order),
// combine (append the state of the customer's later events) and finalize. A new feature is a
// new kernel here plus its test; the driver in feature_pass.hpp folds all of them in one pass.
#include "features/event.hpp"

namespace engage::kernels {

inline bool in_window(const Event& e, const FeatureContext& c) noexcept {
    return e.day >= c.window_start && e.day <= c.as_of;
}

struct TenureKernel {
    struct State {};
    static void update(State&, const Event&, const FeatureContext&) noexcept {}
    static void combine(State&, const State&) noexcept {}
    static void finalize(const State&, const FeatureContext& c, CustomerFeatures& out) noexcept {
        out.tenure_days = c.acquisition_day <= c.as_of ? c.as_of - c.acquisition_day : -1;
    }
};

struct RecencyKernel {
    struct State {
        Day last_purchase = kNoDay;
        Day last_any = kNoDay;
    };
    static void update(State& s, const Event& e, const FeatureContext&) noexcept {
        if (company_kind(e.kind)) return;
        s.last_any = e.day;
        if (e.kind == ChannelKind::purchase) s.last_purchase = e.day;
    }
    static void combine(State& into, const State& later) noexcept {
        if (later.last_any != kNoDay) into.last_any = later.last_any;
        if (later.last_purchase != kNoDay) into.last_purchase = later.last_purchase;
    }
    static void finalize(const State& s, const FeatureContext& c, CustomerFeatures& out) noexcept {
        out.recency_days = s.last_purchase == kNoDay ? -1 : c.as_of - s.last_purchase;
        out.last_interaction_days = s.last_any == kNoDay ? -1 : c.as_of - s.last_any;
    }
};

// Frequency and monetary value of purchases in the window, and interaction counts.
struct ActivityKernel {
    struct State {
        std::uint32_t purchases = 0;
        std::int64_t cents = 0;
        std::uint32_t in_window = 0;
        std::uint32_t total = 0;
    };
    static void update(State& s, const Event& e, const FeatureContext& c) noexcept {
        if (company_kind(e.kind)) return;
        ++s.total;
        if (!in_window(e, c)) return;
        ++s.in_window;
        if (e.kind == ChannelKind::purchase) {
            ++s.purchases;
            s.cents += e.hundredths;
        }
    }
    static void combine(State& into, const State& later) noexcept {
        into.purchases += later.purchases;
        into.cents += later.cents;
        into.in_window += later.in_window;
        into.total += later.total;
    }
    static void finalize(const State& s, const FeatureContext&, CustomerFeatures& out) noexcept {
        out.frequency = s.purchases;
        out.monetary_cents = s.cents;
        out.interactions = s.in_window;
        out.interactions_total = s.total;
    }
};

// Count and value per channel in the window (the company's channels too); breadth = the
// customer's channels with at least one interaction.
struct ChannelMixKernel {
    struct State {
        std::array<std::uint32_t, kMaxChannels> count{};
        std::array<std::int64_t, kMaxChannels> hundredths{};
        std::uint32_t customer_channels = 0;  // bit c: channel c used by the customer
    };
    static void update(State& s, const Event& e, const FeatureContext& c) noexcept {
        if (!in_window(e, c)) return;
        ++s.count[e.channel];
        s.hundredths[e.channel] += e.hundredths;
        if (!company_kind(e.kind)) s.customer_channels |= 1u << e.channel;
    }
    static void combine(State& into, const State& later) noexcept {
        for (int k = 0; k < kMaxChannels; ++k) {
            into.count[k] += later.count[k];
            into.hundredths[k] += later.hundredths[k];
        }
        into.customer_channels |= later.customer_channels;
    }
    static void finalize(const State& s, const FeatureContext&, CustomerFeatures& out) noexcept {
        out.channel_count = s.count;
        out.channel_hundredths = s.hundredths;
        out.breadth = std::uint32_t(std::popcount(s.customer_channels));
    }
};

// Distinct active weeks (7-day periods counted back from as_of, so the latest week is whole)
// and distinct calendar months in the window. Events arrive in time order, so a distinct
// period starts wherever the period index changes; combine removes the double count where
// two partial sequences meet in the same period.
struct ActivePeriodsKernel {
    struct Periods {
        std::uint32_t count = 0;
        std::int32_t first = -1;
        std::int32_t last = -1;
        void add(std::int32_t p) noexcept {
            if (count == 0) first = p;
            if (count == 0 || p != last) ++count;
            last = p;
        }
        void append(const Periods& later) noexcept {
            if (later.count == 0) return;
            if (count == 0) { *this = later; return; }
            count += later.count - (later.first == last ? 1u : 0u);
            last = later.last;
        }
    };
    struct State {
        Periods weeks;
        Periods months;
    };
    static void update(State& s, const Event& e, const FeatureContext& c) noexcept {
        if (!in_window(e, c) || company_kind(e.kind)) return;
        s.weeks.add((c.as_of - e.day) / 7);
        s.months.add(c.month_of[e.day - c.window_start]);
    }
    static void combine(State& into, const State& later) noexcept {
        into.weeks.append(later.weeks);
        into.months.append(later.months);
    }
    static void finalize(const State& s, const FeatureContext&, CustomerFeatures& out) noexcept {
        out.active_weeks = s.weeks.count;
        out.active_months = s.months.count;
    }
};

}  // namespace engage::kernels
