#include "io/transactions_csv.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <tuple>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "features/channel_kind.hpp"
#include "io/interaction_links.hpp"
#include "io/text.hpp"

namespace engage::io {

namespace {

using text::invalid_utf8_at;
using text::is_blank;
using text::lower;
using text::shown;
using text::shown_escaped;
using text::trim;

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> parse_date(std::string_view s, DateFormat f) { return parse_timestamp_day(s, f); }

std::string date_expectation(DateFormat f) {
    return (f == DateFormat::automatic ? std::string("YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD")
                                       : std::string(date_format_name(f))) +
           ", optionally with a time and zone such as T10:15:00Z (or set --date-format)";
}

// The value of a row of `kind` in a log without amounts: nullopt when the kind's value is an
// answer that the log does not hold (a survey's NPS, a review's stars: 0 would be a detractor).
std::optional<double> value_without_amount(kernels::ChannelKind kind) {
    switch (kind) {
        case kernels::ChannelKind::purchase: return 0.0;  // revenue unknown: no spend model
        case kernels::ChannelKind::survey:
        case kernels::ChannelKind::review: return std::nullopt;
        default: return 1.0;  // count-like, as engage generate stores them
    }
}

bool is_none(std::string_view spec) { return lower(trim(spec)) == "none"; }

struct Column {
    const char* option;        // "id-column"
    const std::string* spec;   // as given
    std::size_t index = 0;     // 0-based, once resolved
};

// The parse of the rows once the layout is known.
class RowParser {
public:
    RowParser(const TransactionsCsvOptions& o, ParsedTransactions& out, std::size_t id, std::size_t date,
              std::optional<std::size_t> amount, std::optional<std::size_t> channel, const LineRange* range)
        : o_(o), out_(out), id_(id), date_(date), amount_(amount), channel_(channel),
          sink_(range ? &range->sink : nullptr), linked_sink_(range ? &range->linked_sink : nullptr) {}
    // The optional columns of who initiated a row and what it answers.
    void links(std::optional<std::size_t> initiator, std::optional<std::size_t> interaction,
               std::optional<std::size_t> answers) {
        initiator_ = initiator;
        interaction_ = interaction;
        answers_ = answers;
    }

