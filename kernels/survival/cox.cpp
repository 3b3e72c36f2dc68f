#include "survival/cox.hpp"

#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace engage::kernels {

CoxDaySums::CoxDaySums(int covariates, std::int32_t max_day)
    : p_(covariates), max_day_(max_day), sums_((std::size_t(max_day) + 1) * sums_per_day()) {
    if (covariates < 1 || max_day < 0) throw std::invalid_argument("CoxDaySums: need >= 1 covariate and max_day >= 0");
}

void CoxDaySums::add(std::int32_t day, bool event, std::span<const double> x, std::span<const double> beta) {
    if (day < 0 || day > max_day_)
        throw std::out_of_range("CoxDaySums: day " + std::to_string(day) + " outside 0.." + std::to_string(max_day_));
    const std::size_t p = std::size_t(p_);
    const double eta = cox_eta(x.first(p), beta);
    const double r = std::exp(eta);
    // The block of r, r x, r x x' once; the events add it a second time (Efron's sums) and their
    // own x, b'x and count.
    scratch_.resize(block());
    std::size_t k = 0;
    scratch_[k++] = r;
    for (std::size_t i = 0; i < p; ++i) scratch_[k++] = r * x[i];
    for (std::size_t i = 0; i < p; ++i)
        for (std::size_t j = 0; j <= i; ++j) scratch_[k++] = r * x[i] * x[j];
    const std::size_t base = std::size_t(day) * sums_per_day();
    for (std::size_t i = 0; i < block(); ++i) sums_.add(base + i, scratch_[i]);
    sums_.add(base + 2 * block() + p + 2, 1.0);
    if (!event) return;
    for (std::size_t i = 0; i < block(); ++i) sums_.add(base + block() + i, scratch_[i]);
    for (std::size_t i = 0; i < p; ++i) sums_.add(base + 2 * block() + i, x[i]);
    sums_.add(base + 2 * block() + p, eta);
    sums_.add(base + 2 * block() + p + 1, 1.0);
}

void CoxDaySums::combine(const CoxDaySums& other) noexcept {
    auto to = sum_words();
    auto from = other.sum_words();
    for (std::size_t i = 0; i < to.size(); ++i) to[i] += from[i];
}

