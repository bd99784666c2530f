#!/usr/bin/env bash
# Builds the web version into target/web/ (index.html at its root, everything it loads
# beside it, and the scenarios under scenarios/ for `?open=` links).
#   web/build.sh               build the site
#   web/build.sh --serve PORT  build it, then serve it on http://localhost:PORT/
# Installs what it needs when missing: the wasm32 target and wasm-bindgen-cli at the version
# in Cargo.lock; wasm-opt (Debian's binaryen) shrinks the download further when present.
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

cargo build --profile web --target wasm32-unknown-unknown --bin sandtable

out=target/web
rm -rf "$out"
mkdir -p "$out/scenarios"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name sandtable \
    target/wasm32-unknown-unknown/web/sandtable.wasm
if command -v wasm-opt >/dev/null 2>&1; then
    # The features rustc enables by default for wasm32-unknown-unknown.
    if wasm-opt -Os --enable-bulk-memory --enable-mutable-globals --enable-sign-ext \
        --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
        "$out/sandtable_bg.wasm" -o "$out/sandtable_bg.opt.wasm" 2>"$out/wasm-opt.log"; then
        mv "$out/sandtable_bg.opt.wasm" "$out/sandtable_bg.wasm"
        rm -f "$out/wasm-opt.log"
    else
        echo "wasm-opt could not shrink the wasm (see $out/wasm-opt.log); kept as built" >&2
        rm -f "$out/sandtable_bg.opt.wasm"
    fi
fi
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
