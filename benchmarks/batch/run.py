"""Region batch benchmark: a generated region of N municipalities × D documents on 127.0.0.1 with
injected latency, checked by `mumcheck batch` cold and then by `mumcheck monitor --batch` warm.

    python benchmarks/batch/run.py                     # 50 × 150 as in the issue, 30 ms per answer
    python benchmarks/batch/run.py --sites 10 --docs 40 # a quick look

Prints the figures as a Markdown table (paste into benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "benchmarks"))
from fastserver import ServerProcess  # noqa: E402
from prepare import compile_package  # noqa: E402
from mumcheck.siteserver import SiteServer  # noqa: E402
from mumcheck.vocab import load_vocabulary  # noqa: E402

STAGES = ["Цели и задачи", "Показатели и мониторинг показателей", "Анализ результатов мониторинга",
          "Адресные рекомендации по результатам анализа", "Мероприятия, меры, управленческие решения",
          "Анализ эффективности принятых мер"]
DIRECTIONS = {d.code: d.title for d in load_vocabulary().directions}  # the rules' own titles
HEAD = "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{}</title></head><body>"


def make_site(root: Path, index: int, documents: int, pdf: bytes) -> list[str]:
    """A municipality: home → section → 8 direction pages × 6 stages, `documents` unique PDFs."""
    (root / "mum").mkdir(parents=True)
    (root / "upload").mkdir()
    (root / "index.html").write_text(HEAD.format(f"Управление образования № {index}")
                                     + "<nav><a href='/mum/'>Муниципальные инструменты управления качеством</a></nav>"
                                       "</body></html>", encoding="utf-8")
    links = "".join(f"<li><a href='/mum/{c}.html'>{c} {t}</a></li>" for c, t in DIRECTIONS.items())
    (root / "mum" / "index.html").write_text(HEAD.format("МУМ") + f"<h1>Муниципальные инструменты управления "
                                             f"качеством</h1><ul>{links}</ul></body></html>", encoding="utf-8")
    paths = ["/", "/mum/"] + [f"/mum/{c}.html" for c in DIRECTIONS]
    slots = [(c, s) for c in DIRECTIONS for s in range(len(STAGES))]
    per_slot = {slot: [] for slot in slots}
    for n in range(documents):
        per_slot[slots[n % len(slots)]].append(n)
    for code, title in DIRECTIONS.items():
        body = [HEAD.format(code), f"<h1>{code} {title}</h1>"]
        for s, stage in enumerate(STAGES):
            body.append(f"<h2>{stage}</h2><ul>")
            for n in per_slot[(code, s)]:
                name = f"doc-{n}.pdf"
                (root / "upload" / name).write_bytes(pdf + f"\n% {index}-{n}\n".encode())  # unique content
                body.append(f"<li><a href='/upload/{name}'>Документ {n}</a></li>")
                paths.append(f"/upload/{name}")
            body.append("</ul>")
        (root / "mum" / f"{code}.html").write_text("".join(body) + "</body></html>", encoding="utf-8")
    return paths


class PeakRSS:
    """Samples the summed RSS of a process tree from /proc (KiB)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        return tree

    def _rss(self, pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(self._rss(p) for p in self._tree()))
            time.sleep(0.2)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(command: list[str]) -> tuple[float, int, int]:
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = PeakRSS(process.pid)
    _, err = process.communicate()
    peak = sampler.stop()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {err.decode()[-2000:]}")
    return time.monotonic() - started, peak, process.returncode


