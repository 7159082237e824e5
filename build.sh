#!/usr/bin/env bash
# AuthLens build and test driver.
#
# Usage: ./build.sh [SUBCOMMAND]
#
#   all    (default) tools → wasm → extension/pkg{,-page} → dist/*.zip → CLI → `authlens check` on examples/*.har
#   ext    build the wasm modules into extension/pkg (worker) and extension/pkg-page (pages); package
#          dist/authlens-{chrome,firefox}.zip
#   cli    build the command-line tool (target/release/authlens)
#   check  run `authlens check` on every examples/*.har
#   lint   cargo fmt --check, cargo clippy -D warnings, web-ext lint (no errors allowed)
#   e2e    build the extension and run the browser end-to-end suite in Chromium (tests/e2e/run.mjs)
#   e2e-firefox  build the extension and its zips, run the same suite in Firefox ESR (tests/e2e/firefox.mjs)
#   js     the extension shell's JS unit tests (node --test tests/js/)
#   test   EVERYTHING: lint, cargo test (all targets), extension build, web-ext lint, JS unit tests, e2e in
#          Chromium, then in Firefox ESR. Prints `e2e: N passed, N failed` (both browsers summed) last.
#          Fails on any failure.
#   fuzz   every cargo-fuzz target for FUZZ_SECONDS (default 4) each
#   bench  benchmarks (BENCHMARKS.md): cargo bench, wasm in Node and in headless Chromium; no pass/fail
#   tools  install whatever is missing (rust target/components, wasm-bindgen-cli, npm ci, chromium, firefox-esr)
#   help   this text
#
# Environment: CARGO_TARGET_DIR (default ./target), AUTHLENS_TOOLS (default ~/.cache/authlens/tools), E2E_ONLY=name,name (subset of e2e scenarios),
# CHROMIUM (default /usr/bin/chromium), FIREFOX (default /usr/bin/firefox-esr).
#
# Installs are announced on one line each, with pinned versions. Nothing is hidden: every failure stops the script.
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$PWD"

TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# Pinned tools live outside the checkout so fresh clones on one machine share them; the version
# check below still installs the exact version when it is missing or different.
TOOLS="${AUTHLENS_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/authlens/tools}"
export PATH="$TOOLS/bin:$PATH"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
FIREFOX="${FIREFOX:-/usr/bin/firefox-esr}"
EXT_DIR="$ROOT/extension"
PKG_DIR="$EXT_DIR/pkg"
PAGE_PKG_DIR="$EXT_DIR/pkg-page"
DIST="$ROOT/dist"