namespace {

// What one event day adds to the score and information (for cox_zph): its deaths, the subjects
// at risk, U_t (p) and I_t (p x p).
struct CoxDay {
    std::int32_t day;
    double deaths, at_risk;
    double hazard;  // Efron's baseline hazard increment: sum over k of 1 / rho_tk
    std::vector<double> score, information;
};

CoxEvaluation evaluate(const CoxDaySums& s, std::vector<CoxDay>* days) {
    const std::size_t p = std::size_t(s.covariates()), per_day = s.sums_per_day(), block = s.block();
    constexpr std::size_t W = ExactSum::kWords;
    CoxEvaluation e;
    e.score.assign(p, 0.0);
    e.information.assign(p * p, 0.0);
    const auto words = s.sum_words();
    // The risk set of day t: every subject whose time is >= t (the censored of day t included:
    // they were at risk when the events of day t happened). Suffix sums on the exact words.
    std::vector<std::int64_t> risk(block * W, 0), count(W, 0);  // count: subjects at risk
    std::vector<double> rv(block), ev(block), a(p);
    auto value = [](const std::int64_t* w) {
        return ExactSumWords::value(ExactSumWords::ConstWords(w, ExactSumWords::kWords));
    };
    for (std::int32_t t = s.max_day(); t >= 0; --t) {
        const std::int64_t* day = words.data() + std::size_t(t) * per_day * W;
        for (std::size_t i = 0; i < block * W; ++i) risk[i] += day[i];
        for (std::size_t i = 0; i < W; ++i) count[i] += day[(2 * block + p + 2) * W + i];
        const double d = value(day + (2 * block + p + 1) * W);
        if (d == 0) continue;
        for (std::size_t i = 0; i < block; ++i) {
            rv[i] = value(risk.data() + i * W);
            ev[i] = value(day + (block + i) * W);
        }
        for (std::size_t i = 0; i < p; ++i) e.score[i] += value(day + (2 * block + i) * W);
        e.log_likelihood += value(day + (2 * block + p) * W);
        const auto deaths = std::int64_t(d);
        e.events += deaths;
        CoxDay* today = nullptr;
        if (days) {
            days->push_back({t, d, value(count.data()), 0.0, {}, std::vector<double>(p * p, 0.0)});
            today = &days->back();
            for (std::size_t i = 0; i < p; ++i) today->score.push_back(value(day + (2 * block + i) * W));
        }
        // Efron (1977): the k-th of the d tied events sees the risk set less k/d of the events.
        for (std::int64_t k = 0; k < deaths; ++k) {
            const double f = double(k) / double(deaths);
            const double den = rv[0] - f * ev[0];
            e.log_likelihood -= std::log(den);
            if (today) today->hazard += 1 / den;
            for (std::size_t i = 0; i < p; ++i) {
                a[i] = (rv[1 + i] - f * ev[1 + i]) / den;
                e.score[i] -= a[i];
                if (today) today->score[i] -= a[i];
            }
            std::size_t q = 1 + p;
            for (std::size_t i = 0; i < p; ++i)
                for (std::size_t j = 0; j <= i; ++j, ++q) {
                    const double v = (rv[q] - f * ev[q]) / den - a[i] * a[j];
                    e.information[i * p + j] += v;
                    if (j != i) e.information[j * p + i] += v;
                    if (today) {
                        today->information[i * p + j] += v;
                        if (j != i) today->information[j * p + i] += v;
                    }
                }
        }
    }
    e.finite = std::isfinite(e.log_likelihood);
    for (double v : e.score) e.finite = e.finite && std::isfinite(v);
    return e;
}

}  // namespace

CoxEvaluation cox_evaluate(const CoxDaySums& s) { return evaluate(s, nullptr); }

namespace {

// L D L' of a symmetric matrix in place (R's cholesky2): the strict lower triangle holds L, the
// diagonal D; a pivot below toler * (largest diagonal) is set to 0 with its column of L.
void ldl(std::vector<double>& a, std::size_t n, double toler) {
    double largest = 0;
    for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, std::fabs(a[i * n + i]));
    const double eps = toler * largest;
    for (std::size_t j = 0; j < n; ++j) {
        const double pivot = a[j * n + j];
        if (!(pivot > eps)) {
            a[j * n + j] = 0;
            for (std::size_t i = j + 1; i < n; ++i) a[i * n + j] = 0;
            continue;
        }
        for (std::size_t i = j + 1; i < n; ++i) {
            const double temp = a[i * n + j] / pivot;
            a[i * n + i] -= temp * temp * pivot;
            for (std::size_t k = i + 1; k < n; ++k) a[k * n + i] -= temp * a[k * n + j];
            a[i * n + j] = temp;
        }
    }
}

void ldl_solve(const std::vector<double>& a, std::vector<double>& b, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < i; ++j) b[i] -= b[j] * a[i * n + j];
    for (std::size_t i = n; i-- > 0;) {
        if (a[i * n + i] == 0) {
            b[i] = 0;
            continue;
        }
        b[i] /= a[i * n + i];
        for (std::size_t j = i + 1; j < n; ++j) b[i] -= b[j] * a[j * n + i];
    }
}

}  // namespace

std::vector<double> cox_solve(std::vector<double> a, std::vector<double> b, std::size_t n, double toler) {
    // The lower triangle is read: symmetrise from it.
    ldl(a, n, toler);
    ldl_solve(a, b, n);
    return b;
}

