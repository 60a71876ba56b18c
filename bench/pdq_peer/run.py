"""Driver for bench/pdq_vs_reference.sh: runs the tools on the same file list and checks hashes.

Runs are interleaved (reference, cordon, reference, ...) so that the tools share the machine's
load; for each tool the best wall time and the best CPU time (user + sys of the child, which
other work on a shared machine barely changes) are kept.

usage: run.py WORKDIR TRIES HASHER CORDON   (WORKDIR/list.txt: one image path per line)
"""
import json
import os
import resource
import subprocess
import sys
import time

work, tries, hasher, cordon = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
files = [f for f in open(f"{work}/list.txt").read().split("\n") if f]
n = len(files)
cores = os.cpu_count()
# cordon's default also computes MD5 and SHA-256; --no-digests does what the reference does.
hash_ = [cordon, "hash", "--json"]
tools = [
    ("reference pdq-photo-hasher (1 thread)", "ref", [hasher]),
    ("cordon hash -j 1 (+ MD5, SHA-256)", "dig", hash_ + ["-j", "1"]),
    ("cordon hash --no-digests -j 1", "one", hash_ + ["--no-digests", "-j", "1"]),
    (f"cordon hash --no-digests ({cores} threads)", "all", hash_ + ["--no-digests"]),
    ("cordon hash --no-digests --fast-jpeg -j 1", "fast1",
     hash_ + ["--no-digests", "--fast-jpeg", "-j", "1"]),
    (f"cordon hash --no-digests --fast-jpeg ({cores} t.)", "fast",
     hash_ + ["--no-digests", "--fast-jpeg"]),
]
best = {name: (float("inf"), float("inf")) for _, name, _ in tools}
for _ in range(tries):
    for _, name, cmd in tools:
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        with open(f"{work}/{name}.out", "w") as out:
            subprocess.run(cmd + files, stdout=out, stderr=subprocess.DEVNULL, check=False)
        wall = time.monotonic() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        w, c = best[name]
        best[name] = (min(w, wall), min(c, cpu))

ref = {}
for line in open(f"{work}/ref.out"):
    parts = line.strip().split(",")
    if len(parts) == 3:
        ref[parts[2]] = (parts[0], int(parts[1]))
if len(ref) < len(set(files)):
    print("warning: the reference did not hash every file", file=sys.stderr)


def check(name):
    rows = json.load(open(f"{work}/{name}.out"))
    worst, differ, missing = 0, 0, 0
    for r in rows:
        if r["file"] not in ref or r["pdq"] is None:
            missing += 1
            continue
        h, q = ref[r["file"]]
        d = bin(int(h, 16) ^ int(r["pdq"], 16)).count("1")
        if q >= 80:
            worst = max(worst, d)
        differ += d > 0
    s = f"{len(rows)} hashes, {differ} differ, max distance {worst}"
    return s + (f", {missing} missing" if missing else "")


rw, rc = best["ref"]
print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
print(f"{'':44} {'wall s':>7} {'files/s':>8} {'ratio':>6}   {'CPU s':>6} {'files/CPU-s':>11}"
      f" {'ratio':>6}   conformance (q >= 80)")
for label, name, _ in tools:
    w, c = best[name]
    conf = "-" if name == "ref" else check(name)
    print(f"{label:44} {w:7.2f} {n / w:8.1f} {rw / w:5.2f}x   {c:6.2f} {n / c:11.1f}"
          f" {rc / c:5.2f}x   {conf}")
