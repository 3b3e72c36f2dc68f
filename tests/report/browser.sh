#!/usr/bin/env bash
# report.html in a real browser (Debian's chromium, headless): engage score --retention on a small
# generated base writes the page; a second page is rendered from the same report.json with the
# hand-made study fixture, so that every chart is drawn. Each page must load without a console
# message or script error, its self-check must find every chart drawn with a non-zero area, and
# the expected charts must be in the dumped DOM. Then the layout at 1400 and 800 px
# (layout_check.js, issue 16): nothing past the viewport, no table cell cut without a sign that
# it scrolls, no chart text under 10 px, no two chart labels overlapping; a self-test first
# shows that the checks fail deliberately broken copies of the page. Screenshots are kept in
# ARTEFACTS (NAME.png at 1200 px, NAME-1400.png and NAME-800.png), and their paths printed.
# Usage: browser.sh ENGAGE RENDER_HTML MPIEXEC FIXTURES ARTEFACTS
set -euo pipefail
engage=$1
render=$2
mpiexec=$3
fixtures=$4
artefacts=$5
fail() { echo "FAIL: $*" >&2; exit 1; }
browser=$(command -v chromium || true)
[ -n "$browser" ] || fail "chromium is missing: run .ci/setup (it installs Debian's chromium package)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$artefacts"

"$engage" generate --customers 3000 --seed 6 --company-touches --output "$tmp/base.h5" -q  # with the touches section (issue 18)
"$mpiexec" --bind-to none -n 2 "$engage" score --input "$tmp/base.h5" --output "$tmp/out" --as-of 2025-06-30 \
    --retention --holdout-days 180 -q
[ -s "$tmp/out/report.html" ] || fail "engage score wrote no report.html"
"$render" "$tmp/out/report.json" "$tmp/out/run.json" "$tmp/study.html" "$fixtures/study.json"

# Flags from ../shared/docs/environment.md; each run gets its own profile directory.
chrome() {
    local profile
    profile=$(mktemp -d "$tmp/profile.XXXXXX")
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
        --user-data-dir="$profile" "$@"
}

# check PAGE NAME CHART...: loads PAGE, checks it, screenshots it to ARTEFACTS/NAME.png.
check() {
    local page=$1 name=$2
    shift 2
    grep -qE 'https?://' "$page" && fail "$name: the page refers to the network: $(grep -oE 'https?://[^"< ]*' "$page" | head -3)"
    chrome --enable-logging=stderr --v=0 --dump-dom "file://$page" >"$tmp/$name.dom" 2>"$tmp/$name.log" ||
        fail "$name: chromium failed: $(tail -5 "$tmp/$name.log")"
    # Console messages (script errors included) are logged as INFO:CONSOLE; the page writes none.
    if grep -q ':CONSOLE' "$tmp/$name.log"; then
        grep ':CONSOLE' "$tmp/$name.log" >&2
        fail "$name: console messages while loading the page"
    fi
    local root
    root=$(grep -o '<html[^>]*>' "$tmp/$name.dom" | head -1)
    [[ $root == *'data-report-ready="yes"'* ]] || fail "$name: the page's script did not finish: $root"
    [[ $root != *data-report-errors* ]] || fail "$name: script errors: $root"
    [[ $root != *data-charts-empty* ]] || fail "$name: charts drawn empty: $root"
    local charts drawn height
    charts=$(sed -E 's/.*data-charts="([0-9]+)".*/\1/' <<<"$root")
    drawn=$(sed -E 's/.*data-charts-drawn="([0-9]+)".*/\1/' <<<"$root")
    height=$(sed -E 's/.*data-page-height="([0-9]+)".*/\1/' <<<"$root")
    [ "$charts" -eq $# ] || fail "$name: $charts charts in the page, expected $#"
    [ "$drawn" -eq "$charts" ] || fail "$name: only $drawn of $charts charts have a drawn area"
    # Every expected chart is in the DOM, with shapes in it.
    local dom chart svg
    dom=$(tr '\n' ' ' <"$tmp/$name.dom")
    for chart in "$@"; do
        svg=$(grep -oE "<svg class=\"chart\" data-chart=\"$chart\"[^>]*>.*" <<<"$dom" | sed -E 's#</svg>.*##') ||
            fail "$name: chart $chart is missing"
        grep -qE '<(rect|path|circle)' <<<"$svg" || fail "$name: chart $chart has no shapes"
    done
    chrome --screenshot="$artefacts/$name.png" --window-size="1200,$((height + 20))" "file://$page" \
        >"$tmp/$name.shot.log" 2>&1 || fail "$name: screenshot failed: $(tail -5 "$tmp/$name.shot.log")"
    [ -s "$artefacts/$name.png" ] || fail "$name: no screenshot"
    echo "$name: $charts charts drawn, no console message; screenshot $artefacts/$name.png (1200 x $((height + 20)))"
}

