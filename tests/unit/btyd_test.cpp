// Buy-till-you-die models: exact distributed sums, hand-checked likelihoods, the published CDNOW
// fits (Fader, Hardie & Lee 2005; Fader & Hardie 2013) and reproducibility across splits.
#include <gtest/gtest.h>
#include <omp.h>

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/hypergeometric_pFq.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <barrier>
#include <vector>

#include "retention/bg_nbd.hpp"
#include "retention/btyd_simulate.hpp"
#include "retention/clv.hpp"
#include "retention/gamma_gamma.hpp"
#include "retention/hypergeometric.hpp"
#include "retention/pareto_nbd.hpp"
#include "retention/rfm_summary.hpp"
#include "stats/exact_sum.hpp"

namespace engage::kernels {
namespace {

// ---------------------------------------------------------------- CDNOW reference data
struct CdnowCustomer {
    RfmSummary rfm;
    double x_star;  // holdout repeat transactions (39 weeks)
    double m_x;     // mean repeat transaction value, dollars; 0 when x = 0
};

const std::string kCdnowDir = std::string(ENGAGE_SHARED_DIR) + "/data/cdnow/";

// cdnowSummary_cbs.csv: "cust","x","t_x","T_cal","x_star","m_x", unrounded (BTYD's cdnowSummary).
std::vector<CdnowCustomer> read_cdnow_cbs() {
    std::ifstream in(kCdnowDir + "cdnowSummary_cbs.csv");
    std::vector<CdnowCustomer> out;
    if (!in) return out;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        if (line.empty() || line == "\r") continue;
        std::replace(line.begin(), line.end(), ',', ' ');
        std::istringstream row(line);
        double id;
        CdnowCustomer c{};
        row >> id >> c.rfm.x >> c.rfm.t_x >> c.rfm.T >> c.x_star >> c.m_x;
        if (row.fail()) ADD_FAILURE() << "unparsable row in cdnowSummary_cbs.csv: " << line;
        out.push_back(c);
    }
    return out;
}

// cdnow_customers_summary_with_transactions.csv: ID,x,t_x,T,zbar (2 decimals, CRLF).
std::vector<CdnowCustomer> read_cdnow_rounded() {
    std::ifstream in(kCdnowDir + "cdnow_customers_summary_with_transactions.csv");
    std::vector<CdnowCustomer> out;
    if (!in) return out;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        if (line.empty() || line == "\r") continue;
        std::replace(line.begin(), line.end(), ',', ' ');
        std::istringstream row(line);
        double id;
        CdnowCustomer c{};
        row >> id >> c.rfm.x >> c.rfm.t_x >> c.rfm.T >> c.m_x;
        out.push_back(c);
    }
    return out;
}

#define SKIP_WITHOUT_CDNOW(rows)                                                                       \
    do {                                                                                               \
        if ((rows).empty())                                                                            \
            GTEST_SKIP() << "CDNOW reference data not found under " << kCdnowDir                       \
                         << " (the shared data checkout, ../shared next to the source tree)";          \
    } while (0)

std::vector<RfmSummary> rfm_of(const std::vector<CdnowCustomer>& cs) {
    std::vector<RfmSummary> out;
    for (const auto& c : cs) out.push_back(c.rfm);
    return out;
}

std::vector<SpendSummary> spend_of(const std::vector<CdnowCustomer>& cs) {
    std::vector<SpendSummary> out;
    for (const auto& c : cs)
        if (c.rfm.x > 0) out.push_back({c.rfm.x, c.m_x});
    return out;
}

template <class S>
std::vector<Grouped<S>> grouped(const std::vector<S>& v) {
    return group_summaries<S>(std::span<const S>(v));
}

// Fits are shared by several tests; computing them once keeps the suite fast.
struct CdnowFits {
    std::vector<CdnowCustomer> customers = read_cdnow_cbs();
    std::vector<RfmGroup> groups = grouped(rfm_of(customers));
    std::vector<SpendGroup> spend_groups = grouped(spend_of(customers));
    BgNbdFit bg{};
    ParetoNbdFit pnbd{};
    GammaGammaFit gg{};
    double seconds_bg = 0, seconds_pnbd = 0, seconds_gg = 0;
    CdnowFits() {
        if (customers.empty()) return;
        using clock = std::chrono::steady_clock;
        auto t0 = clock::now();
        bg = fit_bg_nbd(groups);
        auto t1 = clock::now();
        pnbd = fit_pareto_nbd(groups);
        auto t2 = clock::now();
        gg = fit_gamma_gamma(spend_groups);
        auto t3 = clock::now();
        seconds_bg = std::chrono::duration<double>(t1 - t0).count();
        seconds_pnbd = std::chrono::duration<double>(t2 - t1).count();
        seconds_gg = std::chrono::duration<double>(t3 - t2).count();
    }
};

const CdnowFits& cdnow_fits() {
    static const CdnowFits fits;
    return fits;
}


