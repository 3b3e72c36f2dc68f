// The checks of a shard's interactions (io::interactions_valid), split into shares of the rows
// for the OpenMP threads: for any number of shares the answer is the same as in one, for a
// valid shard (whose times fall back at every customer's first interaction, as a shard's do)
// and for each fault: a time falling back inside a customer (also exactly at a share's
// border, the one pair of rows that no share sees whole), an unknown channel, a NaN or too
// large a value, a time outside the file's range.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "io/customer_base.hpp"
#include "tiny_shard.hpp"

namespace engage::io {
namespace {

constexpr std::size_t kChannels = 6;
constexpr std::int64_t kFirst = 1000, kLast = 2'000'000;

using Shard = testing_support::TinyShard;  // filled row by row here, with times to the second

bool starts_customer(const Shard& s, std::size_t row) {
    return std::find(s.offsets.begin(), s.offsets.end(), row) != s.offsets.end();
}

Shard random_shard(std::uint64_t customers) {
    std::mt19937_64 rng(11);
    Shard s;
    for (std::uint64_t k = 0; k < customers; ++k) {
        const int m = int(rng() % 61);  // 0-60 interactions, some customers none
        std::int64_t t = kFirst + std::int64_t(rng() % 1000);
        for (int j = 0; j < m; ++j) {
            t += std::int64_t(rng() % 500);  // sorted within the customer, ties included
            s.time.push_back(std::min(t, kLast));
            s.channel.push_back(std::uint8_t(rng() % kChannels));
            s.value.push_back(double(std::int64_t(rng() % 2'000'001) - 1'000'000) / 100.0);
        }
        s.offsets.push_back(s.time.size());
        s.acquisition.push_back(0);
    }
    return s;
}

bool valid(const Shard& s, std::int64_t parts) {
    return interactions_valid(s.view(), s.acquisition.size(), kChannels, kFirst, kLast, parts);
}

const std::vector<std::int64_t> kParts{1, 2, 3, 4, 7, 16};

TEST(InteractionsValid, SameAnswerForAnyNumberOfShares) {
    const Shard base = random_shard(5000);
    ASSERT_GT(base.time.size(), 100000u);
    for (std::int64_t parts : kParts) EXPECT_TRUE(valid(base, parts)) << parts << " shares";

    // A time falling back inside a customer, at every share border of 2, 3 and 7 shares that
    // lies inside one, and at a few rows elsewhere.
    std::vector<std::size_t> rows{base.time.size() - 1, 12345, 77777};
    for (std::int64_t parts : {2, 3, 7})
        for (std::int64_t p = 1; p < parts; ++p) rows.push_back(base.time.size() * std::size_t(p) / std::size_t(parts));
    int inside = 0;
    for (std::size_t row : rows) {
        if (starts_customer(base, row)) continue;
        ++inside;
        Shard s = base;
        s.time[row] = s.time[row - 1] - 1;
        for (std::int64_t parts : kParts) EXPECT_FALSE(valid(s, parts)) << "row " << row << ", " << parts << " shares";
    }
    EXPECT_GE(inside, 6);

    for (std::size_t row : {std::size_t(0), std::size_t(50000), base.time.size() - 1}) {
        Shard s = base;
        s.channel[row] = kChannels;
        for (std::int64_t parts : kParts) EXPECT_FALSE(valid(s, parts)) << "channel, row " << row << ", " << parts;
        s = base;
        s.value[row] = std::numeric_limits<double>::quiet_NaN();
        for (std::int64_t parts : kParts) EXPECT_FALSE(valid(s, parts)) << "NaN, row " << row << ", " << parts;
        s = base;
        s.value[row] = 2e13;
        for (std::int64_t parts : kParts) EXPECT_FALSE(valid(s, parts)) << "2e13, row " << row << ", " << parts;
        s = base;
        s.value[row] = -1e13;  // the largest magnitude allowed
        for (std::int64_t parts : kParts) EXPECT_TRUE(valid(s, parts)) << "-1e13, row " << row << ", " << parts;
    }
    Shard late = base;
    late.time.back() = kLast + 1;
    for (std::int64_t parts : kParts) EXPECT_FALSE(valid(late, parts)) << "after the last time, " << parts;
}

TEST(InteractionsValid, MoreSharesThanRows) {
    const Shard s = random_shard(3);
    for (std::int64_t parts : kParts) EXPECT_TRUE(valid(s, parts)) << parts;
    Shard empty;
    empty.acquisition.push_back(0);
    empty.offsets.push_back(0);
    for (std::int64_t parts : kParts) EXPECT_TRUE(valid(empty, parts)) << parts;
}

}  // namespace
}  // namespace engage::io
