#!/usr/bin/env bash
# report.html in a real browser (Debian's chromium, headless): engage score --retention on a small
# generated base writes the page; a second page is rendered from the same report.json with the
# hand-made study fixture, so that every chart is drawn. Each page must load without a console
# message or script error, its self-check must find every chart drawn with a non-zero area, and
# the expected charts must be in the dumped DOM. Screenshots are kept in ARTEFACTS.
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

"$engage" generate --customers 3000 --seed 6 --output "$tmp/base.h5" -q
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
cp "$tmp/study.html" "$artefacts/report-study-fixture.html"
check "$artefacts/report-study-fixture.html" report-study-fixture "${base[@]}" "${study[@]}" "${landmark[@]}"
