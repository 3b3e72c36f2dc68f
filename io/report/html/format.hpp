#pragma once
// Numbers, dates and text as report.html shows them to people: 12.3 k, 4.5 M, 17.3%, +0.4,
// 30 Jun 2025, HTML-escaped. Every function is deterministic (no locale, no clock).
#include <string>
#include <string_view>

namespace engage::io::html {

// What a missing, null or non-finite value reads as.
inline constexpr const char* kNotAvailable = "n/a";

// Text safe inside an HTML element or a double-quoted attribute (& < > " ' escaped).
std::string escape(std::string_view text);

// 1234567 -> "1,234,567" (rounded to the nearest integer); negative numbers with a minus sign.
std::string integer(double v);
// 950 -> "950", 12345 -> "12.3 k", 4.5e6 -> "4.5 M", 7.1e9 -> "7.1 bn": three significant
// digits at most, for key numbers and money.
std::string compact(double v);
// A count for people: integer() below 100,000 ("1,882"), compact() from there on ("2.36 M").
std::string count(double v);
// v with `decimals` digits after the point ("47.9"); the minus sign is U+2212.
std::string fixed(double v, int decimals);
// v with an explicit sign ("+0.4", "\u22120.4"; "0.0" when it rounds to zero), `decimals` digits
// after the point.
std::string signed_fixed(double v, int decimals);
// A share in [0, 1] as a percentage: 0.1726 -> "17.3%".
std::string percent(double share, int decimals = 1);
// A difference of shares in percentage points with a sign: 0.021 -> "+2.1 pp".
std::string signed_points(double share_difference, int decimals = 1);
// Seconds for the run metadata: "0.36 s", "12.4 s", "3 min 05 s".
std::string seconds(double s);
// Bytes: "75 MB", "1.2 GB".
std::string bytes(double b);

// "2025-06-30" -> "30 Jun 2025"; text that is not an ISO date comes back escaped as it is.
std::string date(std::string_view iso);
// "1997-01-01" -> "Jan 1997" (the label of a monthly cohort).
std::string month(std::string_view iso);
// The label of a cohort period starting on `iso`, for the cohort unit "week", "month" or
// "quarter": "6 Jan 1997", "Jan 1997", "1997 Q1".
std::string period(std::string_view iso, std::string_view unit);
// `raw` cut to at most `max_chars` characters (UTF-8 aware) with "…" at the end, then escaped.
std::string shorten(std::string_view raw, std::size_t max_chars);
// "fully_engaged" -> "Fully engaged" (report.json keys to labels).
std::string label(std::string_view key);

}  // namespace engage::io::html
