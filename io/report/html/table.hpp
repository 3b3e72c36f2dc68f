#pragma once
// HTML tables of report.html. A sortable table gets a button in each header (the inline script
// sorts by a click); numeric cells carry their raw value in data-v, so "12.3 k" sorts as 12300.
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace engage::io::html {

struct Column {
    Column(std::string header, bool is_numeric = false, std::string tooltip = "")
        : html_header(std::move(header)), numeric(is_numeric), html_tooltip(std::move(tooltip)) {}
    std::string html_header;
    bool numeric;
    std::string html_tooltip;   // what the column means, shown on hover
};

struct Cell {
    Cell(std::string shown, double key = std::numeric_limits<double>::quiet_NaN()) : html(std::move(shown)), sort(key) {}
    std::string html;   // what the cell shows
    double sort;        // numeric sort key; NaN sorts last
};

class Table {
public:
    // `name` becomes data-table (for tests and styling); `sortable` adds the header buttons.
    Table(std::string name, std::vector<Column> columns, bool sortable = true);
    // `cls` is a CSS class of the row ("other" for a folded group).
    void row(const std::vector<Cell>& cells, const std::string& cls = "");
    std::size_t rows() const { return rows_; }
    // A long table scrolls within a box of limited height.
    void tall() { tall_ = true; }
    std::string str() const;

private:
    std::string name_;
    std::vector<Column> columns_;
    bool sortable_;
    std::string body_;
    std::size_t rows_ = 0;
    bool tall_ = false;
};

}  // namespace engage::io::html
