#pragma once
// Customer lifetime value from a transaction model and a spend model, discounted per period:
//
//   CLV = E[M] * sum_{k=1}^{K} (E[Y(k h)] - E[Y((k - 1) h)]) / (1 + d)^k
//
// where E[Y(t)] is the customer's expected number of transactions in (T, T + t] given their
// history, h the period length (1 week here), d the discount rate per period and K the number
// of periods: the transactions expected in period k are valued at the expected spend E[M]
// and discounted k periods. This is the discrete-time form used by the lifetimes package
// (Davidson-Pilon, lifetimes/utils.py, customer_lifetime_value) of the discounted expected
// residual transactions (DERT) of Fader, Hardie & Lee (2005, JMR 42(4)), which discounts
// continuously over an infinite horizon (that closed form is in dert.hpp). E[M] is independent
// of the transaction process in the Gamma-Gamma model, which is what makes the product
// legitimate (FHL 2005 JMR).
#include <cmath>

#include "retention/bg_nbd.hpp"
#include "retention/pareto_nbd.hpp"

namespace engage::kernels {

// sum_{k=1}^{periods} (E(k h) - E((k - 1) h)) / (1 + rate)^k for a callable E(t).
template <class Expected>
double discounted_expected_transactions(const Expected& expected_in, int periods, double period_length,
                                        double rate_per_period) {
    double total = 0, previous = 0, discount = 1;
    for (int k = 1; k <= periods; ++k) {
        const double current = expected_in(double(k) * period_length);
        discount /= 1 + rate_per_period;
        total += (current - previous) * discount;
        previous = current;
    }
    return total;
}

// CLV over `weeks` weeks at `weekly_rate` (e.g. 0.10 a year is about 0.00183 a week:
// (1.10)^(1/52) - 1), for an expected spend per transaction from gamma_gamma_expected_spend.
inline double bg_nbd_clv(const BgNbdParams& p, const RfmSummary& s, double expected_spend, int weeks,
                         double weekly_rate) {
    return expected_spend * discounted_expected_transactions(
                                [&](double t) { return bg_nbd_expected_transactions(p, s, t); }, weeks, 1.0,
                                weekly_rate);
}

inline double pareto_nbd_clv(const ParetoNbdParams& p, const RfmSummary& s, double expected_spend, int weeks,
                             double weekly_rate) {
    return expected_spend * discounted_expected_transactions(
                                [&](double t) { return pareto_nbd_expected_transactions(p, s, t); }, weeks,
                                1.0, weekly_rate);
}

}  // namespace engage::kernels
