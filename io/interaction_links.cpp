#include "io/interaction_links.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "core/dates.hpp"
#include "io/text.hpp"

namespace engage::io {

namespace {

using text::shown;

bool earlier(const LinkedRow& a, const LinkedRow& b) {
    return a.file != b.file ? a.file < b.file : a.line < b.line;
}

std::string where(const LinkedRow& r, const LinkContext& c) {
    const std::string file = r.file < c.files.size() ? c.files[r.file] : "file " + std::to_string(r.file + 1);
    return file + " line " + std::to_string(r.line);
}

std::string answer_field(const LinkedRow& r, const LinkContext& c) {
    return "answers " + shown(r.answers) + " (--answers-column " + c.answers_column + ")";
}

}  // namespace

ResolvedLinks resolve_links(std::span<const LinkedRow> rows, const LinkContext& c) {
    const std::size_t n = rows.size();
    ResolvedLinks out;
    out.target.assign(n, kAnswersNone);
    out.depth.assign(n, 0);
    out.bad.assign(n, {});

    // The ids: the first row (file, line) that uses one keeps it.
    std::unordered_map<std::string_view, std::uint32_t> by_id;
    by_id.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
        if (rows[i].interaction.empty()) continue;
        const auto [it, fresh] = by_id.emplace(rows[i].interaction, i);
        if (!fresh && earlier(rows[i], rows[it->second])) it->second = i;
    }
    for (std::uint32_t i = 0; i < n; ++i) {
        if (rows[i].interaction.empty()) continue;
        const std::uint32_t first = by_id.at(rows[i].interaction);
        if (first != i)
            out.bad[i] = "interaction id " + shown(rows[i].interaction) + " (--interaction-id-column " +
                         c.interaction_column + ") of customer " + c.customer + " is already used by " +
                         where(rows[first], c) + "; ids must be unique within a customer";
    }

    // Each answer to its row.
    for (std::uint32_t i = 0; i < n; ++i) {
        const LinkedRow& r = rows[i];
        if (r.answers.empty() || !out.bad[i].empty()) continue;
        if (r.answers == r.interaction) {
            out.bad[i] = answer_field(r, c) + " is the row's own interaction id; a row cannot answer itself";
            continue;
        }
        const auto it = by_id.find(r.answers);
        if (it == by_id.end()) {
            out.bad[i] = answer_field(r, c) + ": customer " + c.customer + " has no interaction with that id (--interaction-id-column " +
                         c.interaction_column + "); give the id of one of its rows, or leave the field empty";
            continue;
        }
        const LinkedRow& t = rows[it->second];
        if (t.unix_day > r.unix_day) {
            out.bad[i] = answer_field(r, c) + ": dated " + format_iso_date(r.unix_day) + ", before the interaction it answers (" +
                         where(t, c) + ", dated " + format_iso_date(t.unix_day) +
                         "): an answer cannot come before what it answers (a ticket answered before it was opened); "
                         "fix the dates or the answer";
            continue;
        }
        out.target[i] = it->second;
    }

    // Answers to dropped rows are dropped in turn; then cycles of same-day answers lose their
    // last row (file, line), until none is left.
    while (true) {
        for (bool changed = true; changed;) {
            changed = false;
            for (std::uint32_t i = 0; i < n; ++i) {
                const std::uint32_t t = out.target[i];
                if (t == kAnswersNone || out.bad[t].empty() || !out.bad[i].empty()) continue;
                out.bad[i] = answer_field(rows[i], c) + ": the row it answers (" + where(rows[t], c) +
                             ") is dropped as bad, so this answer is dropped too";
                changed = true;
            }
        }
        for (std::uint32_t i = 0; i < n; ++i)
            if (!out.bad[i].empty()) out.target[i] = kAnswersNone;
        // Depths along same-day chains: 0 unvisited, 1 on the current path, 2 done.
        std::vector<std::uint8_t> state(n, 0);
        std::vector<std::uint32_t> path;
        bool cycle = false;
        for (std::uint32_t start = 0; start < n && !cycle; ++start) {
            path.clear();
            std::uint32_t j = start;
            bool ended = false;  // the path stopped at a row that answers none of its day
            while (state[j] == 0) {
                state[j] = 1;
                path.push_back(j);
                const std::uint32_t t = out.target[j];
                if (t == kAnswersNone || rows[t].unix_day != rows[j].unix_day) {
                    ended = true;
                    break;
                }
                j = t;
            }
            if (!ended && state[j] == 1) {
                // The path came back to j: the rows from j on answer each other in a cycle.
                std::vector<std::uint32_t> members(std::find(path.begin(), path.end(), j), path.end());
                std::sort(members.begin(), members.end(),
                          [&](std::uint32_t a, std::uint32_t b) { return earlier(rows[a], rows[b]); });
                const std::uint32_t last = members.back();
                std::string lines;
                for (const std::uint32_t k : members) lines += (lines.empty() ? "" : ", ") + where(rows[k], c);
                out.bad[last] = answer_field(rows[last], c) + " closes a cycle of answers on one day (" + lines +
                                "): each answers another of them, so none can come first; one must answer something else";
                cycle = true;
                break;
            }
            // Unwind: depths from the end of the path back to its start.
            for (auto k = path.rbegin(); k != path.rend(); ++k) {
                const std::uint32_t t = out.target[*k];
                out.depth[*k] = (t == kAnswersNone || rows[t].unix_day != rows[*k].unix_day) ? 0 : out.depth[t] + 1;
                state[*k] = 2;
            }
        }
        if (!cycle) break;
        std::fill(out.depth.begin(), out.depth.end(), 0);
    }
    return out;
}

}  // namespace engage::io
