// JsonText prints what nlohmann's dump(2) prints of the same value, byte for byte: random
// documents of every kind of value (nested, empty containers, doubles of random bits including
// NaN, infinities, subnormals and -0, integers at their limits, strings that need escapes and
// UTF-8), written through JsonText's calls and compared with dump(2) of the same json value.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "io/report/json_text.hpp"

namespace engage::io {
namespace {

using json = nlohmann::ordered_json;

// A random value, written to `text` and returned as json.
json random_value(std::mt19937_64& rng, JsonText& text, int depth) {
    const int kind = int(rng() % (depth > 3 ? 5 : 8));
    switch (kind) {
    case 0:
        text.null();
        return nullptr;
    case 1: {
        const bool b = rng() % 2;
        text.boolean(b);
        return b;
    }
    case 2: {
        static const std::int64_t edge[] = {0, -1, 1, std::numeric_limits<std::int64_t>::min(),
                                            std::numeric_limits<std::int64_t>::max()};
        const std::int64_t v = rng() % 3 ? std::int64_t(rng()) >> (rng() % 64) : edge[rng() % 5];
        if (rng() % 4) {
            text.number(v);
            return v;
        }
        const std::uint64_t u = rng() >> (rng() % 64);  // unsigned, up to 2^64 - 1
        text.number(u);
        return u;
    }
    case 3: {
        double v;
        switch (rng() % 4) {
        case 0: v = std::bit_cast<double>(rng()); break;  // any bits: NaN, infinities, subnormals
        case 1: v = double(std::int64_t(rng() % 2000000) - 1000000) / 1000.0; break;
        case 2: v = (rng() % 2 ? -1.0 : 1.0) * std::ldexp(double(rng() % 1000 + 1), int(rng() % 200) - 100); break;
        default: v = rng() % 2 ? -0.0 : 1e-300 * 1e-10;
        }
        text.number(v);
        return std::isfinite(v) ? json(v) : json();  // dump prints a non-finite double as null
    }
    case 4: {
        // Escapes and UTF-8 in the first 8 bytes, in later words and in a word's tail.
        static const char* strings[] = {"RM 00001",        "",          "quote \" and \\ back", "tab\there\nnew line",
                                        "\x01\x1f control", "Zürich – 東京", "/slash/",                "a plain sixteen!",
                                        "plain prefix, then \"quoted\"", "12345678\x7f", "0123456789 Zürich",
                                        "0123456789abcdef\\"};
        const std::string s = strings[rng() % std::size(strings)];
        text.string(s);
        return s;
    }
    case 5: {
        json out = json::object();
        text.object();
        const int n = int(rng() % 4);
        for (int i = 0; i < n; ++i) {
            const std::string k = "k" + std::to_string(i) + (i == 2 ? " \"q\"" : "");
            text.key(k);
            out[k] = random_value(rng, text, depth + 1);
        }
        text.end();
        return out;
    }
    case 6: {
        json out = json::array();
        text.array();
        const int n = int(rng() % 4);
        for (int i = 0; i < n; ++i) out.push_back(random_value(rng, text, depth + 1));
        text.end();
        return out;
    }
    default: {  // a value given whole
        const json v = {{"a", {1, 2.5, nullptr}}, {"b", json::object()}, {"c", {{"d", json::array()}}}};
        text.value(v);
        return v;
    }
    }
}

TEST(JsonText, PrintsWhatDumpPrints) {
    std::mt19937_64 rng(7);
    for (int n = 0; n < 20000; ++n) {
        std::string out;
        JsonText text(out);
        const json v = random_value(rng, text, 0);
        ASSERT_EQ(out, v.dump(2)) << n;
    }
}

TEST(JsonText, IndentsFromTheLineItStartsOn) {
    std::string out = "    ";
    JsonText text(out, 4);
    text.object().member("a", 1).key("b").array().number(0.5).null().end().member("c", "x").end();
    EXPECT_EQ(out, "    {\n      \"a\": 1,\n      \"b\": [\n        0.5,\n        null\n      ],\n      \"c\": \"x\"\n    }");
}

TEST(JsonText, NumbersAsJsonPrintsThem) {
    char buf[64];
    EXPECT_EQ(json_number(0.1, buf), "0.1");
    EXPECT_EQ(json_number(1.0, buf), "1.0");
    EXPECT_EQ(json_number(1e21, buf), "1e+21");
    EXPECT_EQ(json_number(std::nan(""), buf), "null");
    std::mt19937_64 rng(11);
    for (int i = 0; i < 100000; ++i) {
        const double v = std::bit_cast<double>(rng());
        if (std::isfinite(v)) {
            ASSERT_EQ(json_number(v, buf), json(v).dump()) << i;
        }
    }
}

// json_number prints the doubles nearest to decimals of at most 3 places without Grisu2
// (json_text.cpp, short_decimal): the same text as nlohmann for every such decimal of up to 6
// digits (cents and thousandths of the report's amounts and scores), for random ones up to
// 10^15 (the short path stops at 10^15 thousandths), each with its neighbouring double.
TEST(JsonText, DecimalsOfUpToThreePlacesAsJsonPrintsThem) {
    char buf[64];
    EXPECT_EQ(json_number(0.0, buf), "0.0");
    EXPECT_EQ(json_number(-0.0, buf), "-0.0");
    EXPECT_EQ(json_number(43.116, buf), "43.116");
    EXPECT_EQ(json_number(-0.368, buf), "-0.368");
    EXPECT_EQ(json_number(0.001, buf), "0.001");
    EXPECT_EQ(json_number(0.05, buf), "0.05");
    EXPECT_EQ(json_number(2069373410.63, buf), "2069373410.63");
    EXPECT_EQ(json_number(12680954.0, buf), "12680954.0");
    EXPECT_EQ(json_number(999999999999.999, buf), "999999999999.999");
    EXPECT_EQ(json_number(1e12, buf), "1000000000000.0");
    EXPECT_EQ(json_number(1e15 - 1, buf), "999999999999999.0");
    EXPECT_EQ(json_number(1e15, buf), "1e+15");
    EXPECT_EQ(json_number(0.0005, buf), "0.0005");
    const double scale[] = {1.0, 10.0, 100.0, 1000.0};
    for (int p = 0; p < 4; ++p)
        for (std::int64_t m = -1'000'000; m <= 1'000'000; ++m) {
            const double v = double(m) / scale[p];
            ASSERT_EQ(json_number(v, buf), json(v).dump()) << m << " / " << scale[p];
        }
    // Powers of two, where the rounding interval's lower bound is a quarter ulp away (the
    // narrow case of the argument in io/report/json_text.cpp), past 10^15 (2^50, 2^53: not short
    // decimals), and their neighbours on both sides.
    for (int k = -3; k <= 53; ++k) {
        const double v = std::ldexp(1.0, k);
        for (const double w : {v, -v, std::nextafter(v, 0.0), std::nextafter(v, 2 * v)})
            ASSERT_EQ(json_number(w, buf), json(w).dump()) << "2^" << k;
    }
    std::mt19937_64 rng(13);
    for (int i = 0; i < 500'000; ++i) {
        const std::int64_t m = std::int64_t(rng() % 1'000'000'000'000'000) >> (rng() % 50);
        const double v = (rng() % 2 ? -1.0 : 1.0) * double(m) / scale[rng() % 4];
        ASSERT_EQ(json_number(v, buf), json(v).dump()) << i;
        const double next = std::nextafter(v, 2 * v + 1);  // a neighbour: not a short decimal
        ASSERT_EQ(json_number(next, buf), json(next).dump()) << i;
    }
}

TEST(JsonText, InvalidUtf8IsRefusedAsDumpRefusesIt) {
    std::string out;
    JsonText text(out);
    EXPECT_THROW(text.string("bad \xff byte"), json::type_error);
}

}  // namespace
}  // namespace engage::io
