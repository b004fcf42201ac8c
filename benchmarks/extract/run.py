"""Extraction benchmark: python benchmarks/extract/run.py [--pdfs 200] [--docx 40] [--max-pages 50]

Reads the fixture documents and a corpus generated into a temporary directory (PDFs of 1–50 pages
with Cyrillic text, DOCX with tables), each backend in its own process so peak RSS is its own.
pypdfium2 (the default) and pdfminer.six read the same PDFs in the same run.  Prints a table:
files, pages, MB, seconds, pages/s, MB/s, peak RSS per format and backend.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WORDS = ("муниципальной системы оценки качества образования показатель мониторинг анализ результатов "
         "адресные рекомендации управленческие решения педагогов обучающихся школ программа").split()


def make_corpus(folder: Path, pdfs: int, docx: int, max_pages: int, seed: int = 5) -> None:
    import docx as python_docx
    import fpdf

    rng = random.Random(seed)
    for index in range(pdfs):
        pdf = fpdf.FPDF()
        pdf.add_font("dejavu", "", FONT)
        pdf.set_font("dejavu", size=11)
        pages = 1 + min(max_pages - 1, int(rng.expovariate(1 / 8)))  # mostly short, some long
        for _ in range(pages):
            pdf.add_page()
            pdf.multi_cell(0, 6, " ".join(rng.choice(WORDS) for _ in range(330)))
        pdf.output(str(folder / f"doc{index:03d}.pdf"))
    for index in range(docx):
        document = python_docx.Document()
        document.add_heading("План мероприятий", 1)
        table = document.add_table(rows=60, cols=4)
        for row in table.rows:
            for cell in row.cells:
                cell.text = " ".join(rng.choice(WORDS) for _ in range(6))
        document.save(str(folder / f"table{index:03d}.docx"))


def _measure(label: str, files: list[str], backend: str, queue) -> None:
    from mumcheck.extract import extract_file, pdf

    if backend == "pdfminer":
        pdf._read_with_pdfium = lambda path: (_ for _ in ()).throw(RuntimeError("off"))
    ocr = backend == "tesseract"
    extract_file(files[0], "warm-up", filename=os.path.basename(files[0]))  # imports out of the timing
    started, pages, size = time.perf_counter(), 0, 0
    for path in files:
        result = extract_file(path, "bench", filename=os.path.basename(path), ocr=ocr)
        pages += result.pages or 1
        size += os.path.getsize(path)
    seconds = time.perf_counter() - started
    peak_mb = _peak_rss_mb()
    queue.put((label, backend, len(files), pages, size / 1e6, seconds, peak_mb))


def _peak_rss_mb() -> float:
    """VmHWM of this process (ru_maxrss would carry the parent's peak across exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(label: str, files: list[str], backend: str = "default") -> tuple:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(label, files, backend, queue))
    process.start()
    row = queue.get()
    process.join()
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=int, default=200)
    parser.add_argument("--docx", type=int, default=40)
    parser.add_argument("--max-pages", type=int, default=50)
    args = parser.parse_args(argv)
    fixtures = sorted(p for p in (ROOT / "fixtures" / "documents").iterdir() if p.suffix != ".yaml")
    by_format: dict[str, list[str]] = {}
    for path in fixtures:
        by_format.setdefault(path.suffix.lstrip(".") or "?", []).append(str(path))
    rows = []
    with tempfile.TemporaryDirectory(prefix="mumcheck-bench-") as work:
        folder = Path(work)
        print(f"generating {args.pdfs} PDFs and {args.docx} DOCX …", file=sys.stderr)
        make_corpus(folder, args.pdfs, args.docx, args.max_pages)
        corpus_pdfs = sorted(str(p) for p in folder.glob("*.pdf"))
        corpus_docx = sorted(str(p) for p in folder.glob("*.docx"))
        rows.append(_named(run("corpus pdf", corpus_pdfs), "pypdfium2"))
        rows.append(_named(run("corpus pdf", corpus_pdfs, "pdfminer"), "pdfminer.six"))
        rows.append(_named(run("corpus docx", corpus_docx), "python-docx"))
        for fmt, files in sorted(by_format.items()):
            rows.append(_named(run(f"fixtures {fmt}", files), "default"))
        scans = [str(ROOT / "fixtures" / "documents" / "scan.pdf")]
        rows.append(_named(run("fixtures scan.pdf, OCR", scans, "tesseract"), "tesseract rus, 1 thread"))
        if by_format.get("pdf"):
            rows.append(_named(run("fixtures pdf", by_format["pdf"], "pdfminer"), "pdfminer.six"))
    print(f"# {date.today()} · {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{os.cpu_count()} cores · Python {platform.python_version()}")
    print("| set | backend | files | pages | MB | s | pages/s | MB/s | peak RSS, MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, backend, count, pages, mb, seconds, peak in rows:
        print(f"| {label} | {backend} | {count} | {pages} | {mb:.1f} | {seconds:.2f} | {pages / seconds:.0f} | "
              f"{mb / seconds:.2f} | {peak:.0f} |")
    return 0


def _named(row: tuple, backend: str) -> tuple:
    return (row[0], backend) + row[2:]


if __name__ == "__main__":
    sys.exit(main())
