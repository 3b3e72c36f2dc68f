#include "retention/btyd_simulate.hpp"

#include <cmath>
#include <numbers>

#include "synth/rng.hpp"

namespace engage::kernels {
namespace {

// Uniform in (0, 1): never 0, so its logarithm is finite.
double open_uniform(Rng& rng) noexcept { return (double(rng() >> 11) + 0.5) * 0x1.0p-53; }

double standard_normal(Rng& rng) noexcept {  // Box & Muller (1958)
    return std::sqrt(-2 * std::log(open_uniform(rng))) * std::cos(2 * std::numbers::pi * open_uniform(rng));
}

// Gamma(shape, 1) by Marsaglia & Tsang (2000), "A simple method for generating gamma
// variables", ACM TOMS 26(3); shape < 1 through Gamma(shape + 1) * U^(1 / shape) (their
// section 6). Written out rather than std::gamma_distribution so the data are the same with
// every standard library.
double standard_gamma(Rng& rng, double shape) noexcept {
    if (shape < 1) return standard_gamma(rng, shape + 1) * std::pow(open_uniform(rng), 1 / shape);
    const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
    for (;;) {
        double x, v;
        do {
            x = standard_normal(rng);
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const double u = open_uniform(rng);
        if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
}

}  // namespace

RfmSummary simulate_bg_nbd_customer(const BgNbdSimulation& sim, std::uint64_t index) noexcept {
    Rng rng(sim.seed, index);
    const BgNbdParams& p = sim.truth;
    const double lambda = standard_gamma(rng, p.r) / p.alpha;  // Gamma(r, rate alpha), per week
    const double ga = standard_gamma(rng, p.a), gb = standard_gamma(rng, p.b);
    const double drop = ga / (ga + gb);                        // Beta(a, b)
    const int first_day = int(index % std::uint64_t(sim.cohort_days));
    const double age_days = double(sim.calibration_days - first_day);
    double t_days = 0, last_day = 0, x = 0;
    for (;;) {
        t_days += -std::log(open_uniform(rng)) / lambda * 7;
        if (!(t_days <= age_days)) break;
        x += 1;
        last_day = std::floor(t_days);
        if (open_uniform(rng) < drop) break;
    }
    return {x, last_day / 7, age_days / 7};
}

SimulatedTimingCustomer simulate_mbg_cnbd_customer(const MbgCnbdSimulation& sim, std::uint64_t index) noexcept {
    Rng rng(sim.seed, index);
    const MbgCnbdParams& p = sim.truth;
    const double lambda = standard_gamma(rng, p.r) / p.alpha;  // Gamma(r, rate alpha), per week
    const double ga = standard_gamma(rng, p.a), gb = standard_gamma(rng, p.b);
    const double drop = ga / (ga + gb);  // Beta(a, b)
    const double first = sim.cohort_weeks * (double(index % 1024) + 0.5) / 1024;
    const double age = sim.calibration_weeks - first;
    SimulatedTimingCustomer c;
    PurchaseTimingKernel::update(c.timing, 0.0);
    double t = 0, t_x = 0, x = 0;
    while (!(open_uniform(rng) < drop)) {  // survived the purchase just made
        t += standard_gamma(rng, double(p.k)) / lambda;
        if (t > age + sim.holdout_weeks) break;
        if (t <= age) {
            x += 1;
            t_x = t;
            PurchaseTimingKernel::update(c.timing, t);
        } else {
            c.holdout_x += 1;
        }
    }
    c.rfm = {x, t_x, age};
    return c;
}

}  // namespace engage::kernels

