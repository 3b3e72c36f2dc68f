#pragma once
// The retention study's outcome side, for one scoring date T and the horizon (T, T + H]: which
// engagement goes with retention and revenue (correlations), whether the score predicts who
// leaves (backtest: AUC, lift by decile, P(alive) calibration) and the seed claims. Collective
// steps after the engagement model and the retention models of that date.
#include <array>
#include <memory>
#include <span>
#include <vector>

#include "engagement/engagement_pass.hpp"
#include "jobs/retention_stage.hpp"
#include "study/backtest.hpp"
#include "study/claims.hpp"
#include "study/correlation.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs {

// This rank's customers at one date, in order (every span the same length).
struct StudyInputs {
    std::span<const kernels::EngagementRecord> records;
    std::span<const kernels::ScoredCustomer> scored;
    std::span<const kernels::StudyOutcome> outcomes;
    std::span<const kernels::PurchaseHistory> histories;
    const RetentionResult* retention;
    std::int32_t horizon_days;
};

std::vector<kernels::StudyCustomer> study_customers(const StudyInputs& in);

// The correlations of the as-of date: the variables, in matrix order, and one group per
// scope (corporate, each business unit, each acquisition year).
constexpr int kStudyVariables = 10;
constexpr const char* kStudyVariableNames[kStudyVariables] = {
    "usage", "sentiment", "involvement", "advocacy", "competitive", "composite",
    "retained", "horizon_revenue", "share_of_wallet", "p_alive"};
// Rank keys of the Spearman correlations: 1,024 per variable and group (docs/metrics.md).
constexpr int kCorrelationKeyBits = 10;

// The calendar year of a day counted from 1970-01-01.
std::int64_t acquisition_year(std::int64_t unix_day);

struct StudyCorrelation {
    std::size_t business_units = 0;
    std::int64_t first_year = 0, last_year = -1;  // acquisition years of the customers at risk
    std::unique_ptr<kernels::CorrelationResult> result;
    // Groups: 0 corporate, 1 + b business unit b, 1 + units + (y - first_year) acquisition year y.
    int groups() const noexcept { return int(1 + business_units + std::size_t(last_year - first_year + 1)); }
};

// Collective.
StudyCorrelation run_correlation(const mpi::Comm& comm, std::span<const kernels::StudyCustomer> customers,
                                 std::span<const kernels::ScoredCustomer> scored, std::size_t business_units,
                                 std::int64_t epoch_unix_day, std::int64_t min_group_size);

// Collective.
kernels::BacktestResult run_backtest(const mpi::Comm& comm, std::span<const kernels::StudyCustomer> customers,
                            std::size_t business_units);

}  // namespace engage::jobs
