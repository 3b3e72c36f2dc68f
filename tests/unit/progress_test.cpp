// Progress lines (core/progress.hpp): batch-log lines with the elapsed seconds, the phase named,
// a line while the caller is inside one long call, a last line for a phase that had one, and
// nothing when disabled.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "core/progress.hpp"

namespace engage {
namespace {

// Lines of `text` that contain `containing`.
int lines(const std::string& text, const std::string& containing = {}) {
    int n = 0;
    for (std::size_t at = 0, end; (end = text.find('\n', at)) != std::string::npos; at = end + 1)
        if (text.substr(at, end - at).find(containing) != std::string::npos) ++n;
    return n;
}

class ProgressTest : public ::testing::Test {
protected:
    void SetUp() override { unsetenv("ENGAGE_PROGRESS_SECONDS"); }
};

TEST_F(ProgressTest, DisabledPrintsNothing) {
    testing::internal::CaptureStderr();
    {
        Progress p(false, "score", 0.0);
        p.phase("pass", 10, "shards");
        for (int i = 0; i <= 10; ++i) p.update(std::uint64_t(i));
    }
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST_F(ProgressTest, EveryUpdateAtIntervalZeroThenADoneLine) {
    testing::internal::CaptureStderr();
    {
        Progress p(true, "score", 0.0);
        p.phase("pass over the data", 4, "shards of all ranks");
        for (int i = 1; i <= 4; ++i) p.update(std::uint64_t(i));
    }
    const std::string out = testing::internal::GetCapturedStderr();
    EXPECT_EQ(out.find('\r'), std::string::npos);
    EXPECT_EQ(lines(out), 6) << out;  // the start, 4 updates, done
    EXPECT_EQ(lines(out, "score ["), 6) << out;
    EXPECT_EQ(lines(out, "pass over the data:   0.0 % (0 of 4 shards of all ranks,"), 1) << out;
    EXPECT_EQ(lines(out, "pass over the data:  50.0 % (2 of 4 shards of all ranks,"), 1) << out;
    EXPECT_EQ(lines(out, "pass over the data: done (4 of 4 shards of all ranks,"), 1) << out;
}

// A phase without updates (a file's close, a table written in one call) shows at interval 0 with
// a line at its start and a done line at its end; at the default interval a short one shows
// nothing (ShortRunPrintsNothing).
TEST_F(ProgressTest, EveryPhaseShowsAtIntervalZero) {
    testing::internal::CaptureStderr();
    {
        Progress p(true, "score", 0.0);
        p.phase("closing customers.h5");
        p.phase("writing accounts_at_risk.csv");
        p.end();
        p.phase("committing the outputs");
    }
    const std::string out = testing::internal::GetCapturedStderr();
    EXPECT_EQ(lines(out), 6) << out;
    for (const char* name : {"closing customers.h5", "writing accounts_at_risk.csv", "committing the outputs"}) {
        EXPECT_EQ(lines(out, std::string(name) + ": running (0 s)"), 1) << out;
        EXPECT_EQ(lines(out, std::string(name) + ": done ("), 1) << out;
    }
}

TEST_F(ProgressTest, LinesWhileInsideOneLongCall) {
    testing::internal::CaptureStderr();
    {
        Progress p(true, "score", 0.05);
        p.phase("a fit", 0, "likelihood evaluations");
        p.update(3);
        std::this_thread::sleep_for(std::chrono::milliseconds(400));  // no update: the reporter speaks
        p.end();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // no phase: nothing
    }
    const std::string out = testing::internal::GetCapturedStderr();
    EXPECT_GE(lines(out, "a fit: 3 likelihood evaluations ("), 2) << out;  // about 8 (fewer on a loaded machine)
    EXPECT_EQ(lines(out, "a fit: done, 3 likelihood evaluations ("), 1) << out;
    EXPECT_EQ(lines(out), lines(out, "a fit")) << out;
}

TEST_F(ProgressTest, ShortRunPrintsNothing) {
    testing::internal::CaptureStderr();
    {
        Progress p(true, "score", 5.0);
        p.phase("pass", 100, "shards");
        for (int i = 0; i <= 100; ++i) p.update(std::uint64_t(i));
        p.phase("report");
    }
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST_F(ProgressTest, EnvironmentSetsTheInterval) {
    setenv("ENGAGE_PROGRESS_SECONDS", "0", 1);
    testing::internal::CaptureStderr();
    {
        Progress p(true, "generate", 5.0);
        p.update(1, 2, "customers on rank 0");
    }
    unsetenv("ENGAGE_PROGRESS_SECONDS");
    const std::string out = testing::internal::GetCapturedStderr();
    EXPECT_EQ(lines(out, "generate ["), 2) << out;
    EXPECT_EQ(lines(out, "]  50.0 % (1 of 2 customers on rank 0,"), 1) << out;
}

}  // namespace
}  // namespace engage
