// The inline style and script of report.html. No fonts, images or scripts from elsewhere: the page
// opens from a file or an e-mail attachment without a network. The script only adds sortable
// columns and a self-check; the page reads the same without it.
#include "io/report/html/page.hpp"

namespace engage::io::html {

const char* page_style() {
    return R"CSS(
:root { --ink: #1B1F24; --muted: #4A4F57; --line: #E3E6EA; --paper: #FFFFFF; --back: #F3F5F7; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--back); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 20px 20px 40px; }
header.report { background: var(--paper); border-top: 5px solid var(--accent); border-radius: 8px; padding: 20px 24px 16px;
  box-shadow: 0 1px 3px rgba(0,0,0,.07); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 6px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.dateline { color: var(--muted); margin: 0 0 14px; }
.headline { font-size: 15px; margin: 0 0 14px; }
nav.toc { font-size: 13px; margin: 14px 0 0; color: var(--muted); display: flex; flex-wrap: wrap; gap: 2px 14px; }
nav.toc a { color: var(--accent); text-decoration: none; white-space: nowrap; }
section { background: var(--paper); border-radius: 8px; padding: 18px 24px 16px; margin: 16px 0;
  box-shadow: 0 1px 3px rgba(0,0,0,.07); }
section.omitted { padding: 12px 24px; }
section.omitted h2 { font-size: 15px; color: var(--muted); }
.lead { color: var(--muted); margin: 0 0 12px; max-width: 860px; }
.note { color: var(--muted); font-size: 13px; margin: 6px 0; }
code { font: 12px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; background: var(--back); padding: 1px 4px; border-radius: 3px;
  overflow-wrap: anywhere; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.tile-label { font-size: 12px; color: var(--muted); }
.tile-value { font-size: 26px; font-weight: 600; line-height: 1.2; margin: 2px 0; font-variant-numeric: tabular-nums; }
.tile-context { font-size: 12px; color: var(--muted); }
figure { margin: 8px 0 14px; overflow-x: auto; }
figure.side { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center; }
figure.side svg.chart { flex: 0 0 auto; }
figure.side figcaption { flex: 1 1 260px; font-size: 13px; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; max-width: 900px; }
svg.chart { display: block; max-width: none; height: auto; }
svg.chart text { font-family: inherit; font-size: 12px; fill: var(--ink); }
svg.chart text.tick { font-size: 11px; fill: var(--muted); }
svg.chart text.axis-title { font-size: 12px; font-weight: 600; }
svg.chart text.legend { font-size: 12px; }
svg.chart text.value { font-size: 11px; font-variant-numeric: tabular-nums; }
svg.chart text.small { font-size: 10px; }
svg.chart text.strong { font-weight: 600; }
svg.chart text.halo { paint-order: stroke; stroke: var(--paper); stroke-width: 3px; stroke-linejoin: round; }
.row { display: flex; flex-wrap: wrap; gap: 8px 28px; align-items: flex-start; }
/* Charts keep their size (text never under 10 px) and tables their columns: what does not fit
   scrolls, and a shadow at the edge shows that it does (the shadows stay put; the paper-coloured
   covers move with the content and hide them at either end). */
.scroll, figure { overflow-x: auto;
  background: linear-gradient(to right, var(--paper) 30%, rgba(255,255,255,0)) left center / 32px 100% no-repeat local,
    linear-gradient(to left, var(--paper) 30%, rgba(255,255,255,0)) right center / 32px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.22), rgba(0,0,0,0)) left center / 12px 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.22), rgba(0,0,0,0)) right center / 12px 100% no-repeat scroll; }
.scroll.tall { max-height: 560px; overflow-y: auto; }
p.filter input { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 4px; }
table.data { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; margin: 4px 0 10px; }
table.data th, table.data td { padding: 5px 7px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
table.data td.name { white-space: normal; min-width: 150px; }
table.data th { white-space: normal; }
table.data tr.first td { border-top: 2px solid var(--line); }
table.data td .note { font-size: 12px; }
table.data th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); vertical-align: bottom; }
table.data .num { text-align: right; }
table.data tr.other td { font-style: italic; color: var(--muted); }
table.data tbody tr:hover td { background: #F7FAFC; }
table.data th button { all: unset; cursor: pointer; }
table.data th button:focus-visible { outline: 2px solid var(--accent); }
table.data th[aria-sort="ascending"] button::after { content: " \25B2"; font-size: 9px; }
table.data th[aria-sort="descending"] button::after { content: " \25BC"; font-size: 9px; }
table.kv td { white-space: normal; }
table.kv td:first-child { color: var(--muted); width: 40%; }
.up { color: #0072B2; } .down { color: #D55E00; } .flat { color: #6B7079; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 18px; }
@media (max-width: 900px) {
  main { padding: 12px 8px 24px; }
  section, header.report { padding: 14px 12px; }
  table.data th, table.data td { padding: 4px 5px; }
}
@media print {
  body { background: #FFFFFF; }
  main { max-width: none; padding: 0; }
  section, header.report { box-shadow: none; border: 1px solid var(--line); break-inside: avoid; }
  nav.toc { display: none; }
}
)CSS";
}

// Registered first, in <head>: any script error is recorded on <html> for the browser test.
const char* page_error_hook() {
    return "window.addEventListener('error',function(e){var h=document.documentElement;"
           "h.setAttribute('data-report-errors',(h.getAttribute('data-report-errors')||'')+String(e.message)+';');});";
}

const char* page_script() {
    return R"JS(
(function () {
  "use strict";
  // Sortable tables: a click on a column header sorts the rows by that column, again to reverse.
  // Cells carry their sort key in data-v (a number) when they show formatted text; "n/a" sorts last.
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v === null) return { n: NaN, t: cell.textContent.trim().toLowerCase() };
    return { n: v === "" ? NaN : Number(v), t: "" };
  }
  function compare(a, b, numeric, dir) {
    if (numeric) {
      var an = isNaN(a.n), bn = isNaN(b.n);
      if (an || bn) return an === bn ? 0 : (an ? 1 : -1);
      return dir * (a.n - b.n);
    }
    return dir * (a.t < b.t ? -1 : a.t > b.t ? 1 : 0);
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var headers = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(headers, function (th, col) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var numeric = th.getAttribute("data-type") === "num";
        // First click: numbers largest first, names A to Z; each further click reverses.
        var now = th.getAttribute("aria-sort");
        var dir = now === "ascending" ? -1 : now === "descending" ? 1 : (numeric ? -1 : 1);
        Array.prototype.forEach.call(headers, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
          return { row: row, i: i, k: key(row.cells[col]) };
        });
        rows.sort(function (a, b) { return compare(a.k, b.k, numeric, dir) || a.i - b.i; });
        rows.forEach(function (r) { body.appendChild(r.row); });
      });
    });
  });
  // Filters: an input with data-filter="NAME" shows the rows of table NAME whose first cell
  // contains what is typed (any case).
  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), function (input) {
    var table = document.querySelector('table[data-table="' + input.getAttribute("data-filter") + '"]');
    if (!table) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = q !== "" && row.cells[0].textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
  // Self-check for the browser test: every chart must have drawn something with an area.
  var charts = document.querySelectorAll("svg.chart"), drawn = 0, empty = [];
  Array.prototype.forEach.call(charts, function (svg) {
    var box = svg.getBBox();
    var shapes = svg.querySelectorAll("rect, path, circle, line").length;
    if (box.width > 0 && box.height > 0 && shapes > 0) drawn++;
    else empty.push(svg.getAttribute("data-chart"));
  });
  var html = document.documentElement;
  html.setAttribute("data-charts", String(charts.length));
  html.setAttribute("data-charts-drawn", String(drawn));
  if (empty.length) html.setAttribute("data-charts-empty", empty.join(" "));
  html.setAttribute("data-page-height", String(document.documentElement.scrollHeight));
  html.setAttribute("data-report-ready", "yes");
})();
)JS";
}

}  // namespace engage::io::html
