// report.json with long lists streamed in (io/report/splice.hpp) is byte for byte what
// nlohmann's dump(2) prints of the whole document: lists at several depths, empty, of one
// entry, of nested entries, side by side; CSV tables with streamed rows likewise. The entries
// and rows are printed on the OpenMP threads (io/report/ordered_pieces.hpp): the same bytes at
// any number of threads, across the pieces' borders, and the first piece's error.
#include <gtest/gtest.h>

#include <omp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.hpp"
#include "io/report/ordered_pieces.hpp"
#include "io/report/score_report.hpp"
#include "io/report/splice.hpp"

namespace engage::io {
namespace {

using json = nlohmann::ordered_json;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string temp_path(const char* name) {
    return (std::filesystem::temp_directory_path() / (std::string("engage-splice-test-") + name)).string();
}

Splice list(const std::string& pointer, std::size_t count) {
    Splice s;
    s.pointer = pointer;
    s.count = count;
    s.entry = [](std::size_t i, JsonText& j) {
        j.object().member("name", "group \"" + std::to_string(i) + "\"\n");  // escapes and a newline inside a string
        j.key("values").array().number(std::uint64_t(i)).number(0.5 * double(i)).null().end();
        j.key("nested").object().key("empty").array().end().key("object").object().end();
        j.key("deep").value({{"x", {1, {2, 3}}}}).end().end();
    };
    return s;
}

TEST(Splice, StreamedListsPrintAsTheWholeDocument) {
    for (std::size_t n : {0u, 1u, 3u}) {
        std::vector<Splice> splices{list("/a/b/groups", n), list("/top", 2), list("/a/c", n + 1)};
        json doc;
        doc["first"] = 1;
        doc["a"]["b"]["groups"] = splices[0].marker();
        doc["a"]["b"]["after"] = "x";
        doc["top"] = splices[1].marker();
        doc["a"]["c"] = splices[2].marker();
        doc["last"] = {1, 2};
        const std::string path = temp_path("doc.json");
        write_json(doc, splices, path);
        json whole = doc;
        replace_markers(whole, splices, true);
        EXPECT_EQ(slurp(path), whole.dump(2) + "\n") << n;
        EXPECT_EQ(json::parse(slurp(path))["a"]["b"]["groups"].size(), n);
        std::filesystem::remove(path);
    }
}

TEST(Splice, AMissingMarkerIsAnError) {
    json doc = {{"a", 1}};
    EXPECT_THROW(write_json(doc, {list("/a", 2)}, temp_path("missing.json")), IoError);
    std::filesystem::remove(temp_path("missing.json"));
}

TEST(Splice, ShownReplacesTheMarkerInMemory) {
    Splice s = list("/x/groups", 5);
    s.shown = {{"total", 5}, {"shown", {s.entry_json(4)}}};
    json doc;
    doc["x"]["groups"] = s.marker();
    replace_markers(doc, {s});
    EXPECT_EQ(doc["x"]["groups"]["total"], 5);
    EXPECT_EQ(doc["x"]["groups"]["shown"][0]["values"][0], 4);
}

TEST(Splice, TablesWithStreamedRowsPrintWhole) {
    CsvTable t("t.csv", "h\nfirst\n");
    t.more_rows = 3;
    t.row = [](std::size_t i) { return "row " + std::to_string(i) + "\n"; };
    t.tail = "other\n";
    const std::string path = temp_path("t.csv");
    write_table(t, path);
    EXPECT_EQ(slurp(path), "h\nfirst\nrow 0\nrow 1\nrow 2\nother\n");
    EXPECT_EQ(t.whole(), slurp(path));
    std::filesystem::remove(path);
}

// Runs f at `threads` OpenMP threads, then puts the number back.
template <class F>
void at_threads(int threads, F&& f) {
    const int before = omp_get_max_threads();
    omp_set_num_threads(threads);
    f();
    omp_set_num_threads(before);
}

TEST(Splice, TheSameBytesOnAnyNumberOfThreads) {
    const std::size_t piece = kItemsPerPiece;
    for (std::size_t n : {piece - 1, piece, piece + 1, 3 * piece, 8 * piece + 5, 17 * piece + 3}) {
        std::vector<Splice> splices{list("/groups", n)};
        json doc;
        doc["groups"] = splices[0].marker();
        doc["after"] = 1;
        json whole = doc;
        replace_markers(whole, splices, true);
        CsvTable t("t.csv", "h\n");
        t.more_rows = n;
        t.row = [](std::size_t i) { return "row " + std::to_string(i) + "\n"; };
        for (int threads : {1, 2, 3, 8}) {
            at_threads(threads, [&] {
                const std::string path = temp_path("threads.json"), table = temp_path("threads.csv");
                write_json(doc, splices, path);
                EXPECT_EQ(slurp(path), whole.dump(2) + "\n") << n << " entries, " << threads << " threads";
                write_table(t, table);
                EXPECT_EQ(slurp(table), t.whole()) << n << " rows, " << threads << " threads";
                std::filesystem::remove(path);
                std::filesystem::remove(table);
            });
        }
    }
}

TEST(Splice, AnEntryThatFailsStopsTheListWithTheFirstError) {
    Splice s = list("/groups", 10 * kItemsPerPiece);
    const auto print = s.entry;
    // Entries in the third and the second piece fail: the second's error is reported.
    s.entry = [print](std::size_t i, JsonText& j) {
        if (i == 2 * kItemsPerPiece + 7 || i == kItemsPerPiece + 3) throw IoError("entry " + std::to_string(i));
        print(i, j);
    };
    json doc;
    doc["groups"] = s.marker();
    for (int threads : {1, 4}) {
        at_threads(threads, [&] {
            try {
                write_json(doc, {s}, temp_path("fails.json"));
                ADD_FAILURE() << "no error at " << threads << " threads";
            } catch (const IoError& e) {
                EXPECT_EQ(std::string(e.what()), "entry " + std::to_string(kItemsPerPiece + 3)) << threads << " threads";
            }
        });
    }
    std::filesystem::remove(temp_path("fails.json"));
}

}  // namespace
}  // namespace engage::io
