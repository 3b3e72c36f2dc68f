#pragma once
// report.json's "accounts_at_risk" section (docs/data-format.md): the corporation's top
// accounts at risk, and each business unit's and relationship manager's, ranked by revenue at
// risk (kernels/report/accounts_at_risk.hpp), with each account's change since the trend date.
// The relationship managers' lists are a splice (io/report/splice.hpp): one entry per manager
// with an account at risk, built when written from `risk`, `summary` and `meta`, which must
// outlive it. The full list of accounts is accounts_at_risk.csv (io/customers_csv.hpp).
#include <nlohmann/json.hpp>

#include "engagement/engagement_config.hpp"
#include "io/report/splice.hpp"
#include "report/accounts_at_risk.hpp"
#include "report/engagement_summary.hpp"

namespace engage::io {

struct CustomerBaseMeta;

struct AccountsAtRiskReport {
    nlohmann::ordered_json section;
    Splice relationship_managers;  // at /accounts_at_risk/relationship_managers
};

// The corporation's and units' groups and lists from `summary` and `risk`, the managers' from
// `managers` and `lists` (see io/report/engagement_report.hpp); all must outlive the splice.
AccountsAtRiskReport accounts_at_risk_report(const kernels::AccountsAtRisk& risk,
                                             const kernels::EngagementSummary& summary,
                                             const kernels::LevelGroups& managers, const kernels::ManagerLists& lists,
                                             const CustomerBaseMeta& meta);

}  // namespace engage::io
