#pragma once
// xoshiro256** seeded through SplitMix64 (Blackman & Vigna, https://prng.di.unimi.it/).
// Each customer draws from its own stream, seeded by (seed, customer index), so a customer's
// data does not depend on which rank generates it.
#include <cstdint>
#include <limits>

namespace engage::kernels {

class Rng {
public:
    using result_type = std::uint64_t;
    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

    Rng(std::uint64_t seed, std::uint64_t stream) noexcept {
        std::uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
        for (auto& w : s_) w = splitmix64(x);
    }

    result_type operator()() noexcept {
        const std::uint64_t r = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return r;
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() noexcept { return double((*this)() >> 11) * 0x1.0p-53; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    static std::uint64_t splitmix64(std::uint64_t& x) noexcept {
        std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint64_t s_[4];
};

}  // namespace engage::kernels
