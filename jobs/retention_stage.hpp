#pragma once
// The retention study's collective steps after the feature pass and the engagement model:
// buy-till-you-die fits over all ranks' customers, per-customer predictions, Kaplan-Meier
// curves by engagement tier with the log-rank test, and the cohort matrix.
#include <memory>
#include <span>
#include <vector>

#include "cohort/cohort_retention.hpp"
#include "retention/retention_config.hpp"
#include "report/engagement_summary.hpp"
#include "retention/bg_nbd.hpp"
#include "retention/gamma_gamma.hpp"
#include "retention/pareto_nbd.hpp"
#include "retention/purchase_history.hpp"
#include "retention/retention_prediction.hpp"
#include "survival/survival_counts.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs {

struct RetentionResult {
    kernels::BgNbdFit bg_nbd{};
    kernels::ParetoNbdFit pareto_nbd{};
    kernels::GammaGammaFit gamma_gamma{};
    std::int64_t calibrated = 0;     // customers with a first purchase by the calibration end
    std::int64_t gamma_gamma_customers = 0;  // with repeat transactions of positive mean value
    double holdout_actual = 0, holdout_bg_nbd = 0, holdout_pareto_nbd = 0;  // repeat transactions
    kernels::SurvivalCounts survival;  // groups: engagement tiers at the as-of date
    std::vector<kernels::RetentionPrediction> predictions;  // this rank's customers, in order
    std::vector<double> holdout_expected;  // BG/NBD repeat transactions expected in the holdout, per customer
};

// Collective. `scored` gives each customer's tier (the Kaplan-Meier groups).
RetentionResult run_retention_model(const mpi::Comm& comm, std::span<const kernels::PurchaseHistory> histories,
                                    std::span<const kernels::ScoredCustomer> scored, const kernels::RetentionConfig& o);

}  // namespace engage::jobs
