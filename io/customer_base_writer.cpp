// CustomerBaseWriter (io/customer_base.hpp): a customer base written by `engage generate` and
// `engage import`, column by column, each rank its contiguous range of customers.
#include "io/customer_base.hpp"

#include <optional>
#include <stdexcept>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "features/channel_kind.hpp"
#include "mpi/comm.hpp"

namespace engage::io {

struct CustomerBaseWriter::Columns {
    h5::Dataset id, acquisition_day, rm, region, business_unit, segment, wallet, offsets, time,
        channel, value;
    std::optional<h5::Dataset> engagement, churn_day, initiator, answers;
    std::vector<h5::Dataset> planted;
};

CustomerBaseWriter::CustomerBaseWriter(const mpi::Comm& comm, const std::string& path,
                                       const CustomerBaseMeta& meta, bool with_truth,
                                       const h5::Compression& compression,
                                       const std::vector<std::string>& planted)
    : comm_(comm), meta_(meta), compression_(compression) {
    file_ = std::make_unique<h5::File>(h5::File::create(comm, path));
    h5::File& f = *file_;
    const auto n = meta.customers, m = meta.interactions;
    // Without a codec, contiguous and unfiltered (docs/performance.md, "Writing at disk speed
    // (issue 11)"): written at the disk's speed, from any rank alone. With one, chunks through
    // shuffle + the codec (docs/performance.md, "Codecs (issue 14)"), written collectively.
    auto column = [&]<class T>(const char* name, std::uint64_t rows) {
        return f.create_column<T>(name, rows, 1, kBaseChunkRows, compression);
    };
    cols_ = std::unique_ptr<Columns>(new Columns{
        column.operator()<std::uint64_t>("/customers/id", n),
        column.operator()<std::int32_t>("/customers/acquisition_day", n),
        column.operator()<std::uint32_t>("/customers/rm", n),
        column.operator()<std::uint32_t>("/customers/region", n),
        column.operator()<std::uint32_t>("/customers/business_unit", n),
        column.operator()<std::uint8_t>("/customers/segment", n),
        column.operator()<double>("/customers/wallet", n),
        column.operator()<std::uint64_t>("/interactions/offsets", n + 1),
        column.operator()<std::int64_t>("/interactions/time", m),
        column.operator()<std::uint8_t>("/interactions/channel", m),
        column.operator()<double>("/interactions/value", m),
        std::nullopt, std::nullopt, std::nullopt, std::nullopt, {}});
    if (meta.has_initiator) cols_->initiator = column.operator()<std::uint8_t>("/interactions/initiator", m);
    if (meta.has_answers) cols_->answers = column.operator()<std::uint32_t>("/interactions/answers", m);
    if (with_truth) {
        cols_->engagement = column.operator()<double>("/truth/engagement", n);
        cols_->churn_day = column.operator()<std::int32_t>("/truth/churn_day", n);
    }
    if (!planted.empty() && !with_truth) throw std::logic_error("CustomerBaseWriter: planted truth without /truth");
    for (const auto& name : planted)
        cols_->planted.push_back(column.operator()<double>(("/truth/" + name).c_str(), n));
    f.write_attribute("/", "schema_version", kSchemaVersion);
    f.write_attribute("/", "time_unit", std::string("seconds"));
    f.write_attribute("/", "epoch", meta.epoch);
    if (!meta.has_amounts) f.write_attribute("/", "amounts", std::string("absent"));
    if (meta.wallet_known_from)
        f.write_attribute("/customers/wallet", "known_from",
                          format_iso_date(parse_iso_date(meta.epoch).value_or(0) + *meta.wallet_known_from));
    std::vector<std::string> names, kinds;
    for (const auto& c : meta.channels) {
        names.push_back(c.name);
        kinds.emplace_back(kernels::kind_name(c.kind));
    }
    f.write_strings("/channels/name", names);
    f.write_strings("/channels/kind", kinds);
    auto code = f.create_contiguous<std::uint8_t>("/channels/code", names.size());
    std::vector<std::uint8_t> codes;
    if (comm.root())
        for (std::size_t i = 0; i < names.size(); ++i) codes.push_back(std::uint8_t(i));
    code.write<std::uint8_t>(0, codes);
    // Names from an attribute file may be UTF-8 ("Zürich"): such a table is stored as UTF-8; an
    // ASCII one stays ASCII, as every base before them.
    const auto write_names = [&](const char* path, const std::vector<std::string>& table) {
        const bool ascii = std::all_of(table.begin(), table.end(), [](const std::string& n) {
            return std::all_of(n.begin(), n.end(), [](char c) { return (unsigned char)c < 0x80; });
        });
        f.write_strings(path, table, !ascii);
    };
    write_names("/customers/rm_names", meta.rm_names);
    write_names("/customers/region_names", meta.region_names);
    write_names("/customers/business_unit_names", meta.business_unit_names);
    write_names("/customers/segment_names", meta.segment_names);
}

CustomerBaseWriter::~CustomerBaseWriter() = default;

void CustomerBaseWriter::write_names(const std::vector<std::string>& names) {
    if (names.size() != meta_.customers)
        throw std::logic_error("write_names: " + std::to_string(names.size()) + " customer names for " +
                               std::to_string(meta_.customers) + " customers");
    file_->write_strings("/customers/name", names, true);
}

namespace {
// One write of rows from `at`: collective, or by this rank alone (a contiguous column).
template <class T>
void put(h5::Dataset& d, std::uint64_t at, std::span<const T> rows, bool independent) {
    if (independent) d.write_independent<T>(at, rows);
    else d.write<T>(at, rows);
}
}  // namespace

void CustomerBaseWriter::customer_columns(const CustomerShard& s, std::span<const double> engagement,
                                          std::span<const kernels::Day> churn_day, bool independent) {
    Columns& c = *cols_;
    const auto at = s.first_customer;
    put<std::uint64_t>(c.id, at, s.id, independent);
    put<std::int32_t>(c.acquisition_day, at, s.acquisition_day, independent);
    put<std::uint32_t>(c.rm, at, s.rm, independent);
    put<std::uint32_t>(c.region, at, s.region, independent);
    put<std::uint32_t>(c.business_unit, at, s.business_unit, independent);
    put<std::uint8_t>(c.segment, at, s.segment, independent);
    put<double>(c.wallet, at, s.wallet, independent);
    if (c.engagement) put<double>(*c.engagement, at, engagement, independent);
    if (c.churn_day) put<std::int32_t>(*c.churn_day, at, churn_day, independent);
}

void CustomerBaseWriter::offsets_column(const CustomerShard& s, bool independent) {
    std::vector<std::uint64_t> absolute(s.customers());
    for (std::size_t i = 0; i < absolute.size(); ++i) absolute[i] = s.first_interaction + s.offsets[i];
    put<std::uint64_t>(cols_->offsets, s.first_customer, absolute, independent);
}

void CustomerBaseWriter::interaction_columns(std::uint64_t first, std::span<const std::int64_t> time,
                                             std::span<const std::uint8_t> channel, std::span<const double> value,
                                             std::span<const std::uint8_t> initiator,
                                             std::span<const std::uint32_t> answers, bool independent) {
    Columns& c = *cols_;
    if ((c.initiator ? initiator.size() != time.size() : !initiator.empty()) ||
        (c.answers ? answers.size() != time.size() : !answers.empty()))
        throw std::logic_error("CustomerBaseWriter: initiator or answers rows that the meta does not declare, or of "
                               "another length than the times");
    put<std::int64_t>(c.time, first, time, independent);
    put<std::uint8_t>(c.channel, first, channel, independent);
    put<double>(c.value, first, value, independent);
    if (c.initiator) put<std::uint8_t>(*c.initiator, first, initiator, independent);
    if (c.answers) put<std::uint32_t>(*c.answers, first, answers, independent);
}

void CustomerBaseWriter::write_customers(const CustomerShard& s, const std::vector<double>& engagement,
                                         const std::vector<kernels::Day>& churn_day) {
    customer_columns(s, engagement, churn_day, false);
}

void CustomerBaseWriter::write_interactions(const CustomerShard& s) {
    offsets_column(s, false);
    interaction_columns(s.first_interaction, s.time, s.channel, s.value, s.initiator, s.answers, false);
}

void CustomerBaseWriter::write_interaction_block(std::uint64_t first, std::span<const std::int64_t> time,
                                                 std::span<const std::uint8_t> channel, std::span<const double> value,
                                                 std::span<const std::uint8_t> initiator,
                                                 std::span<const std::uint32_t> answers) {
    interaction_columns(first, time, channel, value, initiator, answers, false);
}

void CustomerBaseWriter::write_customer_rows(const CustomerShard& s, std::span<const double> engagement,
                                             std::span<const kernels::Day> churn_day) {
    if (!independent()) throw std::logic_error("CustomerBaseWriter: independent writes to filtered columns");
    customer_columns(s, engagement, churn_day, true);
    offsets_column(s, true);
}

void CustomerBaseWriter::write_interaction_rows(std::uint64_t first, std::span<const std::int64_t> time,
                                                std::span<const std::uint8_t> channel,
                                                std::span<const double> value,
                                                std::span<const std::uint8_t> initiator,
                                                std::span<const std::uint32_t> answers) {
    if (!independent()) throw std::logic_error("CustomerBaseWriter: independent writes to filtered columns");
    interaction_columns(first, time, channel, value, initiator, answers, true);
}

void CustomerBaseWriter::write_planted(std::size_t k, std::uint64_t first_customer, std::span<const double> rows) {
    put<double>(cols_->planted.at(k), first_customer, rows, false);
}

void CustomerBaseWriter::write_planted_rows(std::size_t k, std::uint64_t first_customer,
                                            std::span<const double> rows) {
    if (!independent()) throw std::logic_error("CustomerBaseWriter: independent writes to filtered columns");
    put<double>(cols_->planted.at(k), first_customer, rows, true);
}

void CustomerBaseWriter::finish(std::int64_t first_time, std::int64_t last_time) {
    Columns& c = *cols_;
    std::vector<std::uint64_t> last;
    if (comm_.root()) last.push_back(meta_.interactions);
    c.offsets.write<std::uint64_t>(meta_.customers, last);
    file_->write_attribute("/interactions/time", "first_time", first_time);
    file_->write_attribute("/interactions/time", "last_time", last_time);
    cols_.reset();
    file_->close();
}

}  // namespace engage::io