base=(score-distribution tier-distribution tier-mix survival cohort-heatmap holdout phase-timings)
study=(decile-lift calibration claims correlation-spearman correlation-pearson backtest-trend)
# The run's own page: with a study section in report.json (issue 5), its charts too.
own=("${base[@]}")
json=$tmp/out/report.json
if grep -q '^  "study": {' "$json"; then
    grep -q '"correlation": {' "$json" && own+=(correlation-spearman correlation-pearson)
    grep -q '"claims": \[' "$json" && own+=(claims)
    grep -q '"backtest": \[' "$json" && own+=(decile-lift calibration backtest-trend)
fi
# The forward-looking survival view (issue 12) when the run has a holdout.
landmark=()
grep -q '^  "survival": {' "$json" && landmark=(landmark-survival) && own+=(landmark-survival)
cp "$tmp/out/report.html" "$artefacts/report.html"
check "$artefacts/report.html" report "${own[@]}"
# The company's touches (issue 18): their section is in the rendered page (laid out below).
grep -q '^  "touches": {' "$json" || fail "the run's report.json has no touches section"
grep -q 'Offered and chosen' "$tmp/report.dom" || fail "report.html renders no touches section"
cp "$tmp/study.html" "$artefacts/report-study-fixture.html"
check "$artefacts/report-study-fixture.html" report-study-fixture "${base[@]}" "${study[@]}" "${landmark[@]}"

# inject PAGE OUT [CSS]: a copy of PAGE with layout_check.js (and CSS, to break it on purpose).
inject() {
    python3 - "$1" "$2" "$(dirname "$0")/layout_check.js" "${3:-}" <<'PY'
import sys
page, out, js, css = sys.argv[1], sys.argv[2], open(sys.argv[3]).read(), sys.argv[4]
html = open(page).read()
if css:
    html = html.replace("</head>", "<style>" + css + "</style></head>", 1)
open(out, "w").write(html.replace("</body>", "<script>" + js + "</script></body>", 1))
PY
}

# layout_root PAGE NAME WIDTH: the checked copy's <html> tag at WIDTH px (into $root).
layout_root() {
    local page=$1 name=$2 width=$3
    chrome --window-size="$width,1000" --dump-dom "file://$page" >"$tmp/$name-$width.dom" 2>"$tmp/$name-$width.log" ||
        fail "$name at $width px: chromium failed: $(tail -5 "$tmp/$name-$width.log")"
    root=$(grep -o '<html[^>]*>' "$tmp/$name-$width.dom" | head -1)
    [[ $root == *data-layout-checked* ]] || fail "$name at $width px: the layout check did not run: $root"
}

# layout PAGE NAME WIDTH: the page must pass the layout checks at WIDTH px; screenshot NAME-WIDTH.png.
layout() {
    local page=$1 name=$2 width=$3 height checked
    inject "$page" "$tmp/$name-checked.html"
    layout_root "$tmp/$name-checked.html" "$name" "$width"
    checked=$(sed -E 's/.*data-layout-checked="([^"]*)".*/\1/' <<<"$root")
    if [[ $root == *data-layout-errors=* ]]; then
        sed -E 's/.*data-layout-errors="([^"]*)".*/\1/' <<<"$root" | tr '|' '\n' >&2
        fail "$name at $width px: layout problems ($checked)"
    fi
    height=$(sed -E 's/.*data-page-height="([0-9]+)".*/\1/' <<<"$root")
    chrome --screenshot="$artefacts/$name-$width.png" --window-size="$width,$((height + 20))" "file://$page" \
        >"$tmp/$name-$width.shot.log" 2>&1 || fail "$name at $width px: screenshot failed: $(tail -5 "$tmp/$name-$width.shot.log")"
    [ -s "$artefacts/$name-$width.png" ] || fail "$name at $width px: no screenshot"
    echo "$name at $width px: layout clean ($checked); screenshot $artefacts/$name-$width.png"
}

# must_fail PAGE NAME WIDTH CSS PATTERN: with CSS added, the checks must report PATTERN.
must_fail() {
    local page=$1 name=$2 width=$3 css=$4 pattern=$5
    inject "$page" "$tmp/$name.html" "$css"
    layout_root "$tmp/$name.html" "$name" "$width"
    [[ $root == *data-layout-errors=* ]] || fail "self-test $name: the layout check found nothing on a broken page"
    grep -q -- "$pattern" <<<"$root" || fail "self-test $name: expected '$pattern' in: $root"
    echo "self-test $name: the check fails as it should ($pattern)"
}

# The checks can fail: the page as it was before issue 16 (charts scaled down with the viewport,
# table containers that clip without a shadow), with a too-wide element, and with labels made large.
page=$artefacts/report-study-fixture.html
must_fail "$page" shrunk-charts 800 'svg.chart { max-width: 100% !important; }' 'chart text of'
must_fail "$page" clipped-tables 800 '.scroll { overflow-x: hidden !important; background: none !important; }' 'without a sign that it scrolls'
must_fail "$page" wide-element 800 'header.report { width: 1200px; }' 'past the viewport'
must_fail "$page" big-labels 1400 'svg.chart text.tick { font-size: 40px !important; }' 'labels overlap'

for width in 1400 800; do
    layout "$artefacts/report.html" report "$width"
    layout "$artefacts/report-study-fixture.html" report-study-fixture "$width"
done
