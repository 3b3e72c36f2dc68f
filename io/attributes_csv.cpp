#include "io/attributes_csv.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "io/text.hpp"

namespace engage::io {

namespace {

using text::invalid_utf8_at;
using text::lower;
using text::shown;
using text::shown_escaped;
using text::trim;

constexpr double kMaxWallet = 1e13;  // the bound of an amount (kMaxAmount)

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string header_list(const std::vector<std::string>& header) {
    std::string names;
    for (const auto& f : header) names += (names.empty() ? "" : ", ") + f;
    return names;
}

// The columns of the file: the id's, and each attribute's (nullopt: absent).
struct Layout {
    std::size_t id = 0;
    std::array<std::optional<std::size_t>, kAttributes> attribute;
};

Layout resolve_columns(const std::vector<std::string>& header, const std::string& name, std::uint64_t line,
                       const AttributesCsvOptions& o) {
    Layout l;
    const auto id_spec = trim(o.id_column);
    const std::string where = name + ": line " + std::to_string(line) + " (the header: " + header_list(header) + ")";
    if (all_digits(id_spec)) {
        const auto n = std::stoull(std::string(id_spec.substr(0, 7)));
        if (n == 0 || n > header.size())
            throw ConfigError(where + ": --attributes-id-column " + std::string(id_spec) + " asks for field " +
                              std::string(id_spec) + " of " + std::to_string(header.size()) +
                              "; give a field number from 1 or a header name");
        l.id = n - 1;
    } else {
        const auto it = std::find_if(header.begin(), header.end(),
                                     [&](const std::string& f) { return lower(trim(f)) == lower(id_spec); });
        if (it == header.end())
            throw ConfigError(where + ": no customer id column " + shown(id_spec) +
                              " (--attributes-id-column, by default --id-column); name the column that holds the "
                              "ids of the transaction logs");
        l.id = std::size_t(it - header.begin());
    }
    bool any = false;
    for (std::size_t a = 0; a < kAttributes; ++a) {
        const auto attribute = Attribute(a);
        const bool given = !o.columns[a].empty();
        const std::vector<std::string> wanted =
            given ? std::vector<std::string>{normalize_column_name(o.columns[a])} : default_column_names(attribute);
        for (std::size_t k = 0; k < header.size(); ++k) {
            if (k == l.id) continue;
            if (std::find(wanted.begin(), wanted.end(), normalize_column_name(header[k])) == wanted.end()) continue;
            if (l.attribute[a])
                throw ConfigError(where + ": columns " + shown(header[*l.attribute[a]]) + " and " + shown(header[k]) +
                                  " both give the " + std::string(attribute_name(attribute)) +
                                  "; keep one, or choose with --attributes-column " +
                                  std::string(attribute_name(attribute)) + "=NAME");
            l.attribute[a] = k;
        }
        if (given && !l.attribute[a])
            throw ConfigError(where + ": --attributes-column " + std::string(attribute_name(attribute)) + "=" +
                              o.columns[a] + ": no such column besides the id column");
        any = any || l.attribute[a].has_value();
    }
    if (!any)
        throw ConfigError(where + ": no attribute column; expected business_unit (or bu), region, "
                          "relationship_manager (or rm), segment, wallet or acquisition_date (or acquired), in any "
                          "case, or name them with --attributes-column ATTRIBUTE=NAME");
    return l;
}

class RowParser {
public:
    RowParser(const AttributesCsvOptions& o, ParsedAttributes& out, const Layout& layout, std::size_t fields)
        : o_(o), out_(out), layout_(layout), fields_count_(fields) {}

