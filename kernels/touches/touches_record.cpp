#include "touches/touches_record.hpp"

#include <stdexcept>

namespace engage::kernels {

namespace {

void put(std::vector<std::uint8_t>& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(std::uint8_t(v | 0x80));
        v >>= 7;
    }
    out.push_back(std::uint8_t(v));
}

struct Reader {
    std::span<const std::uint8_t> bytes;
    std::size_t at;
    std::uint64_t get() {
        std::uint64_t v = 0;
        for (int shift = 0;; shift += 7) {
            if (at >= bytes.size() || shift > 63) throw std::out_of_range("a touches record ends early");
            const std::uint8_t b = bytes[at++];
            v |= std::uint64_t(b & 0x7f) << shift;
            if (b < 0x80) return v;
        }
    }
    std::int32_t count() { return std::int32_t(get()); }
};

enum Flags : std::uint8_t { kAcquired = 1, kAnswersKnown = 2, kAnswered = 4 };

// The counts that TouchesSummary::update adds (each >= 0 where it reads them).
void put_date(std::vector<std::uint8_t>& out, const TouchesContribution& c) {
    const CustomerTouches& t = c.touches;
    const bool answered = t.answers_known && c.longest >= 0;
    out.push_back(std::uint8_t((c.acquired ? kAcquired : 0) | (t.answers_known ? kAnswersKnown : 0) |
                               (answered ? kAnswered : 0)));
    if (!c.acquired) return;
    for (std::int32_t v : {t.offers, t.interactions, t.customer_initiated, t.tickets, t.ideas, t.ideas_to_date,
                           t.idea_votes})
        put(out, std::uint32_t(v));
    for (std::int32_t v : t.stage) put(out, std::uint32_t(v));
    if (!t.answers_known) return;
    for (std::int32_t v : {t.offers_answered, t.tickets_answered, t.tickets_resolved, t.within[0], t.within[1],
                           t.within[2], t.ideas_commented, t.ideas_evaluated, t.ideas_implemented})
        put(out, std::uint32_t(v));
    if (!answered) return;
    int nonzero = 0;
    for (std::int32_t n : c.bins) nonzero += n != 0;
    put(out, std::uint64_t(nonzero));
    for (int b = 0; b < ResponseBins::kBins; ++b)
        if (c.bins[b] != 0) {
            put(out, std::uint64_t(b));
            put(out, std::uint32_t(c.bins[b]));
        }
    put(out, std::uint64_t(c.longest));
}

void read_date(Reader& in, TouchesContribution& c) {
    c = TouchesContribution{};
    if (in.at >= in.bytes.size()) throw std::out_of_range("a touches record ends early");
    const std::uint8_t flags = in.bytes[in.at++];
    c.acquired = flags & kAcquired;
    if (!c.acquired) return;
    CustomerTouches& t = c.touches;
    t.answers_known = flags & kAnswersKnown;
    for (std::int32_t* v : {&t.offers, &t.interactions, &t.customer_initiated, &t.tickets, &t.ideas, &t.ideas_to_date,
                            &t.idea_votes})
        *v = in.count();
    for (std::int32_t& v : t.stage) v = in.count();
    if (!t.answers_known) return;
    for (std::int32_t* v : {&t.offers_answered, &t.tickets_answered, &t.tickets_resolved, &t.within[0], &t.within[1],
                            &t.within[2], &t.ideas_commented, &t.ideas_evaluated, &t.ideas_implemented})
        *v = in.count();
    if (!(flags & kAnswered)) return;
    for (std::uint64_t k = in.get(); k > 0; --k) {
        const std::uint64_t b = in.get();
        if (b >= std::uint64_t(ResponseBins::kBins)) throw std::out_of_range("a touches record's bin is out of range");
        c.bins[b] = in.count();
    }
    c.longest = std::int64_t(in.get());
}

}  // namespace

void append_touches_record(std::vector<std::uint8_t>& out, std::uint32_t rm, const TouchesContribution& now,
                           const TouchesContribution& previous) {
    put(out, rm);
    put_date(out, now);
    put_date(out, previous);
}

std::size_t read_touches_record(std::span<const std::uint8_t> bytes, std::size_t at, std::uint32_t& rm,
                                TouchesContribution& now, TouchesContribution& previous) {
    Reader in{bytes, at};
    rm = std::uint32_t(in.get());
    read_date(in, now);
    read_date(in, previous);
    return in.at;
}

}  // namespace engage::kernels
