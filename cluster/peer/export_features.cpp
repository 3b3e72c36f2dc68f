// Exports the per-customer features of `engage score` (DIR/customers.h5, docs/data-format.md
// section 2) to one CSV, so that the peer benchmark can compare them with DuckDB's, customer by
// customer: id, the ten scalar features, then channel_count_K and channel_value_K per channel.
// Usage: export_features DIR/customers.h5 OUT.csv
#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "h5_read.hpp"

namespace {

const char* const kIntegerFeatures[] = {"tenure_days", "recency_days", "last_interaction_days", "frequency",
                                        "interactions", "interactions_total", "breadth", "active_weeks",
                                        "active_months"};

template <class T> void put(std::string& out, T v, char end) {
    char tmp[64];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    out.append(tmp, r.ptr);
    out.push_back(end);
}

void export_features(const std::string& file, const std::string& csv) {
    peer::H5In in(file);
    const std::uint64_t n = in.shape("/customers/id")[0];
    const std::uint64_t k = in.shape("/features/channel_count")[1];
    std::FILE* f = std::fopen(csv.c_str(), "wb");
    if (!f) throw std::runtime_error(csv + ": cannot create");
    std::string out = "id";
    for (const char* name : kIntegerFeatures) out += std::string(",") + name;
    out += ",monetary";
    for (std::uint64_t c = 0; c < k; ++c) out += ",channel_count_" + std::to_string(c);
    for (std::uint64_t c = 0; c < k; ++c) out += ",channel_value_" + std::to_string(c);
    out += "\n";

    constexpr std::uint64_t kBlock = 1 << 16;
    for (std::uint64_t first = 0; first < n; first += kBlock) {
        std::uint64_t rows = std::min(kBlock, n - first);
        auto ids = in.read<std::uint64_t>("/customers/id", first, rows);
        std::vector<std::vector<std::int64_t>> ints;
        for (const char* name : kIntegerFeatures)
            ints.push_back(in.read<std::int64_t>(std::string("/features/") + name, first, rows));
        auto monetary = in.read<double>("/features/monetary", first, rows);
        auto counts = in.read<std::int64_t>("/features/channel_count", first, rows);
        auto values = in.read<double>("/features/channel_value", first, rows);
        for (std::uint64_t i = 0; i < rows; ++i) {
            put(out, ids[i], ',');
            for (const auto& column : ints) put(out, column[i], ',');
            put(out, monetary[i], ',');
            for (std::uint64_t c = 0; c < k; ++c) put(out, counts[i * k + c], ',');
            for (std::uint64_t c = 0; c < k; ++c) put(out, values[i * k + c], c + 1 == k ? '\n' : ',');
        }
        if (std::fwrite(out.data(), 1, out.size(), f) != out.size())
            throw std::runtime_error(csv + ": write failed (disk full?)");
        out.clear();
    }
    if (std::fclose(f) != 0) throw std::runtime_error(csv + ": write failed (disk full?)");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: export_features DIR/customers.h5 OUT.csv\n";
        return 2;
    }
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // our messages name the file and object
    try {
        export_features(argv[1], argv[2]);
    } catch (const std::exception& e) {
        std::cerr << "export_features: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