    void row(std::uint64_t line, std::string_view text) {
        ++out_.data_lines;
        if (!split_fields(text, out_.separator, fields_)) return bad(line, "unbalanced or misplaced double quotes");
        if (fields_.size() != fields_count_)
            return bad(line, "expected " + std::to_string(fields_count_) + " fields, found " +
                                 std::to_string(fields_.size()));
        CustomerAttributes c;
        c.line = line;
        const std::string_view id = fields_[layout_.id];
        if (id.empty()) return bad(line, "the customer id is empty");
        if (o_.id_type == IdType::number) {
            if (auto why = number_id_problem(id, c.id); !why.empty())
                return bad(line, why + ", and the ids of the transaction logs are numbers");
        } else {
            if (auto why = string_id_problem(id); !why.empty()) return bad(line, std::move(why));
            c.name = id;
        }
        for (std::size_t g = 0; g < kGroups; ++g) {
            if (!layout_.attribute[g]) continue;
            const std::string_view v = fields_[*layout_.attribute[g]];
            const std::string field = column(g);
            if (v.size() > kMaxGroupNameBytes)
                return bad(line, field + " " + shown_escaped(v) + " is " + std::to_string(v.size()) +
                                     " bytes long, more than the " + std::to_string(kMaxGroupNameBytes) +
                                     " a name may have");
            if (const auto at = invalid_utf8_at(v); at != std::string_view::npos)
                return bad(line, field + " " + shown_escaped(v) + ": byte " + std::to_string(at + 1) +
                                     " is not valid UTF-8; re-encode the file as UTF-8");
            if (std::any_of(v.begin(), v.end(), [](char ch) { return (unsigned char)ch < 0x20 || ch == 0x7F; }))
                return bad(line, field + " " + shown_escaped(v) + " holds a control character");
            c.group[g] = v;
        }
        if (const auto& w = layout_.attribute[std::size_t(Attribute::wallet)]; w && !fields_[*w].empty()) {
            std::string_view v = fields_[*w];
            const std::string field = column(std::size_t(Attribute::wallet));
            if (v.front() == '+') v.remove_prefix(1);
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), c.wallet);
            if (v.empty() || ec == std::errc::invalid_argument || end != v.data() + v.size() || std::isnan(c.wallet))
                return bad(line, field + " " + shown(fields_[*w]) +
                                     " is not a number; a wallet is an amount >= 0, or blank when unknown");
            if (ec == std::errc::result_out_of_range || !std::isfinite(c.wallet) || c.wallet > kMaxWallet)
                return bad(line, field + " " + shown(fields_[*w]) + " is beyond 1e13, the largest amount the file holds");
            if (c.wallet < 0)
                return bad(line, field + " " + shown(fields_[*w]) +
                                     " is negative; a wallet is an amount >= 0, or blank when unknown");
            c.wallet += 0.0;  // -0 is 0
        }
        if (const auto& d = layout_.attribute[std::size_t(Attribute::acquisition_date)]; d && !fields_[*d].empty()) {
            const std::string_view v = fields_[*d];
            const std::string field = column(std::size_t(Attribute::acquisition_date));
            const auto day = parse_timestamp_day(v, o_.date_format);
            if (!day)
                return bad(line, field + " " + shown(v) + " is not a date " +
                                     (o_.date_format == DateFormat::automatic
                                          ? std::string("YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD")
                                          : std::string(date_format_name(o_.date_format))) +
                                     " (or set --date-format)");
            if (*day < o_.min_unix_day || *day > o_.max_unix_day)
                return bad(line, field + " " + shown(v) + " (" + format_iso_date(*day) +
                                     ") is outside the plausible range " + format_iso_date(o_.min_unix_day) + " .. " +
                                     format_iso_date(o_.max_unix_day) + "; fix the year, or widen --min-date/--max-date");
            c.acquisition_unix_day = *day;
        }
        out_.rows.push_back(std::move(c));
    }

private:
    // The column of attribute `a` as messages name it: its header name, followed by the
    // attribute when the name differs from it ("Account Manager (rm)").
    std::string column(std::size_t a) const {
        const std::string& header = out_.column[a];
        const std::string_view attribute = attribute_name(Attribute(a));
        return normalize_column_name(header) == attribute ? header : header + " (" + std::string(attribute) + ")";
    }

    void bad(std::uint64_t line, std::string reason) {
        if (out_.bad.size() < kMaxReportedBadRows) out_.bad.push_back({line, std::move(reason)});
        ++out_.bad_rows;
    }

    const AttributesCsvOptions& o_;
    ParsedAttributes& out_;
    const Layout& layout_;
    std::size_t fields_count_;
    std::vector<std::string> fields_;
};

// Two good rows of one customer: the file is ambiguous, whatever the bad-row limit.
void check_unique(const ParsedAttributes& p, const std::string& name) {
    std::vector<std::size_t> order(p.rows.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    const auto key_less = [&](std::size_t a, std::size_t b) {
        const auto& x = p.rows[a];
        const auto& y = p.rows[b];
        if (x.name != y.name) return x.name < y.name;
        if (x.id != y.id) return x.id < y.id;
        return x.line < y.line;
    };
    std::sort(order.begin(), order.end(), key_less);
    for (std::size_t k = 1; k < order.size(); ++k) {
        const auto& a = p.rows[order[k - 1]];
        const auto& b = p.rows[order[k]];
        if (a.name == b.name && a.id == b.id)
            throw DataError(name + ": customer " + (a.name.empty() ? std::to_string(a.id) : shown(a.name)) +
                            " is on line " + std::to_string(a.line) + " and again on line " + std::to_string(b.line) +
                            "; an attribute file gives each customer once: remove or merge one of the rows");
    }
}

}  // namespace

std::string_view attribute_name(Attribute a) noexcept {
    switch (a) {
        case Attribute::business_unit: return "business_unit";
        case Attribute::region: return "region";
        case Attribute::rm: return "rm";
        case Attribute::segment: return "segment";
        case Attribute::wallet: return "wallet";
        case Attribute::acquisition_date: return "acquisition_date";
    }
    return "?";
}

const std::vector<std::string>& default_column_names(Attribute a) {
    static const std::array<std::vector<std::string>, kAttributes> names = {
        std::vector<std::string>{"business_unit", "bu"},
        std::vector<std::string>{"region"},
        std::vector<std::string>{"relationship_manager", "rm"},
        std::vector<std::string>{"segment"},
        std::vector<std::string>{"wallet"},
        std::vector<std::string>{"acquisition_date", "acquired"}};
    return names[std::size_t(a)];
}

