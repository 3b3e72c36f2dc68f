#include "io/report/html/table.hpp"

#include <cmath>
#include <cstdio>

#include "io/report/html/format.hpp"

namespace engage::io::html {

Table::Table(std::string name, std::vector<Column> columns, bool sortable)
    : name_(std::move(name)), columns_(std::move(columns)), sortable_(sortable) {}

void Table::row(const std::vector<Cell>& cells, const std::string& cls) {
    body_ += cls.empty() ? "<tr>" : "<tr class=\"" + cls + "\">";
    for (std::size_t i = 0; i < cells.size() && i < columns_.size(); ++i) {
        const Cell& c = cells[i];
        if (columns_[i].numeric) {
            // %.17g reads back to the same double: the sort key is the report's number.
            char key[40] = "";
            if (std::isfinite(c.sort)) std::snprintf(key, sizeof key, "%.17g", c.sort);
            body_ += std::string("<td class=\"num\" data-v=\"") + key + "\">" + c.html + "</td>";
        } else {
            body_ += (i == 0 ? "<td class=\"name\">" : "<td>") + c.html + "</td>";
        }
    }
    body_ += "</tr>\n";
    ++rows_;
}

std::string Table::str() const {
    std::string out = std::string(tall_ ? "<div class=\"scroll tall\">" : "<div class=\"scroll\">") + "<table class=\"data" + std::string(sortable_ ? " sortable" : "") +
                      "\" data-table=\"" + escape(name_) + "\">\n<thead><tr>";
    for (const Column& c : columns_) {
        out += "<th" + std::string(c.numeric ? " class=\"num\" data-type=\"num\"" : "") +
               (c.html_tooltip.empty() ? "" : " title=\"" + c.html_tooltip + "\"") +
               (sortable_ ? " aria-sort=\"none\"><button type=\"button\">" + c.html_header + "</button>"
                          : ">" + c.html_header) +
               "</th>";
    }
    return out + "</tr></thead>\n<tbody>\n" + body_ + "</tbody></table></div>\n";
}

}  // namespace engage::io::html