say() { printf '==> %s\n' "$*"; }
install_note() { printf 'install: %s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

# The wasm-bindgen version pinned by Cargo.lock: the CLI must match it exactly.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# ---------------------------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------------------------

ensure_rust() {
    command -v cargo >/dev/null || die "cargo is required (https://rustup.rs)"
    if command -v rustup >/dev/null; then
        if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
            install_note "rust target wasm32-unknown-unknown (rustup)"
            rustup target add wasm32-unknown-unknown
        fi
        local comp
        for comp in clippy rustfmt; do
            if ! rustup component list --installed | grep -q "^$comp"; then
                install_note "rust component $comp (rustup)"
                rustup component add "$comp"
            fi
        done
    fi
}

ensure_wasm_bindgen() {
    local want have=""
    want="$(wasm_bindgen_version)"
    [ -n "$want" ] || die "cannot find the wasm-bindgen version in Cargo.lock"
    if [ -x "$TOOLS/bin/wasm-bindgen" ]; then
        have="$("$TOOLS/bin/wasm-bindgen" --version | awk '{print $2}')"
    fi
    if [ "$have" != "$want" ]; then
        # Without --locked on purpose: the CLI's own lock file pins a webpki-roots the registry
        # here does not carry (PLATFORM.md P1); the resolved build is the same wasm-bindgen.
        install_note "wasm-bindgen-cli $want into $TOOLS (cargo install, ~2 min)"
        cargo install wasm-bindgen-cli --version "=$want" --root "$TOOLS" --force
    fi
}

ensure_npm() {
    command -v npm >/dev/null || die "node and npm are required (Node 20 or later)"
    # Re-run npm ci when the lock file changed since the last install.
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        install_note "npm ci (playwright-core, puppeteer-core, binaryen, web-ext as pinned in package-lock.json)"
        # puppeteer-core never downloads a browser; the variable keeps any puppeteer install hook quiet too.
        PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund
    fi
}

ensure_chromium() {
    if [ ! -x "$CHROMIUM" ]; then
        install_note "chromium (Debian package, apt-get)"
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get update
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
    fi
    command -v openssl >/dev/null || die "openssl is required for the e2e test certificates"
}

# Firefox ESR from Debian for the Firefox e2e (driven over WebDriver BiDi by puppeteer-core; no geckodriver).
ensure_firefox() {
    # unzip too: the Firefox e2e installs the very files of dist/authlens-firefox.zip.
    local want=()
    [ -x "$FIREFOX" ] || want+=(firefox-esr)
    command -v unzip >/dev/null || want+=(unzip)
    if [ "${#want[@]}" -gt 0 ]; then
        install_note "${want[*]} (Debian packages, apt-get)"
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get update
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "${want[@]}"
    fi
}

# Python's jsonschema validates the SARIF of `authlens audit` against the vendored OASIS schema (tests/audit.rs).
JSONSCHEMA_VERSION=4.26.0
ensure_jsonschema() {
    command -v python3 >/dev/null || die "python3 is required (JSON contract and SARIF schema checks)"
    if ! python3 -c 'import jsonschema' 2>/dev/null; then
        install_note "python jsonschema $JSONSCHEMA_VERSION (pip --user)"
        python3 -m pip install --user --quiet "jsonschema==$JSONSCHEMA_VERSION" \
            || python3 -m pip install --quiet "jsonschema==$JSONSCHEMA_VERSION"
    fi
}

ensure_zip() {
    if ! command -v zip >/dev/null; then
        install_note "zip (Debian package, apt-get)"
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get update
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y zip
    fi
}

# cargo-fuzz for the bounded fuzz smoke run of `test` (pinned; built from crates.io, ~3 min once).
CARGO_FUZZ_VERSION=0.13.2
ensure_cargo_fuzz() {
    local have=""
    [ -x "$TOOLS/bin/cargo-fuzz" ] && have="$("$TOOLS/bin/cargo-fuzz" --version | awk '{print $2}')"
    if [ "$have" != "$CARGO_FUZZ_VERSION" ]; then
        install_note "cargo-fuzz $CARGO_FUZZ_VERSION into $TOOLS (cargo install --locked, ~3 min)"
        cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked --root "$TOOLS" --force
    fi
}

# Every fuzz target for a few seconds (libFuzzer; FUZZ_SECONDS, default 4): a smoke run that keeps the
# targets compiling and catches shallow crashes and slow inputs (-timeout). The machine's toolchain is
# stable, so RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags, and the sanitizer is off (its runtime
# ships with nightly only). Longer runs: fuzz/README.md. A crash leaves its input in fuzz/artifacts/.
run_fuzz() {
    ensure_cargo_fuzz
    local t secs="${FUZZ_SECONDS:-4}" seeds
    for t in fuzz/fuzz_targets/*.rs; do
        t="$(basename "$t" .rs)"
        mkdir -p "fuzz/corpus/$t"
        seeds=()
        [ "$t" = har_import ] && seeds=(examples)
        say "fuzz $t (${secs} s)"
        local log rc=0
        log="$(mktemp)"
        RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -O --fuzz-dir fuzz "$t" "fuzz/corpus/$t" "${seeds[@]}" -- \
            -max_total_time="$secs" -max_len=65536 -timeout=10 >"$log" 2>&1 || rc=$?
        grep -E '^(Done|SUMMARY)' "$log" || true
        if [ "$rc" -ne 0 ]; then
            tail -40 "$log" >&2
            printf 'fuzz: %s failed (exit %s); a crash or slow input is in fuzz/artifacts/%s/\n' "$t" "$rc" "$t" >&2
            rm -f "$log"
            return 1
        fi
        rm -f "$log"
    done
}

tools() {
    ensure_rust
    ensure_wasm_bindgen
    ensure_npm
}

# ---------------------------------------------------------------------------------------------------------------
# Build steps
# ---------------------------------------------------------------------------------------------------------------

# One wasm module into OUT_DIR: cargo (wasm-release, with FEATURES), wasm-bindgen, wasm-opt, smoke test. Both
# modules come from the same crate; cargo keeps each feature set's build apart, so building them in turn only
# relinks the one whose features changed.
build_wasm_module() {
    local what="$1" features="$2" out="$3" args=()
    [ -n "$features" ] && args=(--features "$features")
    say "wasm ($what): cargo build --locked --profile wasm-release --lib --target wasm32-unknown-unknown ${args[*]}"
    cargo build --locked --profile wasm-release --lib --target wasm32-unknown-unknown "${args[@]}"
    local wasm="$TARGET_DIR/wasm32-unknown-unknown/wasm-release/authlens.wasm"
    [ -f "$wasm" ] || die "missing $wasm"
    rm -rf "$out"
    say "wasm-bindgen --target web → ${out#"$ROOT"/}"
    wasm-bindgen --target web --no-typescript --out-dir "$out" "$wasm"
    # npm binaryen, never Debian's binaryen 108: that one silently breaks the externref table (PLATFORM.md P3).
    # -Oz, not -O3: -O3 ran `analyze` no faster (within 2% in interleaved Node runs) for the same gzip size and
    # +6 KB raw (BENCHMARKS.md, issue 13), though it takes half the time.
    say "wasm-opt -Oz (npm binaryen)"
    # It reads the module's target_features section (simd128 included, .cargo/config.toml), so no --enable-* flags.
    node_modules/.bin/wasm-opt -Oz "$out/authlens_bg.wasm" -o "$out/authlens_bg.wasm"
    # Prove the optimized module instantiates and answers before anything ships it.
    node tools/ext/wasm-smoke.mjs "$out" "$what"
    printf 'wasm (%s): %s bytes (gzip %s)\n' "$what" "$(wc -c <"$out/authlens_bg.wasm")" "$(gzip -9c "$out/authlens_bg.wasm" | wc -c)"
}

# Two modules (src/wasm.rs): extension/pkg, the worker module the service worker compiles at every start (and the
# popup and panel load), and extension/pkg-page, the page module with the audit and HAR exports as well (audit
# page, har-worker.js). Profile wasm-release (Cargo.toml): opt-level 2 (as fast as 3 and smaller; "s" was smaller
# still but ran the core at 35% of native speed, BENCHMARKS.md) with simd128; wasm-opt -Oz still shrinks each module.
build_wasm() {
    build_wasm_module worker "" "$PKG_DIR"
    build_wasm_module page page "$PAGE_PKG_DIR"
}

# dist/authlens-chrome.zip and dist/authlens-firefox.zip from the one extension/ source; the manifest variants
# are generated by tools/ext/manifest-variant.mjs (Chrome drops the Firefox keys, Firefox drops service_worker).
# extension/ holds only what ships (the benchmark page lives in tools/bench/), so it is zipped as it is.
package_ext() {
    ensure_zip
    mkdir -p "$DIST"
    local flavour stage
    for flavour in chrome firefox; do
        stage="$(mktemp -d)"
        cp -r "$EXT_DIR"/. "$stage/"
        node tools/ext/manifest-variant.mjs "$flavour" "$EXT_DIR/manifest.json" "$stage/manifest.json"
        rm -f "$DIST/authlens-$flavour.zip"
        (cd "$stage" && zip -q -r -X "$DIST/authlens-$flavour.zip" .)
        rm -rf "$stage"
        say "dist/authlens-$flavour.zip ($(wc -c <"$DIST/authlens-$flavour.zip") bytes)"
    done
}

build_ext() {
    tools
    build_wasm
    package_ext
}

build_cli() {
    say "cli: cargo build --locked --release --bin authlens"
    cargo build --locked --release --bin authlens
}

check_examples() {
    shopt -s nullglob
    local hars=(examples/*.har) har rc status=0
    shopt -u nullglob
    if [ ${#hars[@]} -eq 0 ]; then
        say "check: no examples/*.har yet, nothing to check"
        return 0
    fi
    for har in "${hars[@]}"; do
        say "authlens check $har"
        # Exit status 1 means "findings reported", which is the point of the examples; 2+ is a failure.
        rc=0
        "$TARGET_DIR/release/authlens" check "$har" || rc=$?
        if [ "$rc" -gt 1 ]; then
            printf 'check: %s failed (exit %s)\n' "$har" "$rc" >&2
            status=1
        fi
    done
    return "$status"
}

lint_rust() {
    say "cargo fmt --check"
    cargo fmt --check
    say "cargo clippy --locked --all-targets -- -D warnings"
    cargo clippy --locked --all-targets -- -D warnings
    say "core layering (lint_layers)"
    lint_layers
}

# The core's dependency rule (README "Architecture"): parse → correlate → diagnose → present. Nothing
# below the presentation layer names a view or a report, and no rule reads the text of the four
# credential headers itself: src/headers/fields.rs is their one reader, so every rule sees them split
# and parsed the same way.
lint_layers() {
    local below=(src/diagnose src/audit src/browser_report src/headers src/cookies src/fetch src/correlate.rs src/engine.rs src/signals.rs src/site.rs src/model.rs)
    local existing=() p bad status=0
    for p in "${below[@]}"; do [ -e "$p" ] && existing+=("$p"); done
    bad="$(grep -rnE '\b(crate|super)::(view|report)\b|^use (crate|super)::\{[^}]*\b(view|report)\b' "${existing[@]}" || true)"
    if [ -n "$bad" ]; then
        printf 'lint_layers: modules below the views import view/ or report/:\n%s\n' "$bad" >&2
        status=1
    fi
    bad="$(grep -rniE '\b(get|get_all|has|count)\("(cookie|set-cookie|authorization|www-authenticate)"\)' src/diagnose src/audit || true)"
    if [ -n "$bad" ]; then
        printf 'lint_layers: rules read raw credential headers (use Ctx or headers/fields.rs):\n%s\n' "$bad" >&2
        status=1
    fi
    return "$status"
}

lint_ext() {
    local variant out rc
    # The Chrome zip is not linted: web-ext lints for Firefox, and that zip drops the Firefox keys on purpose.
    for variant in "" firefox; do
        if [ -z "$variant" ]; then
            say "web-ext lint extension/"
            rc=0
            out="$(node_modules/.bin/web-ext lint --source-dir "$EXT_DIR" --output json --no-config-discovery)" || rc=$?
        else
            [ -f "$DIST/authlens-$variant.zip" ] || continue
            local stage
            stage="$(mktemp -d)"
            (cd "$stage" && unzip -q "$DIST/authlens-$variant.zip")
            say "web-ext lint dist/authlens-$variant.zip"
            rc=0
            out="$(node_modules/.bin/web-ext lint --source-dir "$stage" --output json --no-config-discovery)" || rc=$?
            rm -rf "$stage"
        fi
        # web-ext exits non-zero when it finds errors; the summary below prints them and fails in that case.
        node tools/ext/lint-summary.mjs "${variant:-source}" strict "$rc" <<<"$out"
    done
}

# The shell's own JavaScript (capture records, tab store, jar snapshots, message routing, the capture
# builder), with Node's built-in test runner and fakes for the browser APIs: no browser, no wasm.
run_js_tests() {
    say "js: node --test tests/js/"
    node --test tests/js/
}

run_e2e() {
    ensure_chromium
    say "e2e: node tests/e2e/run.mjs"
    CHROMIUM="$CHROMIUM" CARGO_TARGET_DIR="$TARGET_DIR" node tests/e2e/run.mjs
}

# The HAR import page and the panel in headless Chromium: same ids and order as the CLI, redacted export.
run_panel_e2e() {
    ensure_chromium
    CHROMIUM="$CHROMIUM" CARGO_TARGET_DIR="$TARGET_DIR" node tests/e2e/panel.mjs
}

# The same scenarios in Firefox ESR, on the files of dist/authlens-firefox.zip (package_ext must have run).
run_e2e_firefox() {
    ensure_firefox
    say "e2e-firefox: node tests/e2e/firefox.mjs"
    FIREFOX="$FIREFOX" node tests/e2e/firefox.mjs
}

# Both browsers, one after the other; the last line sums them as `e2e: N passed, N failed`.
run_e2e_both() {
    local log rc=0 rc2=0 p1 f1 p2 f2
    log="$(mktemp)"
    run_e2e 2>&1 | tee "$log" || rc=$?
    p1="$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$log" | tail -1)"
    f1="$(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$log" | tail -1)"
    run_e2e_firefox 2>&1 | tee "$log" || rc2=$?
    p2="$(sed -n 's/^e2e-firefox: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$log" | tail -1)"
    f2="$(sed -n 's/^e2e-firefox: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$log" | tail -1)"
    rm -f "$log"
    printf 'e2e: Chromium %s passed, %s failed; Firefox %s passed, %s failed\n' "${p1:-0}" "${f1:-1}" "${p2:-0}" "${f2:-1}"
    echo "e2e: $(( ${p1:-0} + ${p2:-0} )) passed, $(( ${f1:-1} + ${f2:-1} )) failed"
    [ "$rc" -eq 0 ] && [ "$rc2" -eq 0 ]
}

cmd_all() {
    build_ext
    build_cli
    check_examples
}

# Runs one stage of `test` in a subshell with errexit on, records its failure and carries on, so one
# run reports every broken stage. Nothing is hidden: the stage's output streams as usual.
FAILED_STAGES=()
stage() {
    local name="$1" rc
    shift
    say "$name"
    set +e
    (set -e; "$@")
    rc=$?
    set -e
    if [ "$rc" -ne 0 ]; then
        printf 'build.sh: stage failed: %s (exit %s)\n' "$name" "$rc" >&2
        FAILED_STAGES+=("$name")
    fi
    return 0
}

cmd_test() {
    tools
    ensure_chromium
    ensure_firefox
    ensure_jsonschema
    stage "cargo fmt --check" cargo fmt --check
    stage "cargo clippy --locked --all-targets -- -D warnings" cargo clippy --locked --all-targets -- -D warnings
    stage "core layering: no view/report below the views, no raw credential-header reads in rules" lint_layers
    stage "cargo test (whole crate: unit, integration, golden, conformance, doc tests)" cargo test --locked
    stage "fuzz smoke run (every target, a few seconds each)" run_fuzz
    local before=${#FAILED_STAGES[@]} ext_ok=1
    stage "extension build (wasm, pkg, dist zips)" build_ext_quiet
    [ "${#FAILED_STAGES[@]}" -eq "$before" ] || ext_ok=0
    if [ "$ext_ok" = 1 ]; then
        stage "web-ext lint (no errors allowed)" lint_ext
    fi
    stage "JS unit tests (node --test tests/js/)" run_js_tests
    stage "cli build" build_cli
    stage "authlens check examples/*.har" check_examples
    if [ "$ext_ok" = 1 ]; then
        stage "e2e: HAR import page and DevTools panel vs authlens check (tests/e2e/panel.mjs)" run_panel_e2e
    fi
    if [ "${#FAILED_STAGES[@]}" -gt 0 ]; then
        printf 'build.sh test: %s stage(s) failed: %s\n' "${#FAILED_STAGES[@]}" "$(IFS=';'; echo "${FAILED_STAGES[*]}")" >&2
    fi
    # Last, so its `e2e: N passed, N failed` line is the final line of the run.
    local e2e_rc=0
    if [ "$ext_ok" = 1 ]; then
        run_e2e_both || e2e_rc=$?
    else
        echo "e2e: 0 passed, 1 failed (the extension did not build)"
        e2e_rc=1
    fi
    [ "${#FAILED_STAGES[@]}" -eq 0 ] && [ "$e2e_rc" -eq 0 ]
}

# `NAME RAW GZIP` of the module in DIR (wasm-size.txt of the bench results, one line per module).
wasm_size() {
    printf '%s %s %s\n' "$1" "$(wc -c <"$2/authlens_bg.wasm")" "$(gzip -9c "$2/authlens_bg.wasm" | wc -c)"
}

# Benchmarks (BENCHMARKS.md): native (cargo bench), wasm in Node, wasm in headless Chromium, on the same
# generated capture. Measurements only: nothing here passes or fails on a timing.
# Every benchmark (BENCHMARKS.md). Each one's output is kept in $TARGET_DIR/bench-results/, and
# tools/bench/update-benchmarks.mjs rewrites the generated section of BENCHMARKS.md from them (date, machine, figures
# against the issue-13 budgets). A benchmark that fails is reported at the end; the others still run and are recorded.
cmd_bench() {
    tools
    build_wasm
    cargo build --locked --release --bin authlens
    local out="$TARGET_DIR/bench-results" failed=()
    rm -rf "$out"
    mkdir -p "$out"
    node tools/bench/update-benchmarks.mjs --machine >"$out/machine-start.json"
    cargo bench --locked --bench core 2>&1 | tee "$out/core.txt" || failed+=(core)
    # Timing guards for hostile captures (SECURITY.md): exits non-zero when a case exceeds its ceiling.
    cargo bench --locked --bench hostile 2>&1 | tee "$out/hostile.txt" || failed+=(hostile)
    # The CLI as a user runs it, on both mixes (inputs generated by the core bench above).
    local mix har
    : >"$out/check.txt"
    for mix in spa failure-heavy; do
        har="$TARGET_DIR/bench-data/bench-10k$([ "$mix" = spa ] || echo "-$mix").har"
        [ -f "$har" ] || { AUTHLENS_BENCH_SIZES=10000 AUTHLENS_BENCH_MIXES=$mix AUTHLENS_BENCH_ONLY=none cargo bench --locked --bench core >/dev/null; }
        for _ in 1 2 3 4 5; do
            /usr/bin/time -f "check $mix $(wc -c <"$har") %U %S %e %M" "$TARGET_DIR/release/authlens" check "$har" --format json \
                >/dev/null 2>>"$out/check.txt" || true
        done
    done
    cat "$out/check.txt"
    local capture="$TARGET_DIR/bench-data/capture-10k.json"
    node tests/bench/wasm-bench.mjs "$capture" 2>&1 | tee "$out/wasm.txt" || failed+=(wasm)
    ensure_chromium
    CHROMIUM="$CHROMIUM" node tests/bench/browser-bench.mjs "$capture" 2>&1 | tee "$out/browser.txt" || failed+=(browser)
    CHROMIUM="$CHROMIUM" node tests/bench/pageload-bench.mjs --pairs 20 --startup --heap --json 2>&1 | tee "$out/pageload.txt" || failed+=(pageload)
    # What stands in the way of the page-load budgets: the same listeners doing nothing (the floor any
    # webRequest observer pays), and one no-op listener alone (the least any observer with extraHeaders pays).
    CHROMIUM="$CHROMIUM" BENCH_NOOP=1 node tests/bench/pageload-bench.mjs --pairs 10 --json 2>&1 | tee "$out/pageload-noop-all.txt" || failed+=(pageload-floor)
    CHROMIUM="$CHROMIUM" BENCH_NOOP=1 BENCH_LISTENERS=onSendHeaders node tests/bench/pageload-bench.mjs --pairs 10 --json 2>&1 |
        tee "$out/pageload-noop-one.txt" || failed+=(pageload-floor-one)
    node tools/bench/update-benchmarks.mjs --machine >"$out/machine-end.json"
    { wasm_size worker "$PKG_DIR"; wasm_size page "$PAGE_PKG_DIR"; } >"$out/wasm-size.txt"
    node tools/bench/update-benchmarks.mjs "$out" BENCHMARKS.md
    say "BENCHMARKS.md: generated section rewritten from $out"
    [ ${#failed[@]} -eq 0 ] || die "benchmarks that failed: ${failed[*]}"
}

build_ext_quiet() {
    build_wasm
    package_ext
}

case "${1:-all}" in
    all) cmd_all ;;
    ext) build_ext ;;
    cli) build_cli ;;
    check) build_cli; check_examples ;;
    lint) tools; lint_rust; build_wasm; package_ext; lint_ext ;;
    e2e) tools; build_wasm; run_e2e ;;
    e2e-firefox) tools; build_wasm; package_ext; run_e2e_firefox ;;
    js) run_js_tests ;;
    test) cmd_test ;;
    bench) cmd_bench ;;
    fuzz) tools; run_fuzz ;;
    tools) tools; ensure_chromium; ensure_firefox ;;
    help|-h|--help) usage ;;
    *) usage >&2; exit 2 ;;
esac
