#!/usr/bin/env python3
"""Build benchmark: time a full `newsroom build` of the synthetic corpus, with peak memory.

Generates the same corpus Zola and Hugo are measured on (../shared/tools/gen_corpus.py,
Zola layout), swaps in newsroom's config.toml (the corpus ships a Zola config), builds it
`--runs` times and prints the best wall time and the peak RSS per size.

    cargo build --release
    python3 benches/build_bench.py                  # 1k, 10k, 30k
    python3 benches/build_bench.py --sizes 10000 --runs 5

    python3 benches/build_bench.py --sizes 10000 --search   # search on vs off (issue 7)

Targets (issue 2): <= 2.5 s and <= 250 MiB at 10k articles, time linear in N.
Search (issue 7): indexing adds <= 50% wall time and <= 500 MB peak memory; `--search` builds
each size with `[search] enabled = false` and with search on (alternating runs, so machine
load hits both alike), and prints the index's size: shards, largest shard, doc records.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "..", "shared", "tools", "gen_corpus.py")


def run_once(binary, site):
    """Wall seconds and peak RSS (MiB) of one build, measured in a fresh child."""
    code = (
        "import resource,subprocess,sys,time;"
        "t=time.perf_counter();"
        "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
        "w=time.perf_counter()-t;"
        "m=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024;"
        "sys.stderr.write(r.stderr.decode()) if r.returncode else None;"
        "print(w,m,r.returncode)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, binary, "--root", site, "build"],
        capture_output=True, text=True, check=True,
    )
    wall, mem, rc = out.stdout.split()
    if rc != "0":
        sys.exit(f"build failed for {site}:\n{out.stderr}")
    return float(wall), float(mem)


def tree_bytes(d):
    files = [os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs]
    return len(files), sum(os.path.getsize(f) for f in files), max((os.path.getsize(f) for f in files), default=0)


def compare_search(args, site, n):
    """Search off vs on for one corpus: best wall, peak RSS, and the index's size."""
    off = site + "-nosearch"
    if not os.path.exists(off):
        os.makedirs(off)
        os.symlink(os.path.join(site, "content"), os.path.join(off, "content"))
        with open(os.path.join(site, "config.toml")) as f:
            cfg = f.read()
        with open(os.path.join(off, "config.toml"), "w") as f:
            f.write(cfg.replace("[extra]", "[search]\nenabled = false\n\n[extra]"))
    runs = {"off": [], "on": []}
    for _ in range(args.runs):
        runs["off"].append(run_once(args.bin, off))
        runs["on"].append(run_once(args.bin, site))
    best = {k: min(w for w, _ in v) for k, v in runs.items()}
    peak = {k: max(m for _, m in v) for k, v in runs.items()}
    print(f"{n:>9} search off: best {best['off']:.2f} s, peak {peak['off']:.0f} MiB")
    print(f"{n:>9} search on:  best {best['on']:.2f} s, peak {peak['on']:.0f} MiB "
          f"(+{(best['on'] / best['off'] - 1) * 100:.0f}% time, +{peak['on'] - peak['off']:.0f} MiB)")
    out = os.path.join(site, "public", "search")
    s_files, s_bytes, s_max = tree_bytes(os.path.join(out, "shards"))
    d_files, d_bytes, d_max = tree_bytes(os.path.join(out, "docs"))
    print(f"{n:>9} index: {s_files} shards, {s_bytes / 1024:.0f} KiB (largest {s_max / 1024:.1f} KiB); "
          f"{d_files} doc files, {d_bytes / 1024:.0f} KiB (largest {d_max / 1024:.1f} KiB)", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,30000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "newsroom"))
    ap.add_argument("--keep", action="store_true", help="keep the generated corpora")
    ap.add_argument("--search", action="store_true", help="compare builds with search off and on")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release` first")
    if not os.path.exists(GEN):
        sys.exit(f"{GEN} not found: the benchmark needs ../shared")
    work = tempfile.mkdtemp(prefix="newsroom-bench-")
    print(f"{'articles':>9} {'best wall s':>12} {'median s':>9} {'peak MiB':>9} {'us/article':>11}")
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            site = os.path.join(work, f"c{n}")
            subprocess.run([sys.executable, GEN, "--articles", str(n), "--format", "zola", "--out", site],
                           check=True, stdout=subprocess.DEVNULL)
            shutil.copy(os.path.join(ROOT, "config.toml"), os.path.join(site, "config.toml"))
            # Zola templates in the corpus are for Zola; newsroom uses its embedded theme.
            shutil.rmtree(os.path.join(site, "templates"), ignore_errors=True)
            if args.search:
                compare_search(args, site, n)
                continue
            results = [run_once(args.bin, site) for _ in range(args.runs)]
            walls = sorted(r[0] for r in results)
            peak = max(r[1] for r in results)
            print(f"{n:>9} {walls[0]:>12.2f} {walls[len(walls)//2]:>9.2f} {peak:>9.0f} {walls[0]/n*1e6:>11.0f}",
                  flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