std::vector<double> cox_inverse(std::vector<double> a, std::size_t n, double toler) {
    std::vector<double> factor = a;
    ldl(factor, n, toler);
    std::vector<double> inv(n * n, 0.0);
    for (std::size_t c = 0; c < n; ++c) {
        std::vector<double> e(n, 0.0);
        e[c] = 1;
        ldl_solve(factor, e, n);
        for (std::size_t r = 0; r < n; ++r) inv[r * n + c] = e[r];
    }
    // A singular direction has no variance: its row and column are 0 (R's chinv2).
    for (std::size_t j = 0; j < n; ++j)
        if (factor[j * n + j] == 0)
            for (std::size_t i = 0; i < n; ++i) inv[i * n + j] = inv[j * n + i] = 0;
    return inv;
}

CoxNewton::CoxNewton(int covariates, CoxOptions options)
    : p_(covariates), options_(options), beta_(std::size_t(covariates), 0.0), new_beta_(beta_) {}

void CoxNewton::finish(const CoxEvaluation& e, bool converged) {
    const std::size_t p = std::size_t(p_);
    fit_.beta = new_beta_;
    fit_.log_likelihood = e.log_likelihood;
    fit_.variance = cox_inverse(e.information, p, options_.toler_chol);
    fit_.std_error.resize(p);
    for (std::size_t i = 0; i < p; ++i) fit_.std_error[i] = std::sqrt(fit_.variance[i * p + i]);
    fit_.iterations = iteration_;
    fit_.converged = converged;
    fit_.events = e.events;
    done_ = true;
}

bool CoxNewton::step(const CoxEvaluation& e) {
    if (done_) return true;
    const std::size_t p = std::size_t(p_);
    if (iteration_ < 0) {  // at b = 0: the null log-likelihood and the first Newton step
        if (!e.finite) throw std::runtime_error("Cox fit: the log-likelihood at b = 0 is not finite");
        fit_.log_likelihood_null = log_likelihood_ = e.log_likelihood;
        const auto u = cox_solve(e.information, e.score, p, options_.toler_chol);
        for (std::size_t i = 0; i < p; ++i) new_beta_[i] = beta_[i] + u[i];
        iteration_ = 1;
        if (options_.max_iterations == 0) {
            new_beta_ = beta_;
            iteration_ = 0;
            finish(e, false);
        }
        return done_;
    }
    // coxfit6's main loop: converged when the log-likelihood hardly changed on a full step.
    if (e.finite && std::fabs(1 - log_likelihood_ / e.log_likelihood) <= options_.eps && !halving_) {
        finish(e, true);
        return true;
    }
    if (iteration_ == options_.max_iterations) {
        finish(e, false);
        return true;
    }
    if (!e.finite || e.log_likelihood < log_likelihood_) {  // not converging: halve the last step
        halving_ = true;
        for (std::size_t i = 0; i < p; ++i) new_beta_[i] = (new_beta_[i] + beta_[i]) / 2;
    } else {
        halving_ = false;
        log_likelihood_ = e.log_likelihood;
        const auto u = cox_solve(e.information, e.score, p, options_.toler_chol);
        beta_ = new_beta_;
        for (std::size_t i = 0; i < p; ++i) new_beta_[i] += u[i];
    }
    ++iteration_;
    return false;
}

CoxNewton::Snapshot CoxNewton::snapshot() const {
    return {beta_, new_beta_, fit_.beta, fit_.std_error, fit_.variance, log_likelihood_, 0, fit_.log_likelihood,
            fit_.log_likelihood_null, iteration_, halving_, done_, fit_.iterations, fit_.converged, fit_.events};
}

void CoxNewton::restore(const Snapshot& s) {
    beta_ = s.beta;
    new_beta_ = s.new_beta;
    fit_.beta = s.fit_beta;
    fit_.std_error = s.fit_se;
    fit_.variance = s.fit_var;
    log_likelihood_ = s.log_likelihood;
    fit_.log_likelihood = s.fit_ll;
    fit_.log_likelihood_null = s.fit_ll0;
    iteration_ = int(s.iteration);
    halving_ = s.halving != 0;
    done_ = s.done != 0;
    fit_.iterations = int(s.fit_iterations);
    fit_.converged = s.fit_converged != 0;
    fit_.events = s.fit_events;
}

