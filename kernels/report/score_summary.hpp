#pragma once
// The corporate and business-unit summary of a scoring run, as one mergeable state:
// update() per customer, combine() between shards, and two flat integer views (sums and
// maxima) through which ranks all-reduce it. Every field is an integer, so the merged state,
// and every report printed from it, is identical for any number of ranks and threads.
#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "features/event.hpp"
#include "report/log_histogram.hpp"

namespace engage::kernels {

enum class Feature : int {
    tenure_days, recency_days, last_interaction_days, frequency, monetary_cents,
    interactions, interactions_total, breadth, active_weeks, active_months,
};
constexpr int kFeatures = 10;
const char* feature_name(Feature f) noexcept;
// The value of feature f for one customer, or -1 where it is undefined for that customer.
std::int64_t feature_value(const CustomerFeatures& c, Feature f) noexcept;

struct GroupSums {
    std::int64_t customers = 0;            // in the file
    std::int64_t acquired = 0;             // acquired on or before the as-of date
    std::int64_t active = 0;               // at least one interaction in the window
    std::int64_t purchasers = 0;           // at least one purchase in the window
    std::int64_t interactions_window = 0;
    std::int64_t interactions_total = 0;   // up to the as-of date
    std::int64_t revenue_cents = 0;        // purchases in the window
    std::array<DistributionSums, kFeatures> features{};
    std::array<std::int64_t, kMaxChannels> channel_customers{};
    std::array<std::int64_t, kMaxChannels> channel_interactions{};
    std::array<std::int64_t, kMaxChannels> channel_hundredths{};
};

struct GroupExtremes {
    std::array<DistributionExtremes, kFeatures> features{};
};

class ScoreSummary {
public:
    // Group 0 is the corporation; group 1 + u is business unit u. A customer updates its unit's
    // group only: the corporation's is the units' merged when it is asked for (every customer
    // belongs to exactly one unit, and every field merges exactly), which halves the work per
    // customer.
    explicit ScoreSummary(std::size_t business_units);

    void update(const CustomerFeatures& c, std::uint32_t business_unit) noexcept;
    void combine(const ScoreSummary& other) noexcept;
    // Every group back to no customer (as constructed), keeping the memory.
    void clear() noexcept;
    // The memory of the groups.
    std::size_t bytes() const noexcept { return units_.size() * (sizeof(GroupSums) + sizeof(GroupExtremes)); }

    std::size_t groups() const noexcept { return units_.size() + 1; }
    GroupSums sums(std::size_t g) const noexcept;
    GroupExtremes extremes(std::size_t g) const noexcept;

    // The sum of several groups, e.g. the "other" row of suppressed groups.
    std::pair<GroupSums, GroupExtremes> merged(std::span<const std::size_t> groups) const noexcept;

    // Flat views for the all-reduce: combine the first by sum, the second by maximum.
    std::span<std::int64_t> sum_words() noexcept;
    std::span<std::int64_t> max_words() noexcept;
    std::span<const std::int64_t> sum_words() const noexcept;
    std::span<const std::int64_t> max_words() const noexcept;

private:
    std::vector<GroupSums> units_;                 // unit u at u
    std::vector<GroupExtremes> unit_extremes_;
};

// Adds the customers `f` (of business units `units`) to `into` on the OpenMP threads: each
// thread adds a contiguous range to a summary of its own (`into` itself for the first, `scratch`
// for the others: kept by the caller from call to call, at most `scratch_bytes` of them), then
// the summaries are combined into `into` and cleared. Every field is an integer, so `into` ends
// as one thread adding the customers in turn would leave it, for any number of threads.
void add_customers(ScoreSummary& into, std::span<const CustomerFeatures> f, std::span<const std::uint32_t> units,
                   std::vector<ScoreSummary>& scratch, std::size_t scratch_bytes = std::size_t(32) << 20);

}  // namespace engage::kernels