std::string normalize_column_name(std::string_view name) {
    std::string s = lower(trim(name));
    for (char& c : s)
        if (c == ' ' || c == '-') c = '_';
    return s;
}

std::pair<Attribute, std::string> parse_attribute_column(std::string_view spec) {
    const auto eq = spec.find('=');
    const std::string key = eq == std::string_view::npos ? "" : normalize_column_name(spec.substr(0, eq));
    const std::string column(eq == std::string_view::npos ? std::string_view{} : trim(spec.substr(eq + 1)));
    for (std::size_t a = 0; a < kAttributes; ++a)
        if (!column.empty() && (key == attribute_name(Attribute(a)) ||
                                (Attribute(a) == Attribute::rm && key == "relationship_manager")))
            return {Attribute(a), column};
    throw ConfigError("--attributes-column " + std::string(spec) +
                      ": expected ATTRIBUTE=NAME, ATTRIBUTE one of business_unit, region, rm, segment, wallet, "
                      "acquisition_date and NAME a column of the attribute file's header (e.g. rm=Account Manager)");
}

ParsedAttributes parse_attributes(std::istream& in, const std::string& name, const AttributesCsvOptions& o) {
    ParsedAttributes out;
    std::uint64_t line_no = 0;
    std::string line;
    auto next = [&]() -> bool {
        if (!std::getline(in, line)) return false;
        ++line_no;
        if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
    };
    // The header and the first data line decide the separator (as for the logs).
    std::vector<std::pair<std::uint64_t, std::string>> head;
    while (head.size() < 2 && next())
        if (!trim(line).empty()) head.emplace_back(line_no, line);
    if (head.empty()) return out;
    out.separator = o.separator != Separator::sniff ? o.separator : sniff_separator(head.back().second);
    if (out.separator == Separator::whitespace) out.separator = Separator::comma;  // one column: any will do

    std::vector<std::string> header;
    if (!split_fields(head[0].second, out.separator, header))
        throw DataError(name + ": line " + std::to_string(head[0].first) +
                        ", the header, has unbalanced or misplaced double quotes; fix that line");
    out.header_line = head[0].first;
    const Layout layout = resolve_columns(header, name, head[0].first, o);
    for (std::size_t a = 0; a < kAttributes; ++a)
        if (layout.attribute[a]) out.column[a] = header[*layout.attribute[a]];

    RowParser rows(o, out, layout, header.size());
    for (std::size_t k = 1; k < head.size(); ++k) rows.row(head[k].first, head[k].second);
    while (next())
        if (!trim(line).empty()) rows.row(line_no, line);
    if (in.bad()) throw IoError(name + ": read error after line " + std::to_string(line_no));
    check_unique(out, name);
    return out;
}

ParsedAttributes read_attributes(const std::string& path, const AttributesCsvOptions& o) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open the attribute file; check the path given to --attributes");
    return parse_attributes(in, path, o);
}

void reject_customers_without_dates(ParsedAttributes& p, const std::vector<Transaction>& transactions,
                                    IdType id_type) {
    const bool strings = id_type == IdType::string;
    std::vector<std::uint64_t> ids;
    std::vector<std::string> names;
    for (const auto& t : transactions) {
        if (strings) names.push_back(t.name);
        else ids.push_back(t.id);
    }
    std::sort(ids.begin(), ids.end());
    std::sort(names.begin(), names.end());
    reject_customers_without_dates(p, ids, names, id_type);
}

void reject_customers_without_dates(ParsedAttributes& p, const std::vector<std::uint64_t>& ids,
                                    const std::vector<std::string>& names, IdType id_type) {
    const bool strings = id_type == IdType::string;
    std::vector<CustomerAttributes> kept;
    kept.reserve(p.rows.size());
    bool rejected = false;
    for (auto& c : p.rows) {
        const bool active = strings ? std::binary_search(names.begin(), names.end(), c.name)
                                    : std::binary_search(ids.begin(), ids.end(), c.id);
        if (active || c.acquisition_unix_day) {
            kept.push_back(std::move(c));
            continue;
        }
        rejected = true;
        ++p.bad_rows;
        p.bad.push_back({c.line, "customer " + (strings ? shown(c.name) : std::to_string(c.id)) +
                                     " has no transactions and no acquisition date, so no day to count its tenure "
                                     "from; give its acquisition date" +
                                     (p.column[std::size_t(Attribute::acquisition_date)].empty()
                                          ? std::string(" (an acquisition_date column)")
                                          : std::string()) +
                                     ", or leave the row out"});
    }
    p.rows = std::move(kept);
    if (!rejected) return;
    // Parse errors were recorded in line order up to kMaxReportedBadRows, and every unrecorded
    // one comes after the last recorded: sorting by line and cutting keeps the first ones.
    std::stable_sort(p.bad.begin(), p.bad.end(), [](const BadRow& a, const BadRow& b) { return a.line < b.line; });
    if (p.bad.size() > kMaxReportedBadRows) p.bad.resize(kMaxReportedBadRows);
}

}  // namespace engage::io