CoxZph cox_zph(const CoxDaySums& s) {
    const std::size_t p = std::size_t(s.covariates());
    std::vector<CoxDay> days;
    const CoxEvaluation e = evaluate(s, &days);
    // Event days come in descending order; g(t) = 1 - S(t-) needs them ascending.
    std::reverse(days.begin(), days.end());
    std::vector<double> g(days.size());
    double surv = 1, mean = 0;
    for (std::size_t k = 0; k < days.size(); ++k) {
        g[k] = 1 - surv;  // left-continuous: the curve just before day t
        surv *= 1 - days[k].deaths / days[k].at_risk;
        mean += days[k].deaths * g[k];
    }
    mean /= double(e.events);
    // The score of the x * g(t) terms and the 2p x 2p information of (x, x * g(t)) at beta.
    const std::size_t n = 2 * p;
    std::vector<double> u(p, 0.0), info(n * n, 0.0);
    for (std::size_t k = 0; k < days.size(); ++k) {
        const double gt = g[k] - mean;
        for (std::size_t i = 0; i < p; ++i) {
            u[i] += gt * days[k].score[i];
            for (std::size_t j = 0; j < p; ++j) {
                const double v = days[k].information[i * p + j];
                info[i * n + j] += v;
                info[i * n + p + j] += gt * v;
                info[(p + i) * n + j] += gt * v;
                info[(p + i) * n + p + j] += gt * gt * v;
            }
        }
    }
    // The score of beta is (nearly) 0 at the fit and taken as 0, as R does.
    CoxZph z;
    for (std::size_t j = 0; j < p; ++j) {
        std::vector<std::size_t> keep(p);
        for (std::size_t i = 0; i < p; ++i) keep[i] = i;
        keep.push_back(p + j);
        const std::size_t m = p + 1;
        std::vector<double> sub(m * m), rhs(m, 0.0);
        for (std::size_t a = 0; a < m; ++a)
            for (std::size_t b = 0; b < m; ++b) sub[a * m + b] = info[keep[a] * n + keep[b]];
        rhs[p] = u[j];
        const auto y = cox_solve(sub, rhs, m, CoxOptions{}.toler_chol);
        z.chi_square.push_back(y[p] * u[j]);
    }
    std::vector<double> rhs(n, 0.0);
    for (std::size_t j = 0; j < p; ++j) rhs[p + j] = u[j];
    const auto y = cox_solve(info, rhs, n, CoxOptions{}.toler_chol);
    double global = 0;
    for (std::size_t j = 0; j < p; ++j) global += y[p + j] * u[j];
    z.chi_square.push_back(global);
    return z;
}

std::vector<double> cox_cumulative_hazard(const CoxDaySums& s) {
    std::vector<CoxDay> days;
    evaluate(s, &days);
    std::vector<double> h(std::size_t(s.max_day()) + 1, 0.0);
    std::reverse(days.begin(), days.end());
    double total = 0;
    std::size_t k = 0;
    for (std::int32_t t = 0; t <= s.max_day(); ++t) {
        if (k < days.size() && days[k].day == t) total += days[k++].hazard;
        h[std::size_t(t)] = total;
    }
    return h;
}

double chi_square_upper_tail(double x, int df) {
    if (df < 1) return 1.0;
    if (std::isnan(x)) return x;
    if (x <= 0) return 1.0;
    return boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double>(df), x));
}

CoxFit fit_cox(std::span<const std::int32_t> days, std::span<const std::uint8_t> events, std::span<const double> x,
               int covariates, CoxOptions options) {
    const std::size_t p = std::size_t(covariates);
    std::int32_t max_day = 0;
    for (auto d : days) max_day = std::max(max_day, d);
    CoxNewton newton(covariates, options);
    do {
        CoxDaySums sums(covariates, max_day);
        for (std::size_t i = 0; i < days.size(); ++i)
            sums.add(days[i], events[i] != 0, x.subspan(i * p, p), newton.next_beta());
        newton.step(cox_evaluate(sums));
    } while (!newton.done());
    return newton.result();
}

}  // namespace engage::kernels
