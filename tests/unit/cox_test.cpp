// The Cox model (kernels/survival/cox.hpp) against R's survival package: coefficients, standard
// errors, log-likelihoods and iterations of coxph (Efron ties) on data sets shipped with R
// (`lung` and `veteran`, Therneau & Grambsch 2000; exported by Rscript at test time), to 1e-6,
// and the proportional-hazards test of cox.zph;
// and the exactness of the per-day sums (any split of the subjects gives the same bits).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "survival/cox.hpp"

namespace {

using namespace engage::kernels;

struct Data {
    std::vector<std::int32_t> days;
    std::vector<std::uint8_t> events;
    std::vector<double> x;
    int p = 0;
};

// CSV written by R's write.csv: a header, then time, status (0/1), covariates.
Data read_csv(const std::string& path) {
    std::ifstream in(path);
    Data d;
    std::string line;
    std::getline(in, line);
    d.p = int(std::count(line.begin(), line.end(), ',')) - 1;
    while (std::getline(in, line)) {
        std::stringstream s(line);
        std::string cell;
        std::getline(s, cell, ',');
        d.days.push_back(std::int32_t(std::stod(cell)));
        std::getline(s, cell, ',');
        d.events.push_back(std::uint8_t(std::stod(cell)));
        while (std::getline(s, cell, ',')) d.x.push_back(std::stod(cell));
    }
    return d;
}

std::vector<double> read_numbers(const std::string& path) {
    std::ifstream in(path);
    std::vector<double> v;
    for (double x; in >> x;) v.push_back(x);
    return v;
}

bool have_r() { return std::system("Rscript -e 'library(survival)' >/dev/null 2>&1") == 0; }

// Runs R on `data` (an expression giving time, status 0/1 and covariates, in that order) and
// returns the exported data set and R's coef, se, loglik[0], loglik[1], iter.
std::pair<Data, std::vector<double>> r_fit(const std::string& name, const std::string& data) {
    const auto dir = std::filesystem::temp_directory_path() / ("engage-cox-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string csv = (dir / "data.csv").string(), fit = (dir / "fit.txt").string();
    const std::string script = (dir / "fit.R").string();
    std::ofstream(script) << "suppressMessages(library(survival))\n"
                          << "d <- na.omit(" << data << ")\n"
                          << "names(d)[1:2] <- c('time', 'status')\n"
                          << "write.csv(d, '" << csv << "', row.names = FALSE)\n"
                          << "f <- coxph(Surv(time, status) ~ ., data = d, ties = 'efron')\n"
                          << "writeLines(sprintf('%.17g', c(coef(f), sqrt(diag(vcov(f))), f$loglik, f$iter, cox.zph(f)$table[, 'chisq'])), '"
                          << fit << "')\n";
    EXPECT_EQ(std::system(("Rscript " + script).c_str()), 0);
    auto result = std::make_pair(read_csv(csv), read_numbers(fit));
    std::filesystem::remove_all(dir);
    return result;
}

void expect_r_agreement(const std::string& name, const std::string& data) {
    if (!have_r()) GTEST_SKIP() << "Rscript with the survival package is not installed (.ci/setup installs it)";
    const auto [d, r] = r_fit(name, data);
    ASSERT_GT(d.p, 0);
    const std::size_t p = std::size_t(d.p);
    ASSERT_EQ(r.size(), 2 * p + 3 + p + 1);
    const CoxFit f = fit_cox(d.days, d.events, d.x, d.p);
    // The proportional-hazards test (cox.zph, transform "km") from the sums at the fit.
    std::int32_t max_day = 0;
    for (auto t : d.days) max_day = std::max(max_day, t);
    CoxDaySums at_fit(d.p, max_day);
    for (std::size_t i = 0; i < d.days.size(); ++i) at_fit.add(d.days[i], d.events[i] != 0, std::span(d.x).subspan(i * p, p), f.beta);
    const CoxZph zph = cox_zph(at_fit);
    ASSERT_EQ(zph.chi_square.size(), p + 1);
    for (std::size_t i = 0; i <= p; ++i)
        EXPECT_NEAR(zph.chi_square[i], r[2 * p + 3 + i], 1e-6 * std::max(1.0, r[2 * p + 3 + i])) << name << " cox.zph " << i;
    EXPECT_TRUE(f.converged);
    for (std::size_t i = 0; i < p; ++i) {
        EXPECT_NEAR(f.beta[i], r[i], 1e-6 * std::max(1.0, std::fabs(r[i]))) << name << " coefficient " << i;
        EXPECT_NEAR(f.std_error[i], r[p + i], 1e-6 * std::max(1.0, r[p + i])) << name << " standard error " << i;
        // Tighter than asked: the same algorithm on the same numbers.
        EXPECT_NEAR(f.beta[i] / r[i], 1.0, 1e-8) << name << " coefficient " << i;
    }
    EXPECT_NEAR(f.log_likelihood_null, r[2 * p], 1e-6) << name;
    EXPECT_NEAR(f.log_likelihood, r[2 * p + 1], 1e-6) << name;
    EXPECT_EQ(f.iterations, int(r[2 * p + 2])) << name;
}

TEST(Cox, AgreesWithRCoxphOnLung) {
    // NCCTG lung cancer (Loprinzi et al. 1994): 227 complete cases, 164 deaths, many tied days.
    expect_r_agreement("lung", "data.frame(lung$time, lung$status - 1, lung$age, lung$sex, lung$ph.ecog)");
}

TEST(Cox, AgreesWithRCoxphOnVeteran) {
    // VA lung cancer trial (Kalbfleisch & Prentice 1980): 137 patients, 128 deaths.
    expect_r_agreement("veteran", "data.frame(veteran$time, veteran$status, veteran$karno, veteran$age, "
                                  "veteran$diagtime, veteran$prior, veteran$trt)");
}

TEST(Cox, HandCheckedTwoSubjectsOneEvent) {
    // Subjects at days 1 (event, x = 1) and 2 (censored, x = 0): L(b) = e^b / (e^b + 1), so at
    // b = 0: log L = -log 2, U = 1 - 1/2, I = 1/4.
    CoxDaySums s(1, 2);
    const double zero[] = {0.0}, one[] = {1.0};
    s.add(1, true, one, zero);
    s.add(2, false, zero, zero);
    const CoxEvaluation e = cox_evaluate(s);
    EXPECT_DOUBLE_EQ(e.log_likelihood, -std::log(2.0));
    EXPECT_DOUBLE_EQ(e.score[0], 0.5);
    EXPECT_DOUBLE_EQ(e.information[0], 0.25);
    EXPECT_EQ(e.events, 1);
}

TEST(Cox, EfronTiesHandChecked) {
    // Two tied events (x = 1, 0) and one later censored (x = 0) at b = 0: Efron's denominators
    // are 3 and 3 - 1/2 * 2 = 2, so log L = -log 3 - log 2.
    CoxDaySums s(1, 3);
    const double zero[] = {0.0}, one[] = {1.0};
    s.add(1, true, one, zero);
    s.add(1, true, zero, zero);
    s.add(3, false, zero, zero);
    const CoxEvaluation e = cox_evaluate(s);
    EXPECT_DOUBLE_EQ(e.log_likelihood, -std::log(3.0) - std::log(2.0));
    // U = 1 - (1/3) - (1 - 1/2)/2 = 5/12.
    EXPECT_DOUBLE_EQ(e.score[0], 1.0 - 1.0 / 3.0 - 0.25);
}

TEST(Cox, SplitSumsAreTheSameBits) {
    // Any split of the subjects (ranks, shards), combined, gives the same words and evaluation.
    const int p = 2;
    std::vector<double> beta = {0.3, -0.7};
    CoxDaySums whole(p, 30), a(p, 30), b(p, 30);
    for (int i = 0; i < 500; ++i) {
        const double x[] = {std::sin(i * 0.37) * 3, double(i % 7) - 3};
        const std::int32_t day = (i * 13) % 31;
        const bool event = i % 3 != 0;
        whole.add(day, event, x, beta);
        (i % 5 < 2 ? a : b).add(day, event, x, beta);
    }
    b.combine(a);
    ASSERT_TRUE(std::equal(whole.sum_words().begin(), whole.sum_words().end(), b.sum_words().begin()));
    const CoxEvaluation e1 = cox_evaluate(whole), e2 = cox_evaluate(b);
    EXPECT_EQ(e1.log_likelihood, e2.log_likelihood);
    EXPECT_EQ(e1.information, e2.information);
}

TEST(Cox, DayOutOfRangeIsRefused) {
    CoxDaySums s(1, 5);
    const double x[] = {0.0};
    EXPECT_THROW(s.add(6, true, x, x), std::out_of_range);
    EXPECT_THROW(s.add(-1, true, x, x), std::out_of_range);
}

}  // namespace
