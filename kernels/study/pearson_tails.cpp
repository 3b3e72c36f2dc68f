#include "study/pearson_tails.hpp"

#include "stats/round.hpp"

#include <array>
#include <bit>
#include <cmath>

namespace engage::kernels {

namespace {

std::size_t pairs(int V) { return std::size_t(V) * (V - 1) / 2; }
std::size_t pair_index(int V, int i, int j) {
    return std::size_t(i) * (V - 1) - std::size_t(i) * (i - 1) / 2 + std::size_t(j - i - 1);
}

constexpr int kLowBits = 42;
constexpr std::int64_t kLowMask = (std::int64_t(1) << kLowBits) - 1;

// A product rounded to a multiple of 2^-24, as an integer (|t| < 2^100 for any finite
// standardised value of fewer than 2^31 customers: |z| <= sqrt(n)).
Int128 quantum(double t) noexcept {
    // t x 2^24 as a product, exactly what std::ldexp gives (scaling by a power of two), and the
    // rounding inline: called 5 times per pair of variables per customer.
    constexpr double kScale = double(std::int64_t(1) << PearsonTails::kQuantumBits);
    const double q = t * kScale;
    if (std::fabs(q) < 0x1p62) return Int128(round_half_away(q));
    const double high = std::floor(std::ldexp(q, -32));
    return (Int128(std::int64_t(high)) << 32) + Int128(std::llround(q - std::ldexp(high, 32)));
}

}  // namespace

double distribution_free_variance(double r, double rho22, double rho40, double rho04, double rho31,
                                  double rho13) noexcept {
    const double v = rho22 + r * r / 4.0 * (rho40 + rho04 + 2.0 * rho22) - r * (rho31 + rho13);
    return v > 0 ? v : std::nan("");
}

PearsonTails::PearsonTails(const CorrelationMoments& moments)
    : moments_(&moments), variables_(moments.grid().variables()), groups_(moments.grid().groups()),
      centres_(std::size_t(groups_) * pairs(variables_)),
      running_(centres_.size() * kSums, 0),
      words_(running_.size() * 3, 0) {
    for (int g = 0; g < groups_; ++g)
        for (int i = 0; i < variables_; ++i)
            for (int j = i + 1; j < variables_; ++j) {
                const auto m = MomentWords::co_moments(moments.pair(g, i, j));
                if (m.n < 4 || m.var_x <= 0 || m.var_y <= 0) continue;
                const auto w = moments.pair(g, i, j);
                const long double n = static_cast<long double>(m.n);
                Centre& c = centres_[std::size_t(g) * pairs(variables_) + pair_index(variables_, i, j)];
                c.mean_x = double(static_cast<long double>(w[1]) / n);
                c.mean_y = double(static_cast<long double>(w[2]) / n);
                // co_moments gives n^2 times the population variances.
                c.scale_x = double(n / std::sqrt(static_cast<long double>(m.var_x)));
                c.scale_y = double(n / std::sqrt(static_cast<long double>(m.var_y)));
            }
}

void PearsonTails::add(std::span<const double> values, std::span<const int> groups) {
    const CorrelationGrid& grid = moments_->grid();
    const std::uint64_t known = grid.check(values, groups);
    std::array<double, 64> u;
    for (std::uint64_t bits = known; bits != 0; bits &= bits - 1) {
        const int v = std::countr_zero(bits);
        u[v] = double(grid.moment_value(v, values[v]));
    }
    const std::size_t P = pairs(variables_);
    dirty_ = true;
    for (const int g : groups) {
        for (std::uint64_t bits_i = known; bits_i != 0; bits_i &= bits_i - 1) {
            const int i = std::countr_zero(bits_i);
            for (std::uint64_t bits_j = bits_i & (bits_i - 1); bits_j != 0; bits_j &= bits_j - 1) {
                const int j = std::countr_zero(bits_j);
                const std::size_t p = std::size_t(g) * P + pair_index(variables_, i, j);
                const Centre& c = centres_[p];
                if (c.scale_x == 0) continue;
                const double x = (u[i] - c.mean_x) * c.scale_x, y = (u[j] - c.mean_y) * c.scale_y;
                const double xx = x * x, yy = y * y;
                Int128* s = &running_[p * kSums];
                s[0] += quantum(xx * yy);
                s[1] += quantum(xx * xx);
                s[2] += quantum(yy * yy);
                s[3] += quantum(xx * x * y);
                s[4] += quantum(x * yy * y);
            }
        }
    }
}

void PearsonTails::combine(const PearsonTails& other) {
    dirty_ = true;
    for (std::size_t k = 0; k < running_.size(); ++k) running_[k] += other.running_[k];
    for (std::size_t k = 0; k < words_.size(); ++k) words_[k] += other.words_[k];
}

Int128 PearsonTails::total(std::size_t sum) const noexcept {
    const std::int64_t* w = &words_[sum * 3];
    return (Int128(w[2]) << (2 * kLowBits)) + (Int128(w[1]) << kLowBits) + Int128(w[0]);
}

void PearsonTails::fold() noexcept {
    if (!dirty_) return;  // the words may hold reduced sums: folding is for this rank's new terms
    dirty_ = false;
    for (std::size_t k = 0; k < running_.size(); ++k) {
        const Int128 t = total(k) + running_[k];
        running_[k] = 0;
        std::int64_t* w = &words_[k * 3];
        w[0] = std::int64_t(t & kLowMask);
        w[1] = std::int64_t((t >> kLowBits) & kLowMask);
        w[2] = std::int64_t(t >> (2 * kLowBits));
    }
}

std::span<std::int64_t> PearsonTails::sum_words() noexcept {
    fold();
    return words_;
}

double PearsonTails::variance_n(int g, int i, int j) const noexcept {
    if (i > j) std::swap(i, j);
    const std::size_t p = std::size_t(g) * pairs(variables_) + pair_index(variables_, i, j);
    if (centres_[p].scale_x == 0) return std::nan("");
    const double r = MomentWords::r(moments_->pair(g, i, j));
    const double n = double(moments_->pair(g, i, j)[0]);
    double rho[kSums];
    for (int s = 0; s < kSums; ++s)
        rho[s] = double(static_cast<long double>(total(p * kSums + std::size_t(s)) + running_[p * kSums + std::size_t(s)]) /
                        0x1p24L / static_cast<long double>(n));
    return distribution_free_variance(r, rho[0], rho[1], rho[2], rho[3], rho[4]);
}

}  // namespace engage::kernels
