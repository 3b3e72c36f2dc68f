#pragma once
// The frame of report.html: the document with its inline style and script, sections, notes,
// figures and key-number tiles. Arguments named html_* are HTML already (escaped where needed).
#include <string>
#include <vector>

namespace engage::io::html {

// The whole document: <head> with the inline style, `html_body` in <main>, the inline script.
std::string page(const std::string& html_title, const std::string& html_body);

// A report section with an anchor `id`, a heading and an introduction (may be empty).
std::string section(const std::string& id, const std::string& html_heading, const std::string& html_lead,
                    const std::string& html_body);
// A section whose data is absent from report.json: its heading and a one-line note.
std::string omitted(const std::string& id, const std::string& html_heading, const std::string& html_note);
// A chart (an <svg>) with its caption under it.
std::string figure(const std::string& svg, const std::string& html_caption);
// A paragraph of secondary text.
std::string note(const std::string& html_text);

// One key number: a label, the value in large type, and a line of context under it.
struct Tile {
    std::string label, value, context;
};
std::string tiles(const std::vector<Tile>& items);

// A trend arrow with the change, coloured and titled for people: up (blue), down (vermillion),
// or flat when |change| < `flat_below`; text reads e.g. "▲ +1.2".
std::string trend_arrow(double change, double flat_below, int decimals, const std::string& unit = "");

// The inline assets (page_assets.cpp).
const char* page_style();
const char* page_script();
const char* page_error_hook();

}  // namespace engage::io::html