// ---------------------------------------------------------------- ExactSum
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
        const std::size_t parts = 1 + trial % 4;
        std::vector<ExactSum> partial(parts);
        for (std::size_t i = 0; i < terms.size(); ++i) partial[(i * 7919) % parts].add(terms[i]);
        ExactSum total;
        for (auto& p : partial) {  // what an MPI_SUM all-reduce of the words does
            auto from = p.sum_words();
            auto into = total.sum_words();
            for (std::size_t w = 0; w < into.size(); ++w) into[w] += from[w];
        }
        EXPECT_EQ(std::bit_cast<std::uint64_t>(total.value()), std::bit_cast<std::uint64_t>(reference.value()));
    }
    // Plain double summation of the same terms is order-dependent at this dynamic range.
    double forward = 0, backward = 0;
    for (double t : terms) forward += t;
    for (auto it = terms.rbegin(); it != terms.rend(); ++it) backward += *it;
    EXPECT_NE(forward, backward);
}

TEST(ExactSum, ValuesAreExactAtTheResolution) {
    ExactSum s;
    s.add(0.1);
    s.add(0.2);
    s.add(-0.3);
    // Each term is rounded once to a multiple of 2^-40: 0.1 + 0.2 - 0.3 is 0 or one unit away.
    EXPECT_LE(std::fabs(s.value()), 0x1.0p-40);
    ExactSum big;
    big.add(0x1.0p80);
    big.add(1.0);
    big.add(-0x1.0p80);
    EXPECT_EQ(big.value(), 1.0);  // no absorption of the small term
    ExactSum repeated, weighted;
    for (int i = 0; i < 1000; ++i) repeated.add(-9582.123456789);
    weighted.add(-9582.123456789, 1000);
    EXPECT_EQ(repeated.value(), weighted.value());
    EXPECT_NEAR(weighted.value(), -9582123.456789, 1e-6);
    ExactSum tiny;
    tiny.add(0x1.0p-42);  // below half a unit: rounds to 0
    tiny.add(0x1.8p-41);  // 1.5 half-units: rounds to one unit
    EXPECT_EQ(tiny.value(), 0x1.0p-40);
}

TEST(ExactSum, NonFiniteAndOutOfRangeTermsPoisonTheSumOnEveryRank) {
    ExactSum a, b;
    a.add(1.0);
    b.add(std::numeric_limits<double>::infinity());
    EXPECT_TRUE(std::isnan(b.value()));
    a.combine(b);
    EXPECT_TRUE(std::isnan(a.value()));
    ExactSum c;
    c.add(0x1.0p88);
    EXPECT_EQ(c.non_finite_terms(), 1);
    ExactSum d;
    d.add(std::nan(""), 3);
    EXPECT_EQ(d.non_finite_terms(), 3);
}

TEST(ExactSum, NegativeTotalsAndCarriesAcrossLimbs) {
    ExactSum s;
    s.add(-0x1.fffffffffffffp+60, 3);  // limbs carry into the top word
    s.add(0x1.0p+30);
    EXPECT_EQ(s.value(), -3 * 0x1.fffffffffffffp+60 + 0x1.0p+30);
    ExactSum z;
    z.add(-5.5);
    z.add(5.5);
    EXPECT_EQ(z.value(), 0.0);
}

// ---------------------------------------------------------------- grouping
TEST(RfmSummary, GroupsAreSortedWithCounts) {
    const std::vector<RfmSummary> cs{{2, 10, 30}, {0, 0, 30}, {2, 10, 30}, {0, 0, 28}, {0, 0, 30}};
    const auto g = grouped(cs);
    ASSERT_EQ(g.size(), 3u);
    EXPECT_EQ(g[0], (RfmGroup{{0, 0, 28}, 1}));
    EXPECT_EQ(g[1], (RfmGroup{{0, 0, 30}, 2}));
    EXPECT_EQ(g[2], (RfmGroup{{2, 10, 30}, 2}));
    const std::vector<RfmSummary> more{{0, 0, 30}, {5, 1, 2}};
    const auto m = merge_groups<RfmSummary>(g, grouped(more));
    EXPECT_EQ(customer_count<RfmSummary>(m), 7);
    EXPECT_EQ(m[1], (RfmGroup{{0, 0, 30}, 3}));
    EXPECT_EQ(m.back(), (RfmGroup{{5, 1, 2}, 1}));
}

// ---------------------------------------------------------------- 2F1
TEST(Hypergeometric, MatchesClosedFormsAndBoostPfq) {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z (A&S 15.1.3).
    for (double z : {0.0, 0.1, 0.5, 0.9, 0.99})
        EXPECT_NEAR(hyp2f1_one_b_c(1, 2, z), z == 0 ? 1 : -std::log1p(-z) / z, 1e-14 / (1 - z)) << z;
    // 2F1(a, b; b; z) = (1 - z)^-a (A&S 15.1.8).
    EXPECT_NEAR(hyp2f1_series(0.7, 2.5, 2.5, 0.6), std::pow(0.4, -0.7), 1e-13);
    // Against Boost's checked generic series at the parameters the models use.
    struct Case { double a, b, c, z; };
    for (const Case& k : {Case{2.976, -0.207, 2.219, 0.49}, Case{2.976, -0.207, 501.2, 0.49},
                          Case{1, 0.243, 1.85, 0.09}, Case{1, 10.6, 12.2, 0.8}, Case{-1.5, 3.2, 4.1, -0.7}}) {
        const double boost = boost::math::hypergeometric_pFq({k.a, k.b}, {k.c}, k.z);
        const double ours = k.a == 1 ? hyp2f1_one_b_c(k.b, k.c, k.z) : hyp2f1_series(k.a, k.b, k.c, k.z);
        EXPECT_NEAR(ours, boost, 4e-15 * std::fabs(boost)) << k.a << " " << k.b << " " << k.c << " " << k.z;
    }
    EXPECT_TRUE(std::isnan(hyp2f1_series(1, 1, 2, 1.0)));
}

