#pragma once
// A shard of hand-written customers for kernel tests: (day, kind, value) events per customer,
// channel code = kind, each event at 01:00 of its day.
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

#include "features/feature_pass.hpp"

namespace engage::testing_support {

using Events = std::vector<std::tuple<kernels::Day, kernels::ChannelKind, double>>;

struct TinyShard {
    std::vector<std::uint64_t> offsets{0};
    std::vector<kernels::Day> acquisition;
    std::vector<std::int64_t> time;
    std::vector<std::uint8_t> channel;
    std::vector<double> value;
    std::vector<double> wallet;
    std::vector<std::uint32_t> answers;  // empty: the shard has no answers column

    TinyShard& add(kernels::Day acquired, const Events& events,
                   double wallet_value = std::numeric_limits<double>::quiet_NaN()) {
        acquisition.push_back(acquired);
        wallet.push_back(wallet_value);
        for (const auto& [d, k, v] : events) {
            time.push_back(std::int64_t(d) * 86400 + 3600);
            channel.push_back(std::uint8_t(k));
            value.push_back(v);
        }
        offsets.push_back(time.size());
        return *this;
    }
    // The last customer's answers (/interactions/answers: rows back, 0 none), one per event.
    TinyShard& answering(const std::vector<std::uint32_t>& rows_back) {
        answers.resize(offsets[offsets.size() - 2]);
        answers.insert(answers.end(), rows_back.begin(), rows_back.end());
        return *this;
    }
    kernels::ShardView view() const { return {offsets, acquisition, time, channel, value, wallet, {}, answers}; }
};

// Channel code i has kind i (the default dictionary).
inline kernels::ChannelKinds identity_kinds() {
    kernels::ChannelKinds k{};
    for (int i = 0; i < kernels::kChannelKinds; ++i) k[i] = kernels::ChannelKind(i);
    return k;
}

}  // namespace engage::testing_support