    void row(std::uint64_t line, std::string_view text) {
        ++out_.data_lines;
        if (!split_fields(text, out_.separator, fields_)) return bad(line, "unbalanced or misplaced double quotes");
        if (fields_.size() != out_.fields)
            return bad(line, "expected " + std::to_string(out_.fields) + " fields, found " +
                                 std::to_string(fields_.size()));
        Transaction t;
        t.line = line;
        const std::string_view id = fields_[id_];
        if (id.empty()) return bad(line, "the customer id is empty");
        if (o_.id_type == IdType::number) {
            if (auto why = number_id_problem(id, t.id); !why.empty())
                return bad(line, why + " (--id-type number; --id-type string or auto reads ids such as ACC-00001)");
        } else {
            if (auto why = string_id_problem(id); !why.empty()) return bad(line, std::move(why));
            t.name = id;
            if (o_.id_type == IdType::automatic &&
                (!all_digits(id) || std::from_chars(id.data(), id.data() + id.size(), t.id).ec != std::errc())) {
                t.id = 0;
                out_.text_ids = true;
            }
        }
        const std::string_view date = fields_[date_];
        const auto day = parse_date(date, o_.date_format);
        if (!day) return bad(line, "date " + shown(date) + " is not a date " + date_expectation(o_.date_format));
        if (*day < o_.min_unix_day || *day > o_.max_unix_day)
            return bad(line, "date " + shown(date) + " (" + format_iso_date(*day) + ") is outside the plausible range " +
                                 format_iso_date(o_.min_unix_day) + " .. " + format_iso_date(o_.max_unix_day) +
                                 "; fix the year, or widen --min-date/--max-date");
        t.unix_day = *day;
        if (initiator_) {
            const std::string who = lower(trim(fields_[*initiator_]));
            if (who == "customer") t.initiator = 0;
            else if (who == "company") t.initiator = 1;
            else
                return bad(line, "initiator " + shown(fields_[*initiator_]) + " (--initiator-column " +
                                     o_.initiator_column + ") is not customer or company; give who initiated the row");
        }
        if (interaction_ || answers_)
            for (const auto& [column, option, spec] :
                 {std::tuple{interaction_, "--interaction-id-column ", &o_.interaction_column},
                  std::tuple{answers_, "--answers-column ", &o_.answers_column}}) {
                if (!column) continue;
                auto why = string_id_problem(fields_[*column]);
                if (why.empty()) continue;
                why.replace(0, std::string_view("customer id").size(), "interaction id");
                return bad(line, why + " (" + option + *spec + ")");
            }
        if (channel_) {
            const auto code = o_.channels.code(fields_[*channel_]);
            if (!code)
                return bad(line, "unknown channel " + shown(fields_[*channel_]) + "; expected " +
                                     o_.channels.expected_labels());
            t.channel = *code;
        }
        if (!amount_) {
            const auto kind = o_.channels.channels()[t.channel].kind;
            const auto value = value_without_amount(kind);
            if (!value)
                return bad(line, "a " + std::string(kernels::kind_name(kind)) + " row (channel " +
                                     shown(fields_[*channel_]) + ") needs its answer as a value, and the log has no "
                                     "amount column (--amount-column none); give the column that holds it");
            t.amount = *value;
            keep(std::move(t));
            return;
        }
        std::string_view amount = fields_[*amount_];
        if (amount.empty()) {
            // Exports leave the value blank where a row has none (a login, a ticket): such a row
            // counts once, as in a log without amounts. A purchase, a survey answer and a review
            // need theirs: a blank there is a bad row, not a zero.
            const auto kind = o_.channels.channels()[t.channel].kind;
            const auto value = value_without_amount(kind);
            if (!value || kind == kernels::ChannelKind::purchase)
                return bad(line, "the amount is empty, and a " + std::string(kernels::kind_name(kind)) +
                                     " row needs one (its " +
                                     (kind == kernels::ChannelKind::purchase ? "revenue" : "answer") + ")");
            t.amount = *value;
            keep(std::move(t));
            return;
        }
        if (amount.front() == '+') amount.remove_prefix(1);
        const auto [end, ec] = std::from_chars(amount.data(), amount.data() + amount.size(), t.amount);
        if (amount.empty() || ec == std::errc::invalid_argument || end != amount.data() + amount.size())
            return bad(line, "amount " + shown(fields_[*amount_]) + " is not a number");
        if (ec == std::errc::result_out_of_range || std::isinf(t.amount) || std::fabs(t.amount) > kMaxAmount)
            return bad(line, "amount " + shown(fields_[*amount_]) + " is beyond +-1e13, the largest the file holds");
        if (std::isnan(t.amount)) return bad(line, "amount " + shown(fields_[*amount_]) + " is not finite");
        keep(std::move(t));
    }

private:
    void keep(Transaction&& t) {
        if (linked_sink_ && *linked_sink_ && (interaction_ || answers_))
            (*linked_sink_)(t, interaction_ ? std::string_view(fields_[*interaction_]) : std::string_view(),
                            answers_ ? std::string_view(fields_[*answers_]) : std::string_view());
        else if (sink_ && *sink_) (*sink_)(t);
        else out_.rows.push_back(std::move(t));
    }
    void bad(std::uint64_t line, std::string reason) {
        if (out_.bad.size() < kMaxReportedBadRows) out_.bad.push_back({line, std::move(reason)});
        ++out_.bad_rows;
    }

    const TransactionsCsvOptions& o_;
    ParsedTransactions& out_;
    std::size_t id_, date_;
    std::optional<std::size_t> amount_, channel_;
    const RowSink* sink_;
    const LinkedRowSink* linked_sink_;
    std::optional<std::size_t> initiator_, interaction_, answers_;
    std::vector<std::string> fields_;
};

}  // namespace

// Splits one line into fields. Whitespace: runs of spaces and tabs separate, no quoting.
// Otherwise: one character separates; a field may be double-quoted ("" is a quote inside);
// unquoted fields are trimmed. Returns false when the quotes are malformed.
bool split_fields(std::string_view line, Separator sep, std::vector<std::string>& out) {
    out.clear();
    if (sep == Separator::whitespace) {
        std::size_t i = 0;
        while (true) {
            while (i < line.size() && is_blank(line[i])) ++i;
            if (i == line.size()) return true;
            const std::size_t b = i;
            while (i < line.size() && !is_blank(line[i])) ++i;
            out.emplace_back(line.substr(b, i - b));
        }
    }
    const char sc = sep == Separator::comma ? ',' : sep == Separator::semicolon ? ';' : '\t';
    std::size_t i = 0;
    while (true) {
        while (i < line.size() && line[i] != sc && is_blank(line[i])) ++i;
        std::string field;
        if (i < line.size() && line[i] == '"') {
            ++i;
            while (true) {
                if (i == line.size()) return false;  // no closing quote on this line
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += line[i++];
            }
            while (i < line.size() && line[i] != sc && is_blank(line[i])) ++i;
            if (i < line.size() && line[i] != sc) return false;  // text after the closing quote
        } else {
            const std::size_t b = i;
            while (i < line.size() && line[i] != sc) ++i;
            field = std::string(trim(line.substr(b, i - b)));
        }
        out.push_back(std::move(field));
        if (i == line.size()) return true;
        ++i;  // the separator
    }
}

// The separator of a line: the most frequent of comma, semicolon and tab outside quotes
// (ties in that order), whitespace when there is none.
Separator sniff_separator(std::string_view line) {
    std::size_t comma = 0, semicolon = 0, tab = 0;
    bool quoted = false;
    for (char c : line) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        comma += c == ',';
        semicolon += c == ';';
        tab += c == '\t';
    }
    if (comma == 0 && semicolon == 0 && tab == 0) return Separator::whitespace;
    if (comma >= semicolon && comma >= tab) return Separator::comma;
    return semicolon >= tab ? Separator::semicolon : Separator::tab;
}

