"""The published archive at scale: build time against plain MkDocs, and what a reader downloads.

    .venv/bin/python benchmarks/site_build.py [--count 1000] [--repeat 2] [--auto-nav]
    .venv/bin/python benchmarks/site_build.py --transfer --count 1000 [--count 10000]
        [--realistic] [--keep]

Build time: both builds use the repository's mkdocs.yml (Material, the same Markdown
extensions) on the same generated post-mortem files. The plugin build includes its Pagefind
index (run after the site); the plain build drops the `postmortems` plugin, reads the files as
ordinary pages from docs/postmortems/ and uses Material's own search plugin, as a plain MkDocs
site would. Both keep the post-mortem pages out of the sidebar (as the plugin's site does: the
archive is the way in); `--auto-nav` also times plain MkDocs with its default navigation
listing every page. Each build runs in its own process; the best of `--repeat` runs is kept.

Lighthouse (`--lighthouse BIN`, the `lighthouse` command of the npm package, e.g. installed
with `npm i -E lighthouse@12.2.3` in a scratch folder; Node 20 needs 12.x): performance and
accessibility of the archive, a post-mortem and the statistics page, served as for
`--transfer`, in Lighthouse's default mobile emulation with simulated throttling.

Transfer (`--transfer`): the built site is served on 127.0.0.1 by a server that compresses
text with gzip as static hosts do (GitHub Pages, Netlify; Pagefind's own files are compressed
already). Headless Chromium (Debian's /usr/bin/chromium) opens one post-mortem page and runs
one search by typing a word into the search box; the bytes of every response are summed
(headers and bodies as sent, and bodies uncompressed), and the time from the last keystroke to
the results on screen is read in the page. Goals: 1,000 post-mortems <= 500 KB for the page
plus one search; 10,000: the search answers in under a second.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "benchmarks"))

from postmortem.site.sample import write_sample_archive  # noqa: E402

PLAIN_NAV = """
nav:
  - Home: index.md
  - About: about.md

not_in_nav: |
  /postmortems/
