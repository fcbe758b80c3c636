#!/usr/bin/env python3
"""Rebuild benchmark: newsroom vs Hugo on the synthetic corpus, fresh and incremental builds.

Generates the synthetic corpus (../shared/tools/gen_corpus.py) once per size in both layouts:
Zola's for newsroom (with newsroom's config.toml and the embedded default theme, plus a
site-local copy of its `base.html` so a template can be edited) and Hugo's (with the minimal
layouts gen_corpus ships). Then, in the same run, it measures each case for newsroom and Hugo
in alternating pairs (newsroom, Hugo, newsroom, Hugo, ...) so machine load hits both alike, and
reports medians:

    fresh     output (and newsroom's .public.* state) deleted, then a build
    noop      a build with nothing changed (Hugo: its default in-place build)
    edit1     one more sentence appended to the body of one fixed article, then a build
    add20     20 new articles (newest dates), then a build; they are removed and both sites
              rebuilt, unmeasured (Hugo with --cleanDestinationDir), before the next pair
    template  an HTML comment appended to the base template (newsroom: templates/base.html,
              Hugo: layouts/_default/baseof.html), different each run, then a build

Each build runs in a fresh child, so its wall time and peak RSS (RUSAGE_CHILDREN) are its own.
Around each measured build the output tree is snapshotted ({path: (inode, mtime, size)}, outside
the timed region): "written" counts files created or changed, "removed" files deleted. Before
each measured build the script calls sync(), so one tool's writeback does not land in the
other's timing. Sizes in --newsroom-only-sizes run newsroom alone.

    cargo build --release
    python3 benches/rebuild_bench.py                      # 10k and 30k, 3 pairs, all cases
    python3 benches/rebuild_bench.py --quick              # 1k, 1 pair: a smoke test
    python3 benches/rebuild_bench.py --sizes 30000 --newsroom-only-sizes 100000 --json out.json
    python3 benches/rebuild_bench.py --cases noop,edit1 --keep /tmp/rb   # reuse corpora
    python3 benches/rebuild_bench.py --no-hugo --sizes 30000,100000 --cases fresh,noop \
        --alternate-fresh 5 --keep /tmp/rb          # scaling, sizes alternated

Targets (issue 13), against Hugo 0.111 on the same corpus and machine:
  - no-op rebuild <= 0.1x Hugo's in-place rebuild
  - one-article edit <= 0.1x
  - template edit <= 0.5x
  - fresh build <= 0.5x
  - from 30k to 100k articles, time per article grows <= 15%; peak memory at 100k <= 1 GiB
"""
import argparse
import datetime
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "..", "shared", "tools", "gen_corpus.py")
CASES = ["fresh", "noop", "edit1", "add20", "template"]
EDIT_MARK = "\n\nBenchmark edit "
TPL_MARK = "\n<!-- rebuild-bench template "
ADD_PREFIX = "rebuild-bench-"
ADD_COUNT = 20


def run_once(cmd, what):
    """Wall seconds and peak RSS (MiB) of one build, measured in a fresh child."""
    code = (
        "import resource,subprocess,sys,time;"
        "t=time.perf_counter();"
        "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
        "w=time.perf_counter()-t;"
        "m=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024;"
        "sys.stderr.write(r.stderr.decode(errors='replace')) if r.returncode else None;"
        "print(w,m,r.returncode)"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True)
    try:
        wall, mem, rc = out.stdout.split()
    except ValueError:
        rc = "?"
    if out.returncode != 0 or rc != "0":
        sys.exit(f"{what} failed: {' '.join(cmd)}\n{out.stderr}")
    return float(wall), float(mem)


def snapshot(root):
    """{relpath: (inode, mtime_ns, size)} of every file under root."""
    snap = {}
    if not os.path.isdir(root):
        return snap
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(root, rel) if rel else root) as it:
            for e in it:
                r = f"{rel}/{e.name}" if rel else e.name
                if e.is_dir(follow_symlinks=False):
                    stack.append(r)
                else:
                    st = e.stat(follow_symlinks=False)
                    snap[r] = (e.inode(), st.st_mtime_ns, st.st_size)
    return snap


def diff(before, after):
    created = sum(1 for k in after if k not in before)
    removed = sum(1 for k in before if k not in after)
    changed = sum(1 for k, v in after.items() if k in before and before[k] != v)
    return created, changed, removed


