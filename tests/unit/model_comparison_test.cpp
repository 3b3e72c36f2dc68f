// Model comparison helpers: AIC/BIC and holdout errors, hand-checked, and the holdout state's
// combine equal to one fold over all customers, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "retention/model_comparison.hpp"

namespace engage::kernels {
namespace {

TEST(ModelComparison, InformationCriteriaHandChecked) {
    // The BG/NBD on the CDNOW sample: ln L = -9582.43, 4 parameters, 2,357 customers.
    const auto ic = information_criteria(-9582.43, 4, 2357);
    EXPECT_NEAR(ic.aic, 19172.86, 1e-9);
    EXPECT_NEAR(ic.bic, 19164.86 + 4 * std::log(2357.0), 1e-9);
    EXPECT_NEAR(ic.bic, 19195.9206, 1e-4);
}

TEST(ModelComparison, HoldoutErrorsHandChecked) {
    HoldoutErrorState s;
    const double actual[] = {0, 2, 3}, forecast[] = {0.5, 1, 3.5};
    for (int i = 0; i < 3; ++i) HoldoutErrorKernel::update(s, actual[i], forecast[i]);
    const auto e = HoldoutErrorKernel::finalize(s);
    EXPECT_EQ(e.customers, 3);
    EXPECT_NEAR(e.actual_total, 5, 1e-12);
    EXPECT_NEAR(e.forecast_total, 5, 1e-12);
    EXPECT_NEAR(e.mae, 2.0 / 3, 1e-12);
    EXPECT_NEAR(e.rmse, std::sqrt(0.5), 1e-12);
    const double l1 = std::log(1.5), l2 = std::log(3.0 / 2), l3 = std::log(4.5 / 4);
    EXPECT_NEAR(e.msle, (l1 * l1 + l2 * l2 + l3 * l3) / 3, 1e-12);
    EXPECT_NEAR(e.bias, 0, 1e-12);
    const auto none = HoldoutErrorKernel::finalize(HoldoutErrorState{});
    EXPECT_EQ(none.customers, 0);
    EXPECT_TRUE(std::isnan(none.mae) && std::isnan(none.bias));
    HoldoutErrorState zero;
    HoldoutErrorKernel::update(zero, 0, 0.2);
    EXPECT_TRUE(std::isnan(HoldoutErrorKernel::finalize(zero).bias));
}

TEST(ModelComparison, CombineEqualsOneFoldBitForBit) {
    std::vector<std::pair<double, double>> rows;
    for (int i = 0; i < 1000; ++i) rows.push_back({double(i % 7), 0.37 * double((i * 13) % 11) + 1e-3 * i});
    HoldoutErrorState whole, parts[3];
    for (std::size_t i = 0; i < rows.size(); ++i) {
        HoldoutErrorKernel::update(whole, rows[i].first, rows[i].second);
        HoldoutErrorKernel::update(parts[(i * 5) % 3], rows[i].first, rows[i].second);
    }
    HoldoutErrorKernel::combine(parts[2], parts[0]);
    HoldoutErrorKernel::combine(parts[2], parts[1]);
    const auto a = HoldoutErrorKernel::finalize(whole), b = HoldoutErrorKernel::finalize(parts[2]);
    EXPECT_EQ(a.customers, b.customers);
    EXPECT_EQ(a.mae, b.mae);
    EXPECT_EQ(a.rmse, b.rmse);
    EXPECT_EQ(a.msle, b.msle);
    EXPECT_EQ(a.bias, b.bias);
}

}  // namespace
}  // namespace engage::kernels
