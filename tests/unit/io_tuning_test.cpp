// ENGAGE_MPIIO_HINTS and ENGAGE_H5_ALIGNMENT (io/h5/io_tuning.hpp): what they parse to, and the
// values refused with a message naming the variable.
#include <gtest/gtest.h>

#include <string>

#include "core/errors.hpp"
#include "io/h5/io_tuning.hpp"

namespace {

using engage::io::h5::parse_io_tuning;

TEST(IoTuning, ParsesHintsInOrderAndSizes) {
    const auto t = parse_io_tuning("striping_factor=16,striping_unit=4194304,romio_cb_write=enable", "4M");
    ASSERT_EQ(t.hints.size(), 3u);
    EXPECT_EQ(t.hints[0].first, "striping_factor");
    EXPECT_EQ(t.hints[0].second, "16");
    EXPECT_EQ(t.hints[2].second, "enable");
    EXPECT_EQ(t.alignment, 4u << 20);
    EXPECT_EQ(parse_io_tuning("", "65536").alignment, 65536u);
    EXPECT_EQ(parse_io_tuning("", "64k").alignment, 65536u);
    EXPECT_EQ(parse_io_tuning("", "1G").alignment, 1u << 30);
    const auto none = parse_io_tuning("", "");
    EXPECT_TRUE(none.hints.empty());
    EXPECT_EQ(none.alignment, 0u);
    // A value may hold '=' (only the first one separates).
    EXPECT_EQ(parse_io_tuning("key=a=b", "").hints[0].second, "a=b");
}

TEST(IoTuning, RefusesMalformedValues) {
    for (const char* hints : {"striping_factor", "=4", "cb_nodes=", "a=1,,b=2", "a=1,b"}) {
        try {
            parse_io_tuning(hints, "");
            ADD_FAILURE() << hints << " was accepted";
        } catch (const engage::ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("ENGAGE_MPIIO_HINTS"), std::string::npos) << e.what();
        }
    }
    EXPECT_TRUE(parse_io_tuning("", "").map_input);
    EXPECT_TRUE(parse_io_tuning("", "", "1").map_input);
    EXPECT_FALSE(parse_io_tuning("", "", "0").map_input);
    EXPECT_FALSE(parse_io_tuning("", "", "1").direct_input);
    EXPECT_TRUE(parse_io_tuning("", "", "direct").map_input);
    EXPECT_TRUE(parse_io_tuning("", "", "direct").direct_input);
    for (const char* map : {"yes", "2", " 0"}) {
        try {
            parse_io_tuning("", "", map);
            ADD_FAILURE() << map << " was accepted";
        } catch (const engage::ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("ENGAGE_MAP_INPUT"), std::string::npos) << e.what();
        }
    }
    EXPECT_TRUE(parse_io_tuning("", "").direct_output);
    EXPECT_TRUE(parse_io_tuning("", "", "", "1").direct_output);
    EXPECT_FALSE(parse_io_tuning("", "", "", "0").direct_output);
    for (const char* direct : {"no", "00", "1 "}) {
        try {
            parse_io_tuning("", "", "", direct);
            ADD_FAILURE() << direct << " was accepted";
        } catch (const engage::ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("ENGAGE_DIRECT_OUTPUT"), std::string::npos) << e.what();
        }
    }
    for (const char* size : {"0", "4X", "-1", "M", "1.5M", "99999999999999999999", "2T"}) {
        try {
            parse_io_tuning("", size);
            ADD_FAILURE() << size << " was accepted";
        } catch (const engage::ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("ENGAGE_H5_ALIGNMENT"), std::string::npos) << e.what();
        }
    }
}

}  // namespace