std::string number_id_problem(std::string_view id, std::uint64_t& number) {
    if (!all_digits(id)) return "customer id " + shown(id) + " is not a whole number >= 0";
    if (std::from_chars(id.data(), id.data() + id.size(), number).ec != std::errc())
        return "customer id " + shown(id) + " is too large (at most 2^64 - 1)";
    return {};
}

std::string string_id_problem(std::string_view id) {
    if (id.size() > kMaxIdBytes)
        return "customer id " + shown_escaped(id) + " is " + std::to_string(id.size()) + " bytes long, more than the " +
               std::to_string(kMaxIdBytes) + " an id may have";
    if (const auto at = invalid_utf8_at(id); at != std::string_view::npos)
        return "customer id " + shown_escaped(id) + ": byte " + std::to_string(at + 1) +
               " is not valid UTF-8; ids must be UTF-8 (or ASCII): re-encode the file";
    if (std::any_of(id.begin(), id.end(), [](char c) { return (unsigned char)c < 0x20 || c == 0x7F; }))
        return "customer id " + shown_escaped(id) + " holds a control character";
    return {};
}

std::optional<Separator> parse_separator(std::string_view t) {
    const std::string s = lower(t);
    if (s == "auto") return Separator::sniff;
    if (s == "comma") return Separator::comma;
    if (s == "semicolon") return Separator::semicolon;
    if (s == "tab") return Separator::tab;
    if (s == "whitespace") return Separator::whitespace;
    return std::nullopt;
}

std::optional<HeaderMode> parse_header_mode(std::string_view t) {
    const std::string s = lower(t);
    if (s == "auto") return HeaderMode::detect;
    if (s == "yes") return HeaderMode::yes;
    if (s == "no") return HeaderMode::no;
    return std::nullopt;
}

std::optional<IdType> parse_id_type(std::string_view t) {
    const std::string s = lower(t);
    if (s == "auto") return IdType::automatic;
    if (s == "number") return IdType::number;
    if (s == "string") return IdType::string;
    return std::nullopt;
}

std::string_view id_type_name(IdType t) noexcept {
    switch (t) {
        case IdType::automatic: return "auto";
        case IdType::number: return "number";
        case IdType::string: return "string";
    }
    return "?";
}

std::vector<std::string> number_string_ids(std::vector<Transaction>& rows, const std::vector<std::string>& more_ids) {
    std::vector<std::string> names;
    names.reserve(rows.size() + more_ids.size());
    for (const auto& t : rows) names.push_back(t.name);
    names.insert(names.end(), more_ids.begin(), more_ids.end());
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (auto& t : rows) {
        t.id = std::uint64_t(std::lower_bound(names.begin(), names.end(), t.name) - names.begin());
        t.name = {};
    }
    return names;
}

std::string_view separator_name(Separator s) noexcept {
    switch (s) {
        case Separator::sniff: return "auto";
        case Separator::comma: return "comma";
        case Separator::semicolon: return "semicolon";
        case Separator::tab: return "tab";
        case Separator::whitespace: return "whitespace";
    }
    return "?";
}

