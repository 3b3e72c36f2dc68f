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
    // Each label as the four corners of its box on screen (rotated labels stay rotated), so that
    // slanted column labels are compared as drawn, not by their axis-aligned hulls.
    var boxes = [];
    Array.prototype.forEach.call(svg.querySelectorAll("text"), function (t) {
      var r = t.getBoundingClientRect();
      if (!visible(r) || !t.textContent.trim()) return;
      checked.texts++;
      var m = t.getScreenCTM(), s = m ? Math.sqrt(m.a * m.a + m.b * m.b) : scale;
      var px = parseFloat(getComputedStyle(t).fontSize) * s;
      if (px < 9.95) errors.push("chart text of " + px.toFixed(1) + " px: " + name(svg) + " '" + t.textContent.trim().slice(0, 20) + "'");
      var bb = t.getBBox(), corners = [[bb.x, bb.y], [bb.x + bb.width, bb.y], [bb.x + bb.width, bb.y + bb.height], [bb.x, bb.y + bb.height]];
      boxes.push({ t: t.textContent.trim().slice(0, 20), p: corners.map(function (c) {
        return [m.a * c[0] + m.c * c[1] + m.e, m.b * c[0] + m.d * c[1] + m.f];
      }) });
    });
    // Separating axes of two rectangles: they overlap when their projections overlap (by more
    // than 1 px) on each of the four edge normals.
    function overlap(a, b) {
      var rects = [a, b];
      for (var k = 0; k < 2; k++)
        for (var e = 0; e < 2; e++) {
          var p0 = rects[k][e], p1 = rects[k][e + 1], nx = p0[1] - p1[1], ny = p1[0] - p0[0];
          var len = Math.sqrt(nx * nx + ny * ny);
          if (len === 0) return false;
          nx /= len; ny /= len;
          var lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
          for (var q = 0; q < 2; q++)
            rects[q].forEach(function (c) {
              var v = c[0] * nx + c[1] * ny;
              lo[q] = Math.min(lo[q], v); hi[q] = Math.max(hi[q], v);
            });
          if (Math.min(hi[0], hi[1]) - Math.max(lo[0], lo[1]) <= 1) return false;
        }
      return true;
    }
    for (var i = 0; i < boxes.length; i++)
      for (var j = i + 1; j < boxes.length; j++) {
        checked.pairs++;
        if (overlap(boxes[i].p, boxes[j].p))
          errors.push("labels overlap in " + name(svg).split(" ")[0] + ": '" + boxes[i].t + "' and '" + boxes[j].t + "'");
      }
  });
  var html = document.documentElement;
  html.setAttribute("data-layout-checked", checked.elements + " elements, " + checked.cells + " cells, " + checked.texts +
                    " chart texts, " + checked.pairs + " label pairs at " + vw + " px");
  html.setAttribute("data-layout-errors-count", String(errors.length));
  if (errors.length) html.setAttribute("data-layout-errors", errors.slice(0, 12).join(" | ").replace(/"/g, "'"));
})();
