// Buy-till-you-die models: exact distributed sums, hand-checked likelihoods and gradients, and
// fits of simulated customers for any number of threads (the published CDNOW fits and their
// equality over ranks: btyd_cdnow_test.cpp).
#include <gtest/gtest.h>
#include <omp.h>

#include <array>
#include <barrier>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "retention/bg_nbd.hpp"
#include "retention/btyd_simulate.hpp"
#include "retention/clv.hpp"
#include "retention/gamma_gamma.hpp"
#include "retention/hypergeometric.hpp"
#include "retention/pareto_nbd.hpp"
#include "retention/rfm_predictions.hpp"
#include "stats/exact_sum.hpp"
#include "btyd_support.hpp"

namespace engage::kernels {
namespace {

using test::grouped;
using test::seconds_since;

// Checks an analytic gradient against central differences (h = 1e-6 relative) of `value`,
// a function of the parameter array.
template <std::size_t N, class Value>
void expect_gradient(std::array<double, N> params, const double* analytic, const Value& value) {
    for (std::size_t i = 0; i < N; ++i) {
        const double v = params[i], h = 1e-6 * v;
        params[i] = v + h;
        const double up = value(params);
        params[i] = v - h;
        const double down = value(params);
        params[i] = v;
        EXPECT_NEAR(analytic[i], (up - down) / (2 * h), 1e-6 * (1 + std::fabs(analytic[i]))) << "parameter " << i;
    }
}

// ------------------------------------------------------------------------------------ ExactSum
TEST(ExactSum, PermutedAndSplitTermsGiveBitIdenticalValues) {
    std::mt19937_64 gen(42);
    std::uniform_real_distribution<double> mantissa(-1, 1);
    std::uniform_int_distribution<int> exponent(-45, 60);
    std::vector<double> terms(5000);
    for (double& t : terms) t = std::ldexp(mantissa(gen), exponent(gen));
    ExactSum reference;
    for (double t : terms) reference.add(t);
    for (int trial = 0; trial < 20; ++trial) {
        std::shuffle(terms.begin(), terms.end(), gen);
        std::vector<ExactSum> parts(1 + trial % 4);
        for (std::size_t i = 0; i < terms.size(); ++i) parts[(i * 7919) % parts.size()].add(terms[i]);
        ExactSum total;
        for (auto& part : parts)  // what an MPI_SUM all-reduce of the words does
            for (std::size_t w = 0; w < ExactSum::kWords; ++w) total.sum_words()[w] += part.sum_words()[w];
        EXPECT_EQ(std::bit_cast<std::uint64_t>(total.value()), std::bit_cast<std::uint64_t>(reference.value()));
    }
    double forward = 0, backward = 0;  // plain summation depends on the order at this range
    for (double t : terms) forward += t;
    for (auto it = terms.rbegin(); it != terms.rend(); ++it) backward += *it;
    EXPECT_NE(forward, backward);
}

TEST(ExactSum, ResolutionRangeCarriesAndNonFiniteTerms) {
    ExactSum s;
    for (double t : {0.1, 0.2, -0.3}) s.add(t);
    EXPECT_LE(std::fabs(s.value()), 0x1.0p-40);  // each term rounded once to a multiple of 2^-40
    ExactSum big;
    for (double t : {0x1.0p80, 1.0, -0x1.0p80}) big.add(t);
    EXPECT_EQ(big.value(), 1.0);  // no absorption
    ExactSum repeated, weighted;
    for (int i = 0; i < 1000; ++i) repeated.add(-9582.123456789);
    weighted.add(-9582.123456789, 1000);
    EXPECT_EQ(repeated.value(), weighted.value());
    EXPECT_NEAR(weighted.value(), -9582123.456789, 1e-6);
    ExactSum rounding;
    rounding.add(0x1.0p-42);  // a quarter unit: 0
    rounding.add(0x1.8p-41);  // three quarters: one unit
    EXPECT_EQ(rounding.value(), 0x1.0p-40);
    ExactSum carries;
    carries.add(-0x1.fffffffffffffp+60, 3);
    carries.add(0x1.0p+30);
    EXPECT_EQ(carries.value(), -3 * 0x1.fffffffffffffp+60 + 0x1.0p+30);
    ExactSum bad, other;
    bad.add(std::numeric_limits<double>::infinity());
    bad.add(0x1.0p88);  // out of range
    bad.add(std::nan(""), 3);
    EXPECT_EQ(bad.non_finite_terms(), 5);
    other.add(1.0);
    other.combine(bad);
    EXPECT_TRUE(std::isnan(other.value()));
}

// ------------------------------------------------------------------------ summaries and 2F1
TEST(RfmSummary, GroupsAreSortedWithCountsAndInputIsChecked) {
    const std::vector<RfmSummary> cs{{2, 10, 30}, {0, 0, 30}, {2, 10, 30}, {0, 0, 28}, {0, 0, 30}};
    const auto g = grouped(cs);
    ASSERT_EQ(g.size(), 3u);
    EXPECT_EQ(g[0], (RfmGroup{{0, 0, 28}, 1}));
    EXPECT_EQ(g[1], (RfmGroup{{0, 0, 30}, 2}));
    EXPECT_EQ(g[2], (RfmGroup{{2, 10, 30}, 2}));
    const auto m = merge_groups<RfmSummary>(g, grouped(std::vector<RfmSummary>{{0, 0, 30}, {5, 1, 2}}));
    EXPECT_EQ(customer_count<RfmSummary>(m), 7);
    EXPECT_EQ(m[1], (RfmGroup{{0, 0, 30}, 3}));
    EXPECT_EQ(rfm_summary_problem({2, 10, 30}), nullptr);
    for (RfmSummary bad : {RfmSummary{-1, 0, 3}, RfmSummary{1.5, 1, 3}, RfmSummary{1, 4, 3}, RfmSummary{0, 1, 3},
                           RfmSummary{1, 1, std::nan("")}})
        EXPECT_NE(rfm_summary_problem(bad), nullptr);
    EXPECT_EQ(spend_summary_problem({2, 22.345}), nullptr);
    EXPECT_NE(spend_summary_problem({0, 22.345}), nullptr);
    EXPECT_NE(spend_summary_problem({2, 0}), nullptr);
}

TEST(Hypergeometric, MatchesClosedFormsAndBoostPfq) {
    for (double z : {0.0, 0.1, 0.5, 0.9, 0.99})  // 2F1(1, 1; 2; z) = -ln(1 - z) / z (A&S 15.1.3)
        EXPECT_NEAR(hyp2f1_one_b_c(1, 2, z), z == 0 ? 1 : -std::log1p(-z) / z, 1e-14 / (1 - z)) << z;
    EXPECT_NEAR(hyp2f1_series(0.7, 2.5, 2.5, 0.6), std::pow(0.4, -0.7), 1e-13);  // A&S 15.1.8
    struct Case { double a, b, c, z; };
    for (const Case& k : {Case{2.976, -0.207, 2.219, 0.49}, Case{2.976, -0.207, 501.2, 0.49},
                          Case{1, 0.243, 1.85, 0.09}, Case{1, 10.6, 12.2, 0.8}, Case{-1.5, 3.2, 4.1, -0.7}}) {
        const double boost = boost::math::hypergeometric_pFq({k.a, k.b}, {k.c}, k.z);
        const double ours = k.a == 1 ? hyp2f1_one_b_c(k.b, k.c, k.z) : hyp2f1_series(k.a, k.b, k.c, k.z);
        EXPECT_NEAR(ours, boost, 4e-15 * std::fabs(boost)) << k.a << " " << k.b << " " << k.c << " " << k.z;
        if (k.a == 1) {
            EXPECT_EQ(hyp2f1_one_b_c_derivatives(k.b, k.c, k.z).value, ours);
        }
    }
    EXPECT_TRUE(std::isnan(hyp2f1_series(1, 1, 2, 1.0)));
}

// ------------------------------------------------------------ hand-checked likelihoods
const BgNbdParams kBg{0.243, 4.414, 0.793, 2.426};          // FHL 2005, CDNOW
const ParetoNbdParams kPn{0.553, 10.578, 0.606, 11.669};    // Fader & Hardie 2005 note, CDNOW
const RfmSummary kCustomer1{2, 30.43, 38.86};               // CDNOW customer 1

TEST(BgNbd, LogLikelihoodMatchesTheClosedFormWithBetaFunctions) {
    // FHL 2005: L = B(a, b + x)/B(a, b) G(r + x) alpha^r / (G(r) (alpha + T)^(r + x))
    //             + [x > 0] B(a + 1, b + x - 1)/B(a, b) G(r + x) alpha^r / (G(r) (alpha + t_x)^(r + x)).
    const BgNbdParams& p = kBg;
    for (const RfmSummary s : {RfmSummary{0, 0, 38.86}, kCustomer1, RfmSummary{7, 29.43, 35.0}}) {
        using boost::math::beta;
        const double g = std::tgamma(p.r + s.x) * std::pow(p.alpha, p.r) / std::tgamma(p.r);
        double l = beta(p.a, p.b + s.x) / beta(p.a, p.b) * g / std::pow(p.alpha + s.T, p.r + s.x);
        if (s.x > 0) l += beta(p.a + 1, p.b + s.x - 1) / beta(p.a, p.b) * g / std::pow(p.alpha + s.t_x, p.r + s.x);
        EXPECT_NEAR(bg_nbd_log_likelihood(p, s), std::log(l), 1e-12) << s.x;
    }
}

TEST(ParetoNbd, LogLikelihoodMatchesNumericalIntegration) {
    // L = G(r+x) a^r b^s / G(r) [(a+T)^-(r+x) (b+T)^-s + s \int_{t_x}^T (a+y)^-(r+x) (b+y)^-(s+1) dy],
    // the integral form the note derives before the 2F1 one; Simpson's rule, 20,000 panels.
    for (const ParetoNbdParams p : {kPn, ParetoNbdParams{0.553, 13.0, 0.606, 2.5}}) {
        for (const RfmSummary s : {RfmSummary{0, 0, 38.86}, kCustomer1, RfmSummary{9, 3.0, 30.0}}) {
            auto f = [&](double y) { return std::pow(p.alpha + y, -(p.r + s.x)) * std::pow(p.beta + y, -(p.s + 1)); };
            const int n = 20000;
            const double h = (s.T - s.t_x) / n;
            double integral = f(s.t_x) + f(s.T);
            for (int i = 1; i < n; ++i) integral += f(s.t_x + i * h) * (i % 2 ? 4 : 2);
            integral *= h / 3;
            const double head = std::lgamma(p.r + s.x) - std::lgamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta);
            const double l = std::pow(p.alpha + s.T, -(p.r + s.x)) * std::pow(p.beta + s.T, -p.s) + p.s * integral;
            EXPECT_NEAR(pareto_nbd_log_likelihood(p, s), head + std::log(l), 1e-10) << p.beta << " " << s.x;
        }
    }
}

TEST(Btyd, AnalyticGradientsMatchCentralDifferences) {
    for (const RfmSummary s : {RfmSummary{0, 0, 38.86}, RfmSummary{1, 0, 30}, kCustomer1, RfmSummary{40, 20, 35},
                               RfmSummary{3, 35, 35}}) {
        SCOPED_TRACE(testing::Message() << "x=" << s.x << " t_x=" << s.t_x << " T=" << s.T);
        double g[4];
        EXPECT_EQ(bg_nbd_log_likelihood_gradient(kBg, s, g), bg_nbd_log_likelihood(kBg, s));
        expect_gradient<4>({kBg.r, kBg.alpha, kBg.a, kBg.b}, g,
                           [&](auto v) { return bg_nbd_log_likelihood({v[0], v[1], v[2], v[3]}, s); });
        for (const ParetoNbdParams p : {kPn, ParetoNbdParams{0.553, 13.0, 0.606, 2.5}, ParetoNbdParams{2, 3, 1.5, 3}}) {
            EXPECT_EQ(pareto_nbd_log_likelihood_gradient(p, s, g), pareto_nbd_log_likelihood(p, s));
            expect_gradient<4>({p.r, p.alpha, p.s, p.beta}, g,
                               [&](auto v) { return pareto_nbd_log_likelihood({v[0], v[1], v[2], v[3]}, s); });
        }
    }
    for (const SpendSummary s : {SpendSummary{1, 11.77}, SpendSummary{2, 22.345}, SpendSummary{20, 299.6}}) {
        const GammaGammaParams p{6.25, 3.74, 15.44};
        const std::vector<SpendGroup> one{{s, 1}};
        ExactSum value;
        std::vector<ExactSum> sums(3);
        gamma_gamma_add_log_likelihood(p, one, value, sums);
        const double g[3] = {sums[0].value(), sums[1].value(), sums[2].value()};
        expect_gradient<3>({p.p, p.q, p.gamma}, g,
                           [&](auto v) { return gamma_gamma_log_likelihood({v[0], v[1], v[2]}, s); });
    }
}

// ------------------------------------------------------------------ per-customer outputs
TEST(BgNbd, PAliveHandChecked) {
    // No repeat purchase: the customer cannot have dropped out (drop-out follows a purchase).
    EXPECT_EQ(bg_nbd_p_alive(kBg, {0, 0, 38.86}), 1.0);
    EXPECT_EQ(bg_nbd_p_alive(kBg, {0, 0, 1e9}), 1.0);
    // Customer 1: 1 / (1 + 0.793 / 3.426 * (43.274 / 34.844)^2.243) = 1 / (1 + 0.231465 * 1.62578).
    const BgNbdParams& p = kBg;
    const double direct = 1 / (1 + p.a / (p.b + 1) * std::pow((p.alpha + 38.86) / (p.alpha + 30.43), p.r + 2));
    EXPECT_NEAR(bg_nbd_p_alive(p, kCustomer1), direct, 1e-15);
    EXPECT_NEAR(direct, 0.72658, 0.000005);
}

TEST(Btyd, VeryFrequentCustomersStayFinite) {
    // x = 500 overflows G(r + x) and (alpha + T)^(r + x) in the textbook forms.
    EXPECT_FALSE(std::isfinite(std::tgamma(kBg.r + 500) / std::pow(kBg.alpha + 50, kBg.r + 500)));
    for (const RfmSummary s : {RfmSummary{500, 50, 50}, RfmSummary{500, 49.9, 50}, RfmSummary{500, 10, 50},
                               RfmSummary{1e5, 50, 50}}) {
        SCOPED_TRACE(testing::Message() << "x=" << s.x << " t_x=" << s.t_x << " T=" << s.T);
        const double pa_bg = bg_nbd_p_alive(kBg, s), pa_pn = pareto_nbd_p_alive(kPn, s);
        const double e_bg = bg_nbd_expected_transactions(kBg, s, 39), e_pn = pareto_nbd_expected_transactions(kPn, s, 39);
        EXPECT_TRUE(std::isfinite(bg_nbd_log_likelihood(kBg, s)) && std::isfinite(pareto_nbd_log_likelihood(kPn, s)));
        EXPECT_TRUE(pa_bg >= 0 && pa_bg <= 1 && pa_pn >= 0 && pa_pn <= 1) << pa_bg << " " << pa_pn;
        EXPECT_TRUE(std::isfinite(e_bg) && e_bg >= 0 && std::isfinite(e_pn) && e_pn >= 0) << e_bg << " " << e_pn;
        if (s.t_x == s.T) {
            // Bought at the very end: almost surely alive, so E[Y(39)] is the textbook expression with
            // P(alive) = 1: (r + x)(beta + T) / ((alpha + T)(s - 1)) [1 - ((beta + T) / (beta + T + 39))^(s - 1)].
            EXPECT_GT(pa_bg, 0.99);
            EXPECT_GT(pa_pn, 0.99);
            const double alive = (kPn.r + s.x) * (kPn.beta + s.T) / ((kPn.alpha + s.T) * (kPn.s - 1)) *
                                 (1 - std::pow((kPn.beta + s.T) / (kPn.beta + s.T + 39), kPn.s - 1));
            EXPECT_NEAR(e_pn / alive, 1, 1e-6);
        }
        if (s.t_x == 10) {
            EXPECT_LT(pa_bg, 1e-100);  // silent for 40 weeks after buying 50 a week: gone
        }
    }
    // Beyond the 2F1 series' reach (beta / alpha = 10^7 with t_x = 0) the likelihood is NaN,
    // never a finite wrong value an optimiser could climb.
    EXPECT_TRUE(std::isnan(pareto_nbd_log_likelihood({0.5, 1e-3, 0.6, 1e4}, {0, 0, 30})));
}

TEST(Btyd, ExpectedTransactionsMatchTheTextbookForms) {
    const BgNbdParams& p = kBg;
    const double t = 39;
    EXPECT_NEAR(bg_nbd_expected_transactions(p, {0, 0, 0}, t), bg_nbd_expected_transactions_new(p, t), 1e-14);
    // FHL 2005, with Boost's 2F1 and without Euler's transformation.
    const double fresh = (p.a + p.b - 1) / (p.a - 1) *
        (1 - std::pow(p.alpha / (p.alpha + t), p.r) *
                 boost::math::hypergeometric_pFq({p.r, p.b}, {p.a + p.b - 1}, t / (p.alpha + t)));
    EXPECT_NEAR(bg_nbd_expected_transactions_new(p, t), fresh, 1e-13);
    const RfmSummary& c = kCustomer1;
    const double bracket = 1 - std::pow((p.alpha + c.T) / (p.alpha + c.T + t), p.r + 2) *
        boost::math::hypergeometric_pFq({p.r + 2, p.b + 2}, {p.a + p.b + 1}, t / (p.alpha + c.T + t));
    EXPECT_NEAR(bg_nbd_expected_transactions(p, c, t), (p.a + p.b + 1) / (p.a - 1) * bracket * bg_nbd_p_alive(p, c), 1e-13);
    // Removable singularities: BG/NBD at a = 1, Pareto/NBD at s = 1.
    EXPECT_NEAR(bg_nbd_expected_transactions({p.r, p.alpha, 1.0, p.b}, c, t),
                bg_nbd_expected_transactions({p.r, p.alpha, 1.0 + 1e-4, p.b}, c, t), 1e-4);
    EXPECT_NEAR(pareto_nbd_expected_transactions({kPn.r, kPn.alpha, 1.0, kPn.beta}, c, t),
                pareto_nbd_expected_transactions({kPn.r, kPn.alpha, 1.0 + 1e-9, kPn.beta}, c, t), 1e-8);
}

// A fit at the boundary (a homogeneous dropout probability: a and b in the millions, as a real
// export gave a = 2.0e6, b = 2.26e7) takes the direct form of the 2F1, checked against Boost's
// pFq of FHL's formula. Euler's form is useless there: its series' sum overflows
// ((1 - z)^-(a - 1) with a - 1 = 2e6) or runs past the series' cap of a million terms, which
// made the predictions of such a fit infinite or NaN, after a million terms per customer.
TEST(BgNbd, ExpectedTransactionsAtTheHomogeneousBoundaryUseTheShortSeries) {
    const BgNbdParams p{0.9457255730870567, 4.254701020488611, 2013922.4643081736, 22583834.34241301};
    const RfmSummary c{3, 200, 400};
    for (double t : {39.0, 390.0}) {
        const double z = t / (p.alpha + c.T + t);
        EXPECT_FALSE(std::isfinite(hyp2f1_series(p.a + p.b - 1 - p.r, p.a - 1, p.a + p.b + c.x - 1, z))) << t;
        const double bracket = 1 - std::pow((p.alpha + c.T) / (p.alpha + c.T + t), p.r + c.x) *
            boost::math::hypergeometric_pFq({p.r + c.x, p.b + c.x}, {p.a + p.b + c.x - 1}, z);
        const double want = (p.a + p.b + c.x - 1) / (p.a - 1) * bracket * bg_nbd_p_alive(p, c);
        ASSERT_TRUE(std::isfinite(want) && want > 0) << t;
        EXPECT_NEAR(bg_nbd_expected_transactions(p, c, t), want, 1e-9 * want) << t;
        // Below what a customer surely alive buying at (r + x) / (alpha + T) a day would make.
        EXPECT_LT(want, (p.r + c.x) / (p.alpha + c.T) * t) << t;
    }
}

TEST(GammaGamma, ExpectedSpendIsTheCredibilityWeightedMean) {
    const GammaGammaParams g{6.25, 3.74, 15.44};
    const double population = g.p * g.gamma / (g.q - 1);
    EXPECT_DOUBLE_EQ(gamma_gamma_expected_spend(g, 0, 0), population);
    for (double x : {1.0, 2.0, 10.0}) {
        const double w = (g.q - 1) / (g.p * x + g.q - 1);
        EXPECT_NEAR(gamma_gamma_expected_spend(g, x, 22.345), w * population + (1 - w) * 22.345, 1e-12);
    }
    EXPECT_TRUE(std::isnan(gamma_gamma_expected_spend({6.25, 0.9, 15.44}, 2, 20)));
}

TEST(Clv, DiscountingHandChecked) {
    const RfmSummary& c = kCustomer1;
    EXPECT_NEAR(bg_nbd_clv(kBg, c, 10.0, 52, 0.0), 10.0 * bg_nbd_expected_transactions(kBg, c, 52), 1e-12);
    const double e1 = bg_nbd_expected_transactions(kBg, c, 1), e2 = bg_nbd_expected_transactions(kBg, c, 2);
    EXPECT_NEAR(bg_nbd_clv(kBg, c, 1.0, 2, 0.01), e1 / 1.01 + (e2 - e1) / (1.01 * 1.01), 1e-15);
    EXPECT_LT(bg_nbd_clv(kBg, c, 10.0, 52, 0.002), bg_nbd_clv(kBg, c, 10.0, 52, 0.0));
    EXPECT_NEAR(pareto_nbd_clv(kPn, c, 10.0, 52, 0.0), 10.0 * pareto_nbd_expected_transactions(kPn, c, 52), 1e-12);
}

// --------------------------------------------------------------------- simulated customers
std::vector<RfmSummary> simulate(const BgNbdSimulation& sim, std::uint64_t customers) {
    std::vector<RfmSummary> out(customers);
    for (std::uint64_t i = 0; i < customers; ++i) out[i] = simulate_bg_nbd_customer(sim, i);
    return out;
}

TEST(MlFit, AnEvaluationLimitIsNotConvergence) {
    const BgNbdSimulation sim;  // CDNOW-like truth, seed 1
    const auto groups = grouped(simulate(sim, 2000));
    FitOptions few;
    few.max_evaluations = 3;  // far from the optimum: NLopt stops with NLOPT_MAXEVAL_REACHED (5)
    const BgNbdFit stopped = fit_bg_nbd(groups, {}, few);
    EXPECT_EQ(stopped.nlopt_status, 5);
    EXPECT_FALSE(nlopt_converged(stopped.nlopt_status));
    const BgNbdFit fit = fit_bg_nbd(groups);
    EXPECT_TRUE(nlopt_converged(fit.nlopt_status)) << fit.nlopt_status;
    EXPECT_LT(stopped.evaluations, fit.evaluations);
}

TEST(MlFit, NoCustomersOnAnyRankIsNotFitted) {
    // Nothing to fit: no evaluation, NaN parameters (a start value would read as an estimate).
    const BgNbdFit bg = fit_bg_nbd({});
    const ParetoNbdFit pn = fit_pareto_nbd({});
    const GammaGammaFit gg = fit_gamma_gamma({});
    EXPECT_EQ(bg.evaluations + pn.evaluations + gg.evaluations, 0);
    for (double v : {bg.params.r, bg.params.alpha, bg.params.a, bg.params.b, pn.params.r, pn.params.alpha, pn.params.s,
                     pn.params.beta, gg.params.p, gg.params.q, gg.params.gamma, bg.log_likelihood, gg.log_likelihood})
        EXPECT_TRUE(std::isnan(v)) << v;
    EXPECT_TRUE(std::isnan(gamma_gamma_expected_spend(gg.params, 2, 20)));
    EXPECT_FALSE(bg.fitted || pn.fitted || gg.fitted);
    EXPECT_FALSE(nlopt_converged(gg.nlopt_status));
    // Customers on another rank (the all-reduced count is 1): fitted, even with no local group.
    int calls = 0;
    const AllReduceWords one_elsewhere = [&calls](std::span<std::int64_t> w) {
        if (calls++ == 0) {  // the customer count, before the first evaluation
            ExactSum one;
            one.add(1.0, 1);
            std::copy(one.sum_words().begin(), one.sum_words().end(), w.begin());
        }
    };
    EXPECT_TRUE(fit_gamma_gamma({}, one_elsewhere).fitted);
}

TEST(BgNbd, FitRecoversSimulatedParametersWithAnyThreadCount) {
    const BgNbdSimulation sim;  // CDNOW-like truth, seed 1
    const auto groups = grouped(simulate(sim, 100000));
    ASSERT_GT(groups.size(), 4096u);  // above the OpenMP threshold of sum_over_groups
    const BgNbdFit fit = fit_bg_nbd(groups);
    EXPECT_NEAR(fit.params.r / sim.truth.r, 1, 0.10);
    EXPECT_NEAR(fit.params.alpha / sim.truth.alpha, 1, 0.10);
    EXPECT_NEAR(fit.params.a / sim.truth.a, 1, 0.10);
    EXPECT_NEAR(fit.params.b / sim.truth.b, 1, 0.10);
    auto words_with = [&](int threads) {
        const int saved = omp_get_max_threads();
        omp_set_num_threads(threads);
        std::vector<ExactSum> sums(5);
        bg_nbd_add_log_likelihood(kBg, groups, sums[0], std::span(sums).subspan(1));
        omp_set_num_threads(saved);
        std::vector<std::int64_t> words;
        for (auto& s : sums) words.insert(words.end(), s.sum_words().begin(), s.sum_words().end());
        return words;
    };
    const auto one = words_with(1);
    for (int threads = 2; threads <= 4; ++threads) EXPECT_EQ(words_with(threads), one) << threads;
}

// The Pareto/NBD sum over groups keeps each (x, y) term of A0 while x stays the same
// (kernels/retention/pareto_nbd.cpp): its sums must be those of every group's likelihood and
// gradient computed alone, to the last bit, at any number of threads, for both orderings of
// alpha and beta, with t_x = 0, t_x = T and times shared between many groups.
// Summaries in weeks of whole days, x = 0..12, many of them sharing x and T or x and t_x, with
// t_x = 0 and t_x = T among them; some twice. Grouped: more than 4,096 groups.
std::vector<RfmGroup> shared_time_groups() {
    std::vector<RfmSummary> customers;
    for (int x = 0; x <= 12; ++x)
        for (int days = 7; days <= 1825; days += 53)
            for (int last = 0; last <= days; last += x == 0 ? days + 1 : 97) {
                customers.push_back({double(x), double(last) / 7.0, double(days) / 7.0});
                if (last % 2 == 0) customers.push_back(customers.back());  // a count of 2
                if (last + 97 > days && x > 0) customers.push_back({double(x), double(days) / 7.0, double(days) / 7.0});
            }
    return group_summaries<RfmSummary>(customers);
}

TEST(ParetoNbd, GroupedSumsAreThoseOfEachGroupAlone) {
    const std::vector<RfmGroup> groups = shared_time_groups();
    ASSERT_GT(groups.size(), 4096u);  // sum_over_groups goes parallel past 4,096 groups
    for (const ParetoNbdParams p : {kPn, ParetoNbdParams{0.553, 13.0, 0.606, 2.5}}) {
        SCOPED_TRACE(testing::Message() << "alpha " << p.alpha << " beta " << p.beta);
        std::vector<ExactSum> alone(5), value_alone(1);
        for (const RfmGroup& g : groups) {
            double d[4];
            alone[0].add(pareto_nbd_log_likelihood_gradient(p, g.summary, d), g.count);
            for (int j = 0; j < 4; ++j) alone[std::size_t(j + 1)].add(d[j], g.count);
            value_alone[0].add(pareto_nbd_log_likelihood(p, g.summary), g.count);
        }
        auto words = [](std::vector<ExactSum>& sums) {
            std::vector<std::int64_t> w;
            for (auto& s : sums) w.insert(w.end(), s.sum_words().begin(), s.sum_words().end());
            return w;
        };
        ASSERT_TRUE(std::isfinite(alone[0].value()));
        for (int threads : {1, 3}) {
            const int saved = omp_get_max_threads();
            omp_set_num_threads(threads);
            std::vector<ExactSum> grouped(5), value_grouped(1);
            pareto_nbd_add_log_likelihood(p, groups, grouped[0], std::span(grouped).subspan(1));
            pareto_nbd_add_log_likelihood(p, groups, value_grouped[0]);
            omp_set_num_threads(saved);
            EXPECT_EQ(words(grouped), words(alone)) << threads << " threads";
            EXPECT_EQ(words(value_grouped), words(value_alone)) << threads << " threads";
        }
    }
}

// The predictions as the per-week functions give them, each on its own (what predict_rfm did
// before it computed Pareto/NBD's P(alive) once per summary).
RfmPrediction predicted_week_by_week(const BgNbdParams& bg, const ParetoNbdParams& pn, const RfmSummary& s,
                                     const PredictionHorizon& h) {
    RfmPrediction r;
    const auto expected = [&](double t) {
        return h.pareto ? pareto_nbd_expected_transactions(pn, s, t) : bg_nbd_expected_transactions(bg, s, t);
    };
    r.p_alive = h.pareto ? pareto_nbd_p_alive(pn, s) : bg_nbd_p_alive(bg, s);
    r.expected = expected(double(h.horizon_weeks));
    r.discounted = discounted_expected_transactions(expected, h.horizon_weeks, 1.0, h.weekly_rate);
    if (h.holdout_weeks > 0) {
        r.holdout_bg_nbd = bg_nbd_expected_transactions(bg, s, h.holdout_weeks);
        r.holdout_pareto_nbd = pareto_nbd_expected_transactions(pn, s, h.holdout_weeks);
    }
    return r;
}

// RfmPredictor keeps BG/NBD's factors of each (x, T) while x stays the same, and predict_rfm
// computes Pareto/NBD's P(alive) once per summary (kernels/retention/rfm_predictions.hpp): every
// prediction of both must be the per-week functions', to the last bit, at any number of threads,
// with and without a holdout, with BG/NBD (a = 1 too) and Pareto/NBD as the model.
TEST(RfmPredictor, TheSameBitsAsPredictRfmForEverySummary) {
    const std::vector<RfmGroup> groups = shared_time_groups();
    const double weekly = std::pow(1.10, 1.0 / 52.0) - 1.0;
    for (const PredictionHorizon h : {PredictionHorizon{52, weekly, 26.0, false}, PredictionHorizon{13, 0.0, 0.0, false},
                                      PredictionHorizon{52, weekly, 180.0 / 7.0, true}}) {
        for (const BgNbdParams bg : {kBg, BgNbdParams{kBg.r, kBg.alpha, 1.0, kBg.b}}) {
            SCOPED_TRACE(testing::Message() << "horizon " << h.horizon_weeks << " holdout " << h.holdout_weeks
                                            << " pareto " << h.pareto << " a " << bg.a);
            for (int threads : {1, 3}) {
                const int saved = omp_get_max_threads();
                omp_set_num_threads(threads);
                const RfmPredictions predictions(std::vector<RfmGroup>(groups), RfmPredictor(bg, kPn, h));
                omp_set_num_threads(saved);
                auto words = [](const RfmPrediction& p) {
                    return std::array<double, 5>{p.p_alive, p.expected, p.discounted, p.holdout_bg_nbd, p.holdout_pareto_nbd};
                };
                std::size_t differ = 0, differ_direct = 0;
                for (const RfmGroup& g : groups) {
                    const auto want = words(predicted_week_by_week(bg, kPn, g.summary, h));
                    const auto got = words(predictions.at(g.summary)), direct = words(predict_rfm(bg, kPn, g.summary, h));
                    differ += std::memcmp(want.data(), got.data(), sizeof(double) * 5) != 0;
                    differ_direct += std::memcmp(want.data(), direct.data(), sizeof(double) * 5) != 0;
                }
                EXPECT_EQ(differ, 0u) << "RfmPredictor, of " << groups.size() << " summaries, " << threads << " threads";
                EXPECT_EQ(differ_direct, 0u) << "predict_rfm, of " << groups.size() << " summaries";
            }
        }
    }
}

// Issue 4, item 7. OMP_NUM_THREADS=1 taskset -c 0 engage_unit_tests --gtest_also_run_disabled_tests
// --gtest_filter='BtydBenchmark.*'; ENGAGE_BTYD_BENCH_CUSTOMERS overrides the 10,000,000 customers.
TEST(BtydBenchmark, DISABLED_FitTenMillionSimulatedCustomers) {
    const char* env = std::getenv("ENGAGE_BTYD_BENCH_CUSTOMERS");
    const std::uint64_t n = env ? std::strtoull(env, nullptr, 10) : 10000000;
    auto t0 = std::chrono::steady_clock::now();
    const auto customers = simulate(BgNbdSimulation{}, n);
    const double simulate_s = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    const auto groups = grouped(customers);
    const double group_s = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    const BgNbdFit bg = fit_bg_nbd(groups);
    const double bg_s = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    const ParetoNbdFit pn = fit_pareto_nbd(groups);
    const double pn_s = seconds_since(t0);
    std::printf("%llu customers, %zu distinct (x, t_x, T) groups, %d OpenMP threads; simulate %.2f s, group %.2f s\n",
                (unsigned long long)n, groups.size(), omp_get_max_threads(), simulate_s, group_s);
    std::printf("BG/NBD fit %.2f s, %d evaluations: r=%.4f alpha=%.4f a=%.4f b=%.4f LL=%.1f\n", bg_s,
                bg.evaluations, bg.params.r, bg.params.alpha, bg.params.a, bg.params.b, bg.log_likelihood);
    std::printf("Pareto/NBD fit %.2f s, %d evaluations: r=%.4f alpha=%.4f s=%.4f beta=%.4f LL=%.1f\n", pn_s,
                pn.evaluations, pn.params.r, pn.params.alpha, pn.params.s, pn.params.beta, pn.log_likelihood);
    EXPECT_TRUE(nlopt_converged(bg.nlopt_status)) << bg.nlopt_status;
    EXPECT_TRUE(nlopt_converged(pn.nlopt_status)) << pn.nlopt_status;
}

}  // namespace
}  // namespace engage::kernels