void check_columns(const TransactionsCsvOptions& o) {
    const std::pair<const char*, const std::string*> cols[] = {
        {"id-column", &o.id_column},           {"date-column", &o.date_column},
        {"amount-column", &o.amount_column},   {"channel-column", &o.channel_column},
        {"initiator-column", &o.initiator_column}, {"interaction-id-column", &o.interaction_column},
        {"answers-column", &o.answers_column}};
    constexpr std::size_t kCols = std::size(cols);
    for (const auto& [option, spec] : cols) {
        if (spec != &o.id_column && spec != &o.date_column && spec != &o.amount_column && spec->empty()) continue;
        if (spec == &o.amount_column && is_none(*spec)) continue;
        const auto t = trim(*spec);
        if (t.empty())
            throw ConfigError(std::string("--") + option + " is empty; give a field number (1 = first) or a header name");
        if (all_digits(t) && t.find_first_not_of('0') == std::string_view::npos)
            throw ConfigError(std::string("--") + option + " " + *spec + ": field numbers start at 1");
        if (all_digits(t) && t.size() > 6)
            throw ConfigError(std::string("--") + option + " " + *spec + ": field number too large");
    }
    for (std::size_t a = 0; a < kCols; ++a)
        for (std::size_t b = a + 1; b < kCols; ++b)
            if (!cols[a].second->empty() && !cols[b].second->empty() && !is_none(*cols[a].second) &&
                lower(trim(*cols[a].second)) == lower(trim(*cols[b].second)))
                throw ConfigError(std::string("--") + cols[a].first + " and --" + cols[b].first + " are both " +
                                  *cols[a].second + "; each must name a different column");
}

bool has_amounts(const TransactionsCsvOptions& o) { return !is_none(o.amount_column); }

bool has_interaction_ids(const TransactionsCsvOptions& o) {
    return !o.interaction_column.empty() || !o.answers_column.empty();
}

