#include "io/imported_base.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "features/channel_kind.hpp"
#include "io/interaction_links.hpp"

namespace engage::io {

ImportedBase build_customer_base(std::vector<Transaction> rows, bool merge_same_day,
                                 std::optional<std::int64_t> epoch_unix_day, const std::vector<Channel>& channels,
                                 const BaseLinks& links) {
    const auto by_customer_day = [](const Transaction& a, const Transaction& b) {
        return a.id != b.id ? a.id < b.id : a.unix_day < b.unix_day;
    };
    const bool answers = !links.answered.empty();
    if (answers) {
        // The answers index `rows` as they are: they must be in order already.
        if (links.answered.size() != rows.size() || !std::is_sorted(rows.begin(), rows.end(), by_customer_day))
            throw std::logic_error("build_customer_base: answered rows must be sorted, one entry per row");
    } else {
        // Stable: rows of one customer and day keep their file order.
        std::stable_sort(rows.begin(), rows.end(), by_customer_day);
    }
    if (rows.empty()) throw DataError("no transactions to import");
    // Rows that answer or are answered keep a row of their own; where each row went.
    std::vector<bool> linked;
    std::vector<std::uint64_t> placed;
    if (answers) {
        linked.assign(rows.size(), false);
        placed.assign(rows.size(), 0);
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (links.answered[i] != kAnswersNone) linked[i] = linked[links.answered[i]] = true;
    }
    ImportedBase out;
    const auto [lo, hi] = std::minmax_element(rows.begin(), rows.end(), [](const Transaction& a, const Transaction& b) {
        return a.unix_day < b.unix_day;
    });
    out.first_unix_day = lo->unix_day;
    out.last_unix_day = hi->unix_day;
    if (epoch_unix_day) {
        if (*epoch_unix_day > out.first_unix_day)
            throw ConfigError("--epoch " + format_iso_date(*epoch_unix_day) + " is after the earliest transaction date " +
                              format_iso_date(out.first_unix_day) + "; choose " + format_iso_date(out.first_unix_day) +
                              " or earlier, or leave --epoch out");
        out.epoch_unix_day = *epoch_unix_day;
    } else {
        const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{out.first_unix_day}}};
        out.epoch_unix_day = std::chrono::sys_days{ymd.year() / 1 / 1}.time_since_epoch().count();
    }

    CustomerShard& s = out.shard;
    s.offsets.push_back(0);
    std::vector<std::pair<std::uint16_t, std::size_t>> first_purchase;  // reused for every day
    for (std::size_t i = 0; i < rows.size();) {
        const std::uint64_t id = rows[i].id;
        s.id.push_back(id);
        s.acquisition_day.push_back(kernels::Day(rows[i].unix_day - out.epoch_unix_day));
        for (; i < rows.size() && rows[i].id == id;) {
            // One day of this customer: with merging, the rows of each purchase channel add up in
            // the first row of that channel (one channel per store or shop stays apart).
            const std::int64_t day = rows[i].unix_day;
            // (channel and initiator, row)
            std::vector<std::pair<std::uint16_t, std::size_t>>& first = first_purchase;
            first.clear();
            for (; i < rows.size() && rows[i].id == id && rows[i].unix_day == day; ++i) {
                const Transaction& t = rows[i];
                const bool purchase = t.channel < channels.size() && channels[t.channel].kind == kernels::ChannelKind::purchase;
                if (merge_same_day && purchase && !(answers && linked[i])) {
                    const std::uint16_t key = std::uint16_t(t.channel << 8 | t.initiator);
                    const auto it = std::find_if(first.begin(), first.end(), [&](const auto& f) { return f.first == key; });
                    if (it != first.end()) {
                        s.value[it->second] += t.amount;
                        ++out.merged_rows;
                        continue;
                    }
                    first.emplace_back(key, s.value.size());
                }
                if (answers) {
                    placed[i] = s.time.size();
                    const std::uint32_t to = links.answered[i];
                    // The answered row comes first (sort_bucket's order): it is placed already.
                    if (to != kAnswersNone && (to >= i || rows[to].id != id))
                        throw std::logic_error("build_customer_base: an answer before what it answers, or to another customer");
                    const std::uint64_t back = to == kAnswersNone ? 0 : placed[i] - placed[to];
                    if (back > std::numeric_limits<std::uint32_t>::max())
                        throw DataError("customer " + std::to_string(id) + ": an answer more than 2^32 - 1 rows after "
                                        "the interaction it answers, more than /interactions/answers holds");
                    s.answers.push_back(std::uint32_t(back));
                }
                if (links.initiator) s.initiator.push_back(t.initiator);
                s.time.push_back((day - out.epoch_unix_day) * kSecondsPerDay);
                s.channel.push_back(t.channel);
                s.value.push_back(t.amount);
            }
            for (const auto& f : first)
                if (std::fabs(s.value[f.second]) > kMaxAmount)
                    throw DataError("customer " + std::to_string(id) + ", " + format_iso_date(day) +
                                    ": the merged purchases of the day add up to more than 1e13 in magnitude; "
                                    "import without --merge-same-day or correct the amounts");
        }
        s.offsets.push_back(s.time.size());
    }
    out.without_attributes();
    return out;
}

void ImportedBase::without_attributes() {
    const std::size_t n = shard.id.size();
    shard.rm.assign(n, 0);
    shard.region.assign(n, 0);
    shard.business_unit.assign(n, 0);
    shard.segment.assign(n, 0);
    shard.wallet.assign(n, std::numeric_limits<double>::quiet_NaN());
}

}  // namespace engage::io
