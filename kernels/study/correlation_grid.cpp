#include "study/correlation_grid.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace engage::kernels {

void validate(const CorrelationSpec& spec) {
    auto fail = [](const std::string& what) { throw std::invalid_argument("correlations: " + what); };
    if (spec.variables < 1 || spec.variables > 64)
        fail("variables is " + std::to_string(spec.variables) + ", expected 1 to 64");
    if (spec.groups < 1) fail("groups is " + std::to_string(spec.groups) + ", expected at least 1");
    if (spec.min_group_size < 0)
        fail("min_group_size is " + std::to_string(spec.min_group_size) + ", expected 0 or more");
    if (spec.key_bits < 6 || spec.key_bits > 16)
        fail("key_bits is " + std::to_string(spec.key_bits) + ", expected 6 to 16");
    if (spec.refinements < 0 || spec.refinements > 16)
        fail("refinements is " + std::to_string(spec.refinements) + ", expected 0 to 16");
    if (spec.cells_per_key < 1 || spec.cells_per_key > 64)
        fail("cells_per_key is " + std::to_string(spec.cells_per_key) + ", expected 1 to 64");
    if (!(spec.confidence > 0.0 && spec.confidence < 1.0))
        fail("confidence is " + std::to_string(spec.confidence) + ", expected strictly between 0 and 1");
}

CorrelationRanges::CorrelationRanges(const CorrelationSpec& spec) : spec_(spec) {
    validate(spec);
    words_.assign(2 * std::size_t(spec.variables) * (1 + std::size_t(spec.groups)), 0);
    std::fill(words_.begin(), words_.begin() + 2 * spec.variables, kNone);
}

void CorrelationRanges::add(std::span<const double> values, std::span<const int> groups) {
    const int V = spec_.variables;
    if (values.size() != std::size_t(V))
        throw std::invalid_argument("correlations: a customer has " + std::to_string(values.size()) +
                                    " values, expected " + std::to_string(V));
    for (const int g : groups)
        if (g < 0 || g >= spec_.groups)
            throw std::invalid_argument("correlations: group index " + std::to_string(g) +
                                        " out of range [0, " + std::to_string(spec_.groups) + ")");
    if (groups.empty()) return;
    for (int v = 0; v < V; ++v) {
        const bool known = !std::isnan(values[v]);
        if (known) {
            const std::int64_t q = quantise(values[v]);
            words_[v] = std::max(words_[v], q);
            words_[V + v] = std::max(words_[V + v], -q);
        }
        for (const int g : groups)
            words_[2 * std::size_t(V) + 2 * (std::size_t(g) * V + v) + (known ? 0 : 1)] = 1;
    }
}

void CorrelationRanges::combine(const CorrelationRanges& other) noexcept {
    for (std::size_t k = 0; k < words_.size(); ++k) words_[k] = std::max(words_[k], other.words_[k]);
}

CorrelationGrid::CorrelationGrid(const CorrelationRanges& reduced) : spec_(reduced.spec()) {
    const int V = spec_.variables, G = spec_.groups;
    // Values: (q - min) below 2^31. Keys: (q - min) >> t below 2^(m + 15), whose log-linear key
    // (2^m keys in the linear part, then 2^m per octave over 15 octaves) is below 2^(m + 4).
    const int key_value_bits = mantissa_bits() + 15;
    lo_.assign(V, 0);
    hi_.assign(V, -1);
    value_shift_.assign(V, 0);
    key_shift_.assign(V, 0);
    for (int v = 0; v < V; ++v) {
        if (!reduced.has_values(v)) continue;
        lo_[v] = reduced.min_quantised(v);
        hi_[v] = reduced.max_quantised(v);
        const int width = std::bit_width(std::uint64_t(reduced.max_quantised(v)) - std::uint64_t(lo_[v]));
        value_shift_[v] = std::max(0, width - 31);
        key_shift_[v] = std::max(0, width - key_value_bits);
    }

    // Histogram layout, group by group (see the header).
    known_.assign(std::size_t(G) * V, false);
    unknown_.assign(std::size_t(G) * V, false);
    pair_feed_.assign(std::size_t(G) * V * V, -1);
    feed_begin_.assign(std::size_t(G) * V + 1, 0);
    for (int g = 0; g < G; ++g) {
        for (int v = 0; v < V; ++v) {
            known_[std::size_t(g) * V + v] = reduced.known_in(g, v);
            unknown_[std::size_t(g) * V + v] = reduced.unknown_in(g, v);
        }
        for (int i = 0; i < V; ++i) {
            const std::size_t at = std::size_t(g) * V + i;
            feed_begin_[at] = conditions_.size();
            if (reduced.known_in(g, i)) {
                int plain = -1;
                for (int j = 0; j < V; ++j) {
                    if (j == i || !reduced.known_in(g, j)) continue;
                    std::int8_t& f = pair_feed_[at * V + j];
                    if (reduced.unknown_in(g, j)) {
                        f = std::int8_t(conditions_.size() - feed_begin_[at]);
                        conditions_.push_back(j);
                    } else {
                        if (plain < 0) {
                            plain = int(conditions_.size() - feed_begin_[at]);
                            conditions_.push_back(-1);
                        }
                        f = std::int8_t(plain);
                    }
                }
            }
        }
    }
    feed_begin_[std::size_t(G) * V] = conditions_.size();
}

std::uint64_t CorrelationGrid::check(std::span<const double> values, std::span<const int> groups) const {
    auto not_seen = [](const std::string& what) {
        throw std::invalid_argument("correlations: " + what +
                                    " was not seen in pass 1 (every pass must add the same customers with "
                                    "the same values and groups)");
    };
    const int V = variables();
    if (values.size() != std::size_t(V))
        throw std::invalid_argument("correlations: a customer has " + std::to_string(values.size()) +
                                    " values, expected " + std::to_string(V));
    std::uint64_t known = 0;
    for (int v = 0; v < V; ++v) {
        if (std::isnan(values[v])) continue;
        const std::int64_t q = quantise(values[v]);
        if (q < min_quantised(v) || q > max_quantised(v))
            not_seen("the value " + std::to_string(values[v]) + " of variable " + std::to_string(v));
        known |= std::uint64_t(1) << v;
    }
    for (const int g : groups) {
        if (g < 0 || g >= spec_.groups)
            throw std::invalid_argument("correlations: group index " + std::to_string(g) + " out of range [0, " +
                                        std::to_string(spec_.groups) + ")");
        for (int v = 0; v < V; ++v) {
            const bool is_known = (known >> v) & 1u;
            if (is_known ? !known_in(g, v) : !unknown_in(g, v))
                not_seen(std::string(is_known ? "a known" : "an unknown") + " value of variable " + std::to_string(v) +
                         " in group " + std::to_string(g));
        }
    }
    return known;
}

std::uint32_t CorrelationGrid::rank_key(int v, double x) const noexcept {
    // HdrHistogram-style log-linear key (Tene): exact below 2^m, then 2^m keys per octave.
    const int m = mantissa_bits();
    const std::uint64_t u = offset(v, x) >> key_shift_[v];
    if (u < (std::uint64_t(1) << m)) return std::uint32_t(u);
    const int e = std::bit_width(u) - 1;  // e >= m
    return std::uint32_t((std::uint64_t(e - m + 1) << m) + ((u >> (e - m)) - (std::uint64_t(1) << m)));
}

}  // namespace engage::kernels
