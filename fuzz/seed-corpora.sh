#!/bin/sh
# Builds the fuzz targets' seed corpora (fuzz/corpus/TARGET/) from the shipped scenarios,
# the test data and sessions played from them. The corpora are not committed.
set -eu
cd "$(dirname "$0")"
root=..
mkdir -p corpus/scenario corpus/expr corpus/session corpus/run
for f in "$root"/scenarios/*.ron "$root"/tests/data/*.ron "$root"/tests/compat/*-v1.ron; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    cp "$f" "corpus/scenario/$name"
    # A scenario, a zero byte, then moves: toggle, commit, go back, toggle another, commit.
    { cat "$f"; printf '\000\000\001\002\000\000\003\002\004\001\001\003\003\003\003'; } > "corpus/run/$name"
    # Every expression of the file, one per seed.
    grep -o '\(value\|condition\|when\|policy\|capability\|probability\): *"[^"]*"' "$f" |
        sed 's/^[a-z]*: *"\(.*\)"$/\1/' |
        sed 's/[a-z_][a-z_0-9]*\.[a-z_][a-z_0-9.]*/x.y/g' |
        sort -u | awk -v dir=corpus/expr -v n="$name" '{ print > (dir "/" n "-" NR) }'
done
for f in "$root"/tests/compat/*.session.ron; do
    [ -f "$f" ] || continue
    cp "$f" "corpus/session/$(basename "$f")"
done
for t in scenario expr session run; do
    echo "$t: $(ls corpus/$t | wc -l) seeds"
done
