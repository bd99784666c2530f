#!/usr/bin/env python3
"""Mutated scenario files through the sandtable binary.

Takes the shipped scenarios and the test data, mutates them (bit flips, truncation, huge and
NaN numbers, deep nesting, long names and expressions, repeated items, deleted or inserted
bytes) and runs `sandtable check` on each, then `run` and `ensemble` on those that pass. It
reports every panic, signal, run over 10 seconds, and content error printed without a line
and column, and keeps those files in fuzz/artifacts/mutate/.

    python3 fuzz/mutate.py --minutes 20 [--binary target/release/sandtable] [--seed 1]
"""

import argparse
import pathlib
import random
import re
import shutil
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TIMEOUT_S = 10
# Problems with the file as a whole, which have no place inside it.
WHOLE_FILE = ("the file is", "does not end", "cannot read the file", "did not finish arriving")
LOCATED = re.compile(r":\d+:\d+")

NUMBERS = [b"NaN", b"inf", b"-inf", b"1e999", b"-1e308", b"1e308", b"4294967295",
           b"18446744073709551616", b"-1", b"0", b"400000000", b"0.0000001", b"-0"]


def seeds():
    files = sorted((ROOT / "scenarios").glob("*.ron")) + sorted((ROOT / "tests/data").glob("*.ron"))
    return [f.read_bytes() for f in files]


def mutate(data: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(10)
    b = bytearray(data)
    if kind == 0:  # bit flips
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        return bytes(b)
    if kind == 1:  # truncation
        return bytes(b[: rng.randrange(len(b))])
    if kind == 2:  # a number replaced by a huge, negative or not-a-number one
        spots = [m.span() for m in re.finditer(rb"(?<![A-Za-z_\"])\d+(\.\d+)?", data)]
        if spots:
            for _ in range(rng.randint(1, 3)):
                s, e = rng.choice(spots)
                return data[:s] + rng.choice(NUMBERS) + data[e:]
    if kind == 3:  # deep nesting
        i = rng.randrange(len(b))
        depth = rng.choice([65, 200, 10_000, 100_000])
        opener = rng.choice([b"[", b"(", b"{", b"Some("])
        return data[:i] + opener * depth + data[i:]
    if kind == 4:  # a long name or id
        spots = [m.span() for m in re.finditer(rb'"[a-z_][a-z_0-9.]*"', data)]
        if spots:
            s, e = rng.choice(spots)
            n = rng.choice([65, 201, 65_536, 1_000_000, 4_000_000])
            return data[:s] + b'"' + rng.choice([b"x", b"\xc3\xa9", b"a_"]) * n + b'"' + data[e:]
    if kind == 5:  # a long or deep expression
        spots = [m.span() for m in re.finditer(rb'value: "[^"]*"', data)]
        if spots:
            s, e = rng.choice(spots)
            n = rng.choice([100, 2_000, 5_000, 100_000])
            body = rng.choice([b"1+" * n + b"1", b"(" * n + b"1" + b")" * n, b"-" * n + b"1",
                               b"max(" * n + b"1" + b",1)" * n, b"not " * n + b"1"])
            return data[:s] + b'value: "' + body + b'"' + data[e:]
    if kind == 6:  # an item repeated many times
        spots = [m.span() for m in re.finditer(rb"(Choice|Indicator|Event|Rule|Actor)\(", data)]
        if spots:
            s, _ = rng.choice(spots)
            depth, e = 0, s
            while e < len(data):
                c = data[e:e + 1]
                depth += c in (b"(", b"[", b"{")
                depth -= c in (b")", b"]", b"}")
                e += 1
                if depth == 0 and c == b")":
                    break
            item = data[s:e] + b", "
            return data[:s] + item * rng.choice([2, 600, 3_000]) + data[s:]
    if kind == 7:  # bytes deleted
        s = rng.randrange(len(b))
        return bytes(b[:s] + b[s + rng.randint(1, 200):])
    if kind == 8:  # random bytes inserted
        s = rng.randrange(len(b))
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        return bytes(b[:s]) + junk + bytes(b[s:])
    # a byte-order mark, or a character that is not UTF-8
    return rng.choice([b"\xef\xbb\xbf" + data, data.replace(b"e", b"\xe9", 1)])


def run(binary, args):
    start = time.monotonic()
    try:
        p = subprocess.run([binary, *args], capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "", time.monotonic() - start
    return p.returncode, p.stderr.decode("utf-8", "replace"), time.monotonic() - start


def problem(code, err, elapsed, check):
    if code is None:
        return f"hang over {TIMEOUT_S} s"
    if code < 0:
        return f"signal {-code}"
    if "panicked" in err:
        return "panic: " + err.strip().splitlines()[0][:200]
    if code not in (0, 1):
        return f"exit code {code}"
    if check and code == 1 and not LOCATED.search(err) and not any(w in err for w in WHOLE_FILE):
        return "error without a location: " + err.strip()[:200]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=20)
    ap.add_argument("--binary", default=str(ROOT / "target/release/sandtable"))
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    base = seeds()
    out_dir = ROOT / "fuzz/artifacts/mutate"
    deadline = time.monotonic() + args.minutes * 60
    counts = {"files": 0, "refused": 0, "accepted": 0, "problems": 0}
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "mutant.ron"
        while time.monotonic() < deadline:
            data = base[rng.randrange(len(base))]
            for _ in range(rng.choice([1, 1, 2, 3])):
                data = mutate(data, rng) or data
            path.write_bytes(data)
            counts["files"] += 1
            code, err, elapsed = run(args.binary, ["check", str(path)])
            slowest = max(slowest, elapsed)
            found = problem(code, err, elapsed, check=True)
            if found is None and code == 0:
                counts["accepted"] += 1
                for extra in (["run", "--scenario", str(path)],
                              ["ensemble", "--runs", "64", "--scenario", str(path)]):
                    code2, err2, elapsed2 = run(args.binary, extra)
                    slowest = max(slowest, elapsed2)
                    found = problem(code2, err2, elapsed2, check=False)
                    if found:
                        found = f"{extra[0]}: {found}"
                        break
            elif found is None:
                counts["refused"] += 1
            if found:
                counts["problems"] += 1
                out_dir.mkdir(parents=True, exist_ok=True)
                keep = out_dir / f"problem-{counts['files']}.ron"
                shutil.copy(path, keep)
                print(f"{keep.relative_to(ROOT)}: {found}", flush=True)
    print(f"{counts['files']} mutated files in {args.minutes:g} min: {counts['refused']} refused "
          f"with a location, {counts['accepted']} accepted (and run), {counts['problems']} problems; "
          f"slowest command {slowest:.2f} s")
    return 1 if counts["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