// ---------------------------------------------------------------- hand-checked likelihoods
TEST(BgNbd, LogLikelihoodMatchesTheClosedFormWithBetaFunctions) {
    // FHL 2005: L = B(a, b + x)/B(a, b) G(r + x) alpha^r / (G(r) (alpha + T)^(r + x))
    //             + [x > 0] B(a + 1, b + x - 1)/B(a, b) G(r + x) alpha^r / (G(r) (alpha + t_x)^(r + x)).
    const BgNbdParams p{0.243, 4.414, 0.793, 2.426};
    for (const RfmSummary s : {RfmSummary{0, 0, 38.86}, RfmSummary{2, 30.43, 38.86}, RfmSummary{7, 29.43, 35.0}}) {
        using boost::math::beta;
        const double g = std::tgamma(p.r + s.x) * std::pow(p.alpha, p.r) / std::tgamma(p.r);
        double l = beta(p.a, p.b + s.x) / beta(p.a, p.b) * g / std::pow(p.alpha + s.T, p.r + s.x);
        if (s.x > 0) l += beta(p.a + 1, p.b + s.x - 1) / beta(p.a, p.b) * g / std::pow(p.alpha + s.t_x, p.r + s.x);
        EXPECT_NEAR(bg_nbd_log_likelihood(p, s), std::log(l), 1e-12) << s.x;
    }
}

