// Fuzz target: the customer attribute file of `engage import --attributes` (io/attributes_csv.*)
// and its merge into the customers of a small transaction log (io/imported_hierarchy.*). The
// first byte chooses the options (id type, id column by name or number, a column named by
// --attributes-column, date format, separator); the rest is the file. ConfigError and DataError
// are the documented failures; anything else that escapes, a crash, a sanitizer report or a
// broken promise of the documentation (expect) is a finding.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "io/attributes_csv.hpp"
#include "io/imported_hierarchy.hpp"

using namespace engage;

namespace {

void expect(bool ok) {
    if (!ok) __builtin_trap();
}

io::AttributesCsvOptions options_from(std::uint8_t a) {
    io::AttributesCsvOptions o;
    o.id_type = a & 1 ? io::IdType::number : io::IdType::string;
    o.id_column = a & 2 ? "1" : "customer";
    if (a & 4) o.columns[std::size_t(io::Attribute::rm)] = "owner";
    o.date_format = io::DateFormat((a >> 3) % 5);
    o.separator = io::Separator(a >> 6 & 3);  // sniff, comma, semicolon, tab
    return o;
}

// Three customers with transactions: ids 1, 2, 3 (numbers) or "1", "2", "3" (strings).
std::vector<io::Transaction> log_of(io::IdType ids) {
    std::vector<io::Transaction> rows;
    for (std::uint64_t id = 1; id <= 3; ++id) {
        io::Transaction t;
        t.id = id;
        if (ids == io::IdType::string) t.name = std::to_string(id);
        t.unix_day = 19723 + std::int64_t(id);  // 2024-01-02 ..
        rows.push_back(t);
    }
    return rows;
}

void check_parse(const io::ParsedAttributes& p, const io::AttributesCsvOptions& o) {
    expect(p.rows.size() + p.bad_rows == p.data_lines);
    expect(p.bad.size() <= io::kMaxReportedBadRows && p.bad.size() <= p.bad_rows);
    std::uint64_t line = p.header_line;
    for (const auto& c : p.rows) {
        expect(c.line > line);
        line = c.line;
        expect(std::isnan(c.wallet) || (c.wallet >= 0 && c.wallet <= 1e13));
        if (c.acquisition_unix_day)
            expect(*c.acquisition_unix_day >= o.min_unix_day && *c.acquisition_unix_day <= o.max_unix_day);
        for (const auto& g : c.group) expect(g.size() <= io::kMaxGroupNameBytes);
        if (o.id_type == io::IdType::number) expect(c.name.empty());
        else expect(!c.name.empty() && c.name.size() <= io::kMaxIdBytes);
    }
    for (std::size_t k = 1; k < p.bad.size(); ++k) expect(p.bad[k].line > p.bad[k - 1].line);
}

void check_base(const io::ImportedBase& b, const io::ImportedHierarchy& h, std::size_t interactions) {
    const io::CustomerShard& s = b.shard;
    const std::size_t n = s.customers();
    expect(s.offsets.size() == n + 1 && s.offsets.back() == interactions && s.time.size() == interactions);
    expect(s.rm.size() == n && s.region.size() == n && s.business_unit.size() == n && s.segment.size() == n &&
           s.wallet.size() == n && s.acquisition_day.size() == n);
    for (const auto& names : h.names) {
        expect(!names.empty());
        expect(std::adjacent_find(names.begin(), names.end(), std::greater_equal<>()) == names.end());
    }
    for (std::size_t c = 0; c < n; ++c) {
        expect(c == 0 || s.id[c] > s.id[c - 1]);
        expect(s.offsets[c] <= s.offsets[c + 1]);
        expect(s.business_unit[c] < h.names[0].size() && s.region[c] < h.names[1].size() &&
               s.rm[c] < h.names[2].size() && s.segment[c] < h.names[3].size());
        if (s.offsets[c] < s.offsets[c + 1]) expect(std::int64_t(s.acquisition_day[c]) * 86400 <= s.time[s.offsets[c]]);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const io::AttributesCsvOptions options = options_from(data[0]);
    std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
    try {
        io::ParsedAttributes p = io::parse_attributes(in, "fuzz.csv", options);
        check_parse(p, options);
        std::vector<io::Transaction> log = log_of(options.id_type);
        io::reject_customers_without_dates(p, log, options.id_type);
        check_parse(p, options);
        for (const auto& c : p.rows) {  // what is left has transactions or an acquisition date
            const bool active = options.id_type == io::IdType::string ? (c.name == "1" || c.name == "2" || c.name == "3")
                                                                       : (c.id >= 1 && c.id <= 3);
            expect(active || c.acquisition_unix_day.has_value());
        }
        if (options.id_type == io::IdType::string) {
            std::vector<std::string> ids;
            for (const auto& c : p.rows) ids.push_back(c.name);
            const auto names = io::number_string_ids(log, ids);
            for (auto& c : p.rows)
                c.id = std::uint64_t(std::lower_bound(names.begin(), names.end(), c.name) - names.begin());
        }
        io::ImportedBase base = io::build_customer_base(log, false, std::nullopt);
        const std::size_t interactions = base.shard.time.size();
        const io::ImportedHierarchy h = io::apply_attributes(base, p.rows, p, "fuzz.csv");
        check_base(base, h, interactions);
    } catch (const ConfigError&) {
    } catch (const DataError&) {
    }
    return 0;
}
