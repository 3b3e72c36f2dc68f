#include "io/imported_hierarchy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.hpp"

namespace engage::io {

ImportedHierarchy default_hierarchy() {
    ImportedHierarchy h;
    for (std::size_t g = 0; g < kGroups; ++g) h.names[g] = {kWholeLevel[g]};
    return h;
}

ImportedHierarchy apply_attributes(ImportedBase& base, std::vector<CustomerAttributes> rows,
                                   const ParsedAttributes& parsed, const std::string& file) {
    std::sort(rows.begin(), rows.end(),
              [](const CustomerAttributes& a, const CustomerAttributes& b) { return a.id < b.id; });
    ImportedHierarchy h;
    h.rows = rows.size();
    CustomerShard& s = base.shard;
    const std::size_t n_old = s.customers();

    // The merged customers: those with transactions and those of the file alone, by id.
    // attr[i]: the file's row of customer i, or nullptr.
    CustomerShard out;
    out.offsets.push_back(0);
    std::vector<const CustomerAttributes*> attr;
    std::size_t i = 0, r = 0;
    while (i < n_old || r < rows.size()) {
        const bool from_file_only = i == n_old || (r < rows.size() && rows[r].id < s.id[i]);
        if (from_file_only) {
            const CustomerAttributes& c = rows[r++];
            ++h.without_transactions;
            out.id.push_back(c.id);
            out.acquisition_day.push_back(kernels::Day(*c.acquisition_unix_day - base.epoch_unix_day));
            out.offsets.push_back(out.offsets.back());
            attr.push_back(&c);
            continue;
        }
        const bool matched = r < rows.size() && rows[r].id == s.id[i];
        out.id.push_back(s.id[i]);
        out.acquisition_day.push_back(s.acquisition_day[i]);
        out.offsets.push_back(s.offsets[i + 1]);
        attr.push_back(matched ? &rows[r++] : nullptr);
        ++i;
    }

    const std::size_t n = out.id.size();
    out.wallet.assign(n, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t k = 0; k < n; ++k) {
        const CustomerAttributes* c = attr[k];
        if (!c) continue;
        if (!std::isnan(c->wallet)) {
            out.wallet[k] = c->wallet;
            ++h.wallets;
        }
        if (c->acquisition_unix_day) {
            const auto day = kernels::Day(*c->acquisition_unix_day - base.epoch_unix_day);
            const bool active = out.offsets[k + 1] > out.offsets[k];
            if (active && day > out.acquisition_day[k]) {
                ++h.acquisition_after_first;
            } else {
                out.acquisition_day[k] = day;
                ++h.acquisition_dates;
            }
        }
    }

    // Each level: its names in byte order (the default among them when some customer has no
    // value), then every customer's index.
    std::array<std::vector<std::uint32_t>*, kGroups> index = {&out.business_unit, &out.region, &out.rm, nullptr};
    std::vector<std::uint32_t> segment(n, 0);
    index[3] = &segment;
    for (std::size_t g = 0; g < kGroups; ++g) {
        std::vector<std::uint32_t>& idx = *index[g];
        idx.assign(n, 0);
        if (parsed.column[g].empty()) {
            h.names[g] = {kWholeLevel[g]};
            continue;
        }
        auto value = [&](std::size_t k) -> const std::string& {
            return attr[k] && !attr[k]->group[g].empty() ? attr[k]->group[g] : kNoValue[g];
        };
        std::vector<std::string>& names = h.names[g];
        for (std::size_t k = 0; k < n; ++k)
            if (names.empty() || names.back() != value(k)) names.push_back(value(k));
        std::sort(names.begin(), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
        for (std::size_t k = 0; k < n; ++k)
            idx[k] = std::uint32_t(std::lower_bound(names.begin(), names.end(), value(k)) - names.begin());
    }
    if (h.names[3].size() > kMaxSegments)
        throw DataError(file + ": " + std::to_string(h.names[3].size()) + " distinct segments (column " +
                        parsed.column[3] + "), more than the " + std::to_string(kMaxSegments) +
                        " a customer base holds; group them into fewer segments");
    out.segment.assign(segment.begin(), segment.end());

    out.first_customer = s.first_customer;
    out.first_interaction = s.first_interaction;
    out.time = std::move(s.time);
    out.channel = std::move(s.channel);
    out.value = std::move(s.value);
    s = std::move(out);
    return h;
}

}  // namespace engage::io