"""
CHROMIUM = "/usr/bin/chromium"
COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map", ".wasm"}


def build(root: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one `mkdocs build` in a child process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build failed in {root}:\n{result.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def plain_config(config: str, auto_nav: bool) -> str:
    """The repository's mkdocs.yml without the plugin, with Material's search."""
    config = re.sub(r"\n  - postmortems:\n(?:      .*\n|\s*#.*\n)*", "\n  - search\n", config)
    config = re.sub(r"\nnav:\n(?:  .*\n)+", "\n", config)
    config = re.sub(r"\nnot_in_nav: \|\n(?:  .*\n)+", "\n", config)
    config = config.replace("strict: true", "strict: false")
    return config if auto_nav else config + PLAIN_NAV


def write_archive(folder: Path, count: int, realistic: bool) -> list[Path]:
    if realistic:
        from generate import generate  # benchmarks/generate.py: 1,600-word reports

        return generate(folder, count, 1600)
    return write_sample_archive(folder, count, seed=11)


def plugin_site(work: Path, count: int, realistic: bool) -> Path:
    root = work / f"with-plugin-{count}"
    shutil.copytree(REPO / "docs", root / "docs")
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    (root / "mkdocs.yml").write_text(config.replace("strict: true", "strict: false"))
    write_archive(root / "postmortems", count, realistic)
    return root


def compare_builds(args: argparse.Namespace, work: Path) -> None:
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    assert "  - postmortems:" in config
    count = args.count[0]
    with_plugin = plugin_site(work, count, args.realistic)
    plain = work / "plain"
    shutil.copytree(REPO / "docs", plain / "docs")
    shutil.copytree(with_plugin / "postmortems", plain / "docs" / "postmortems")
    (plain / "docs" / "index.md").write_text("# Post-mortems\n\nPlain MkDocs build.\n")
    (plain / "mkdocs.yml").write_text(plain_config(config, auto_nav=False))

    runs: dict[str, list[tuple[float, float]]] = {"plugin": [], "plain": []}
    for _ in range(args.repeat):
        runs["plain"].append(build(plain))
        runs["plugin"].append(build(with_plugin))
    pages = sum(1 for _ in (with_plugin / "site").rglob("index.html"))
    wall = {k: min(t[0] for t in v) for k, v in runs.items()}
    cpu = {k: min(t[1] for t in v) for k, v in runs.items()}
    print(f"post-mortems: {count}  (plugin site: {pages} HTML pages)")
    for name, times in runs.items():
        listed = ", ".join(f"{w:.2f}/{c:.2f}" for w, c in times)
        print(
            f"{name:>7}: best wall {wall[name]:.2f} s, best CPU {cpu[name]:.2f} s  "
            f"(runs wall/CPU: {listed})"
        )
    print(
        f"  ratio plugin/plain: wall {wall['plugin'] / wall['plain']:.2f}x, "
        f"CPU {cpu['plugin'] / cpu['plain']:.2f}x  (the plugin's includes its Pagefind index; "
        "CPU time is the steadier figure on a shared machine)"
    )
    if args.auto_nav:
        auto = work / "plain-auto-nav"
        shutil.copytree(plain / "docs", auto / "docs")
        (auto / "mkdocs.yml").write_text(plain_config(config, auto_nav=True))
        seconds, _ = build(auto)
        print(
            f"plain MkDocs with default navigation (every page in the sidebar): {seconds:.2f} s "
            f"-> plugin / that = {wall['plugin'] / seconds:.2f}x"
        )


class _Gzip(http.server.SimpleHTTPRequestHandler):
    """Static files, text compressed with gzip when the client accepts it."""

    def log_message(self, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSED):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


def measure_transfer(site: Path, word: str, runs: int = 3) -> dict[str, float]:
    """Bytes for one post-mortem page plus one search, and the search's answer time."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Gzip, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    page_path = next(p for p in sorted((site / "postmortems").iterdir()) if p.is_dir())
    target = base + f"postmortems/{page_path.name}/"
    result: dict[str, float] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
            )
            answers = []
            for attempt in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                tab = context.new_page()
                # Context-wide: Pagefind fetches its index from a worker.
                finished: list = []
                context.on("requestfinished", lambda request, done=finished: done.append(request))

                def sizes(done: list = finished) -> dict[str, list[float]]:
                    out = {}
                    for n, request in enumerate(done):
                        sent = request.sizes()
                        response = request.response()
                        body = len(response.body()) if response is not None else 0
                        out[f"{n} {request.url}"] = [
                            sent["responseBodySize"] + sent["responseHeadersSize"],
                            body,
                        ]
                    return out

                tab.goto(target)
                tab.wait_for_load_state("networkidle")
                page_bytes = sum(v[0] for v in sizes().values())
                box = tab.locator(".pm-search__input")
                box.click()
                box.press_sequentially(word[:-1], delay=40)
                tab.wait_for_load_state("networkidle")
                tab.evaluate(
                    """() => { window.__pmT = null; const r = document.querySelector(
                    '.pm-search__results'); new MutationObserver(() => { if (!window.__pmT &&
                    r.querySelector('mark')) window.__pmT = performance.now() - window.__pmK; })
                    .observe(r, {childList: true, subtree: true}); }"""
                )
                tab.evaluate("window.__pmK = performance.now()")
                box.press(word[-1])
                tab.wait_for_function("window.__pmT !== null", timeout=60000)
                answers.append(tab.evaluate("window.__pmT"))
                tab.wait_for_load_state("networkidle")
                if attempt == 0:
                    everything = sizes()
                    total = sum(v[0] for v in everything.values())
                    body = sum(v[1] for v in everything.values())
                    search = {key: v for key, v in everything.items() if "/pagefind/" in key}
                    for key, (sent, raw) in everything.items():
                        print(f"    {sent / 1024:7.1f} KB sent {raw / 1024:7.1f} KB raw  {key}")
                    result.update(
                        page_kb=page_bytes / 1024,
                        total_kb=total / 1024,
                        uncompressed_kb=body / 1024,
                        search_kb=sum(v[0] for v in search.values()) / 1024,
                        requests=len(everything),
                    )
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
    answers.sort()
    result["answer_ms"] = answers[len(answers) // 2]
    return result


class _Server:
    """The built site on 127.0.0.1, gzip like a static host, in a thread."""

    def __init__(self, site: Path) -> None:
        handler = functools.partial(_Gzip, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.thread.join(timeout=10)


def lighthouse(args: argparse.Namespace, work: Path) -> None:
    import json

    for count in args.count:
        root = plugin_site(work, count, args.realistic)
        build(root)
        site = root / "site"
        postmortem = next(p for p in sorted((site / "postmortems").iterdir()) if p.is_dir())
        pages = {
            "archive": "",
            "post-mortem": f"postmortems/{postmortem.name}/",
            "statistics": "statistics/",
        }
        with _Server(site) as base:
            for name, path in pages.items():
                report = work / f"lighthouse-{count}-{name}.json"
                result = subprocess.run(
                    [
                        args.lighthouse,
                        base + path,
                        "--only-categories=performance,accessibility",
                        "--output=json",
                        f"--output-path={report}",
                        "--quiet",
                        "--chrome-flags=--headless=new --no-sandbox",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=600,
                    env={**os.environ, "CHROME_PATH": CHROMIUM},
                )
                if result.returncode != 0:
                    print(f"{count} {name}: lighthouse failed: {result.stderr[-500:]}")
                    continue
                data = json.loads(report.read_text("utf-8"))
                scores = {k: v["score"] for k, v in data["categories"].items()}
                audits = data["audits"]
                print(
                    f"{count} post-mortems, {name}: performance "
                    f"{scores['performance'] * 100:.0f}, accessibility "
                    f"{scores['accessibility'] * 100:.0f}; LCP "
                    f"{audits['largest-contentful-paint']['displayValue']}, CLS "
                    f"{audits['cumulative-layout-shift']['displayValue']}, TBT "
                    f"{audits['total-blocking-time']['displayValue']}, DOM "
                    f"{audits['dom-size']['displayValue']}, weight "
                    f"{audits['total-byte-weight']['displayValue']}"
                )


def transfer(args: argparse.Namespace, work: Path) -> None:
    for count in args.count:
        root = plugin_site(work, count, args.realistic)
        seconds, cpu = build(root)
        site = root / "site"
        index = sum(f.stat().st_size for f in (site / "pagefind").rglob("*") if f.is_file())
        material = None
        figures = measure_transfer(site, args.word)
        print(
            f"{count} post-mortems ({'1,600-word reports' if args.realistic else 'sample'}): "
            f"build {seconds:.0f} s (CPU {cpu:.0f} s); Pagefind index {index / 1e6:.1f} MB on "
            "disk"
        )
        print(
            f"  one post-mortem page + one search: {figures['total_kb']:.0f} KB transferred "
            f"({figures['page_kb']:.0f} KB the page, {figures['search_kb']:.0f} KB the search; "
            f"{figures['uncompressed_kb']:.0f} KB uncompressed; {figures['requests']:.0f} "
            f"requests); search answered {figures['answer_ms']:.0f} ms after the last key "
            "(median of 3)"
        )
        if material is not None:
            print(material)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--auto-nav", action="store_true")
    parser.add_argument("--transfer", action="store_true", help="measure bytes and search time")
    parser.add_argument("--lighthouse", metavar="BIN", help="run Lighthouse (its command)")
    parser.add_argument("--realistic", action="store_true", help="1,600-word generated reports")
    parser.add_argument("--word", default="replica", help="the word searched for")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    args.count = args.count or [1000]
    work = Path(tempfile.mkdtemp(prefix="site-bench-"))
    try:
        if args.lighthouse:
            lighthouse(args, work)
        elif args.transfer:
            transfer(args, work)
        else:
            compare_builds(args, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
