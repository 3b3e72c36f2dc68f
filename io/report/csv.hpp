#pragma once
// CSV rows from JSON values (RFC 4180 quoting), so that a CSV table prints the very numbers of
// the JSON report it comes from.
#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>

namespace engage::io {

// A string as is (quoted when it holds a comma, quote or newline), a number as JSON prints
// it, null as an empty field.
std::string csv_field(const nlohmann::ordered_json& v);
// The fields joined by commas, ending in a newline.
std::string csv_row(std::initializer_list<nlohmann::ordered_json> fields);

}  // namespace engage::io