def strip_from(path, mark):
    """Text of path with everything from mark on removed (undoes an earlier run's edit)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    i = text.find(mark)
    return text if i < 0 else text[:i] + ("\n" if not text[:i].endswith("\n") else "")


class Tool:
    def __init__(self, name, site, cmd, template):
        self.name, self.site, self.cmd = name, site, cmd
        self.public = os.path.join(site, "public")
        self.news = os.path.join(site, "content", "news")
        self.template = template
        self.template_orig = None
        self.article = None
        self.article_orig = None

    def build(self, extra=()):
        return run_once(self.cmd + list(extra), f"{self.name} build of {self.site}")

    def clean(self):
        shutil.rmtree(self.public, ignore_errors=True)
        if self.name == "newsroom":
            for p in glob.glob(os.path.join(self.site, ".public.*")):
                shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)

    def reset(self):
        """Undo edits a previous (possibly interrupted) run left in a kept corpus."""
        for p in glob.glob(os.path.join(self.news, ADD_PREFIX + "*.md")):
            os.remove(p)
        names = sorted(n for n in os.listdir(self.news) if n.endswith(".md") and n != "_index.md")
        self.article = os.path.join(self.news, names[len(names) // 2])
        self.article_orig = strip_from(self.article, EDIT_MARK)
        self.template_orig = strip_from(self.template, TPL_MARK)
        write(self.article, self.article_orig)
        write(self.template, self.template_orig)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def prepare_corpora(args, work, n, with_hugo):
    """(newsroom site, Hugo site or None), generated or reused from --keep."""
    sites = {}
    for fmt, name in [("zola", "newsroom"), ("hugo", "hugo")]:
        if name == "hugo" and not with_hugo:
            continue
        site = os.path.join(work, f"{name}-{n}")
        marker = os.path.join(site, ".rebuild-bench.json")
        want = {"articles": n, "format": fmt}
        try:
            with open(marker) as f:
                reuse = json.load(f) == want
        except (OSError, ValueError):
            reuse = False
        if not reuse:
            print(f"generating {n} articles ({fmt}) in {site}", flush=True)
            subprocess.run([sys.executable, GEN, "--articles", str(n), "--format", fmt, "--out", site],
                           check=True, stdout=subprocess.DEVNULL)
            if name == "newsroom":
                # The corpus's Zola templates are for Zola; newsroom uses its embedded theme,
                # with base.html copied out (unchanged) so the template case can edit it.
                shutil.rmtree(os.path.join(site, "templates"), ignore_errors=True)
                theme = tempfile.mkdtemp(prefix="newsroom-theme-")
                try:
                    r = subprocess.run([args.binary, "init", os.path.join(theme, "s"), "--templates"],
                                       capture_output=True, text=True)
                    if r.returncode:
                        sys.exit(f"newsroom init --templates failed:\n{r.stderr}")
                    os.makedirs(os.path.join(site, "templates"))
                    shutil.copy(os.path.join(theme, "s", "templates", "base.html"),
                                os.path.join(site, "templates", "base.html"))
                finally:
                    shutil.rmtree(theme, ignore_errors=True)
            write(marker, json.dumps(want))
        if name == "newsroom":
            shutil.copy(os.path.join(ROOT, "config.toml"), os.path.join(site, "config.toml"))
        sites[name] = site
    tools = [Tool("newsroom", sites["newsroom"], [args.binary, "--root", sites["newsroom"], "build"],
                  os.path.join(sites["newsroom"], "templates", "base.html"))]
    if with_hugo:
        tools.append(Tool("hugo", sites["hugo"], [args.hugo, "--source", sites["hugo"], "--quiet"],
                          os.path.join(sites["hugo"], "layouts", "_default", "baseof.html")))
    return tools


def added_article(tool, k, pair, when):
    text = tool.article_orig
    text = re.sub(r'(?m)^title = ".*"$', f'title = "Rebuild benchmark article {k} (pair {pair})"', text, count=1)
    text = re.sub(r"(?m)^date = .*$", "date = " + when.strftime("%Y-%m-%dT%H:%M:%SZ"), text, count=1)
    return text


def prepare(tool, case, n, pair):
    """Make the change a case measures (outside the timed region)."""
    if case == "fresh":
        tool.clean()
    elif case == "edit1":
        # Appended to the last run's text: every run adds words (changing the document's length,
        # as a real edit does), not just a different digit in the same place.
        with open(tool.article, encoding="utf-8") as f:
            text = f.read()
        write(tool.article, text.rstrip("\n") + EDIT_MARK +
              f"{pair}: the rebuild benchmark appended sentence number {pair} to the {n}-article corpus.\n")
    elif case == "add20":
        base = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(days=1)
        for k in range(1, ADD_COUNT + 1):
            write(os.path.join(tool.news, f"{ADD_PREFIX}{k:02d}.md"),
                  added_article(tool, k, pair, base - datetime.timedelta(minutes=k)))
    elif case == "template":
        write(tool.template, tool.template_orig.rstrip("\n") + "\n" + TPL_MARK.lstrip("\n") +
              f"{n}/{pair} -->\n")


def undo_add20(tool):
    for p in glob.glob(os.path.join(tool.news, ADD_PREFIX + "*.md")):
        os.remove(p)
    # Hugo's in-place build keeps the removed articles' pages; clean them so pairs start alike.
    tool.build(["--cleanDestinationDir"] if tool.name == "hugo" else [])


def measure(tool, case, n, pair):
    prepare(tool, case, n, pair)
    before = snapshot(tool.public)
    os.sync()
    wall, mem = tool.build()
    created, changed, removed = diff(before, snapshot(tool.public))
    return {"pair": pair, "wall_s": wall, "peak_mib": mem, "created": created, "changed": changed,
            "removed": removed, "written": created + changed, "files_after": None}


def median(xs):
    return statistics.median(xs) if xs else None


def run_size(args, work, n, with_hugo):
    tools = prepare_corpora(args, work, n, with_hugo)
    for t in tools:
        t.reset()
        t.build()  # warm-up: output current before the first case
    res = {c: {t.name: [] for t in tools} for c in args.cases}
    for pair in range(1, args.pairs + 1):
        for case in args.cases:
            for t in tools:
                r = measure(t, case, n, pair)
                r["files_after"] = len(snapshot(t.public))
                res[case][t.name].append(r)
                print(f"  {n} pair {pair} {case:<8} {t.name:<8} {r['wall_s']:7.3f} s "
                      f"{r['peak_mib']:6.0f} MiB  written {r['written']} removed {r['removed']}", flush=True)
            if case == "add20":
                for t in tools:
                    undo_add20(t)
    for t in tools:  # leave kept corpora as generated
        write(t.article, t.article_orig)
        write(t.template, t.template_orig)
    return res


def fmt_files(runs):
    w = int(median([r["written"] for r in runs]))
    rm = int(median([r["removed"] for r in runs]))
    return f"{w}" + (f" (-{rm})" if rm else "")


def report(n, res, with_hugo):
    print(f"\n### {n} articles" + ("" if with_hugo else " (newsroom only)") + "\n")
    print("| case | newsroom s (median) | Hugo s (median) | ratio | newsroom files written | "
          "Hugo files written | newsroom peak MiB | Hugo peak MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for case, by in res.items():
        nr = by["newsroom"]
        hg = by.get("hugo", [])
        nm = median([r["wall_s"] for r in nr])
        hm = median([r["wall_s"] for r in hg])
        ratio = f"{nm / hm:.3f}" if hm else "–"
        hs = f"{hm:.3f}" if hm is not None else "–"
        hfiles = fmt_files(hg) if hg else "–"
        npeak = max(r["peak_mib"] for r in nr)
        hpeak = f"{max(r['peak_mib'] for r in hg):.0f}" if hg else "–"
        print(f"| {case} | {nm:.3f} | {hs} | {ratio} | {fmt_files(nr)} | {hfiles} | {npeak:.0f} | {hpeak} |")
    print("\nfiles written = created + changed (median), (-N) = removed; peak = max over runs\n")
    print("runs (s; written/removed):")
    for case, by in res.items():
        for tool, runs in by.items():
            walls = " ".join(f"{r['wall_s']:.3f}" for r in runs)
            files = " ".join(f"{r['written']}/{r['removed']}" for r in runs)
            print(f"  {case:<8} {tool:<8} {walls}   files {files}   ({runs[0]['files_after']} files in output)")


def scaling(results):
    """newsroom time per article between sizes (the 30k -> 100k target)."""
    sizes = sorted(results)
    if len(sizes) < 2:
        return
    print("\n### newsroom scaling\n")
    print("| articles | fresh s | fresh µs/article | growth | noop s | peak MiB (all cases) |")
    print("|---:|---:|---:|---:|---:|---:|")
    prev = None
    for n in sizes:
        res = results[n]
        fresh = median([r["wall_s"] for r in res["fresh"]["newsroom"]]) if "fresh" in res else None
        noop = median([r["wall_s"] for r in res["noop"]["newsroom"]]) if "noop" in res else None
        peak = max(r["peak_mib"] for by in res.values() for r in by["newsroom"])
        per = fresh / n * 1e6 if fresh is not None else None
        growth = f"{(per / prev - 1) * 100:+.0f}%" if per is not None and prev else "–"
        print(f"| {n} | {f'{fresh:.3f}' if fresh is not None else '–'} | {f'{per:.0f}' if per else '–'} | "
              f"{growth} | {f'{noop:.3f}' if noop is not None else '–'} | {peak:.0f} |")
        prev = per


def alternating_fresh(args, work, sizes, rounds):
    """Fresh newsroom builds of every size in turn, `rounds` times (30k, 100k, 30k, 100k, ...):
    on this VM a fresh build's disk time swings by 2x with what the file system freed just before,
    so sizes measured one after the other are not comparable; alternated, they meet the same."""
    tools = {n: prepare_corpora(args, work, n, False)[0] for n in sizes}
    walls = {n: [] for n in sizes}
    for r in range(rounds):
        for n in sizes:
            t = tools[n]
            t.reset()
            t.clean()
            os.sync()
            wall, mem = t.build()
            walls[n].append(wall)
            print(f"  alternating fresh round {r + 1}: {n} articles {wall:.3f} s "
                  f"({wall / n * 1e6:.0f} µs/article, {mem:.0f} MiB)", flush=True)
    print("\n### newsroom fresh builds, sizes alternated\n")
    print("| articles | median s | µs/article | growth |")
    print("|---:|---:|---:|---:|")
    prev = None
    for n in sizes:
        m = median(walls[n])
        per = m / n * 1e6
        growth = f"{(per / prev - 1) * 100:+.0f}%" if prev else "–"
        print(f"| {n} | {m:.3f} | {per:.0f} | {growth} |")
        prev = per


def sizes_arg(s):
    return [int(x) for x in s.split(",") if x.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,30000", help="corpus sizes run with Hugo (default 10000,30000)")
    ap.add_argument("--newsroom-only-sizes", default="", help="sizes run without Hugo, e.g. 100000")
    ap.add_argument("--pairs", type=int, default=3, help="measured pairs per case (default 3)")
    ap.add_argument("--cases", default=",".join(CASES), help="subset of " + ",".join(CASES))
    ap.add_argument("--no-hugo", action="store_true", help="measure newsroom only")
    ap.add_argument("--quick", action="store_true", help="1k articles, 1 pair (a smoke test)")
    ap.add_argument("--keep", metavar="DIR", help="generate corpora in DIR and reuse them next time")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "newsroom"))
    ap.add_argument("--hugo", default=shutil.which("hugo") or "/usr/bin/hugo")
    ap.add_argument("--json", metavar="FILE", help="write every run's numbers to FILE")
    ap.add_argument("--alternate-fresh", type=int, default=0, metavar="ROUNDS",
                    help="then fresh newsroom builds of all sizes in turn, ROUNDS times (scaling)")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.pairs, args.newsroom_only_sizes = "1000", 1, ""
    args.cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    bad = [c for c in args.cases if c not in CASES]
    if bad:
        sys.exit(f"unknown case(s) {', '.join(bad)}; choose from {', '.join(CASES)}")
    args.binary = os.path.abspath(args.binary)
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} not found: run `cargo build --release` first")
    if not os.path.exists(GEN):
        sys.exit(f"{GEN} not found: the benchmark needs ../shared")
    if not args.no_hugo and not (args.hugo and os.path.exists(args.hugo)):
        sys.exit("hugo not found: pass --hugo PATH or --no-hugo")
    plan = [(n, not args.no_hugo) for n in sizes_arg(args.sizes)]
    plan += [(n, False) for n in sizes_arg(args.newsroom_only_sizes)]
    hugo_version = ""
    if not args.no_hugo:
        hugo_version = subprocess.run([args.hugo, "version"], capture_output=True, text=True).stdout.strip()
        print(hugo_version)
    if args.keep:
        work = os.path.abspath(args.keep)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="newsroom-rebuild-")
    results, with_hugo = {}, {}
    try:
        for n, h in plan:
            results[n] = run_size(args, work, n, h)
            with_hugo[n] = h
            report(n, results[n], h)
        scaling(results)
        if args.alternate_fresh:
            alternating_fresh(args, work, sorted(results), args.alternate_fresh)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"binary": args.binary, "hugo": hugo_version, "pairs": args.pairs,
                           "cases": args.cases, "cpus": os.cpu_count(),
                           "sizes": {str(n): {"hugo": with_hugo[n], "cases": results[n]} for n in results}},
                          f, indent=1)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