def document_bytes(db: Path, newest_runs: int) -> tuple[int, int, int]:
    """(documents downloaded with 200, documents answered 304, sum of their sizes) of the newest runs."""
    with sqlite3.connect(db) as conn:
        ids = [r[0] for r in conn.execute("select id from runs order by id desc limit ?", [newest_runs])]
        marks = ",".join("?" * len(ids))
        got = conn.execute(f"select count(*), coalesce(sum(size),0) from fetches where run_id in ({marks}) "
                           f"and status = 200 and is_html = 0", ids).fetchone()
        same = conn.execute(f"select count(*) from fetches where run_id in ({marks}) and status = 304", ids).fetchone()
    return got[0], same[0], got[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--docs", type=int, default=150)
    parser.add_argument("--latency", type=float, default=0.03, help="seconds added to every response")
    parser.add_argument("--concurrency", type=int, default=50, help="municipalities at once")
    parser.add_argument("--server", choices=["fast", "fixture"], default="fast",
                        help="fast: all sites from benchmarks/fastserver.py in one child process (default); "
                             "fixture: the tests' SiteServer, one thread-per-connection server per site, in this process")
    args = parser.parse_args()
    compile_package()

    pdf = (REPO / "fixtures" / "documents" / "text.pdf").read_bytes()
    work = Path(tempfile.mkdtemp(prefix="mumcheck-bench-"))
    mumcheck = [sys.executable, "-m", "mumcheck"]
    servers = []
    try:
        roots = [work / f"site{i}" for i in range(args.sites)]
        for i, root in enumerate(roots):
            make_site(root, i, args.docs, pdf)
        if args.server == "fast":
            servers = [ServerProcess(roots, latency=args.latency).start()]
            urls = [url + "/" for url in servers[0].urls]
        else:
            servers = [SiteServer(root, latency=args.latency).start() for root in roots]
            urls = [server.url("/") for server in servers]
        region = work / "region.csv"
        region.write_text("name,url\n" + "".join(f"Муниципалитет {i},{url}\n" for i, url in enumerate(urls)),
                          encoding="utf-8")
        single_db = work / "single.db"
        t_single, rss_single, _ = timed(mumcheck + ["check", urls[0], "--db", str(single_db), "-q"])
        db = work / "region.db"
        common = ["--db", str(db), "--concurrency", str(args.concurrency), "-q"]
        t_cold, rss_cold, _ = timed(mumcheck + ["batch", str(region)] + common)
        cold_docs = document_bytes(db, args.sites)
        t_warm, rss_warm, _ = timed(mumcheck + ["monitor", "--batch", str(region)] + common)
        warm_docs = document_bytes(db, args.sites)
        small = work / "small.csv"
        small.write_text("\n".join(region.read_text(encoding="utf-8").splitlines()[: 1 + max(1, args.sites // 5)]) + "\n",
                         encoding="utf-8")
        t_small, rss_small, _ = timed(mumcheck + ["batch", str(small), "--db", str(work / "small.db"),
                                                  "--concurrency", str(args.concurrency), "-q"])
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"Region benchmark — {date}, {machine}; {args.sites} municipalities × {args.docs} documents, "
          f"{args.latency * 1000:.0f} ms per response ({args.server} server), per-host limit 4, {args.concurrency} municipalities at once.\n")
    print("| run | wall time | peak RSS (tree) | documents downloaded | documents 304 | document bytes |")
    print("|---|---|---|---|---|---|")
    print(f"| one municipality alone (`check`) | {t_single:.1f} s | {rss_single / 1024:.0f} MiB | | | |")
    print(f"| {args.sites // 5 or 1} municipalities (`batch`, cold) | {t_small:.1f} s | {rss_small / 1024:.0f} MiB | | | |")
    print(f"| {args.sites} municipalities (`batch`, cold) | {t_cold:.1f} s | {rss_cold / 1024:.0f} MiB | "
          f"{cold_docs[0]} | {cold_docs[1]} | {cold_docs[2] / 1_048_576:.1f} MiB |")
    print(f"| {args.sites} municipalities (`monitor --batch`, warm) | {t_warm:.1f} s | {rss_warm / 1024:.0f} MiB | "
          f"{warm_docs[0]} | {warm_docs[1]} | {warm_docs[2] / 1_048_576:.1f} MiB |")
    print(f"\ncold batch ÷ one municipality alone: {t_cold / t_single:.2f}× (target ≤ 1.5×); "
          f"warm ÷ cold: {100 * t_warm / t_cold:.0f} % (target < 15 %); "
          f"peak RSS {args.sites} vs {args.sites // 5 or 1} municipalities: {rss_cold / max(rss_small, 1):.2f}×")


if __name__ == "__main__":
    main()
