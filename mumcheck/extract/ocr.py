"""OCR of scans and images with Tesseract (Russian), one OpenMP thread per worker."""

from __future__ import annotations

import os
import subprocess
import tempfile

from .tools import ocr_available, tool_env, which

DPI = 300
MAX_PAGES = 30  # pages of one PDF sent to OCR
PAGE_TIMEOUT = 60.0
MAX_PIXELS = 60_000_000  # a rendered page larger than this is scaled down


class OcrUnavailable(Exception):
    pass


def ocr_image(path: str) -> str:
    """Text of an image file (JPEG, PNG, TIFF; every page of a multi-page TIFF)."""
    if not ocr_available():
        raise OcrUnavailable()
    done = subprocess.run([which("tesseract"), path, "stdout", "-l", "rus", "--psm", "3"],
                          capture_output=True, timeout=PAGE_TIMEOUT * 4, env=tool_env())
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(message[-1] if message else f"tesseract: код выхода {done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def ocr_pdf(path: str, pages: list[int] | None = None) -> tuple[list[str], int]:
    """OCR text of the PDF's pages (all, or the given indexes), at most MAX_PAGES of them.

    Returns (texts in page order, pages that were left out).
    """
    import pypdfium2 as pdfium

    if not ocr_available():
        raise OcrUnavailable()
    doc = pdfium.PdfDocument(path)
    try:
        wanted = list(range(len(doc))) if pages is None else pages
        chosen, skipped = wanted[:MAX_PAGES], max(0, len(wanted) - MAX_PAGES)
        texts = {}
        with tempfile.TemporaryDirectory(prefix="mumcheck-ocr-") as work:
            for index in chosen:
                image = os.path.join(work, f"{index}.pgm")
                _render_pgm(doc[index], image)
                texts[index] = ocr_image(image)
                os.unlink(image)
        return [texts.get(index, "") for index in range(len(doc))], skipped
    finally:
        doc.close()


def _render_pgm(page, target: str) -> None:
    """Rasterise a page to an 8-bit greyscale PGM (tesseract reads it; no Pillow needed)."""
    width, height = page.get_size()
    scale = DPI / 72
    if width * height * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / (width * height)) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        info = bitmap
        buffer = bytes(bitmap.buffer)
        pixels_per_row = info.width * info.n_channels
        rows = (buffer[row * info.stride: row * info.stride + pixels_per_row] for row in range(info.height))
        if info.n_channels != 1:  # pdfium may still hand back BGR(x); take one channel
            rows = (row[::info.n_channels] for row in rows)
        with open(target, "wb") as out:
            out.write(f"P5 {info.width} {info.height} 255\n".encode("ascii"))
            for row in rows:
                out.write(row)
    finally:
        bitmap.close()
        page.close()
