// Layout checks of report.html in a real browser (issue 16), run after the page's own script:
// appended to a copy of the page by browser.sh, it records what it finds on <html> as
// data-layout-checked (what it looked at) and data-layout-errors (the first problems found),
// which the test reads from the dumped DOM. It fails a page where
//   - an element reaches past the viewport's right edge, unless a scroll container clips it;
//   - a table cell is cut by its container, unless that container scrolls and shows that it does
//     (its background draws the edge shadows of page_assets.cpp: a radial-gradient);
//   - chart text is drawn under 10 px (its font size times the chart's scale on screen);
//   - two labels of a chart overlap (their boxes intersect by more than 1 px both ways).
(function () {
  "use strict";
  var errors = [], checked = { elements: 0, cells: 0, texts: 0, pairs: 0 };
  var vw = document.documentElement.clientWidth;
  function name(el) {
    var s = el.tagName.toLowerCase();
    if (el.getAttribute("data-chart")) s += "[" + el.getAttribute("data-chart") + "]";
    if (el.getAttribute("data-table")) s += "[" + el.getAttribute("data-table") + "]";
    var t = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 30);
    return t ? s + " '" + t + "'" : s;
  }
  function clipper(el) {  // the nearest ancestor that clips horizontally
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o !== "visible") return p;
    }
    return null;
  }
  function signals_scroll(box) {
    var st = getComputedStyle(box);
    return (st.overflowX === "auto" || st.overflowX === "scroll") && st.backgroundImage.indexOf("radial-gradient") >= 0;
  }
  function visible(r) { return r.width > 0 && r.height > 0; }
  // 1. Nothing past the viewport.
  if (document.documentElement.scrollWidth > vw + 1)
    errors.push("the page is " + document.documentElement.scrollWidth + " px wide in a " + vw + " px viewport");
  Array.prototype.forEach.call(document.body.querySelectorAll("*"), function (el) {
    var r = el.getBoundingClientRect();
    if (!visible(r)) return;
    checked.elements++;
    if (r.right > vw + 1 && !clipper(el)) errors.push("past the viewport's right edge (" + Math.round(r.right) + " > " + vw + "): " + name(el));
  });
  // 2. Table cells cut without a sign that they scroll.
  Array.prototype.forEach.call(document.querySelectorAll("td, th"), function (cell) {
    var r = cell.getBoundingClientRect();
    if (!visible(r)) return;
    checked.cells++;
    if (cell.scrollWidth > cell.clientWidth + 1) errors.push("cell text cut inside its cell: " + name(cell));
    var box = clipper(cell);
    if (!box) return;
    var b = box.getBoundingClientRect();
    if ((r.right > b.right + 1 || r.left < b.left - 1) && !signals_scroll(box))
      errors.push("cell cut by its container without a sign that it scrolls: " + name(cell));
  });
  // 3 and 4. Chart text size and overlapping labels, chart by chart.
  Array.prototype.forEach.call(document.querySelectorAll("svg.chart"), function (svg) {
    var ctm = svg.getScreenCTM(), scale = ctm ? Math.sqrt(ctm.a * ctm.a + ctm.b * ctm.b) : 1;
    var boxes = [];
    Array.prototype.forEach.call(svg.querySelectorAll("text"), function (t) {
      var r = t.getBoundingClientRect();
      if (!visible(r) || !t.textContent.trim()) return;
      checked.texts++;
      var m = t.getScreenCTM(), s = m ? Math.sqrt(m.a * m.a + m.b * m.b) : scale;
      var px = parseFloat(getComputedStyle(t).fontSize) * s;
      if (px < 9.95) errors.push("chart text of " + px.toFixed(1) + " px: " + name(svg) + " '" + t.textContent.trim().slice(0, 20) + "'");
      boxes.push({ r: r, t: t.textContent.trim().slice(0, 20) });
    });
    for (var i = 0; i < boxes.length; i++)
      for (var j = i + 1; j < boxes.length; j++) {
        checked.pairs++;
        var a = boxes[i].r, b = boxes[j].r;
        var w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) errors.push("labels overlap in " + name(svg).split(" ")[0] + ": '" + boxes[i].t + "' and '" + boxes[j].t + "'");
      }
  });
  var html = document.documentElement;
  html.setAttribute("data-layout-checked", checked.elements + " elements, " + checked.cells + " cells, " + checked.texts +
                    " chart texts, " + checked.pairs + " label pairs at " + vw + " px");
  html.setAttribute("data-layout-errors-count", String(errors.length));
  if (errors.length) html.setAttribute("data-layout-errors", errors.slice(0, 12).join(" | ").replace(/"/g, "'"));
})();