ParsedTransactions parse_transactions(std::istream& in, const std::string& name, const TransactionsCsvOptions& o,
                                      const std::function<void(std::uint64_t)>& progress,
                                      const std::optional<LineRange>& range) {
    check_columns(o);
    ParsedTransactions out;
    // pos: the byte offset of the next line; start: that of the line just read.
    std::uint64_t line_no = 0, pos = 0, start = 0, range_start = 0;
    std::string line;
    auto next = [&]() -> bool {
        start = pos;
        if (!std::getline(in, line)) return false;
        ++line_no;
        pos += line.size() + 1;
        if (start == 0 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (progress && line_no % 65536 == 0) progress(pos - range_start);
        return true;
    };
    // The first two non-empty lines decide the layout; later lines stream through. A range
    // reads them too (every rank finds the same layout), then reads its own lines.
    std::vector<std::pair<std::uint64_t, std::string>> head;
    std::uint64_t head_start = 0;  // the byte offset of the first non-empty line
    while (head.size() < 2 && next())
        if (!trim(line).empty()) {
            if (head.empty()) head_start = start;
            head.emplace_back(line_no, line);
        }
    if (head.empty()) return out;

    // The columns in use: id, date, then amount and channel when the log has them.
    std::vector<Column> used = {{"id-column", &o.id_column}, {"date-column", &o.date_column}};
    const bool with_amount = has_amounts(o), with_channel = !o.channel_column.empty();
    if (with_amount) used.push_back({"amount-column", &o.amount_column});
    if (with_channel) used.push_back({"channel-column", &o.channel_column});
    for (const auto& [option, spec] : {std::pair{"initiator-column", &o.initiator_column},
                                       std::pair{"interaction-id-column", &o.interaction_column},
                                       std::pair{"answers-column", &o.answers_column}})
        if (!spec->empty()) used.push_back({option, spec});
    Column* cols = used.data();
    const std::size_t ncols = used.size();
    const bool by_name = std::any_of(cols, cols + ncols, [](const Column& c) { return !all_digits(trim(*c.spec)); });
    if (by_name && o.header == HeaderMode::no)
        throw ConfigError("--header no, but a column is given by name (" +
                          std::string(std::find_if(cols, cols + ncols, [](const Column& c) {
                                          return !all_digits(trim(*c.spec));
                                      })->option) +
                          "); give field numbers or use --header yes");

    // The separator of the first data line: the second non-empty line unless there is surely
    // no header (in a file with a header or not, the second line is a data line when it exists).
    if (o.separator != Separator::sniff) {
        out.separator = o.separator;
    } else {
        const bool second = o.header != HeaderMode::no && head.size() > 1;
        out.separator = sniff_separator(head[second ? 1 : 0].second);
    }

    std::vector<std::string> first;
    const bool first_ok = split_fields(head[0].second, out.separator, first);
    bool header = o.header == HeaderMode::yes || by_name;
    if (o.header == HeaderMode::detect && !by_name) {
        // A first line whose date field does not parse is a header.
        const std::size_t d = std::stoull(std::string(trim(o.date_column))) - 1;
        header = first_ok && (d >= first.size() || !parse_date(first[d], o.date_format));
    }
    // The first line sets the number of fields, header or not: it must split.
    if (!first_ok)
        throw DataError(name + ": line " + std::to_string(head[0].first) + ", the first line, which sets the "
                        "columns, has unbalanced or misplaced double quotes; fix that line");

    out.fields = first.size();
    for (std::size_t k = 0; k < ncols; ++k) {
        Column& c = cols[k];
        const auto spec = trim(*c.spec);
        if (all_digits(spec)) {
            c.index = std::stoull(std::string(spec)) - 1;
            if (c.index >= out.fields)
                throw ConfigError(name + ": --" + c.option + " " + std::string(spec) + " asks for field " +
                                  std::string(spec) + ", but line " + std::to_string(head[0].first) + " has " +
                                  std::to_string(out.fields) + " fields (" + std::string(separator_name(out.separator)) +
                                  "-separated); choose a field from 1 to " + std::to_string(out.fields) +
                                  " or set --separator" +
                                  (c.spec == &o.amount_column ? "; a log without amounts: --amount-column none" : ""));
            continue;
        }
        const auto it = std::find_if(first.begin(), first.end(),
                                     [&](const std::string& f) { return lower(trim(f)) == lower(spec); });
        if (it == first.end()) {
            std::string names;
            for (const auto& f : first) names += (names.empty() ? "" : ", ") + f;
            throw ConfigError(name + ": --" + c.option + " " + std::string(spec) + ": no such column in the header (line " +
                              std::to_string(head[0].first) + ": " + names + ", " +
                              std::string(separator_name(out.separator)) + "-separated); give a header name or a field number");
        }
        c.index = std::size_t(it - first.begin());
    }
    for (std::size_t a = 0; a < ncols; ++a)
        for (std::size_t b = a + 1; b < ncols; ++b)
            if (cols[a].index == cols[b].index)
                throw ConfigError("--" + std::string(cols[a].option) + " " + *cols[a].spec + " and --" + cols[b].option +
                                  " " + *cols[b].spec + " are the same column (field " +
                                  std::to_string(cols[a].index + 1) + "); each must name a different column");

    const auto index_of = [&](const std::string& spec) -> std::optional<std::size_t> {
        for (std::size_t k = 0; k < ncols; ++k)
            if (cols[k].spec == &spec) return cols[k].index;
        return std::nullopt;
    };
    RowParser rows(o, out, cols[0].index, cols[1].index, with_amount ? index_of(o.amount_column) : std::nullopt,
                   with_channel ? index_of(o.channel_column) : std::nullopt, range ? &*range : nullptr);
    rows.links(index_of(o.initiator_column), index_of(o.interaction_column), index_of(o.answers_column));
    if (header) out.header_line = head[0].first;
    if (!range) {
        for (std::size_t k = header ? 1 : 0; k < head.size(); ++k) rows.row(head[k].first, head[k].second);
        while (next())
            if (!trim(line).empty()) rows.row(line_no, line);
        if (in.bad()) throw IoError(name + ": read error after line " + std::to_string(line_no));
        if (progress) progress(pos);
        out.lines = line_no;
        return out;
    }
    // The lines that start in [begin, end): a range that begins inside a line starts at the
    // next one, so that ranges cut anywhere read every line exactly once. Line numbers count
    // from the range's first line.
    in.clear();
    pos = range->begin;
    if (pos > 0) {
        in.seekg(std::streamoff(pos - 1));
        char c = 0;
        if (in.get(c) && c != '\n') {
            std::string rest;
            std::getline(in, rest);
            pos += rest.size() + 1;
        }
    } else {
        in.seekg(0);
    }
    range_start = pos;
    line_no = 0;
    while (pos < range->end && next())
        if (!(header && start == head_start) && !trim(line).empty()) rows.row(line_no, line);
    if (in.bad()) throw IoError(name + ": read error after byte " + std::to_string(start));
    if (progress) progress(pos - range_start);
    out.lines = line_no;
    return out;
}

ParsedTransactions read_transactions(const std::string& path, const TransactionsCsvOptions& o,
                                     const std::function<void(std::uint64_t)>& progress,
                                     const std::optional<LineRange>& range) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open the transaction file; check the path given to --transactions");
    std::vector<char> buffer(1 << 20);  // fewer read calls on a file of gigabytes
    in.rdbuf()->pubsetbuf(buffer.data(), std::streamsize(buffer.size()));
    return parse_transactions(in, path, o, progress, range);
}

}  // namespace engage::io