TEST(ParetoNbd, LogLikelihoodMatchesNumericalIntegration) {
    // L = G(r+x) a^r b^s / G(r) [ (a+T)^-(r+x) (b+T)^-s + s \int_{t_x}^T (a+y)^-(r+x) (b+y)^-(s+1) dy ]
    // (the integral form the note derives before introducing 2F1); Simpson's rule, 20000 panels.
    for (const ParetoNbdParams p : {ParetoNbdParams{0.553, 10.578, 0.606, 11.669},
                                    ParetoNbdParams{0.553, 13.0, 0.606, 2.5}}) {
        for (const RfmSummary s : {RfmSummary{0, 0, 38.86}, RfmSummary{2, 30.43, 38.86}, RfmSummary{9, 3.0, 30.0}}) {
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


// ---------------------------------------------------------------- CDNOW published fits
TEST(CdnowReference, SummaryFilesHaveThePublishedCounts) {
    const auto& f = cdnow_fits();
    SKIP_WITHOUT_CDNOW(f.customers);
    ASSERT_EQ(f.customers.size(), 2357u);
    double sum_x = 0, sum_x_star = 0;
    for (const auto& c : f.customers) sum_x += c.rfm.x, sum_x_star += c.x_star;
    EXPECT_EQ(sum_x, 2457);
    EXPECT_EQ(sum_x_star, 1882);
    EXPECT_EQ(customer_count<SpendSummary>(f.spend_groups), 946);
    std::printf("CDNOW sample: %zu customers in %zu distinct (x, t_x, T) groups\n", f.customers.size(),
                f.groups.size());
}

TEST(CdnowReference, BgNbdReproducesFaderHardieLee2005) {
    const auto& f = cdnow_fits();
    SKIP_WITHOUT_CDNOW(f.customers);
    const BgNbdParams& p = f.bg.params;
    std::printf("BG/NBD r=%.6f alpha=%.6f a=%.6f b=%.6f LL=%.6f (%d evaluations, %.3f s)\n", p.r, p.alpha, p.a,
                p.b, f.bg.log_likelihood, f.bg.evaluations, f.seconds_bg);
    EXPECT_GT(f.bg.nlopt_status, 0);
    EXPECT_NEAR(p.r, 0.243, 0.0005);
    EXPECT_NEAR(p.alpha, 4.414, 0.0005);
    EXPECT_NEAR(p.a, 0.793, 0.0005);
    EXPECT_NEAR(p.b, 2.426, 0.0005);
    EXPECT_NEAR(f.bg.log_likelihood, -9582.4, 0.05);
}

TEST(CdnowReference, ParetoNbdReproducesTheFaderHardieNote) {
    const auto& f = cdnow_fits();
    SKIP_WITHOUT_CDNOW(f.customers);
    const ParetoNbdParams& p = f.pnbd.params;
    std::printf("Pareto/NBD r=%.6f alpha=%.6f s=%.6f beta=%.6f LL=%.6f (%d evaluations, %.3f s)\n", p.r, p.alpha,
                p.s, p.beta, f.pnbd.log_likelihood, f.pnbd.evaluations, f.seconds_pnbd);
    EXPECT_GT(f.pnbd.nlopt_status, 0);
    EXPECT_NEAR(f.pnbd.log_likelihood, -9595.0, 0.05);
    EXPECT_NEAR(p.r, 0.553, 0.0005);
    EXPECT_NEAR(p.alpha, 10.578, 0.0005);
    EXPECT_NEAR(p.s, 0.606, 0.0005);
    EXPECT_NEAR(p.beta, 11.669, 0.05);  // weakly determined: the likelihood is flat along beta
}

TEST(CdnowReference, GammaGammaReproducesFaderHardie2013) {
    const auto& f = cdnow_fits();
    SKIP_WITHOUT_CDNOW(f.customers);
    const GammaGammaParams& g = f.gg.params;
    std::printf("Gamma-Gamma p=%.6f q=%.6f gamma=%.6f LL=%.6f (%d evaluations, %.3f s)\n", g.p, g.q, g.gamma,
                f.gg.log_likelihood, f.gg.evaluations, f.seconds_gg);
    EXPECT_GT(f.gg.nlopt_status, 0);
    EXPECT_NEAR(g.p, 6.25, 0.005);
    EXPECT_NEAR(g.q, 3.74, 0.005);
    EXPECT_NEAR(g.gamma, 15.44, 0.005);
}


TEST(CdnowReference, RoundedSummaryFileGivesTheSameFitsToThePrintedDigits) {
    // The 2-decimal file (Hardie's spreadsheet values, as lifetimes ships it).
    const auto rows = read_cdnow_rounded();
    SKIP_WITHOUT_CDNOW(rows);
    ASSERT_EQ(rows.size(), 2357u);
    const auto groups = grouped(rfm_of(rows));
    const BgNbdFit bg = fit_bg_nbd(groups);
    EXPECT_NEAR(bg.params.r, 0.243, 0.0005);
    EXPECT_NEAR(bg.params.alpha, 4.414, 0.0005);
    EXPECT_NEAR(bg.params.a, 0.793, 0.0005);
    EXPECT_NEAR(bg.params.b, 2.426, 0.0005);
    EXPECT_NEAR(bg.log_likelihood, -9582.4, 0.05);
    const ParetoNbdFit pn = fit_pareto_nbd(groups);
    EXPECT_NEAR(pn.log_likelihood, -9595.0, 0.05);
    EXPECT_NEAR(pn.params.r, 0.553, 0.0005);
    EXPECT_NEAR(pn.params.s, 0.606, 0.0005);
    EXPECT_NEAR(pn.params.beta, 11.669, 0.05);
    // Gamma-Gamma on the rounded zbar gives gamma = 15.448: the published 15.44 needs the
    // unrounded m_x, which is why the reference test uses cdnowSummary_cbs.csv.
    const GammaGammaFit gg = fit_gamma_gamma(grouped(spend_of(rows)));
    EXPECT_NEAR(gg.params.p, 6.25, 0.005);
    EXPECT_NEAR(gg.params.q, 3.74, 0.005);
    EXPECT_NEAR(gg.params.gamma, 15.448, 0.005);
}

TEST(CdnowReference, HoldoutPredictionMatchesTheLiterature) {
    // Sum over customers of E[Y(39) | x, t_x, T] vs the 1,882 actual holdout repeat transactions.
    // Reference: BTYDplus (Platzer), demo/cdnow.R, fits the same cdnowSummary and prints the
    // relative error of the summed conditional expectations: BG/NBD -0.121, Pareto/NBD -0.115
    // (both models under-forecast the CDNOW holdout). Asserted to those printed digits.
    const auto& f = cdnow_fits();
    SKIP_WITHOUT_CDNOW(f.customers);
    double bg = 0, pn = 0, actual = 0, new_customers = 0;
    for (const auto& c : f.customers) {
        bg += bg_nbd_expected_transactions(f.bg.params, c.rfm, 39);
        pn += pareto_nbd_expected_transactions(f.pnbd.params, c.rfm, 39);
        new_customers += bg_nbd_expected_transactions_new(f.bg.params, c.rfm.T + 39) -
                         bg_nbd_expected_transactions_new(f.bg.params, c.rfm.T);
        actual += c.x_star;
    }
    std::printf("holdout repeat transactions (39 weeks): actual %.0f, BG/NBD conditional %.1f (%+.4f), "
                "Pareto/NBD conditional %.1f (%+.4f), BG/NBD unconditional %.1f\n",
                actual, bg, (bg - actual) / actual, pn, (pn - actual) / actual, new_customers);
    EXPECT_EQ(actual, 1882);
    EXPECT_NEAR((bg - actual) / actual, -0.121, 0.0005);
    EXPECT_NEAR((pn - actual) / actual, -0.115, 0.0005);
}

TEST(BgNbd, PAliveHandChecked) {
    const BgNbdParams p{0.243, 4.414, 0.793, 2.426};
    // No repeat purchase: the customer cannot have dropped out (drop-out follows a purchase).
    EXPECT_EQ(bg_nbd_p_alive(p, {0, 0, 38.86}), 1.0);
    EXPECT_EQ(bg_nbd_p_alive(p, {0, 0, 1e9}), 1.0);
    // CDNOW customer 1: x = 2, t_x = 30.43, T = 38.86:
    // 1 / (1 + 0.793 / 3.426 * (43.274 / 34.844)^2.243) = 1 / (1 + 0.231465 * 1.62578) = 0.72658
    const double direct = 1 / (1 + p.a / (p.b + 1) * std::pow((p.alpha + 38.86) / (p.alpha + 30.43), p.r + 2));
    EXPECT_NEAR(bg_nbd_p_alive(p, {2, 30.43, 38.86}), direct, 1e-15);
    EXPECT_NEAR(direct, 0.72658, 0.000005);
}

TEST(Btyd, VeryFrequentCustomersStayFinite) {
    // x = 500 overflows G(r + x) and (alpha + T)^(r + x) in the textbook forms.
    const BgNbdParams bg{0.243, 4.414, 0.793, 2.426};
    const ParetoNbdParams pn{0.553, 10.578, 0.606, 11.669};
    EXPECT_FALSE(std::isfinite(std::tgamma(bg.r + 500) / std::pow(bg.alpha + 50, bg.r + 500)));
    for (const RfmSummary s : {RfmSummary{500, 50, 50}, RfmSummary{500, 49.9, 50}, RfmSummary{500, 10, 50},
                               RfmSummary{1e5, 50, 50}}) {
        SCOPED_TRACE(testing::Message() << "x=" << s.x << " t_x=" << s.t_x << " T=" << s.T);
        const double ll_bg = bg_nbd_log_likelihood(bg, s), ll_pn = pareto_nbd_log_likelihood(pn, s);
        const double pa_bg = bg_nbd_p_alive(bg, s), pa_pn = pareto_nbd_p_alive(pn, s);
        const double e_bg = bg_nbd_expected_transactions(bg, s, 39), e_pn = pareto_nbd_expected_transactions(pn, s, 39);
        EXPECT_TRUE(std::isfinite(ll_bg) && std::isfinite(ll_pn));
        EXPECT_TRUE(pa_bg >= 0 && pa_bg <= 1 && pa_pn >= 0 && pa_pn <= 1) << pa_bg << " " << pa_pn;
        EXPECT_TRUE(std::isfinite(e_bg) && e_bg >= 0 && std::isfinite(e_pn) && e_pn >= 0) << e_bg << " " << e_pn;
        if (s.t_x == s.T) {
            // Bought at the very end: almost surely alive, so E[Y(39)] is the textbook expression
            // with P(alive) = 1, (r + x)(beta + T) / ((alpha + T)(s - 1)) [1 - ((beta + T) / (beta + T + 39))^(s - 1)].
            EXPECT_GT(pa_bg, 0.99);
            EXPECT_GT(pa_pn, 0.99);
            const double alive = (pn.r + s.x) * (pn.beta + s.T) / ((pn.alpha + s.T) * (pn.s - 1)) *
                                 (1 - std::pow((pn.beta + s.T) / (pn.beta + s.T + 39), pn.s - 1));
            EXPECT_NEAR(e_pn / alive, 1, 1e-6);
        }
        if (s.t_x == 10) {
            EXPECT_LT(pa_bg, 1e-100);  // silent for 40 weeks after buying 50 a week: gone
        }
    }
}

TEST(Btyd, ExpectedTransactionsAreConsistent) {
    const BgNbdParams bg{0.243, 4.414, 0.793, 2.426};
    // A customer with no history at age 0 is a new customer: conditional = unconditional.
    EXPECT_NEAR(bg_nbd_expected_transactions(bg, {0, 0, 0}, 39), bg_nbd_expected_transactions_new(bg, 39), 1e-14);
    // E[X(t)] against Boost's 2F1 in the untransformed textbook form (FHL 2005).
    const double t = 39;
    const double textbook = (bg.a + bg.b - 1) / (bg.a - 1) *
        (1 - std::pow(bg.alpha / (bg.alpha + t), bg.r) *
                 boost::math::hypergeometric_pFq({bg.r, bg.b}, {bg.a + bg.b - 1}, t / (bg.alpha + t)));
    EXPECT_NEAR(bg_nbd_expected_transactions_new(bg, t), textbook, 1e-13);
    // Conditional expectation of CDNOW customer 1 against the textbook form (x = 2).
    const RfmSummary c1{2, 30.43, 38.86};
    const double z = t / (bg.alpha + c1.T + t);
    const double bracket = 1 - std::pow((bg.alpha + c1.T) / (bg.alpha + c1.T + t), bg.r + 2) *
        boost::math::hypergeometric_pFq({bg.r + 2, bg.b + 2}, {bg.a + bg.b + 1}, z);
    EXPECT_NEAR(bg_nbd_expected_transactions(bg, c1, t), (bg.a + bg.b + 1) / (bg.a - 1) * bracket * bg_nbd_p_alive(bg, c1), 1e-13);
    // The a = 1 singularity is removable.
    const BgNbdParams at_one{0.243, 4.414, 1.0, 2.426}, near_one{0.243, 4.414, 1.0 + 1e-4, 2.426};
    EXPECT_NEAR(bg_nbd_expected_transactions(at_one, c1, t), bg_nbd_expected_transactions(near_one, c1, t), 1e-4);
    // Pareto/NBD at s = 1 is the limit of s -> 1.
    const ParetoNbdParams s_one{0.553, 10.578, 1.0, 11.669}, s_near{0.553, 10.578, 1.0 + 1e-9, 11.669};
    EXPECT_NEAR(pareto_nbd_expected_transactions(s_one, c1, t), pareto_nbd_expected_transactions(s_near, c1, t), 1e-8);
}

TEST(GammaGamma, ExpectedSpendIsTheCredibilityWeightedMean) {
    const GammaGammaParams g{6.25, 3.74, 15.44};
    const double population = g.p * g.gamma / (g.q - 1);  // E[M] of a new customer
    EXPECT_DOUBLE_EQ(gamma_gamma_expected_spend(g, 0, 0), population);
    for (double x : {1.0, 2.0, 10.0}) {
        const double w = (g.q - 1) / (g.p * x + g.q - 1);
        EXPECT_NEAR(gamma_gamma_expected_spend(g, x, 22.345), w * population + (1 - w) * 22.345, 1e-12);
    }
    EXPECT_TRUE(std::isnan(gamma_gamma_expected_spend({6.25, 0.9, 15.44}, 2, 20)));
}

TEST(Clv, DiscountingHandChecked) {
    const BgNbdParams bg{0.243, 4.414, 0.793, 2.426};
    const RfmSummary c1{2, 30.43, 38.86};
    // No discounting: the sum telescopes to E[Y(52)].
    EXPECT_NEAR(bg_nbd_clv(bg, c1, 10.0, 52, 0.0), 10.0 * bg_nbd_expected_transactions(bg, c1, 52), 1e-12);
    // Two periods by hand: E1 / 1.01 + (E2 - E1) / 1.01^2.
    const double e1 = bg_nbd_expected_transactions(bg, c1, 1), e2 = bg_nbd_expected_transactions(bg, c1, 2);
    EXPECT_NEAR(bg_nbd_clv(bg, c1, 1.0, 2, 0.01), e1 / 1.01 + (e2 - e1) / (1.01 * 1.01), 1e-15);
    EXPECT_LT(bg_nbd_clv(bg, c1, 10.0, 52, 0.002), bg_nbd_clv(bg, c1, 10.0, 52, 0.0));
    const ParetoNbdParams pn{0.553, 10.578, 0.606, 11.669};
    EXPECT_NEAR(pareto_nbd_clv(pn, c1, 10.0, 52, 0.0), 10.0 * pareto_nbd_expected_transactions(pn, c1, 52), 1e-12);
}

// ---------------------------------------------------------------- rank-count independence
// Runs `fit` on `parts` threads, each with the groups of its own share of the customers (the
// same summary can sit on several "ranks" with partial counts), summing ExactSum words through
// a barrier: what the MPI layer does with MPI_Allreduce(MPI_SUM).
template <class Fit, class FitFn>
std::vector<Fit> fit_on_simulated_ranks(const std::vector<RfmSummary>& customers, int parts, FitFn fit) {
    std::vector<std::vector<RfmGroup>> local(parts);
    for (int k = 0; k < parts; ++k) {
        std::vector<RfmSummary> mine;
        for (std::size_t i = std::size_t(k); i < customers.size(); i += std::size_t(parts)) mine.push_back(customers[i]);
        local[k] = grouped(mine);
    }
    std::vector<std::vector<std::int64_t>> slots(parts);
    std::barrier sync(parts);
    std::vector<Fit> out(parts);
    std::vector<std::thread> ranks;
    for (int k = 0; k < parts; ++k)
        ranks.emplace_back([&, k] {
            const AllReduceWords allreduce = [&](std::span<std::int64_t> words) {
                slots[k].assign(words.begin(), words.end());
                sync.arrive_and_wait();
                for (std::size_t w = 0; w < words.size(); ++w) {
                    words[w] = 0;
                    for (int j = 0; j < parts; ++j) words[w] += slots[j][w];
                }
                sync.arrive_and_wait();
            };
            out[k] = fit(local[k], allreduce);
        });
    for (auto& t : ranks) t.join();
    return out;
}

TEST(CdnowReference, FitsAreIdenticalOnOneToFourRanks) {
    const auto& f = cdnow_fits();
    SKIP_WITHOUT_CDNOW(f.customers);
    const auto customers = rfm_of(f.customers);
    for (int parts = 1; parts <= 4; ++parts) {
        SCOPED_TRACE(testing::Message() << parts << " ranks");
        const auto bg = fit_on_simulated_ranks<BgNbdFit>(
            customers, parts, [](std::span<const RfmGroup> g, const AllReduceWords& r) { return fit_bg_nbd(g, r); });
        const auto pn = fit_on_simulated_ranks<ParetoNbdFit>(
            customers, parts, [](std::span<const RfmGroup> g, const AllReduceWords& r) { return fit_pareto_nbd(g, r); });
        for (int k = 0; k < parts; ++k) {
            EXPECT_EQ(bg[k].params.r, f.bg.params.r);
            EXPECT_EQ(bg[k].params.alpha, f.bg.params.alpha);
            EXPECT_EQ(bg[k].params.a, f.bg.params.a);
            EXPECT_EQ(bg[k].params.b, f.bg.params.b);
            EXPECT_EQ(bg[k].log_likelihood, f.bg.log_likelihood);
            EXPECT_EQ(bg[k].evaluations, f.bg.evaluations);
            EXPECT_EQ(pn[k].params.r, f.pnbd.params.r);
            EXPECT_EQ(pn[k].params.alpha, f.pnbd.params.alpha);
            EXPECT_EQ(pn[k].params.s, f.pnbd.params.s);
            EXPECT_EQ(pn[k].params.beta, f.pnbd.params.beta);
            EXPECT_EQ(pn[k].log_likelihood, f.pnbd.log_likelihood);
        }
    }
}


TEST(CdnowReference, DerivativeFreeFitsAgreeWithLbfgs) {
    // The same optimum from Nelder-Mead (no gradient) as from L-BFGS with the analytic gradient.
    const auto& f = cdnow_fits();
    SKIP_WITHOUT_CDNOW(f.customers);
    FitOptions nm;
    nm.algorithm = FitAlgorithm::nelder_mead;
    const BgNbdFit bg = fit_bg_nbd(f.groups, {}, nm);
    EXPECT_NEAR(bg.log_likelihood, f.bg.log_likelihood, 1e-6);
    EXPECT_NEAR(bg.params.r, 0.243, 0.0005);
    EXPECT_NEAR(bg.params.alpha, 4.414, 0.0005);
    EXPECT_NEAR(bg.params.a, 0.793, 0.0005);
    EXPECT_NEAR(bg.params.b, 2.426, 0.0005);
    const ParetoNbdFit pn = fit_pareto_nbd(f.groups, {}, nm);
    EXPECT_NEAR(pn.log_likelihood, f.pnbd.log_likelihood, 1e-6);
    EXPECT_NEAR(pn.params.r, 0.553, 0.0005);
    EXPECT_NEAR(pn.params.s, 0.606, 0.0005);
    const GammaGammaFit gg = fit_gamma_gamma(f.spend_groups, {}, nm);
    EXPECT_NEAR(gg.log_likelihood, f.gg.log_likelihood, 1e-6);
    EXPECT_NEAR(gg.params.gamma, 15.44, 0.005);
}

TEST(Btyd, AnalyticGradientsMatchCentralDifferences) {
    for (const RfmSummary s : {RfmSummary{0, 0, 38.86}, RfmSummary{1, 0, 30}, RfmSummary{2, 30.43, 38.86},
                               RfmSummary{40, 20, 35}}) {
        BgNbdParams p{0.243, 4.414, 0.793, 2.426};
        double analytic[4];
        const double value = bg_nbd_log_likelihood_gradient(p, s, analytic);
        EXPECT_EQ(value, bg_nbd_log_likelihood(p, s));
        double* fields[4] = {&p.r, &p.alpha, &p.a, &p.b};
        for (int i = 0; i < 4; ++i) {
            const double v = *fields[i], h = 1e-6 * v;
            *fields[i] = v + h;
            const double up = bg_nbd_log_likelihood(p, s);
            *fields[i] = v - h;
            const double down = bg_nbd_log_likelihood(p, s);
            *fields[i] = v;
            EXPECT_NEAR(analytic[i], (up - down) / (2 * h), 1e-6 * (1 + std::fabs(analytic[i]))) << s.x << " " << i;
        }
    }
    for (const ParetoNbdParams base : {ParetoNbdParams{0.553, 10.578, 0.606, 11.669},
                                       ParetoNbdParams{0.553, 13.0, 0.606, 2.5}, ParetoNbdParams{2.0, 3.0, 1.5, 3.0}}) {
        for (const RfmSummary s : {RfmSummary{0, 0, 38.86}, RfmSummary{1, 0, 30}, RfmSummary{2, 30.43, 38.86},
                                   RfmSummary{40, 20, 35}, RfmSummary{3, 35, 35}}) {
            ParetoNbdParams p = base;
            double analytic[4];
            EXPECT_EQ(pareto_nbd_log_likelihood_gradient(p, s, analytic), pareto_nbd_log_likelihood(p, s));
            double* fields[4] = {&p.r, &p.alpha, &p.s, &p.beta};
            for (int i = 0; i < 4; ++i) {
                const double v = *fields[i], h = 1e-6 * v;
                *fields[i] = v + h;
                const double up = pareto_nbd_log_likelihood(p, s);
                *fields[i] = v - h;
                const double down = pareto_nbd_log_likelihood(p, s);
                *fields[i] = v;
                EXPECT_NEAR(analytic[i], (up - down) / (2 * h), 1e-6 * (1 + std::fabs(analytic[i])))
                    << "beta=" << base.beta << " x=" << s.x << " t_x=" << s.t_x << " parameter " << i;
            }
        }
    }
    for (const SpendSummary s : {SpendSummary{1, 11.77}, SpendSummary{2, 22.345}, SpendSummary{20, 299.6}}) {
        GammaGammaParams g{6.25, 3.74, 15.44};
        const std::vector<SpendGroup> one{{s, 1}};
        auto total = [&](const GammaGammaParams& q, std::span<ExactSum> grad) {
            ExactSum v;
            gamma_gamma_add_log_likelihood(q, one, v, grad);
            return v.value();
        };
        std::vector<ExactSum> grad(3);
        total(g, grad);
        double* fields[3] = {&g.p, &g.q, &g.gamma};
        for (int i = 0; i < 3; ++i) {
            const double v = *fields[i], h = 1e-6 * v;
            *fields[i] = v + h;
            const double up = gamma_gamma_log_likelihood(g, s);
            *fields[i] = v - h;
            const double down = gamma_gamma_log_likelihood(g, s);
            *fields[i] = v;
            // ExactSum rounds each term to 2^-40: compare at that resolution.
            EXPECT_NEAR(grad[i].value(), (up - down) / (2 * h), 1e-6 * (1 + std::fabs(grad[i].value()))) << s.x << " " << i;
        }
    }
}

// ---------------------------------------------------------------- synthetic data
std::vector<RfmSummary> simulate(const BgNbdSimulation& sim, std::uint64_t customers) {
    std::vector<RfmSummary> out(customers);
    for (std::uint64_t i = 0; i < customers; ++i) out[i] = simulate_bg_nbd_customer(sim, i);
    return out;
}

TEST(BgNbd, FitRecoversTheParametersOfSimulatedCustomers) {
    const BgNbdSimulation sim;  // CDNOW-like truth, seed 1
    const auto customers = simulate(sim, 100000);
    const auto groups = grouped(customers);
    const BgNbdFit fit = fit_bg_nbd(groups);
    // Each parameter within 10 % (100,000 customers; the a, b estimates are the noisiest).
    EXPECT_NEAR(fit.params.r / sim.truth.r, 1, 0.10);
    EXPECT_NEAR(fit.params.alpha / sim.truth.alpha, 1, 0.10);
    EXPECT_NEAR(fit.params.a / sim.truth.a, 1, 0.10);
    EXPECT_NEAR(fit.params.b / sim.truth.b, 1, 0.10);
    EXPECT_EQ(simulate_bg_nbd_customer(sim, 12345), simulate_bg_nbd_customer(sim, 12345));
}

TEST(BgNbd, SummedLikelihoodIsIdenticalForAnyThreadCount) {
    const auto groups = grouped(simulate(BgNbdSimulation{}, 100000));  // above the OpenMP threshold
    ASSERT_GT(groups.size(), 4096u);
    const BgNbdParams p{0.243, 4.414, 0.793, 2.426};
    auto words_with = [&](int threads) {
        const int saved = omp_get_max_threads();
        omp_set_num_threads(threads);
        ExactSum value;
        std::vector<ExactSum> gradient(4);
        bg_nbd_add_log_likelihood(p, groups, value, gradient);
        omp_set_num_threads(saved);
        std::vector<std::int64_t> words;
        for (auto* s : {&value, &gradient[0], &gradient[1], &gradient[2], &gradient[3]})
            for (auto w : s->sum_words()) words.push_back(w);
        return words;
    };
    const auto one = words_with(1);
    EXPECT_EQ(words_with(2), one);
    EXPECT_EQ(words_with(3), one);
    EXPECT_EQ(words_with(4), one);
}

// The benchmark of issue 4, item 7. Run it with
//   OMP_NUM_THREADS=1 taskset -c 0 engage_unit_tests --gtest_also_run_disabled_tests
//     --gtest_filter='BtydBenchmark.*'
// ENGAGE_BTYD_BENCH_CUSTOMERS overrides the 10,000,000 customers.
TEST(BtydBenchmark, DISABLED_FitTenMillionSimulatedCustomers) {
    using clock = std::chrono::steady_clock;
    const char* env = std::getenv("ENGAGE_BTYD_BENCH_CUSTOMERS");
    const std::uint64_t n = env ? std::strtoull(env, nullptr, 10) : 10000000;
    const BgNbdSimulation sim;
    auto t0 = clock::now();
    const auto customers = simulate(sim, n);
    auto t1 = clock::now();
    const auto groups = grouped(customers);
    auto t2 = clock::now();
    const BgNbdFit bg = fit_bg_nbd(groups);
    auto t3 = clock::now();
    const ParetoNbdFit pn = fit_pareto_nbd(groups);
    auto t4 = clock::now();
    auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::printf("customers %llu, distinct (x, t_x, T) groups %zu, OpenMP threads %d\n", (unsigned long long)n,
                groups.size(), omp_get_max_threads());
    std::printf("simulate %.2f s, group %.2f s\n", secs(t0, t1), secs(t1, t2));
    std::printf("BG/NBD fit %.2f s, %d evaluations (%.1f ms each): r=%.4f alpha=%.4f a=%.4f b=%.4f LL=%.1f\n",
                secs(t2, t3), bg.evaluations, 1e3 * secs(t2, t3) / bg.evaluations, bg.params.r, bg.params.alpha,
                bg.params.a, bg.params.b, bg.log_likelihood);
    std::printf("Pareto/NBD fit %.2f s, %d evaluations (%.1f ms each): r=%.4f alpha=%.4f s=%.4f beta=%.4f LL=%.1f\n",
                secs(t3, t4), pn.evaluations, 1e3 * secs(t3, t4) / pn.evaluations, pn.params.r, pn.params.alpha,
                pn.params.s, pn.params.beta, pn.log_likelihood);
    EXPECT_GT(bg.nlopt_status, 0);
}

}  // namespace
}  // namespace engage::kernels
