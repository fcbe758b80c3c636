#!/usr/bin/env python3
"""Convert benchmark: `newsroom convert` throughput over a directory of scraped HTML pages.

All pages are converted by ONE `newsroom convert --out <tmp> FILE…` invocation (convert takes
many inputs and analyses them in parallel), `--runs` times; the best wall time gives pages/s,
pages/s per core and MB/s of input. Then the same on a single core (`taskset -c 0`) when
taskset exists, which is the per-core cost without rayon's help. Every run starts from an
empty output directory, so nothing is skipped as `unchanged`.

Inputs: every file of ../shared/devsets/html-extraction/pages (files are passed one by one,
so the page without an .html suffix is included) plus the HTML cases of
../shared/devsets/scrapes (`*/input.html`).

    cargo build --release
    python3 benches/extract_bench.py
    python3 benches/extract_bench.py --runs 10 --pages DIR --no-scrapes

Pages that convert reports as failed (no article found, …) are counted and shown; they are
still read and parsed, so they stay in the throughput.
"""
import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "devsets")
SUMMARY = re.compile(r"converted (\d+), unchanged (\d+), skipped (\d+) \(exists\), failed (\d+)")


def inputs(pages_dir, scrapes_dir):
    files = []
    if pages_dir:
        for name in sorted(os.listdir(pages_dir)):
            p = os.path.join(pages_dir, name)
            if os.path.isfile(p):
                files.append(p)
    if scrapes_dir and os.path.isdir(scrapes_dir):
        for case in sorted(os.listdir(scrapes_dir)):
            p = os.path.join(scrapes_dir, case, "input.html")
            if os.path.isfile(p):
                files.append(p)
    return files


def run_once(cmd_prefix, binary, files):
    """Wall seconds, CPU seconds (user+sys) and the summary counts of one convert run."""
    out = tempfile.mkdtemp(prefix="newsroom-extract-bench-")
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run(cmd_prefix + [binary, "convert", "--out", out] + files,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    m = SUMMARY.search(r.stderr)
    if not m:
        sys.exit(f"convert gave no summary line (exit {r.returncode}):\n{r.stderr[-3000:]}")
    converted, _, _, failed = (int(x) for x in m.groups())
    errors = [l for l in r.stderr.splitlines() if l.startswith("error:")]
    return wall, cpu, converted, failed, errors


def measure(label, cmd_prefix, cores, args, files, total_bytes):
    runs = [run_once(cmd_prefix, args.bin, files) for _ in range(args.runs)]
    walls = sorted(r[0] for r in runs)
    best = walls[0]
    cpu = min(r[1] for r in runs)
    _, _, converted, failed, errors = runs[0]
    n = len(files)
    print(f"{label:<22} {n:>6} {best:>8.3f} {walls[len(walls) // 2]:>8.3f} {n / best:>9.1f} "
          f"{n / best / cores:>10.1f} {total_bytes / best / 1e6:>8.1f} {cpu / n * 1e3:>9.2f} "
          f"{converted:>6} {failed:>6}", flush=True)
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", default=os.path.join(SHARED, "html-extraction", "pages"),
                    help="directory of HTML pages (every file is an input)")
    ap.add_argument("--scrapes", default=os.path.join(SHARED, "scrapes"),
                    help="scrape dev set: its */input.html cases are added")
    ap.add_argument("--no-scrapes", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "newsroom"))
    ap.add_argument("--show-errors", action="store_true", help="print the failed pages")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release` first")
    if not os.path.isdir(args.pages):
        sys.exit(f"{args.pages} not found: the benchmark needs ../shared")
    files = inputs(args.pages, None if args.no_scrapes else args.scrapes)
    total_bytes = sum(os.path.getsize(f) for f in files)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{len(files)} pages, {total_bytes / 1e6:.1f} MB; best of {args.runs} runs; {cores} cores")
    print(f"{'mode':<22} {'pages':>6} {'best s':>8} {'median':>8} {'pages/s':>9} "
          f"{'pages/s/core':>10} {'MB/s':>8} {'cpu ms/pg':>9} {'ok':>6} {'failed':>6}")
    errors = measure(f"all cores ({cores})", [], cores, args, files, total_bytes)
    taskset = shutil.which("taskset")
    if taskset and cores > 1:
        measure("single core (cpu 0)", [taskset, "-c", "0"], 1, args, files, total_bytes)
    elif not taskset:
        print("taskset not found: no single-core run")
    if args.show_errors:
        print("\n".join(errors))
    elif errors:
        print(f"({len(errors)} pages failed; --show-errors lists them)")


if __name__ == "__main__":
    main()
