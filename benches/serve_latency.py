#!/usr/bin/env python3
"""Edit-to-reload latency of `newsroom serve` on the synthetic corpus.

Starts `serve` on a generated N-article site, listens to its reload events, edits one
article several times and reports the time from the write to the `reload` event.

    cargo build --release && python3 benches/serve_latency.py --articles 10000

Targets: <= 100 ms at 10k articles (issue 6); <= 50 ms at 30k and at most 1.5x the 10k
figure (issue 13). `--site DIR` serves a copy of an already generated site.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "..", "shared", "tools", "gen_corpus.py")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "newsroom"))
    ap.add_argument("--site", help="serve this generated site (copied) instead of generating one")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="newsroom-serve-")
    site = os.path.join(work, "site")
    if args.site:
        shutil.copytree(args.site, site)
        args.articles = sum(1 for f in os.listdir(os.path.join(site, "content", "news"))
                            if f.endswith(".md") and not f.startswith("_"))
    else:
        subprocess.run([sys.executable, GEN, "--articles", str(args.articles), "--format", "zola",
                        "--out", site], check=True, stdout=subprocess.DEVNULL)
    shutil.copy(os.path.join(ROOT, "config.toml"), os.path.join(site, "config.toml"))
    shutil.rmtree(os.path.join(site, "templates"), ignore_errors=True)
    port = free_port()
    proc = subprocess.Popen([args.bin, "--root", site, "serve", "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        print(line.strip())
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /__newsroom/events HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(10)
        sock.recv(4096)  # headers and retry
        article = sorted(f for f in os.listdir(os.path.join(site, "content", "news")) if not f.startswith("_"))[-1]
        path = os.path.join(site, "content", "news", article)
        original = open(path, encoding="utf-8").read()
        times = []
        for i in range(args.edits):
            time.sleep(0.3)
            t = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(original + f"\n\nEdit {i}.\n")
            buf = b""
            while b"event: reload" not in buf:
                buf += sock.recv(4096)
            times.append((time.perf_counter() - t) * 1000)
        print(f"articles={args.articles} edits={len(times)} "
              f"median={statistics.median(times):.0f} ms min={min(times):.0f} ms max={max(times):.0f} ms")
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
