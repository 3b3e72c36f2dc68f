#include "jobs/study_stage.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "core/dates.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

std::vector<kernels::StudyCustomer> study_customers(const StudyInputs& in) {
    std::vector<kernels::StudyCustomer> out(in.scored.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto& s = in.scored[i];
        const auto& h = in.histories[i];
        auto& c = out[i];
        c.acquired = s.now.acquired;
        c.composite = s.now.composite;
        c.tier = s.now.tier;
        c.business_unit = s.business_unit;
        c.outcome = in.outcomes[i];
        c.calibrated = h.calibrated;
        if (h.calibrated) {
            c.p_alive = in.retention->predictions[i].p_alive;
            c.expected_holdout = in.retention->holdout_expected[i];
            c.actual_holdout = h.holdout_transactions;
        }
        // Share of wallet over the horizon: its revenue per 365 days over the yearly wallet.
        const std::int64_t wallet = in.records[i].wallet_cents;
        if (wallet > 0)
            c.share_of_wallet = std::clamp(double(c.outcome.horizon_revenue_cents) * 365.0 /
                                               double(in.horizon_days) / double(wallet), 0.0, 1.0);
    }
    return out;
}

std::int64_t acquisition_year(std::int64_t unix_day) {
    const std::int32_t m = month_index(unix_day);
    return 1970 + (m >= 0 ? m / 12 : -((11 - m) / 12));
}

namespace {

// The correlation variables of a customer at risk (NaN: unknown).
std::array<double, kStudyVariables> study_values(const kernels::StudyCustomer& c, const kernels::ScoredCustomer& s) {
    std::array<double, kStudyVariables> v;
    for (int d = 0; d < kernels::kDimensions; ++d) v[std::size_t(d)] = s.now.dimension[std::size_t(d)];
    v[5] = c.composite;
    v[6] = c.outcome.retained ? 1.0 : 0.0;
    v[7] = double(c.outcome.horizon_revenue_cents) / 100.0;
    v[8] = c.share_of_wallet;
    v[9] = c.calibrated ? c.p_alive : std::nan("");
    return v;
}

}  // namespace

StudyCorrelation run_correlation(const mpi::Comm& comm, std::span<const kernels::StudyCustomer> customers,
                                 std::span<const kernels::ScoredCustomer> scored, std::size_t business_units,
                                 std::int64_t epoch_unix_day, std::int64_t min_group_size) {
    using namespace kernels;
    StudyCorrelation out;
    out.business_units = business_units;
    // Each customer at risk: its values and its acquisition year; then the years of all ranks.
    std::vector<std::size_t> members;
    std::vector<std::int64_t> years;
    std::int64_t bounds[2] = {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::min()};
    for (std::size_t i = 0; i < customers.size(); ++i) {
        const StudyCustomer& c = customers[i];
        if (!c.acquired || !c.outcome.at_risk) continue;
        members.push_back(i);
        years.push_back(acquisition_year(epoch_unix_day + c.outcome.acquisition_day));
        bounds[0] = std::max(bounds[0], -years.back());
        bounds[1] = std::max(bounds[1], years.back());
    }
    comm.allreduce_max(bounds);
    out.first_year = -bounds[0];
    out.last_year = bounds[1];
    if (out.last_year < out.first_year) out.first_year = out.last_year = 0;  // nobody at risk

    const CorrelationSpec spec{.variables = kStudyVariables, .groups = out.groups(), .min_group_size = min_group_size,
                               .key_bits = kCorrelationKeyBits};
    std::vector<std::array<double, kStudyVariables>> values(members.size());
    std::vector<std::array<int, 3>> of(members.size());
    for (std::size_t k = 0; k < members.size(); ++k) {
        const StudyCustomer& c = customers[members[k]];
        values[k] = study_values(c, scored[members[k]]);
        of[k] = {0, int(1 + c.business_unit), int(1 + business_units + std::size_t(years[k] - out.first_year))};
    }
    // Three passes (ranges, moments and rank histograms, rank moments), each all-reduced.
    CorrelationRanges ranges(spec);
    for (std::size_t k = 0; k < values.size(); ++k) ranges.add(values[k], of[k]);
    mpi::allreduce_state(comm, ranges);
    const CorrelationGrid grid(ranges);
    CorrelationMoments moments(grid);
    for (std::size_t k = 0; k < values.size(); ++k) moments.add(values[k], of[k]);
    mpi::allreduce_state(comm, moments);
    const RankTables tables = moments.take_rank_tables();
    RankMoments rank_moments(tables);
    for (std::size_t k = 0; k < values.size(); ++k) rank_moments.add(values[k], of[k]);
    mpi::allreduce_state(comm, rank_moments);
    out.result = std::make_unique<CorrelationResult>(moments, rank_moments);
    return out;
}

kernels::BacktestResult run_backtest(const mpi::Comm& comm, std::span<const kernels::StudyCustomer> customers,
                            std::size_t business_units) {
    using namespace kernels;
    auto keys = std::make_unique<ChurnHistograms>();
    add_churn_keys(customers, *keys);
    mpi::allreduce_state(comm, *keys);
    keys->finalize();

    BacktestResult r{.auc = {}, .sums = BacktestSums(), .claims = ClaimsState(business_units)};
    for (int o = 0; o < 2; ++o)
        for (int p = 0; p < kPredictors; ++p) r.auc[o][p] = churn_auc(*keys, o, Predictor(p));
    r.at_risk = r.auc[0][0].positives + r.auc[0][0].negatives;
    r.churned = r.auc[0][0].negatives;
    for (const auto& c : customers) {
        r.sums.add(c, *keys);
        r.claims.add(c);
    }
    mpi::allreduce_state(comm, r.sums);
    comm.allreduce_sum(r.claims.sum_words());
    comm.allreduce_sum(r.claims.sum_words_exact());
    return r;
}

}  // namespace engage::jobs
