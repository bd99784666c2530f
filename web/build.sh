#!/usr/bin/env bash
# Builds the web version into target/web/ (index.html at its root, everything it loads
# beside it, and the scenarios under scenarios/ for `?open=` links).
#   web/build.sh               build the site
#   web/build.sh --serve PORT  build it, then serve it on http://localhost:PORT/
# Installs what it needs when missing: the wasm32 target and wasm-bindgen-cli at the version
# in Cargo.lock. (Debian's wasm-opt, binaryen 108, is not used: it breaks the table of
# JavaScript values that this wasm-bindgen sets up, for 6 % less to download.)
set -euo pipefail
cd "$(dirname "$0")/.."

port=""
case "${1:-}" in
    "") ;;
    --serve) port="${2:-8080}" ;;
    *) echo "usage: web/build.sh [--serve PORT]" >&2; exit 2 ;;
esac

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$version" ]; then
    echo "web/build.sh: no wasm-bindgen in Cargo.lock" >&2
    exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }')" != "$version" ]; then
    echo "Installing wasm-bindgen-cli $version (a few minutes, once)..."
    cargo install wasm-bindgen-cli --version "$version"
fi

cargo build --profile wasm --target wasm32-unknown-unknown --bin sandtable

out=target/web
rm -rf "$out"
mkdir -p "$out/scenarios"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name sandtable \
    target/wasm32-unknown-unknown/wasm/sandtable.wasm
cp web/index.html "$out/"
cp scenarios/*.ron "$out/scenarios/"
if [ -d exercises ]; then
    cp -r exercises "$out/"
fi

wasm="$out/sandtable_bg.wasm"
echo "Built $out/: wasm $(stat -c %s "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) gzipped"

if [ -n "$port" ]; then
    echo "Serving on http://localhost:$port/ (Ctrl-C stops)"
    exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out"
fi
